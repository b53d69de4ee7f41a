// What the pane shows, computed from the form's state: pure functions over the
// core, so the calculator, the model page and the GPU comparison are testable
// without a browser or Excel.
import { catalog, findModel, findRuntime, type ModelEntry } from "../core/catalog";
import { comparisonRows, type ComparisonColumn, type ComparisonRow } from "../core/comparison";
import { isFitError } from "../core/errors";
import { concurrencyOf, evaluate, explainOf, maxContextOf, prepare, setupNotes, speedOf, statusOf, type EstimateInput, type ExplainKey, type Status } from "../core/estimate";
import { looksLikeRepoId } from "../core/hub";
import { normalizeName } from "../core/names";
import { modelPageView, type PageSectionView, type PageSource } from "../core/modelPages";
import type { TermName } from "../core/runtimeProfile";
import { formatFieldValue, hubRepoUrl, MODEL_FIELDS } from "../core/spec";
import { formatCount, formatParams, toGiB } from "../core/units";

/** The calculator form. Names are as typed (ids, names or HF ids). */
export interface CalcState {
  model: string;
  quant: string;
  runtime: string;
  ctx: number;
  batch: number;
  kvDtype: string;
  gpu: string;
  gpus: number;
  /** vLLM gpu_memory_utilization / SGLang mem_fraction_static; null = the engine's default. */
  gpuUtil: number | null;
  /** vLLM release ("0.6.3"); null = the latest. */
  engineVersion: string | null;
  /** vLLM MTP speculative tokens; null = off. */
  speculativeTokens: number | null;
}

export const DEFAULT_STATE: CalcState = {
  model: "qwen3-8b",
  quant: "q4_k_m",
  runtime: "llama.cpp",
  ctx: 32768,
  batch: 1,
  kvDtype: "auto",
  gpu: "nvidia-rtx-4090",
  gpus: 1,
  gpuUtil: null,
  engineVersion: null,
  speculativeTokens: null,
};

/** Context presets offered next to free entry. */
export const CONTEXT_PRESETS = [4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288, 1048576];

/** One stacked-bar segment. */
export interface TermShare {
  term: TermName;
  label: string;
  bytes: number;
}

export interface CalcResult {
  ok: true;
  status: Status;
  modelName: string;
  gpuName: string;
  requiredBytes: number;
  vramBytes: number;
  budgetBytes: number;
  headroomBytes: number;
  hostBytes: number;
  maxContext: number;
  maxConcurrency: number;
  tokensPerSecond: number;
  terms: TermShare[];
  explain: Array<{ label: string; formula: string }>;
  notes: string[];
  warnings: string[];
}

export interface CalcError {
  ok: false;
  error: string;
}

export const TERM_LABELS: Record<ExplainKey, string> = {
  weights: "Weights",
  kvCache: "KV cache",
  state: "State (linear attention / SSM)",
  activations: "Activations",
  overhead: "Overhead",
  host: "System RAM",
};

/** vLLM's release-dependent options (engine version, MTP speculative decoding) apply to vLLM only. */
export function isVllm(runtime: string): boolean {
  try {
    return findRuntime(runtime).id === "vllm";
  } catch {
    return false;
  }
}

/** Engines whose memory share the user can set (vLLM gpu_memory_utilization, SGLang mem_fraction_static). */
export function hasGpuUtil(runtime: string): boolean {
  try {
    const id = findRuntime(runtime).id;
    return id === "vllm" || id === "sglang";
  } catch {
    return false;
  }
}

function input(s: CalcState): EstimateInput {
  return {
    model: s.model,
    quant: s.quant,
    runtime: s.runtime,
    kvDtype: s.kvDtype,
    gpu: s.gpu,
    gpus: s.gpus,
    gpuUtil: hasGpuUtil(s.runtime) ? s.gpuUtil : null,
    engineVersion: isVllm(s.runtime) ? s.engineVersion : null,
    speculativeTokens: isVllm(s.runtime) ? s.speculativeTokens : null,
  };
}

