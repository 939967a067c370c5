// What check.mjs and removal-and-permissions.mjs share: the emulator's address and the demo
// account from the command line and environment, and named checks counted into one
// `N passed, M failed` line.

/** The API base URL (argument or TAGOIO_API), the demo account, and the SDK's region. */
export function settings(script, usage = "URL") {
  const api = (process.argv[2] || process.env.TAGOIO_API || "").replace(/\/+$/, "");
  if (!api) {
    console.error(`usage: node ${script} ${usage}   (or set TAGOIO_API)`);
    process.exit(2);
  }
  return {
    api,
    email: process.env.TAGOFORM_EMAIL || "demo@tagoform.local",
    password: process.env.TAGOFORM_PASSWORD || "demo-password",
    region: { api, sse: `${api}/events` },
  };
}

let passed = 0;
let failed = 0;

/** Runs one named check; a failure is counted and printed, and the run goes on. */
export async function check(name, body) {
  try {
    const value = await body();
    passed += 1;
    console.log(`ok   ${name}`);
    return value;
  } catch (error) {
    failed += 1;
    const detail = error instanceof Error ? error.message : JSON.stringify(error);
    console.log(`FAIL ${name}\n     ${detail.split("\n").join("\n     ")}`);
    return undefined;
  }
}

/** Prints the count and exits non-zero on any failure. */
export function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}
