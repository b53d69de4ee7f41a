// GPU prices from the catalog: the typical cloud rate and purchase price of a GPU,
// with the quotes they came from and how old those quotes are. Pure functions; the
// user's own price always overrides these (prices are a starting point, not a quote).
import type { GpuPrice, GpuRecord } from "./catalogSchema";

export interface PriceSummary {
  /** Median of the quotes, in US dollars (per GPU-hour, per card or per system: see `unit`). */
  usd: number;
  kind: GpuPrice["kind"];
  unit: GpuPrice["unit"];
  /** The quotes the median was taken over, cheapest first. */
  from: GpuPrice[];
  /** Earliest and latest date among the quotes' own dates (asOf); null when no quote is dated. */
  oldest: string | null;
  newest: string | null;
  /** Quotes whose source gives no date (they still count in the median). */
  undated: number;
}

/** Median of a non-empty list; the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of an empty list");
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

// ISO dates ("2026-09" or "2026-09-20") compare as strings, a month sorting before its days.
const earliest = (dates: string[]) => (dates.length ? dates.reduce((a, b) => (b < a ? b : a)) : null);
const latest = (dates: string[]) => (dates.length ? dates.reduce((a, b) => (b > a ? b : a)) : null);

function summarize(prices: GpuPrice[]): PriceSummary | null {
  if (prices.length === 0) return null;
  const from = [...prices].sort((a, b) => a.usd - b.usd);
  const dated = from.flatMap((p) => (p.asOf ? [p.asOf] : []));
  return {
    // Rounded to 1/100 cent so float noise never shows.
    usd: Math.round(median(from.map((p) => p.usd)) * 1e4) / 1e4,
    kind: from[0].kind,
    unit: from[0].unit,
    from,
    oldest: earliest(dated),
    newest: latest(dated),
    undated: from.length - dated.length,
  };
}

/** The GPU's default cloud price: the median of its on-demand $/GPU-hour quotes, or null when the catalog has none. */
export function defaultPrice(gpu: Pick<GpuRecord, "prices">): PriceSummary | null {
  return summarize((gpu.prices ?? []).filter((p) => p.kind === "cloud-hourly"));
}

/** The GPU's purchase price: the median of its purchase quotes (per card; per system for Apple machines), or null. */
export function purchasePrice(gpu: Pick<GpuRecord, "prices">): PriceSummary | null {
  return summarize((gpu.prices ?? []).filter((p) => p.kind === "purchase"));
}
