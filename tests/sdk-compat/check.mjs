// Checks a running tagoform emulator against TagoIO's official JavaScript SDK.
//
// Usage: node check.mjs URL [TOKEN]
//   or:  TAGOIO_API=URL [TAGOIO_TOKEN=...] node check.mjs
// The demo account's credentials come from TAGOFORM_EMAIL / TAGOFORM_PASSWORD (default:
// the emulator's documented demo seed). Without a token, one is made for the account's
// first profile through the SDK's Account.tokenCreate.
//
// Every answer is checked strictly. Where the SDK and the emulator disagree, the emulator
// is wrong. Prints `N passed, M failed` last and exits non-zero on any failure.

import assert from "node:assert/strict";
import { createHmac } from "node:crypto";

// The SDK repeats failed requests up to 5 times by default; one attempt keeps an emulator
// error visible instead of hiding it behind a retry.
process.env.TAGOIO_REQUEST_ATTEMPTS = "1";
const { Account, Resources } = await import("@tago-io/sdk");
const { settings, check, finish } = await import("./harness.mjs");

const { api, email, password, region } = settings("check.mjs", "URL [TOKEN]");
// An account of the demo seed that is not on any team yet, to invite.
const inviteeEmail = process.env.TAGOFORM_INVITEE || "alice@acme.example";

const ID = /^[0-9a-f]{24}$/;

/** The SDK throws the server's message (a string) on a 4xx answer. */
async function rejects(promise, pattern) {
  let thrown;
  try {
    await promise;
  } catch (error) {
    thrown = error;
  }
  assert.notEqual(thrown, undefined, "expected the request to be refused");
  assert.equal(typeof thrown, "string", `expected the server's message, got ${JSON.stringify(thrown)}`);
  assert.match(thrown, pattern);
  return thrown;
}

const login = await check("Account.login answers the account and its profiles", async () => {
  const result = await Account.login({ email, password }, region);
  assert.match(result.id, ID);
  assert.equal(result.email, email);
  assert.equal(typeof result.name, "string");
  assert.ok(Array.isArray(result.profiles) && result.profiles.length > 0, "profiles");
  for (const profile of result.profiles) {
    assert.match(profile.id, ID);
    assert.equal(typeof profile.name, "string");
  }
  return result;
});

await check("Account.login refuses a wrong password", () =>
  rejects(Account.login({ email, password: `${password}-wrong` }, region), /./),
);

const homeProfile = login?.profiles[0]?.id;
let token = process.argv[3] || process.env.TAGOIO_TOKEN;
const madeToken = await check("Account.tokenCreate makes a token for a profile", async () => {
  const result = await Account.tokenCreate(
    { email, password, profile_id: homeProfile, name: "sdk-compat", expire_time: "1 day" },
    region,
  );
  assert.equal(typeof result.token, "string");
  assert.ok(result.token.length >= 16, "a full token value");
  // The spec's answer (specs/tagoio-api.yaml /account/profile/token), exactly these keys.
  assert.deepEqual(Object.keys(result).sort(), ["created_by", "name", "permission", "profile", "token"]);
  assert.equal(result.profile, homeProfile);
  assert.equal(result.name, "sdk-compat");
  return result.token;
});
token = token || madeToken;
const resources = new Resources({ token: token || "missing", region });

await check("a request without a valid token is refused", () =>
  rejects(new Resources({ token: "not-a-token", region }).profiles.list(), /./),
);

// ---- Profiles --------------------------------------------------------------------------

await check("profiles.list includes the account's profiles", async () => {
  const list = await resources.profiles.list();
  assert.ok(Array.isArray(list));
  for (const profile of login?.profiles ?? []) {
    assert.ok(
      list.some((item) => item.id === profile.id && item.name === profile.name),
      `profile ${profile.name} (${profile.id}) listed`,
    );
  }
});

const profileName = `SDK compat ${Date.now()}`;
const profileId = await check("profiles.create answers the new id", async () => {
  const result = await resources.profiles.create({ name: profileName });
  assert.deepEqual(Object.keys(result), ["id"]);
  assert.match(result.id, ID);
  return result.id;
});

