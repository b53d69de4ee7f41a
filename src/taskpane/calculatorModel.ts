// What the pane shows, computed from the form's state: pure functions over the
// core, so the calculator, the model page and the GPU comparison are testable
// without a browser or Excel.
import { catalog, findModel, findQuant, findRuntime, type ModelEntry } from "../core/catalog";
import { buildCommand, checkEngineFlags, fieldsFromCommand, type BuiltCommand } from "../core/commandLine";
import { comparisonRows, type ComparisonColumn, type ComparisonRow } from "../core/comparison";
import { isFitError } from "../core/errors";
import { concurrencyOf, evaluate, explainOf, maxContextOf, placedSetup, prepare, setupNotes, speedOf, statusOf, type EstimateInput, type ExplainKey, type Status } from "../core/estimate";
import { looksLikeRepoId } from "../core/repoName";
import { normalizeName } from "../core/names";
import { matchScore } from "./pickerSearch";
import { modelPageView, type PageSectionView, type PageSource } from "../core/modelPages";
import type { TermName } from "../core/runtimeProfile";
import { formatFieldValue, hubRepoUrl, MODEL_FIELDS } from "../core/spec";
import { formatCount, formatParams, toGiB } from "../core/units";
import { weightBytes } from "../core/weightBytes";

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
  /** The engine's own flags for settings no field holds ("--max-num-seqs 64 --enforce-eager"). */
  engineArgs: string;
  /** System RAM the engine may use, GiB; null = not checked. */
  ramGiB: number | null;
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
  engineArgs: "",
  ramGiB: null,
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
  /** The model's native window and, where published, the extended one (the chart runs to the native one). */
  contextWindow: number;
  extendedContextWindow: number | null;
  maxConcurrency: number;
  /** Decode tokens/s of all requests together. */
  tokensPerSecond: number;
  /** Decode tokens/s of one request, prompt tokens/s, and time to first token (NaN without a compute figure). */
  decodePerRequest: number;
  prefillTokensPerSecond: number;
  ttftSeconds: number;
  /** Layer placement (llama.cpp, Ollama): layers on the GPUs and on the CPU, and the split as `ollama ps` shows it. */
  gpuLayers: number | null;
  cpuLayers: number | null;
  processorSplit: string;
  offloaded: boolean;
  /** System RAM given, and whether the host part fits in it. */
  ramBytes: number | null;
  fitsRam: boolean | null;
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

/** The estimate input of a form state. KV "auto" is left to the engine (and to -ctk/-ctv in the flags). */
export function inputOf(s: CalcState): EstimateInput {
  return {
    model: s.model,
    quant: s.quant,
    runtime: s.runtime,
    kvDtype: s.kvDtype === "auto" ? null : s.kvDtype,
    gpu: s.gpu,
    gpus: s.gpus,
    gpuUtil: hasGpuUtil(s.runtime) ? s.gpuUtil : null,
    engineVersion: isVllm(s.runtime) ? s.engineVersion : null,
    speculativeTokens: isVllm(s.runtime) ? s.speculativeTokens : null,
    engineArgs: s.engineArgs.trim() ? s.engineArgs : null,
    ramGiB: s.ramGiB,
  };
}
const input = inputOf;

