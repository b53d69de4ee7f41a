// Every accuracy comparison the project has (calibration/), and the README
// block that shows their summary.
import { runAccuracy, type Comparison } from "./accuracyCases";
import { markdown, type ReportExtras } from "./accuracyReport";
import { leaveOneGpuOut, speedRows } from "./speedFit";

/** Every comparison: the measured runs, file sizes and speeds in calibration/. */
export function allComparisons(): Comparison[] {
  return accuracyReport().comparisons;
}

/** The whole report's inputs: every comparison, what cannot be estimated, and speed on GPUs held out of the fit. */
export function accuracyReport(): { comparisons: Comparison[]; extras: ReportExtras } {
  const { comparisons, broken, notEstimated } = runAccuracy();
  if (broken.length) throw new Error(`Accuracy cases the CLI refused:\n${broken.map((b) => `${b.id}: ${b.error}`).join("\n")}`);
  return { comparisons, extras: { notEstimated, heldOut: heldOutSpeed() } };
}

/** Leave-one-GPU-out speed errors, grouped by engine and backend. */
export function heldOutSpeed(): NonNullable<ReportExtras["heldOut"]> {
  const rows = speedRows();
  return (["decode", "prefill"] as const).flatMap((kind) => {
    const groups = new Map<string, number[]>();
    for (const h of leaveOneGpuOut(rows, kind)) {
      const g = `${h.row.engine} ${h.row.backend}`;
      groups.set(g, [...(groups.get(g) ?? []), h.error]);
    }
    return [...groups].sort((a, b) => a[0].localeCompare(b[0])).map(([group, errors]) => ({ kind, group, errors }));
  });
}

/** The report as the README and `npm run accuracy` show it. */
export function accuracyMarkdown(): string {
  const r = accuracyReport();
  return markdown(r.comparisons, r.extras);
}

const START = "<!-- accuracy:start (npm run accuracy -- --readme) -->";
const END = "<!-- accuracy:end -->";

/** The README's accuracy block as it stands. */
export function readmeAccuracyBlock(readme: string): string | undefined {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  return a < 0 || b < a ? undefined : readme.slice(a + START.length, b).trim();
}

/** The README with its accuracy block regenerated. */
export function readmeWithAccuracy(readme: string, block: string): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md has no accuracy block (${START} … ${END}).`);
  return readme.slice(0, a + START.length) + "\n" + block + "\n" + readme.slice(b);
}
