// Checks, with TagoIO's official JavaScript SDK, two facts beside check.mjs's: an add-on's
// removal waits for the end of the billing cycle (sdk-js Profile.removeAddOn,
// Billing.getSubscriptionSchedule), and a `write` token creates and updates but does not read
// (docs profiles/account-token.md: "Write only – create and update").
//
// Usage: node removal-and-permissions.mjs URL   (a fresh emulator on the demo seed)
// Prints `N passed, M failed` last and exits non-zero on any failure.

import assert from "node:assert/strict";

process.env.TAGOIO_REQUEST_ATTEMPTS = "1";
const { Account, Resources } = await import("@tago-io/sdk");
const { settings, check, finish } = await import("./harness.mjs");

const { api, email, password, region } = settings("removal-and-permissions.mjs", "URL");

const login = await Account.login({ email, password }, region);
const profileId = login.profiles[0].id;
const made = await Account.tokenCreate(
  { email, password, profile_id: profileId, name: "sdk removal check", expire_time: "1 day" },
  region,
);
const resources = new Resources({ token: made.token, region });

await check("profiles.removeAddOn schedules the removal for current_cycle.end; the add-on stays until then", async () => {
  await resources.billing.editSubscription({ addons: { mobile: [profileId] } });
  const before = await resources.billing.getSubscription();
  assert.deepEqual(before.addons.mobile, [profileId]);
  assert.equal(typeof (await resources.profiles.removeAddOn(profileId, "mobile")), "string");
  const after = await resources.billing.getSubscription();
  assert.deepEqual(after.addons.mobile, [profileId], "still listed until the cycle ends");
  const info = await resources.profiles.info(profileId);
  assert.equal(info.addons.mobile, true);
  const schedule = await resources.billing.getSubscriptionSchedule();
  assert.equal(schedule.account, login.id);
  assert.equal(schedule.release_at, after.current_cycle.end);
  assert.deepEqual(schedule.subscription.addons.mobile, []);
  assert.deepEqual(Object.keys(schedule.subscription.services).length, 9);
});

await check("a write token creates and updates but does not read", async () => {
  const write = await resources.profiles.tokenCreate(profileId, {
    name: "sdk write token",
    permission: "write",
    expire_time: "never",
    email,
    password,
  });
  const writer = new Resources({ token: write.token, region });
  const created = await writer.integration.networks.create({ name: `sdk-write-${Date.now()}` });
  assert.match(created.network, /^[0-9a-f]{24}$/);
  const edited = await writer.integration.networks.edit(created.network, { description: "by a write token" });
  assert.equal(typeof edited, "string");
  let thrown;
  await writer.profiles.info("current").catch((error) => {
    thrown = error;
  });
  assert.equal(thrown, "Authorization denied: a write token cannot read");
  const network = await resources.integration.networks.info(created.network, ["id", "description"]);
  assert.equal(network.description, "by a write token");
  await resources.integration.networks.delete(created.network);
  await resources.profiles.tokenDelete(profileId, write.token);
});

await resources.profiles.tokenDelete(profileId, made.token).catch(() => undefined);
finish();
