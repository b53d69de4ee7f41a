// Number formatting for the substituted formulas of explanations.
import { formatBytes, formatCount } from "./units";

/** "1,234" for counts. */
export const n = (x: number): string => (Number.isInteger(x) ? formatCount(x) : x.toFixed(2));
/** "12.34 GiB" for bytes. */
export const b = (x: number): string => formatBytes(x);
