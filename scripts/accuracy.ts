// npm run accuracy: estimate vs measured, per case and term, with medians per engine and term.
import { median, runAccuracy, type Comparison } from "./accuracyCases";
import { runPublicAccuracy } from "./publicRuns";

const { comparisons, skipped } = runAccuracy();
const pad = (s: string, n: number) => s.padEnd(n);
console.log(pad("case", 46) + pad("term", 18) + "estimate".padStart(14) + "measured".padStart(14) + "  unit" + "error".padStart(9));
for (const c of comparisons) {
  const f = (x: number) => (Math.abs(x) >= 1e6 ? x.toExponential(4) : x.toFixed(c.unit === "x" ? 2 : 3));
  console.log(pad(c.id, 46) + pad(c.term, 18) + f(c.estimate).padStart(14) + f(c.measured).padStart(14) + "  " + pad(c.unit, 6) + `${(100 * c.error).toFixed(1)}%`.padStart(7));
}
console.log("\nmedian absolute error by engine and term:");
const groups = new Map<string, number[]>();
for (const c of comparisons) {
  const k = `${c.engine} ${c.term}`;
  groups.set(k, [...(groups.get(k) ?? []), Math.abs(c.error)]);
}
for (const [k, v] of [...groups].sort()) console.log(`  ${pad(k, 30)} ${(100 * median(v)).toFixed(1)}%  (n=${v.length})`);
const all = (t: string[]) => comparisons.filter((c) => t.includes(c.term)).map((c) => Math.abs(c.error));
console.log(`\nweights (all engines and files): ${(100 * median(all(["weights"]))).toFixed(1)}% median · KV cache bytes: ${(100 * median(all(["kvCache"]))).toFixed(1)}% median`);
if (skipped.length) console.log(`\nnot compared (model not in the catalog, or only the engine's own pre-load estimate): ${skipped.join(", ")}`);

// Public logs beyond the shared set: the same report, kept apart.
const pub: Comparison[] = runPublicAccuracy();
if (pub.length) {
  console.log("\npublic engine logs (scripts/publicRuns*.ts, each with its source):");
  for (const c of pub) console.log(pad(c.id, 46) + pad(c.term, 18) + c.estimate.toPrecision(6).padStart(14) + c.measured.toPrecision(6).padStart(14) + "  " + pad(c.unit, 6) + `${(100 * c.error).toFixed(1)}%`.padStart(7));
  const g = new Map<string, number[]>();
  for (const c of pub) g.set(`${c.engine} ${c.term}`, [...(g.get(`${c.engine} ${c.term}`) ?? []), Math.abs(c.error)]);
  for (const [k, v] of [...g].sort()) console.log(`  ${pad(k, 30)} ${(100 * median(v)).toFixed(1)}%  (n=${v.length})`);
}