await check("profiles.info answers info with parsed dates", async () => {
  const result = await resources.profiles.info(profileId);
  assert.equal(result.info.id, profileId);
  assert.equal(result.info.name, profileName);
  assert.equal(result.info.account, login?.id);
  assert.ok(result.info.created_at instanceof Date && !Number.isNaN(result.info.created_at.getTime()));
  assert.ok(result.info.updated_at instanceof Date && !Number.isNaN(result.info.updated_at.getTime()));
});

await check("profiles.edit renames", async () => {
  const result = await resources.profiles.edit(profileId, { name: `${profileName} renamed` });
  assert.equal(typeof result, "string");
  const info = await resources.profiles.info(profileId);
  assert.equal(info.info.name, `${profileName} renamed`);
});

await check("profiles.create allows a duplicate name", async () => {
  const again = await resources.profiles.create({ name: `${profileName} renamed` });
  assert.match(again.id, ID);
  assert.notEqual(again.id, profileId);
  assert.equal(typeof (await resources.profiles.delete(again.id, { password })), "string");
});

await check("profiles.info of an unknown id is refused", () =>
  rejects(resources.profiles.info("000000000000000000000000"), /./),
);

await check('profiles.info("current") answers the token\'s own profile in the SDK\'s shape', async () => {
  const result = await resources.profiles.info("current");
  assert.equal(result.info.id, homeProfile);
  assert.equal(result.info.account, login?.id);
  assert.deepEqual(Object.keys(result).sort(), ["account_plan", "addons", "allocation", "info"]);
  assert.deepEqual(
    Object.keys(result.info).sort(),
    ["account", "banner_url", "created_at", "id", "logo_url", "name", "updated_at"],
  );
  assert.deepEqual(Object.keys(result.addons).sort(), ["custom_dns", "mobile"]);
});

// ---- Team ------------------------------------------------------------------------------

await check("profiles.addTeamMember invites an existing account", async () => {
  const result = await resources.profiles.addTeamMember(profileId, inviteeEmail);
  assert.equal(typeof result, "string");
});

const invitee = await check("profiles.teamList items are exactly the SDK's ProfileTeam", async () => {
  const team = await resources.profiles.teamList(profileId);
  assert.ok(Array.isArray(team));
  const member = team.find((item) => item.email === inviteeEmail);
  assert.ok(member, `${inviteeEmail} listed`);
  assert.deepEqual(Object.keys(member).sort(), ["active", "created_at", "email", "id", "name"]);
  assert.match(member.id, ID);
  assert.equal(member.active, false);
  assert.equal(typeof member.name, "string");
  assert.ok(!Number.isNaN(Date.parse(member.created_at)), "created_at is a date");
  return member;
});

// The invitee answers in TagoIO's way: the notification's button (Notifications.ts).
const inviteePassword = process.env.TAGOFORM_INVITEE_PASSWORD || "alice-password";
const inviteeResources = await check("the invitee signs in to its own profile", async () => {
  const own = await Account.login({ email: inviteeEmail, password: inviteePassword }, region);
  const made = await Account.tokenCreate(
    { email: inviteeEmail, password: inviteePassword, profile_id: own.profiles[0].id, name: "sdk-invitee", expire_time: "1 day" },
    region,
  );
  return new Resources({ token: made.token, region });
});

await check("notifications.list shows the invitation with accept and refuse buttons", async () => {
  const list = await inviteeResources.notifications.list();
  const [newest] = list;
  assert.ok(newest, "a notification");
  assert.match(newest.id, ID);
  assert.ok(newest.created_at instanceof Date, "created_at parsed");
  const triggers = newest.buttons.map((button) => button.triggers[0].share_profile).sort();
  assert.deepEqual(triggers, ["accept", "refuse"]);
});

await check("notifications.notificationButton accepts the invitation", async () => {
  const [newest] = await inviteeResources.notifications.list();
  const accept = newest.buttons.find((button) => button.triggers[0].share_profile === "accept");
  assert.equal(typeof (await inviteeResources.notifications.notificationButton(newest.id, accept.id)), "string");
  const team = await resources.profiles.teamList(profileId);
  assert.equal(team.find((item) => item.email === inviteeEmail)?.active, true);
  await rejects(inviteeResources.notifications.notificationButton(newest.id, accept.id), /./);
});

