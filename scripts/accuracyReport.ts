// The accuracy report: per engine and term, n, median, 90th percentile and
// worst absolute error, then every comparison outside its term's tolerance, by
// name. `npm run accuracy` prints it; the README carries the same table (a test
// keeps them equal).
import type { Comparison } from "./accuracyCases";

/** Tolerance per term: a comparison beyond it is a miss and is named. */
export const TOLERANCE: Record<string, number> = {
  weights: 0.02,
  kvCache: 0.02,
  kvCapacityTokens: 0.07,
  maxConcurrency: 0.07,
  activations: 0.15,
  nonTorch: 0.25,
  compute: 0.15,
  peak: 0.1,
  gpuLayers: 0,
  decode: 0.15,
  prefill: 0.25,
};

export interface SummaryRow {
  engine: string;
  term: string;
  n: number;
  median: number;
  p90: number;
  worst: number;
  /** The comparison with the largest absolute error. */
  worstId: string;
}

/** The q-quantile of sorted values, by linear interpolation between ranks. */
export function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** n, median, p90 and worst absolute error per (engine, term), sorted by engine then term. */
export function summarize(comparisons: Comparison[]): SummaryRow[] {
  const groups = new Map<string, Comparison[]>();
  for (const c of comparisons) {
    const k = `${c.engine}\u0000${c.term}`;
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  return [...groups.entries()]
    .map(([k, cs]) => {
      const [engine, term] = k.split("\u0000");
      const abs = cs.map((c) => Math.abs(c.error)).sort((a, b) => a - b);
      const worst = cs.reduce((w, c) => (Math.abs(c.error) > Math.abs(w.error) ? c : w));
      return { engine, term, n: cs.length, median: quantile(abs, 0.5), p90: quantile(abs, 0.9), worst: worst.error, worstId: worst.id };
    })
    .sort((a, b) => a.engine.localeCompare(b.engine) || a.term.localeCompare(b.term));
}

/** Comparisons outside their term's tolerance, worst first. */
export function misses(comparisons: Comparison[]): Comparison[] {
  return comparisons.filter((c) => Math.abs(c.error) > (TOLERANCE[c.term] ?? 0.05) + 1e-12).sort((a, b) => Math.abs(b.error) - Math.abs(a.error));
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const signed = (x: number) => `${x >= 0 ? "+" : "−"}${(100 * Math.abs(x)).toFixed(1)}%`;

/** What the report says beyond the comparisons: figures that cannot be estimated, and speed errors on GPUs held out of the fit. */
export interface ReportExtras {
  notEstimated?: Array<{ id: string; reason: string }>;
  heldOut?: Array<{ kind: string; group: string; errors: number[] }>;
}

/** The report as Markdown: the summary table, speed on held-out GPUs, then every miss by name. */
export function markdown(comparisons: Comparison[], extras: ReportExtras = {}): string {
  const rows = summarize(comparisons);
  const lines = [
    "| engine | term | n | median | p90 | worst | tolerance |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map((r) => `| ${r.engine} | ${r.term} | ${r.n} | ${pct(r.median)} | ${pct(r.p90)} | ${signed(r.worst)} (${r.worstId}) | ${pct(TOLERANCE[r.term] ?? 0.05)} |`),
  ];
  if (extras.heldOut?.length) {
    lines.push("", "Speed on GPUs held out of the fit (each GPU's rows predicted from a fit to the same engine's other GPUs; `npm run fit-speed`):", "", "| speed | engine and backend | n | median | p90 |", "| --- | --- | ---: | ---: | ---: |");
    const kinds = [...new Set(extras.heldOut.map((h) => h.kind))];
    for (const kind of kinds) {
      const groups = extras.heldOut.filter((h) => h.kind === kind);
      const all = groups.flatMap((g) => g.errors.map(Math.abs)).sort((a, b) => a - b);
      lines.push(`| ${kind} | all | ${all.length} | ${pct(quantile(all, 0.5))} | ${pct(quantile(all, 0.9))} |`);
      for (const g of groups) {
        const e = g.errors.map(Math.abs).sort((a, b) => a - b);
        lines.push(`| ${kind} | ${g.group} | ${e.length} | ${pct(quantile(e, 0.5))} | ${pct(quantile(e, 0.9))} |`);
      }
    }
  }
  if (extras.notEstimated?.length) {
    lines.push("", `Not estimated (${extras.notEstimated.length}): ${extras.notEstimated.map((n) => n.reason).join("; ")}.`);
  }
  const m = misses(comparisons);
  const within = comparisons.length - m.length;
  lines.push("", `${within} of ${comparisons.length} checks (${pct(within / comparisons.length)}) are within tolerance. Outside it:`, "");
  if (!m.length) lines.push("- none");
  for (const c of m) lines.push(`- ${c.id} · ${c.engine} ${c.term}: ${signed(c.error)} (estimate ${fmt(c.estimate)} vs measured ${fmt(c.measured)} ${c.unit})`);
  return lines.join("\n");
}

function fmt(x: number): string {
  return Math.abs(x) >= 1e5 ? Math.round(x).toLocaleString("en-US") : Number(x.toPrecision(4)).toString();
}