/** The calculator's answer for a form state, or the core's message when the input is not valid. */
export function calculate(s: CalcState): CalcResult | CalcError {
  try {
    const p = prepare(input(s));
    const e = evaluate(p, s.ctx, s.batch, false);
    const vram = p.vramBytes as number;
    const t = e.perGpu;
    const ex = explainOf(p, s.ctx, s.batch);
    const terms: TermShare[] = [
      { term: "weights", label: TERM_LABELS.weights, bytes: t.weightsBytes },
      { term: "kvCache", label: TERM_LABELS.kvCache, bytes: t.kvCacheBytes },
      { term: "state", label: TERM_LABELS.state, bytes: t.stateBytes },
      { term: "activations", label: TERM_LABELS.activations, bytes: t.activationBytes },
      { term: "overhead", label: TERM_LABELS.overhead, bytes: t.overheadBytes },
    ];
    return {
      ok: true,
      status: statusOf(e),
      modelName: p.setup.model.record.name,
      gpuName: p.gpu?.name ?? "",
      requiredBytes: t.totalBytes,
      vramBytes: vram,
      budgetBytes: e.budgetBytes as number,
      headroomBytes: e.headroomBytes as number,
      hostBytes: t.hostBytes,
      maxContext: maxContextOf(p, vram, s.batch),
      maxConcurrency: concurrencyOf(p, vram, s.ctx),
      tokensPerSecond: speedOf(p, s.ctx, s.batch).aggregate,
      terms,
      explain: (Object.keys(ex) as ExplainKey[]).map((k) => ({ label: TERM_LABELS[k], formula: ex[k] })),
      notes: setupNotes(input(s)),
      warnings: e.warnings,
    };
  } catch (err) {
    if (isFitError(err)) return { ok: false, error: err.message };
    throw err;
  }
}

/** A picker option. */
export interface Option {
  id: string;
  label: string;
  detail: string;
}

function rank(query: string, fields: string[]): number {
  const q = query.trim().toLowerCase();
  if (!q) return 1;
  let best = 0;
  for (const [i, f] of fields.entries()) {
    const v = f.toLowerCase();
    const words = q.split(/\s+/);
    if (v === q) best = Math.max(best, 100 - i);
    else if (v.startsWith(q)) best = Math.max(best, 80 - i);
    else if (v.includes(q)) best = Math.max(best, 60 - i);
    else if (words.every((w) => v.includes(w))) best = Math.max(best, 40 - i);
  }
  return best;
}