await check("profiles.addTeamMember refuses an email without an account", () =>
  rejects(resources.profiles.addTeamMember(profileId, "nobody-here@example.invalid"), /./),
);

await check("profiles.deleteTeamMember removes the member", async () => {
  const result = await resources.profiles.deleteTeamMember(profileId, invitee?.id);
  assert.equal(typeof result, "string");
  const team = await resources.profiles.teamList(profileId);
  assert.ok(!team.some((item) => item.email === inviteeEmail), "member gone");
});

// ---- Account tokens --------------------------------------------------------------------

const created = await check("profiles.tokenCreate answers the full token once", async () => {
  const result = await resources.profiles.tokenCreate(profileId, {
    name: "sdk read token",
    permission: "read",
    expire_time: "never",
    email,
    password,
  });
  assert.equal(typeof result.token, "string");
  assert.ok(result.token.length >= 16);
  assert.equal(result.permission, "read");
  assert.ok("expire_date" in result, "expire_date present");
  return result;
});

await check("profiles.tokenCreate refuses a wrong password", () =>
  rejects(
    resources.profiles.tokenCreate(profileId, { name: "x", permission: "full", email, password: "nope" }),
    /./,
  ),
);

await check("profiles.tokenList lists it with the SDK's default fields and paging", async () => {
  const list = await resources.profiles.tokenList(profileId);
  assert.ok(Array.isArray(list));
  const item = list.find((entry) => entry.name === "sdk read token");
  assert.ok(item, "token listed");
  assert.equal(item.token, created?.token);
  assert.equal(item.permission, "read");
  const page = await resources.profiles.tokenList(profileId, { page: 1, amount: 1 });
  assert.equal(page.length, 1);
  const beyond = await resources.profiles.tokenList(profileId, { page: 1000, amount: 1 });
  assert.deepEqual(beyond, []);
});

await check("profiles.tokenCreate takes an ISO-8601 expire_time (ExpireTimeOption)", async () => {
  const at = new Date(Date.now() + 3 * 3600 * 1000);
  at.setMilliseconds(0);
  const result = await resources.profiles.tokenCreate(profileId, {
    name: "sdk dated token",
    permission: "read",
    expire_time: at.toISOString(),
    email,
    password,
  });
  assert.equal(new Date(result.expire_date).getTime(), at.getTime());
  assert.equal(typeof (await resources.profiles.tokenDelete(profileId, result.token)), "string");
});

await check("profiles.tokenCreate takes `1 week` (the legacy SDK's tokenCreate list)", async () => {
  const result = await resources.profiles.tokenCreate(profileId, {
    name: "sdk week token",
    permission: "read",
    expire_time: "1 week",
    email,
    password,
  });
  const days = (new Date(result.expire_date).getTime() - Date.now()) / 86400000;
  assert.ok(days > 6.9 && days <= 7, `a week from now, not ${days} days`);
  assert.equal(typeof (await resources.profiles.tokenDelete(profileId, result.token)), "string");
});

await check("connectors.list takes 10,000 items a page (TagoIO's own clients ask for that many)", async () => {
  const list = await resources.integration.connectors.list({ amount: 10000, fields: ["id", "name"] });
  assert.ok(Array.isArray(list));
});

await check("profiles.tokenList orders newest first by default", async () => {
  const second = await resources.profiles.tokenCreate(profileId, {
    name: "sdk second token",
    permission: "write",
    expire_time: "3 hours",
    email,
    password,
  });
  const list = await resources.profiles.tokenList(profileId, { fields: ["name", "created_at"] });
  const names = list.map((entry) => entry.name);
  assert.ok(names.indexOf("sdk second token") < names.indexOf("sdk read token"), names.join(", "));
  assert.equal(typeof (await resources.profiles.tokenDelete(profileId, second.token)), "string");
});

