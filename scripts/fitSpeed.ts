// npm run fit-speed: fits each engine's speed efficiencies per backend to
// calibration/speed.json and prints the fit, its errors on the rows and on GPUs
// held out of the fit. `npm run fit-speed -- --write` stores the efficiencies
// and how they were obtained in catalog/runtimes.json.
import "../src/cli/bundledCatalog";
import * as fs from "fs";
import * as path from "path";
import { errorSummary, fitAll, leaveOneGpuOut, predict, speedRows, type SpeedFit } from "./speedFit";

const rows = speedRows();
const file = path.join(__dirname, "..", "catalog", "runtimes.json");
const doc = JSON.parse(fs.readFileSync(file, "utf8")) as { runtimes: Array<{ id: string; defaults: Record<string, unknown>; estimates: Record<string, string> }> };
const fit: SpeedFit = fitAll(rows, doc.runtimes.map((r) => r.id));
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

for (const [engine, backends] of Object.entries(fit)) {
  for (const [backend, f] of Object.entries(backends)) {
    const mine = rows.filter((r) => r.engine === engine && r.backend === backend);
    const err = (kind: string) => errorSummary(mine.filter((r) => r.kind === kind && Number.isFinite(predict(r, f.params))).map((r) => Math.abs(predict(r, f.params) / r.measured - 1)));
    const d = err("decode");
    const p = err("prefill");
    console.log(`${engine} ${backend}: bandwidth ${f.params.bandwidthEfficiency}, ${f.params.unitBandwidthGBs ? `at most ${f.params.unitBandwidthGBs} GB/s per SM, ` : ""}overhead ${(f.params.layerOverheadSeconds * 1e6).toFixed(1)} µs/layer, compute ${f.params.computeEfficiency}, first-token overhead ${(f.params.prefillOverheadSeconds * 1e3).toFixed(1)} ms  (decode ${f.decodeFrom}; prefill ${f.prefillFrom})`);
    console.log(`  on its rows: decode n=${d.n} median ${pct(d.median)} p90 ${pct(d.p90)} · prefill n=${p.n} median ${pct(p.median)} p90 ${pct(p.p90)}`);
  }
}
if (process.argv.includes("--rows")) {
  for (const r of rows) {
    const f = fit[r.engine]?.[r.backend] ?? fit[r.engine]?.cuda;
    const est = f ? predict(r, f.params) : NaN;
    console.log(`${r.id.padEnd(70)} ${r.kind.padEnd(7)} ${r.gpu.padEnd(28)} est ${est.toFixed(1).padStart(9)} meas ${r.measured.toFixed(1).padStart(9)} ${pct(est / r.measured - 1).padStart(8)}`);
  }
}

for (const kind of ["decode", "prefill"] as const) {
  const held = leaveOneGpuOut(rows, kind);
  const s = errorSummary(held.map((h) => Math.abs(h.error)));
  if (process.argv.includes("--rows")) for (const h of held) console.log(`held out ${h.row.id.padEnd(70)} ${kind.padEnd(7)} ${h.row.gpu.padEnd(28)} ${pct(h.error).padStart(8)}`);
  console.log(`\n${kind} on GPUs held out of the fit: n=${s.n}, median ${pct(s.median)}, p90 ${pct(s.p90)}`);
  const byEngine = new Map<string, number[]>();
  for (const h of held) byEngine.set(`${h.row.engine} ${h.row.backend}`, [...(byEngine.get(`${h.row.engine} ${h.row.backend}`) ?? []), Math.abs(h.error)]);
  for (const [k, v] of byEngine) {
    const e = errorSummary(v);
    console.log(`  ${k}: n=${e.n} median ${pct(e.median)} p90 ${pct(e.p90)}`);
  }
}

if (process.argv.includes("--write")) {
  const date = new Date().toISOString().slice(0, 10);
  for (const rt of doc.runtimes) {
    const f = fit[rt.id];
    if (!f?.cuda) throw new Error(`No CUDA speed fit for ${rt.id}: every engine needs one (the others fall back to it).`);
    for (const [b, x] of Object.entries(f)) if (!Number.isFinite(x!.params.computeEfficiency)) throw new Error(`${rt.id} ${b} has no prefill measurements to fit, and none to borrow.`);
    rt.defaults.speed = Object.fromEntries(Object.entries(f).map(([b, x]) => [b, x!.params]));
    rt.estimates.speed = `Fitted by \`npm run fit-speed\` on ${date} to calibration/speed.json: ${Object.entries(f)
      .map(([b, x]) => `${b}: decode ${x!.decodeFrom}, prefill ${x!.prefillFrom}`)
      .join("; ")}. Backends without an entry use the CUDA figures, with a warning.`;
  }
  fs.writeFileSync(file, JSON.stringify(doc, null, 2) + "\n");
  console.log(`\n${path.relative(process.cwd(), file)} updated.`);
}