/** Models matching what the user typed (name, id, company, family, HF id), best first. */
export function searchModels(query: string, limit = 50): Option[] {
  return catalog()
    .models.map((m) => ({ m, score: rank(query, [m.record.name, m.record.id, m.record.company, m.record.family, m.record.checkpoint.repo, ...m.record.aliases]) }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || a.m.record.name.localeCompare(b.m.record.name))
    .slice(0, limit)
    .map(({ m }) => ({ id: m.record.id, label: m.record.name, detail: `${m.record.company} · ${formatParams(m.params.total)}${m.params.active !== m.params.total ? ` (${formatParams(m.params.active)} active)` : ""} · ${m.record.checkpoint.repo}` }));
}

/** Option ids that ask for a Hub lookup instead of naming a model. */
export const HUB_OPTION_PREFIX = "hub:";

/**
 * When the typed text is a Hub repo id (owner/name) that no catalog or custom
 * model answers to, the picker offers to look it up; picking it is the request.
 */
export function hubLookupOption(query: string): Option | null {
  const q = query.trim();
  if (!looksLikeRepoId(q) || catalog().index.model.map.has(normalizeName(q))) return null;
  return { id: `${HUB_OPTION_PREFIX}${q}`, label: `Look up ${q} on Hugging Face`, detail: "Reads its config.json from the Hub (Add tab); nothing is sent before you pick this." };
}

/**
 * The engine and weight format a model needs: a model read from a GGUF runs as
 * that file (native) on llama.cpp or Ollama; other models keep the form's choice.
 */
export function setupFor(model: string, s: Pick<CalcState, "runtime" | "quant">): Pick<CalcState, "runtime" | "quant"> {
  try {
    if (findModel(model).record.checkpoint.dtype !== "gguf") return s;
  } catch {
    return s;
  }
  return { runtime: s.runtime === "ollama" ? "ollama" : "llama.cpp", quant: "native" };
}

/** GPUs matching what the user typed (name, id, vendor, class, alias), best first. */
export function searchGpus(query: string, limit = 80): Option[] {
  return catalog()
    .gpus.map((g) => ({ g, score: rank(query, [g.name, g.id, ...g.aliases, g.vendor, g.class]) }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || b.g.memoryBytes - a.g.memoryBytes)
    .slice(0, limit)
    .map(({ g }) => ({ id: g.id, label: g.name, detail: `${g.vendor} · ${toGiB(g.memoryBytes).toFixed(1)} GiB · ${g.bandwidthGBs} GB/s` }));
}

/** Quant ids the chosen engine runs (all of them when the engine name is not valid yet). */
export function quantsFor(runtime: string): string[] {
  try {
    const rt = findRuntime(runtime);
    return catalog().quants.filter((q) => rt.quants.includes(q.id)).map((q) => q.id);
  } catch {
    return catalog().quants.map((q) => q.id);
  }
}

/** KV dtypes the chosen engine supports. */
export function kvDtypesFor(runtime: string): string[] {
  try {
    return findRuntime(runtime).kvDtypes;
  } catch {
    return catalog().kvDtypes.map((k) => k.id);
  }
}

/** A warning when ctx is above the model's documented window (the estimate is still computed). */
export function contextWarning(model: string, ctx: number): string | null {
  try {
    const m = findModel(model);
    return ctx > m.record.contextWindow ? `${formatCount(ctx)} tokens is above ${m.record.name}'s context window of ${formatCount(m.record.contextWindow)}; the estimate is computed anyway.` : null;
  } catch {
    return null;
  }
}

/** A spec value shown as text: params in billions, counts with separators. */
export const formatField = formatFieldValue;

/** One row of a model's spec table; `link` is set for values that are Hub repos. */
export interface SpecRow {
  key: string;
  label: string;
  value: string;
  link?: string;
}

export interface ModelPage {
  id: string;
  title: string;
  spec: SpecRow[];
  sections: PageSectionView[];
  sources: PageSource[];
}

function safeUrl(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
  } catch {
    return null;
  }
}

/** The model page: spec table, written sections, memory behaviour from the core's numbers, and sources (http(s) only). */
export function modelPage(name: string): ModelPage {
  const m: ModelEntry = findModel(name);
  const view = modelPageView(m);
  return {
    id: m.record.id,
    title: m.record.name,
    spec: MODEL_FIELDS.map((f) => {
      const raw = f.value(m);
      const value = formatFieldValue(f.format, raw);
      return { key: f.key, label: f.labelFor?.(m) ?? f.label, value, ...(f.format === "repo" && typeof raw === "string" ? { link: hubRepoUrl(raw) } : {}) };
    }),
    sections: view.sections,
    sources: view.sources.flatMap((s) => {
      const url = safeUrl(s.url);
      return url ? [{ ...s, url }] : [];
    }),
  };
}

/** One row of the GPU comparison. */
export type GpuRow = ComparisonRow;

export type GpuSortKey = ComparisonColumn;

const STATUS_ORDER: Record<GpuRow["status"], number> = { Fits: 0, Tight: 1, OOM: 2, Unsupported: 3 };

/** Every catalog GPU for the current setup, filtered by class and vendor and sorted. */
export function gpuComparison(s: CalcState, filter: { vendor?: string; class?: string } = {}, sort: { key: GpuSortKey; descending: boolean } = { key: "headroomGiB", descending: true }): GpuRow[] | CalcError {
  let rows: GpuRow[];
  try {
    const { gpu: _gpu, ...setup } = input(s);
    rows = comparisonRows({ ...setup, ctx: s.ctx, batch: s.batch });
  } catch (err) {
    if (isFitError(err)) return { ok: false, error: err.message };
    throw err;
  }
  const kept = rows.filter((r) => (!filter.vendor || r.vendor === filter.vendor) && (!filter.class || r.class === filter.class));
  const value = (r: GpuRow): number | string => (sort.key === "name" ? r.name.toLowerCase() : sort.key === "status" ? STATUS_ORDER[r.status] : (r[sort.key] ?? -Infinity));
  return kept.sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    const c = va < vb ? -1 : va > vb ? 1 : 0;
    return (sort.descending ? -c : c) || a.name.localeCompare(b.name);
  });
}

/** GPU vendors and classes present in the catalog, for the comparison filters. */
export function gpuFacets(): { vendors: string[]; classes: string[] } {
  const gpus = catalog().gpus;
  return { vendors: [...new Set(gpus.map((g) => g.vendor))].sort(), classes: [...new Set(gpus.map((g) => g.class))].sort() };
}