await check("profiles.tokenDelete removes it", async () => {
  const result = await resources.profiles.tokenDelete(profileId, created?.token);
  assert.equal(typeof result, "string");
  const list = await resources.profiles.tokenList(profileId);
  assert.ok(!list.some((entry) => entry.name === "sdk read token"), "token gone");
});

// ---- Networks --------------------------------------------------------------------------

const networks = resources.integration.networks;
const connectors = resources.integration.connectors;
const networkName = `sdk-net-${Date.now()}`;
const decoder = Buffer.from("function decode(payload) { return payload; }").toString("base64");

const networkId = await check("networks.create answers {network: id}", async () => {
  const result = await networks.create({
    name: networkName,
    description: "made by the SDK check",
    middleware_endpoint: "sdk.example.com",
    payload_decoder: decoder,
  });
  assert.deepEqual(Object.keys(result), ["network"]);
  assert.match(result.network, ID);
  return result.network;
});

await check("networks.info answers the requested fields", async () => {
  const result = await networks.info(networkId, ["id", "name", "description", "payload_decoder"]);
  assert.equal(result.id, networkId);
  assert.equal(result.name, networkName);
  assert.equal(result.description, "made by the SDK check");
  assert.equal(result.payload_decoder, decoder);
});

await check("networks.list holds the public catalog; filter.public drops it, filter.profile keeps the own", async () => {
  const all = await networks.list({ fields: ["id", "name", "public"], amount: 1000 });
  const catalog = all.filter((item) => item.public);
  assert.ok(catalog.length > 0, "catalog rows listed");
  const own = await networks.list({ fields: ["id", "name", "public"], amount: 1000, filter: { public: false } });
  assert.ok(own.every((item) => !item.public), "no catalog row with filter.public");
  assert.equal(own.length, all.length - catalog.length);
  const mine = await networks.list({ fields: ["id", "name"], amount: 1000, filter: { profile: homeProfile } });
  assert.ok(mine.some((item) => item.id === networkId), "own network listed");
  assert.ok(!mine.some((item) => catalog.some((row) => row.id === item.id)), "no catalog row with filter.profile");
  const nobody = await networks.list({ fields: ["id"], filter: { profile: "000000000000000000000000" } });
  assert.deepEqual(nobody, []);
  const info = await networks.info(networkId, ["id", "name", "profile"]);
  assert.deepEqual(Object.keys(info).sort(), ["id", "name"], "no `profile` key (the SDK defines none)");
});

await check("networks.list pages, filters and projects", async () => {
  const list = await networks.list({ fields: ["id", "name"], filter: { name: networkName } });
  assert.deepEqual(list, [{ id: networkId, name: networkName }]);
  const page = await networks.list({ page: 1, amount: 1 });
  assert.equal(page.length, 1);
  const names = (await networks.list({ amount: 1000 })).map((item) => item.name);
  // The emulator compares names without case (unverified for TagoIO; docs/api.md).
  const folded = (a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0);
  assert.deepEqual(names, [...names].sort(folded), "ordered by name, ascending, by default");
});

await check("networks.edit changes one field", async () => {
  assert.equal(typeof (await networks.edit(networkId, { description: "edited" })), "string");
  const result = await networks.info(networkId, ["id", "name", "description"]);
  assert.equal(result.description, "edited");
  assert.equal(result.name, networkName);
});

// ---- Connectors ------------------------------------------------------------------------

const connectorName = `sdk-connector-${Date.now()}`;
await check("connectors.create refuses a connector without networks", () =>
  rejects(connectors.create({ name: `${connectorName}-bare`, networks: [] }), /./),
);

const connectorId = await check("connectors.create answers {connector: id}", async () => {
  const result = await connectors.create({
    name: connectorName,
    description: "made by the SDK check",
    networks: [networkId],
    payload_decoder: decoder,
    install_text: "Install it",
    install_end_text: "Done",
    device_annotation: "note",
  });
  assert.deepEqual(Object.keys(result), ["connector"]);
  assert.match(result.connector, ID);
  return result.connector;
});

