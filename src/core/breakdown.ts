// Every estimate is a tree of named parts per device, each holding its bytes
// and the factors of its formula. Totals, JSON, the pane's memory bar and the
// explanations are all read from it, so an explanation cannot disagree with its
// number: a part's bytes are the product of its factors (tests check it).
import { formatBytes, formatCount } from "./units";

export type TermName = "weights" | "kvCache" | "state" | "activations" | "overhead";
export const TERM_NAMES: readonly TermName[] = ["weights", "kvCache", "state", "activations", "overhead"];

/** One factor of a part's formula: a count with its unit, or bytes. */
export interface Factor {
  value: number;
  unit: string;
}

/** A named piece of a term. When it has factors, `bytes` is their product. */
export interface Part {
  label: string;
  bytes: number;
  factors?: Factor[];
}

export type TermParts = Record<TermName, Part[]>;

/** One kind of device and what each holds: `count` identical GPUs (tensor parallel), one GPU of a layer split, or the host. */
export interface DeviceUse {
  device: string;
  kind: "gpu" | "host";
  count: number;
  terms: TermParts;
  /** Routed-expert bytes among this device's weights, when the engine places experts apart (decode reads only those a batch touches). */
  expertBytes?: number;
  /** Host memory the GPU reads over the PCIe link each step (vLLM --cpu-offload-gb), rather than memory the CPU computes on. */
  readOverLink?: boolean;
}

/** The per-device breakdown of one setup at one (ctx, batch): GPUs first, the fullest one first; then the host. */
export interface Breakdown {
  devices: DeviceUse[];
}

/** A factor. */
export const f = (value: number, unit: string): Factor => ({ value, unit });

/** A part whose bytes are the product of its factors (factors of 1 are dropped from the text, not the product). */
export function part(label: string, ...factors: Factor[]): Part {
  return { label, bytes: factors.reduce((p, x) => p * x.value, 1), factors };
}

/** A part given by its bytes alone (a measured or looked-up size, not a product). */
export const sized = (label: string, bytes: number): Part => ({ label, bytes });

/** An empty term set. */
export const noTerms = (): TermParts => ({ weights: [], kvCache: [], state: [], activations: [], overhead: [] });

/** Bytes of a term. */
export const termBytes = (parts: readonly Part[]): number => parts.reduce((s, p) => s + p.bytes, 0);

/** Bytes of every term of a device. */
export function deviceBytes(t: TermParts): number {
  return TERM_NAMES.reduce((s, k) => s + termBytes(t[k]), 0);
}

function showFactor(x: Factor): string {
  if (x.unit === "B") return formatBytes(x.value);
  const v = Number.isInteger(x.value) ? formatCount(x.value) : Number(x.value.toPrecision(4)).toString();
  return x.unit ? `${v} ${x.unit}` : v;
}

/** A part as text: "36 layers × 4,096 tokens × 2,048 B = 288.0 MiB". */
export function renderPart(p: Part): string {
  const fs = (p.factors ?? []).filter((x) => !(x.value === 1 && x.unit !== "B"));
  if (!fs.length) return `${p.label} ${formatBytes(p.bytes)}`;
  return `${p.label}: ${fs.map(showFactor).join(" × ")} = ${formatBytes(p.bytes)}`;
}

/** A term as text: its parts joined, with the total when there are several. */
export function renderTerm(parts: readonly Part[], empty: string): string {
  if (!parts.length) return empty;
  const text = parts.map(renderPart).join(" + ");
  return parts.length > 1 ? `${text} = ${formatBytes(termBytes(parts))}` : text;
}
