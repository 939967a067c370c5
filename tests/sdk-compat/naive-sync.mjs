// What a user would write without tagoform: the same sync (make the account look like the
// configuration) with the official @tago-io/sdk, one request at a time, reading each object
// on its own. Run by hand through the scale benchmark, which starts the emulator and writes
// the configuration as JSON (see docs/performance.md):
//
//   cargo run --release --example scale -- --profiles 50 --naive tests/sdk-compat/naive-sync.mjs
//
// Usage: node naive-sync.mjs URL DESIRED.json
// Prints one JSON line: {requests, created, edited, invited, removed, shared, unshared}.

import { readFileSync } from "node:fs";

const { Account, Resources } = await import("@tago-io/sdk");

const api = (process.argv[2] || "").replace(/\/+$/, "");
const desired = JSON.parse(readFileSync(process.argv[3], "utf8"));
const region = { api, sse: `${api}/events` };
const counts = { requests: 0, created: 0, edited: 0, invited: 0, removed: 0, shared: 0, unshared: 0 };

/** Counts every request the script makes. */
async function call(promise) {
  counts.requests += 1;
  return promise;
}

/** The SDK has no share routes: sent as a user would, with fetch and the profile's token. */
async function raw(token, method, path, body) {
  counts.requests += 1;
  const response = await fetch(`${api}${path}`, {
    method,
    headers: { token, "content-type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await response.json();
  if (!json.status) throw new Error(`${method} ${path}: ${json.message}`);
  return json.result;
}

const encode = (text) => Buffer.from(text, "utf8").toString("base64");

/** Reads one object by name, then its detail and its shares; fixes what differs. */
async function syncObject(resources, token, kind, wanted, networkIds) {
  const api = kind === "network" ? resources.integration.networks : resources.integration.connectors;
  const fields = { name: wanted.name, description: wanted.description, payload_decoder: encode(wanted.payload_decoder) };
  if (kind === "connector") fields.networks = networkIds;
  const found = await call(api.list({ filter: { name: wanted.name }, fields: ["id", "name"] }));
  let id = found[0]?.id;
  if (!id) {
    const created = await call(api.create(fields));
    id = created[kind];
    counts.created += 1;
  } else {
    const live = await call(api.info(id, ["id", "name", "description", "payload_decoder"]));
    if (live.description !== wanted.description || live.payload_decoder !== fields.payload_decoder) {
      await call(api.edit(id, { description: wanted.description, payload_decoder: fields.payload_decoder }));
      counts.edited += 1;
    }
  }
  const shares = await raw(token, "GET", `/integration/${kind}/${id}/share`);
  const have = new Set(shares.map((share) => share.profile_id ?? share.id));
  for (const recipient of wanted.shared_with) {
    if (!have.has(recipient)) {
      await raw(token, "POST", `/integration/${kind}/${id}/share`, { profile_id: recipient });
      counts.shared += 1;
    }
  }
  for (const recipient of have) {
    if (!wanted.shared_with.includes(recipient)) {
      await raw(token, "DELETE", `/integration/${kind}/${id}/share/${recipient}`);
      counts.unshared += 1;
    }
  }
  return id;
}

const account = new Resources({ token: desired.account_token, region });
const live = await call(account.profiles.list());
for (const profile of desired.profiles) {
  let profileId = live.find((p) => p.name === profile.name)?.id;
  if (!profileId) {
    profileId = (await call(account.profiles.create({ name: profile.name }))).id;
    counts.created += 1;
  }
  const { token } = await call(
    Account.tokenCreate(
      { email: desired.email, password: desired.password, profile_id: profileId, name: "naive sync", expire_time: "1 hour" },
      region,
    ),
  );
  const resources = new Resources({ token, region });
  const team = await call(resources.profiles.teamList(profileId));
  for (const email of profile.team) {
    if (!team.some((member) => member.email === email)) {
      await call(resources.profiles.addTeamMember(profileId, email));
      counts.invited += 1;
    }
  }
  for (const member of team) {
    if (!profile.team.includes(member.email)) {
      await call(resources.profiles.deleteTeamMember(profileId, member.id));
      counts.removed += 1;
    }
  }
  const networkIds = new Map();
  for (const network of profile.networks) {
    networkIds.set(network.name, await syncObject(resources, token, "network", network, []));
  }
  for (const connector of profile.connectors) {
    const uses = connector.networks.map((n) => n.id ?? networkIds.get(n.name));
    await syncObject(resources, token, "connector", connector, uses);
  }
  await call(resources.profiles.tokenDelete(profileId, token));
}
console.log(JSON.stringify(counts));