await check("connectors.info answers the connector with parsed dates", async () => {
  const result = await connectors.info(connectorId);
  assert.equal(result.id, connectorId);
  assert.equal(result.name, connectorName);
  assert.deepEqual(result.networks, [networkId]);
  assert.equal(result.payload_decoder, decoder);
  assert.equal(result.install_text, "Install it");
  assert.equal(result.install_end_text, "Done");
  assert.equal(result.device_annotation, "note");
  assert.ok(result.created_at instanceof Date && !Number.isNaN(result.created_at.getTime()));
});

await check("connectors.list filters by name with the SDK's default fields", async () => {
  const list = await connectors.list({ filter: { name: connectorName } });
  assert.equal(list.length, 1);
  assert.equal(list[0].id, connectorId);
  assert.equal(list[0].name, connectorName);
  const ordered = await connectors.list({ fields: ["id", "name"], orderBy: ["name", "desc"], amount: 100 });
  const names = ordered.map((item) => item.name);
  const folded = (a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0);
  assert.deepEqual(names, [...names].sort(folded).reverse());
});

await check("connectors.edit changes one field", async () => {
  assert.equal(typeof (await connectors.edit(connectorId, { description: "edited" })), "string");
  const result = await connectors.info(connectorId, ["id", "name", "description"]);
  assert.equal(result.description, "edited");
  assert.equal(result.name, connectorName);
});

await check("connectors.delete and networks.delete remove them", async () => {
  assert.equal(typeof (await connectors.delete(connectorId)), "string");
  await rejects(connectors.info(connectorId), /./);
  assert.equal(typeof (await networks.delete(networkId)), "string");
  await rejects(networks.info(networkId), /./);
});

// ---- Billing ---------------------------------------------------------------------------
// Runs while the profile made above exists, so the account has at least two profiles. Every
// change is undone.

const SERVICES = [
  "analysis",
  "data_records",
  "email",
  "file_storage",
  "input",
  "output",
  "push_notification",
  "run_users",
  "sms",
];

const subscription = await check("billing.getSubscription answers the SDK's BillingSubscription", async () => {
  const result = await resources.billing.getSubscription();
  assert.equal(result.account, login?.id);
  assert.ok(["free", "starter", "scale"].includes(result.plan), `plan ${result.plan}`);
  assert.deepEqual(Object.keys(result.services).sort(), SERVICES);
  for (const service of SERVICES) {
    assert.equal(typeof result.services[service].limit, "number", service);
  }
  assert.deepEqual(Object.keys(result.addons).sort(), ["custom_dns", "mobile"]);
  assert.ok(Array.isArray(result.addons.custom_dns) && Array.isArray(result.addons.mobile));
  assert.equal(typeof result.current_cycle.start, "string");
  assert.equal(typeof result.current_cycle.end, "string");
  assert.equal(typeof result.processing, "boolean");
  assert.equal(typeof result.upcoming_invoice_total, "number");
  return result;
});

/** The account's allocation, checked against the SDK's BillingProfileResourceAllocation. */
async function allocationByProfile() {
  const result = await resources.billing.getAllocation();
  assert.ok(Array.isArray(result));
  for (const item of result) {
    assert.deepEqual(Object.keys(item).sort(), [...SERVICES, "profile", "updated_at"].sort());
    assert.match(item.profile, ID);
  }
  return new Map(result.map((item) => [item.profile, item]));
}

await check("billing.getAllocation lists the account's profiles", async () => {
  const byProfile = await allocationByProfile();
  assert.ok(byProfile.has(homeProfile), "the home profile");
  assert.ok(byProfile.has(profileId), "the profile made above");
});

await check("billing.editAllocation moves an amount between two profiles", async () => {
  const before = await allocationByProfile();
  const home = before.get(homeProfile);
  const other = before.get(profileId);
  const service = SERVICES.find((name) => home[name] >= 1);
  assert.ok(service, "the home profile holds some of a service");
  const moved = await resources.billing.editAllocation([
    { profile: homeProfile, [service]: home[service] - 1 },
    { profile: profileId, [service]: other[service] + 1 },
  ]);
  assert.equal(moved, "Profile resource allocation Successfully Updated");
  const after = await allocationByProfile();
  assert.equal(after.get(homeProfile)[service], home[service] - 1);
  assert.equal(after.get(profileId)[service], other[service] + 1);
  await resources.billing.editAllocation([
    { profile: profileId, [service]: other[service] },
    { profile: homeProfile, [service]: home[service] },
  ]);
  assert.equal((await allocationByProfile()).get(homeProfile)[service], home[service]);
});