/** The calculator's answer for a form state, or the core's message when the input is not valid. */
export function calculate(s: CalcState): CalcResult | CalcError {
  try {
    // As the engine runs it: Ollama places its own layers when num_gpu is not given.
    const { p } = placedSetup({ ...input(s), ctx: s.ctx, batch: s.batch });
    const e = evaluate(p, s.ctx, s.batch, false);
    const sp = speedOf(p, s.ctx, s.batch);
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
      contextWindow: p.setup.model.record.contextWindow,
      extendedContextWindow: p.setup.model.record.extendedContextWindow?.tokens ?? null,
      maxConcurrency: concurrencyOf(p, vram, s.ctx),
      tokensPerSecond: sp.aggregate,
      decodePerRequest: sp.perSequence,
      prefillTokensPerSecond: sp.prefillTokensPerSecond,
      ttftSeconds: sp.ttftSeconds,
      gpuLayers: e.gpuLayers ?? null,
      cpuLayers: e.cpuLayers ?? null,
      processorSplit: e.processorSplit,
      offloaded: e.offloaded,
      ramBytes: e.ramBytes ?? null,
      fitsRam: e.fitsRam ?? null,
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

/** What a picker shows: the best matches, and how many there are in all (the list shows at most `limit`). */
export interface SearchResult {
  options: Option[];
  total: number;
}

/** Models matching what the user typed (name, id, HF id, company, family, aliases), best first, forgiving spaces, punctuation and small typos. */
export function searchModels(query: string, limit = 50): SearchResult {
  const hits = catalog()
    .models.map((m) => ({ m, score: matchScore(query, [m.record.name, m.record.id, m.record.checkpoint.repo, ...m.record.aliases, m.record.family, m.record.company]) }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || a.m.record.name.localeCompare(b.m.record.name));
  return {
    total: hits.length,
    options: hits.slice(0, limit).map(({ m }) => ({ id: m.record.id, label: m.record.name, detail: `${m.record.company} · ${formatParams(m.params.total)}${m.params.active !== m.params.total ? ` (${formatParams(m.params.active)} active)` : ""} · ${m.record.checkpoint.repo}` })),
  };
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

/** GPUs matching what the user typed (name, id, alias, vendor, class), best first, as forgiving as the model picker. */
export function searchGpus(query: string, limit = 80): SearchResult {
  const hits = catalog()
    .gpus.map((g) => ({ g, score: matchScore(query, [g.name, g.id, ...g.aliases, g.vendor, g.class]) }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || b.g.memoryBytes - a.g.memoryBytes);
  return { total: hits.length, options: hits.slice(0, limit).map(({ g }) => ({ id: g.id, label: g.name, detail: `${g.vendor} · ${toGiB(g.memoryBytes).toFixed(1)} GiB · ${g.bandwidthGBs} GB/s` })) };
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

/** A warning when ctx is above the model's native window (the estimate is still computed); it names the extended window where one is published. */
export function contextWarning(model: string, ctx: number): string | null {
  try {
    const r = findModel(model).record;
    if (ctx <= r.contextWindow) return null;
    const ext = r.extendedContextWindow;
    const beyond = ext ? (ctx <= ext.tokens ? ` Up to ${formatCount(ext.tokens)} needs ${ext.method.split(/[(;]/)[0].trim()}, which the shipped config does not enable.` : ` Even its extended window is ${formatCount(ext.tokens)}.`) : "";
    return `${formatCount(ctx)} tokens is above ${r.name}'s native context window of ${formatCount(r.contextWindow)}.${beyond} The estimate is computed anyway.`;
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

const STATUS_ORDER: Record<GpuRow["status"], number> = { Fits: 0, Tight: 1, "Fits with offload": 2, OOM: 3, Unsupported: 4 };

/** The comparison's filters: vendor, class, and a name search (as forgiving as the GPU picker). */
export interface GpuFilter {
  vendor?: string;
  class?: string;
  query?: string;
}

/** Every catalog GPU for the current setup, filtered by class, vendor and name, and sorted. */
export function gpuComparison(s: CalcState, filter: GpuFilter = {}, sort: { key: GpuSortKey; descending: boolean } = { key: "headroomGiB", descending: true }): GpuRow[] | CalcError {
  let rows: GpuRow[];
  try {
    const { gpu: _gpu, ...setup } = input(s);
    rows = comparisonRows({ ...setup, ctx: s.ctx, batch: s.batch });
  } catch (err) {
    if (isFitError(err)) return { ok: false, error: err.message };
    throw err;
  }
  const names = filter.query?.trim() ? new Map(catalog().gpus.map((g) => [g.id, [g.name, g.id, ...g.aliases]])) : undefined;
  const kept = rows.filter((r) => (!filter.vendor || r.vendor === filter.vendor) && (!filter.class || r.class === filter.class) && (!names || matchScore(filter.query!, names.get(r.id) ?? [r.name]) > 0));
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

// ---- switching engine -------------------------------------------------------------

/** Effective bits per weight of a model under a format (for "closest format"). */
function bitsOf(model: ModelEntry, quant: string): number {
  return weightBytes(model, findQuant(quant)).bitsPerWeight;
}

/** Whether an engine runs this model in this format (the core's own support rules). */
function runs(s: CalcState, runtime: string, quant: string): boolean {
  try {
    prepare({ model: s.model, runtime, quant, gpus: s.gpus });
    return true;
  } catch (e) {
    if (isFitError(e)) return false;
    throw e;
  }
}

/** What switching engine changed, for the user to read. */
export interface EngineSwitch {
  quant: string;
  kvDtype: string;
  engineArgs: string;
  notes: string[];
}

/**
 * The form after switching engine: the weight format stays if the new engine
 * runs it, else the closest format it runs (nearest bits per weight; the
 * checkpoint's own when that is as close); the KV type stays if supported;
 * engine flags, which are the old engine's, are cleared. Notes say what changed.
 */
export function switchEngine(s: CalcState, runtime: string): EngineSwitch {
  const notes: string[] = [];
  const name = (id: string) => findRuntime(id).name;
  let quant = s.quant;
  let model: ModelEntry | undefined;
  try {
    model = findModel(s.model);
  } catch {
    model = undefined;
  }
  if (model && !runs(s, runtime, s.quant)) {
    const m = model;
    const here = bitsOf(m, s.quant);
    const candidates = quantsFor(runtime).filter((q) => runs(s, runtime, q));
    const distance = (q: string) => Math.abs(Math.log(bitsOf(m, q) / here));
    const best = candidates.sort((a, b) => distance(a) - distance(b) || (a === "native" ? -1 : b === "native" ? 1 : 0))[0];
    if (best) {
      quant = best;
      notes.push(`Weights: ${name(runtime)} does not run ${s.quant}; ${best} is the closest format it runs (${bitsOf(m, best).toFixed(1)} vs ${here.toFixed(1)} bits per weight).`);
    }
  } else if (!model && !quantsFor(runtime).includes(quant)) quant = quantsFor(runtime)[0];
  let kvDtype = s.kvDtype;
  if (!kvDtypesFor(runtime).includes(kvDtype)) {
    notes.push(`KV cache: ${name(runtime)} has no ${kvDtype} cache; back to its default.`);
    kvDtype = "auto";
  }
  if (s.engineArgs.trim()) notes.push(`Engine flags cleared: they were ${name(s.runtime)}'s (${s.engineArgs.trim()}).`);
  return { quant, kvDtype, engineArgs: "", notes };
}

// ---- the command line -------------------------------------------------------------

/** The serve command that reproduces the form's setup, with what a command cannot carry. */
export function commandFor(s: CalcState): BuiltCommand | CalcError {
  try {
    const runtime = findRuntime(s.runtime).id;
    return buildCommand({ model: s.model, runtime, quant: s.quant, ctx: s.ctx, batch: s.batch, gpus: s.gpus, kvDtype: s.kvDtype, gpuUtil: hasGpuUtil(runtime) ? s.gpuUtil : null, speculativeTokens: isVllm(runtime) ? s.speculativeTokens : null, engineVersion: isVllm(runtime) ? s.engineVersion : null, engineArgs: s.engineArgs });
  } catch (e) {
    if (isFitError(e)) return { ok: false, error: e.message };
    throw e;
  }
}

/**
 * The form a pasted serve command describes: engine, model, format and the
 * fields its flags set; settings it does not give go back to the engine's
 * defaults, and the workload it cannot say (vLLM is not told the concurrency)
 * stays as it was. Flags no field holds become the engine flags.
 */
export function stateFromCommand(s: CalcState, text: string): CalcState | CalcError {
  try {
    const f = fieldsFromCommand(text);
    return {
      ...s,
      model: f.model,
      runtime: f.runtime,
      quant: f.quant ?? "native",
      ctx: f.ctx ?? s.ctx,
      batch: f.batch ?? s.batch,
      gpus: f.gpus ?? 1,
      gpuUtil: f.gpuUtil ?? null,
      kvDtype: f.kvDtype ?? "auto",
      speculativeTokens: f.speculativeTokens ?? null,
      engineVersion: f.runtime === "vllm" ? s.engineVersion : null,
      engineArgs: f.engineArgs,
    };
  } catch (e) {
    if (isFitError(e)) return { ok: false, error: e.message };
    throw e;
  }
}

/** Checks the Engine flags field for an engine: the text to use, or the parser's message. */
export function engineFlagsError(runtime: string, text: string): string | null {
  try {
    checkEngineFlags(findRuntime(runtime).id, text);
    return null;
  } catch (e) {
    if (isFitError(e)) return e.message;
    throw e;
  }
}
