// npm run accuracy: estimate vs measured for every case in calibration/ and the
// public engine logs, then the per-engine, per-term summary and every miss.
// `npm run accuracy -- --readme` writes the summary into README.md.
import "../src/cli/bundledCatalog";
import * as fs from "fs";
import * as path from "path";
import { runAccuracy } from "./accuracyCases";
import { heldOutSpeed, readmeWithAccuracy } from "./accuracySet";
import { markdown } from "./accuracyReport";

const { comparisons, broken, notEstimated } = runAccuracy();
for (const b of broken) console.error(`broken case ${b.id}: ${b.error}`);
if (broken.length) process.exitCode = 1;
const pad = (s: string, n: number) => s.padEnd(n);
console.log(pad("case", 52) + pad("engine", 13) + pad("term", 18) + "estimate".padStart(14) + "measured".padStart(14) + "  unit  " + "error".padStart(8));
for (const c of comparisons) {
  const f = (x: number) => (Math.abs(x) >= 1e6 ? x.toExponential(4) : x.toFixed(c.unit === "x" ? 2 : 3));
  console.log(pad(c.id, 52) + pad(c.engine, 13) + pad(c.term, 18) + f(c.estimate).padStart(14) + f(c.measured).padStart(14) + "  " + pad(c.unit, 6) + `${(100 * c.error).toFixed(1)}%`.padStart(8));
}
const report = markdown(comparisons, { notEstimated, heldOut: heldOutSpeed() });
console.log("\n" + report);
if (process.argv.includes("--readme")) {
  if (broken.length) throw new Error("Not writing README.md: some cases are broken.");
  const file = path.join(__dirname, "..", "README.md");
  fs.writeFileSync(file, readmeWithAccuracy(fs.readFileSync(file, "utf8"), report));
  console.log("\nREADME.md accuracy table updated.");
}
