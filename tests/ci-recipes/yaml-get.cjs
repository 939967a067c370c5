// Prints one value of a YAML file, chosen by a JavaScript expression over `doc` (strings as
// they are, anything else as JSON). The test uses it to run a step's script exactly as the
// file holds it.
// Usage: node yaml-get.cjs FILE 'doc.runs.steps.find((s) => s.id === "download").run'
const fs = require("node:fs");
const yaml = require("js-yaml");

const [file, expression] = process.argv.slice(2);
const doc = yaml.load(fs.readFileSync(file, "utf8"));
const value = new Function("doc", `return (${expression});`)(doc);
if (value === undefined) {
  console.error(`${file}: nothing at ${expression}`);
  process.exit(1);
}
process.stdout.write(typeof value === "string" ? value : `${JSON.stringify(value)}\n`);
