// Every accuracy comparison the project has (calibration/), and the README
// block that shows their summary.
import { runAccuracy, type Comparison } from "./accuracyCases";
import { markdown } from "./accuracyReport";

/** Every comparison: the measured runs and file sizes in calibration/. */
export function allComparisons(): Comparison[] {
  const { comparisons, broken } = runAccuracy();
  if (broken.length) throw new Error(`Accuracy cases the CLI refused:\n${broken.map((b) => `${b.id}: ${b.error}`).join("\n")}`);
  return comparisons;
}

const START = "<!-- accuracy:start (npm run accuracy -- --readme) -->";
const END = "<!-- accuracy:end -->";

/** The README's accuracy block as it stands. */
export function readmeAccuracyBlock(readme: string): string | undefined {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  return a < 0 || b < a ? undefined : readme.slice(a + START.length, b).trim();
}

/** The README with its accuracy block regenerated from `comparisons`. */
export function readmeWithAccuracy(readme: string, comparisons: Comparison[]): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md has no accuracy block (${START} … ${END}).`);
  return readme.slice(0, a + START.length) + "\n" + markdown(comparisons) + "\n" + readme.slice(b);
}