await check("billing.editAllocation refuses more than the account's limit", async () => {
  const before = await allocationByProfile();
  const limit = subscription.services.input.limit;
  await rejects(resources.billing.editAllocation([{ profile: profileId, input: limit + 1 }]), /./);
  const after = await allocationByProfile();
  assert.equal(after.get(profileId).input, before.get(profileId).input, "nothing changed");
});

// ---- Two-factor ------------------------------------------------------------------------

const secondFactorEmail = process.env.TAGOFORM_2FA_EMAIL || "carol@globex.example";
const secondFactorPassword = process.env.TAGOFORM_2FA_PASSWORD || "carol-password";
// The account's authenticator secret (base32): every code below is computed from it, as an
// authenticator app does (RFC 6238: HMAC-SHA-1, six digits, 30-second steps).
const secondFactorSecret = process.env.TAGOFORM_2FA_TOTP_SECRET || "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

function authenticatorCode(secret, stepsFromNow = 0) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const char of secret.replace(/[\s=]/g, "").toUpperCase()) {
    bits += alphabet.indexOf(char).toString(2).padStart(5, "0");
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((byte) => parseInt(byte, 2)));
  const step = Math.floor(Date.now() / 30000) + stepsFromNow;
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const digest = createHmac("sha1", key).update(counter).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  const value = (digest.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(value).padStart(6, "0");
}
const secondFactorPin = authenticatorCode(secondFactorSecret);

await check("Account.login without a code answers which codes the account takes, as JSON", async () => {
  const thrown = await rejects(
    Account.login({ email: secondFactorEmail, password: secondFactorPassword }, region),
    /otp_enabled/,
  );
  const parsed = JSON.parse(thrown);
  assert.ok(Array.isArray(parsed.otp_enabled) && parsed.otp_enabled.length > 0);
  assert.equal(typeof parsed.otp_autosend, "string");
});

await check("Account.login refuses pin_code without otp_type", () =>
  rejects(
    Account.login({ email: secondFactorEmail, password: secondFactorPassword, pin_code: secondFactorPin }, region),
    /otp_type/,
  ),
);

await check("Account.login takes pin_code with otp_type", async () => {
  const result = await Account.login(
    { email: secondFactorEmail, password: secondFactorPassword, pin_code: secondFactorPin, otp_type: "authenticator" },
    region,
  );
  assert.equal(result.email, secondFactorEmail);
});

await check("Account.login refuses an authenticator code two steps old", () =>
  rejects(
    Account.login(
      {
        email: secondFactorEmail,
        password: secondFactorPassword,
        pin_code: authenticatorCode(secondFactorSecret, -2),
        otp_type: "authenticator",
      },
      region,
    ),
    /pin_code/,
  ),
);

await check("Account.requestLoginPINCode refuses a method the account has not turned on", () =>
  rejects(
    Account.requestLoginPINCode({ email: secondFactorEmail, password: secondFactorPassword }, "sms", region),
    /not enabled/,
  ),
);

// ---- Clean up --------------------------------------------------------------------------

await check("profiles.delete removes the profile", async () => {
  await rejects(resources.profiles.delete(profileId, { password: "wrong-password" }), /./);
  assert.equal(typeof (await resources.profiles.delete(profileId, { password })), "string");
  await rejects(resources.profiles.info(profileId), /./);
});

await check("profiles.tokenDelete removes the token this check made", async () => {
  assert.equal(typeof (await resources.profiles.tokenDelete(homeProfile, madeToken)), "string");
  const list = await new Resources({ token: process.argv[3] || process.env.TAGOIO_TOKEN || madeToken, region })
    .profiles.tokenList(homeProfile)
    .catch((error) => error);
  // With the check's own token gone, the list is refused; with a given token, it lacks it.
  assert.ok(typeof list === "string" || !list.some((entry) => entry.token === madeToken));
});

finish();
