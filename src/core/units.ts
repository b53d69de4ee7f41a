// Bytes inside, GiB (2^30) at the surface. The one unit formatter.

export const KiB = 1024;
export const MiB = 1024 * 1024;
export const GiB = 1024 * 1024 * 1024;

/** Bytes → GiB as a number (for Excel cells and JSON consumers that want GiB). */
export function toGiB(bytes: number): number {
  return bytes / GiB;
}

/** What a formatter shows for a figure that is not known (NaN, ±Infinity): never "NaN". */
export const UNKNOWN = "unknown";

/** A number with `digits` decimals, or "unknown" when it is not a finite number. */
export function formatFixed(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : UNKNOWN;
}

/** Human label, e.g. "12.34 GiB" or "512.0 MiB"; negative values keep their sign. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return UNKNOWN;
  const abs = Math.abs(bytes);
  if (abs >= GiB) return `${(bytes / GiB).toFixed(2)} GiB`;
  if (abs >= MiB) return `${(bytes / MiB).toFixed(1)} MiB`;
  if (abs >= KiB) return `${(bytes / KiB).toFixed(1)} KiB`;
  return `${Math.round(bytes)} B`;
}

/** Parameter count label, e.g. "8.19B" or "600M". */
export function formatParams(n: number): string {
  if (!Number.isFinite(n)) return UNKNOWN;
  if (n >= 1e12) return `${(n / 1e12).toFixed(2)}T`;
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  return `${(n / 1e6).toFixed(0)}M`;
}

/** Thousands-separated integer, e.g. "131,072". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return UNKNOWN;
  return Math.round(n).toLocaleString("en-US");
}
