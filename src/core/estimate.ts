// The estimator's public questions: estimate, fit and headroom, max context,
// max concurrency, min GPUs, and speed. Setups are prepared once and cached,
// so a sheet of thousands of formulas costs a few arithmetic operations each.
import { deviceBytes, renderTerm, TERM_NAMES, termBytes, type Breakdown, type TermName } from "./breakdown";
import { catalog, catalogGeneration, findGpu, findKvDtype, findModel, findQuant, findRuntime, type ModelEntry } from "./catalog";
import type { GpuRecord } from "./catalogSchema";
import { parseEngineArgs, type EngineSettings } from "./engineFlags";
import { parseEngineVersion } from "./engineVersion";
import { fail, FitError, isFitError, positiveInt } from "./errors";
import type { PreparedRun, RuntimeProfile, SettingValue, Setup, Usage } from "./runtimeProfile";
import { llamaCpp } from "./runtimes/llamacpp";
import { mlx } from "./runtimes/mlx";
import { ollama } from "./runtimes/ollama";
import { sglang } from "./runtimes/sglang";
import { transformers } from "./runtimes/transformers";
import { vllm } from "./runtimes/vllm";
import { backendOf, speedOfTerms, speedParams, speedTerms, type Speed, type SpeedTerms } from "./speed";
import { tupleCache } from "./tupleCache";
import { rememberUsage } from "./usageMemo";

export type { Speed } from "./speed";
import { GiB } from "./units";

export const MAX_CTX = 10_000_000;
export const MAX_BATCH = 100_000;
export const MAX_GPUS = 1024;
/** Headroom under this share of the budget is "Tight". */
export const TIGHT_SHARE = 0.1;

const PROFILES: Record<string, RuntimeProfile> = { vllm, sglang, "llama.cpp": llamaCpp, ollama, transformers, mlx };

/** The profile of an engine. */
export const profileOf = (runtime: string): RuntimeProfile => PROFILES[runtime];

export interface EstimateInput {
  model: string | ModelEntry;
  quant?: string | null;
  ctx?: number | null;
  batch?: number | null;
  runtime?: string | null;
  kvDtype?: string | null;
  gpus?: number | null;
  gpu?: string | null;
  vramGiB?: number | null;
  gpuUtil?: number | null;
  /** The engine release, e.g. "0.6.3" (vLLM), "b6123" (llama.cpp); absent = the latest release. */
  engineVersion?: string | null;
  /** vLLM MTP speculative decoding: num_speculative_tokens. */
  speculativeTokens?: number | null;
  /** The engine's own flags, e.g. "--max-num-seqs 64 --enforce-eager" or "-c 65536 -np 2 -fa on". */
  engineArgs?: string | null;
  /** Host (CPU) memory bandwidth for offloaded layers, GB/s (default DEFAULT_HOST_BANDWIDTH_GBS). */
  hostBandwidthGBs?: number | null;
  /** System RAM available to the engine, GiB: an estimate that needs more host memory does not fit. */
  ramGiB?: number | null;
  /** llama.cpp -ngl / Ollama num_gpu: layers (counting the output layer) on the GPUs. */
  gpuLayers?: number | null;
  /** llama.cpp --n-cpu-moe: the routed experts of the first N blocks stay in system RAM. */
  cpuMoeLayers?: number | null;
  /** Layers per GPU, comma-separated, as llama.cpp's -ts takes them; set by placedFor for the split Ollama (before v0.30) passes its runner. */
  tensorSplit?: string | null;
}

export interface Terms {
  weightsBytes: number;
  kvCacheBytes: number;
  stateBytes: number;
  activationBytes: number;
  overheadBytes: number;
  totalBytes: number;
  hostBytes: number;
}

export interface Estimate extends Terms {
  model: string;
  quant: string;
  runtime: string;
  kvDtype: string;
  ctx: number;
  batch: number;
  gpus: number;
  perGpu: Terms;
  /** The settings the engine runs with, in its own vocabulary. */
  engineSettings: Record<string, SettingValue>;
  /** Layers (counting the output layer) on the GPUs and left on the CPU, for engines that place layers. */
  gpuLayers?: number;
  cpuLayers?: number;
  /** Share of the weight bytes that sit on GPUs. */
  gpuShare: number;
  /** With a GPU and no -ngl / num_gpu: the most layers llama.cpp or Ollama can put on the GPUs. */
  maxGpuLayers?: number;
  /** The CPU/GPU split as `ollama ps` shows it: "100% GPU", "100% CPU" or "48%/52% CPU/GPU". */
  processorSplit: string;
  /** Some layers or experts run from system RAM (-ngl below all layers, --n-cpu-moe, Ollama's own split, vLLM --cpu-offload-gb). */
  offloaded: boolean;
  /** Every device's terms, with the parts behind them (full estimates only). */
  devices?: DeviceSummary[];
  gpu?: string;
  vramBytes?: number;
  budgetBytes?: number;
  fits?: boolean;
  headroomBytes?: number;
  /** The KV pool the engine preallocates on each GPU (vLLM, SGLang). */
  kvPoolBytes?: number;
  /** System RAM given (--ram-gib), and whether the host part fits in it. */
  ramBytes?: number;
  fitsRam?: boolean;
  /** Speed on a catalog GPU (full estimates only): one sequence at ctx, all `batch` sequences, prefill, time to first token. */
  decodeTokensPerSecond?: number;
  decodeTokensPerSecondTotal?: number;
  prefillTokensPerSecond?: number;
  ttftSeconds?: number;
  kvCapacityTokens?: number;
  maxConcurrency?: number;
  maxContext?: number;
  warnings: string[];
}

/** One device of an estimate as JSON: its terms as labelled parts, in bytes. */
export interface DeviceSummary {
  device: string;
  kind: "gpu" | "host";
  count: number;
  totalBytes: number;
  terms: Record<TermName, Array<{ label: string; bytes: number }>>;
}

/** A resolved, prepared setup: everything but ctx and batch. */
export interface Prepared {
  setup: Setup;
  run: PreparedRun;
  profile: RuntimeProfile;
  gpu?: GpuRecord;
  vramBytes?: number;
  /** System RAM the engine may use, when given. */
  ramBytes?: number;
  /** Host memory bandwidth for offloaded layers, GB/s. */
  hostBandwidthGBs: number;
}

// Prepared setups keyed by the raw inputs as a tuple of nested maps (no string keys on the hot path);
// a setup that cannot be prepared keeps its FitError, so a column of bad input is not re-prepared per cell.
const preparedCache = tupleCache<Prepared | FitError>();
/** A setup prepared on every catalog GPU (or why it cannot run there), in catalog order. */
const comparisonCache = tupleCache<Array<Prepared | Error>>();
/** The catalog generation the caches were filled under: registering custom models or GPUs changes what a name means. */
let preparedGeneration = -1;

function checkSupport(s: Setup): void {
  const r = s.runtime;
  if (!r.quants.includes(s.quant.id)) fail("unsupported", `${r.name} does not run '${s.quant.id}' weights. Supported on ${r.name}: ${r.quants.join(", ")}.`);
  for (const kv of [s.kv, ...(s.kvV ? [s.kvV] : [])]) if (!r.kvDtypes.includes(kv.id)) fail("unsupported", `${r.name} does not support a '${kv.id}' KV cache. Supported: ${r.kvDtypes.join(", ")}.`);
  if (s.quant.id === "native" && !r.quants.includes(s.model.record.checkpoint.dtype === "fp32" ? "fp32" : s.model.record.checkpoint.dtype))
    fail("unsupported", `${r.name} cannot run ${s.model.record.name}'s native ${s.model.record.checkpoint.dtype} checkpoint.`);
  if (s.quant.id === "mxfp4" && !s.model.arch.layers.some((l) => l.ffn.kind === "moe")) fail("unsupported", `MXFP4 here quantizes MoE experts only; ${s.model.record.name} has no experts. Use nvfp4, awq or a GGUF type.`);
  const gpu = s.gpu;
  if (gpu?.vendor === "Apple" && r.id !== "mlx" && r.id !== "llama.cpp" && r.id !== "ollama") fail("unsupported", `${r.name} does not run on Apple silicon; use mlx, llama.cpp or ollama.`);
  if (r.id === "mlx" && gpu && gpu.vendor !== "Apple" && gpu.vendor !== "NVIDIA") fail("unsupported", `MLX runs on Apple silicon (Metal) and on NVIDIA GPUs (its CUDA backend); ${gpu.name} is neither.`);
}

/** The cache key of a setup: every input that changes what `prepare` builds (ctx and batch are not part of it). */
export function keyOf(input: EstimateInput): unknown[] {
  return [input.model, input.quant, input.runtime, input.kvDtype, input.gpus, input.gpu, input.vramGiB, input.gpuUtil, input.engineVersion, input.speculativeTokens, input.engineArgs, input.ramGiB, input.hostBandwidthGBs, input.gpuLayers, input.cpuMoeLayers, input.tensorSplit];
}

/** Clears the caches when custom models or GPUs change what a name means. */
function checkGeneration(): void {
  if (preparedGeneration !== catalogGeneration()) {
    preparedCache.clear();
    comparisonCache.clear();
    preparedGeneration = catalogGeneration();
  }
}

/** The engine settings of an input: its flags, with the explicit options winning. */
function settingsOf(input: EstimateInput, runtime: Setup["runtime"]): EngineSettings {
  const args = input.engineArgs != null && input.engineArgs.trim() !== "" ? parseEngineArgs(runtime.id, input.engineArgs) : undefined;
  const st: EngineSettings = { ...(args?.settings ?? {}) };
  if (input.gpuUtil != null) {
    if (typeof input.gpuUtil !== "number" || !(input.gpuUtil > 0 && input.gpuUtil <= 1)) fail("invalid", `gpuUtil must be a fraction between 0 and 1, got ${input.gpuUtil}.`);
    st.memoryFraction = input.gpuUtil;
  }
  if (input.speculativeTokens != null) st.speculativeTokens = input.speculativeTokens === 0 ? 0 : positiveInt("speculativeTokens", input.speculativeTokens, 64);
  if (st.speculativeTokens && runtime.id !== "vllm") fail("invalid", `Speculative decoding is modelled for vLLM only, not ${runtime.name}.`);
  const layered = runtime.id === "llama.cpp" || runtime.id === "ollama";
  if (input.gpuLayers != null) {
    if (!layered) fail("invalid", `GPU layers (-ngl) are a llama.cpp and Ollama setting, not ${runtime.name}'s.`);
    st.gpuLayers = boundedNumber("gpuLayers", input.gpuLayers, 0, 1_000_000);
  }
  if (input.tensorSplit != null) {
    if (!layered) fail("invalid", `A layer split (-ts) is a llama.cpp and Ollama setting, not ${runtime.name}'s.`);
    const parts = String(input.tensorSplit).split(",").map((x) => Number(x.trim()));
    if (!parts.length || parts.some((x) => !Number.isFinite(x) || x < 0) || !parts.some((x) => x > 0)) fail("invalid", `tensorSplit must be non-negative numbers separated by commas, one of them above 0, got '${String(input.tensorSplit).slice(0, 40)}'.`);
    st.tensorSplit = parts;
  }
  if (input.cpuMoeLayers != null) {
    if (runtime.id !== "llama.cpp") fail("invalid", `--n-cpu-moe is a llama.cpp setting, not ${runtime.name}'s.`);
    st.cpuMoeLayers = boundedNumber("cpuMoeLayers", input.cpuMoeLayers, 0, 1_000_000);
  }
  return st;
}

/** Resolves names and prepares a setup (cached per distinct setup). */
export function prepare(input: EstimateInput): Prepared {
  const key = typeof input.model === "string" ? keyOf(input) : undefined;
  if (key) {
    checkGeneration();
    const hit = preparedCache.get(key);
    if (hit instanceof FitError) throw hit;
    if (hit) return hit;
  }
  let prepared: Prepared | FitError;
  try {
    prepared = prepareUncached(input);
  } catch (e) {
    if (!key || !isFitError(e)) throw e;
    prepared = e;
  }
  if (key) {
    if (preparedCache.size() > 5000) preparedCache.clear();
    preparedCache.set(key, prepared);
  }
  if (prepared instanceof FitError) throw prepared;
  return prepared;
}

function prepareUncached(input: EstimateInput): Prepared {
  const model = typeof input.model === "string" ? findModel(input.model) : input.model;
  const runtime = findRuntime(input.runtime ?? "vllm");
  const settings = settingsOf(input, runtime);
  const args = input.engineArgs != null && input.engineArgs.trim() !== "" ? parseEngineArgs(runtime.id, input.engineArgs) : undefined;
  const quant = findQuant(input.quant ?? args?.quant ?? "native");
  // One KV type (--kv-dtype, --kv-cache-dtype, OLLAMA_KV_CACHE_TYPE) sets K and V; llama.cpp's -ctk sets K alone.
  const kv = findKvDtype(input.kvDtype ?? settings.kvCacheDtype ?? settings.kvCacheDtypeK ?? "auto");
  const kOnly = input.kvDtype == null && settings.kvCacheDtype == null && settings.kvCacheDtypeK != null;
  const kvV = settings.kvCacheDtypeV ? findKvDtype(settings.kvCacheDtypeV) : kOnly ? findKvDtype("fp16") : undefined;
  const impliedGpus = settings.tensorParallel ?? (settings.tensorSplit ? settings.tensorSplit.length : undefined);
  const tp = positiveInt("gpus", input.gpus ?? impliedGpus ?? 1, MAX_GPUS);
  const gpu = input.gpu != null ? findGpu(input.gpu) : undefined;
  let vramBytes = gpu?.memoryBytes;
  if (input.vramGiB != null) {
    vramBytes = gibInput("vramGiB", input.vramGiB);
  }
  const engineVersion = input.engineVersion != null && String(input.engineVersion).trim() !== "" ? parseEngineVersion(input.engineVersion, runtime.id) : undefined;
  const setup: Setup = { model, quant, kv, kvV, runtime, tp, gpu, vramBytes, settings, engineVersion };
  checkSupport(setup);
  const profile = PROFILES[runtime.id];
  const run = rememberUsage(profile.prepare(setup));
  const ramBytes = input.ramGiB != null ? gibInput("ramGiB", input.ramGiB) : undefined;
  const hostBandwidthGBs = input.hostBandwidthGBs != null ? boundedNumber("hostBandwidthGBs", input.hostBandwidthGBs, 1, 100_000) : DEFAULT_HOST_BANDWIDTH_GBS;
  return { setup, run, profile, gpu, vramBytes, ramBytes, hostBandwidthGBs };
}

function boundedNumber(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) fail("invalid", `${name} must be a number from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")}, got ${String(v)}.`);
  return v;
}

/** A memory size given in GiB, as bytes. */
function gibInput(name: string, v: unknown): number {
  return boundedNumber(name, v, 0.01, 100_000) * GiB;
}

/** The workload of an input: explicit ctx and batch win; else what the engine's flags imply; else 4,096 tokens, 1 request. */
export function workloadOf(input: EstimateInput, p: Prepared): { ctx: number; batch: number } {
  const w = p.profile.workload(p.setup.settings);
  return { ctx: positiveInt("ctx", input.ctx ?? w.ctx ?? 4096, MAX_CTX), batch: positiveInt("batch", input.batch ?? w.batch ?? 1, MAX_BATCH) };
}

function terms(weights: number, u: Usage, host: number): Terms {
  return { weightsBytes: weights, kvCacheBytes: u.kvCache, stateBytes: u.state, activationBytes: u.activations, overheadBytes: u.overhead, totalBytes: weights + u.kvCache + u.state + u.activations + u.overhead, hostBytes: host };
}

/** Per-GPU required bytes at (ctx, batch), refusing a batch the engine cannot run (the total of `evaluate`, without building the estimate). */
export function totalPerGpu(p: Prepared, ctx: number, batch: number): number {
  if (p.run.maxBatch && batch > p.run.maxBatch.value) fail("unsupported", p.run.maxBatch.reason);
  return requiredPerGpu(p, ctx, batch);
}

/** Per-GPU required bytes of a prepared setup at (ctx, batch). */
export function requiredPerGpu(p: Prepared, ctx: number, batch: number): number {
  const u = p.run.usage(ctx, batch);
  return p.run.weightsPerGpu + u.kvCache + u.state + u.activations + u.overhead;
}

/** Bytes a usage charges against the engine's budget (everything, unless the profile says otherwise). */
function budgetedBytes(p: Prepared, u: Usage): number {
  return p.run.budgeted ? p.run.budgeted(u) : p.run.weightsPerGpu + u.kvCache + u.state + u.activations + u.overhead;
}

/** Does (ctx, batch) fit a GPU of `vram` bytes under the engine's budget (and on the card)? */
export function fitsAt(p: Prepared, vram: number, ctx: number, batch: number): boolean {
  if (p.run.maxBatch && batch > p.run.maxBatch.value) return false;
  if (p.ramBytes !== undefined && p.run.hostWeights > 0 && p.run.hostBytes(ctx, batch) > p.ramBytes) return false;
  const u = p.run.usage(ctx, batch);
  const required = p.run.weightsPerGpu + u.kvCache + u.state + u.activations + u.overhead;
  return budgetedBytes(p, u) <= p.run.budget(vram) && required <= vram;
}

/** Bytes left under the engine's budget at (ctx, batch); negative is the deficit. */
export function headroomAt(p: Prepared, vram: number, ctx: number, batch: number): number {
  return p.run.budget(vram) - budgetedBytes(p, p.run.usage(ctx, batch));
}

/** Largest context (≤ the model's window) that fits at `batch`; 0 when none does. */
export function maxContextOf(p: Prepared, vram: number, batch: number): number {
  const cap = Math.min(MAX_CTX, p.setup.model.record.contextWindow);
  if (!fitsAt(p, vram, 1, batch)) return 0;
  if (fitsAt(p, vram, cap, batch)) return cap;
  let lo = 1;
  let hi = cap;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fitsAt(p, vram, mid, batch)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Largest number of concurrent requests of `ctx` tokens that fits; 0 when none does. */
export function maxBatchOf(p: Prepared, vram: number, ctx: number): number {
  if (!fitsAt(p, vram, ctx, 1)) return 0;
  const cap = Math.min(MAX_BATCH, p.run.maxBatch?.value ?? MAX_BATCH);
  if (fitsAt(p, vram, ctx, cap)) return cap;
  let lo = 1;
  let hi = 2;
  while (hi < cap && fitsAt(p, vram, ctx, hi)) {
    lo = hi;
    hi = Math.min(cap, hi * 2);
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fitsAt(p, vram, ctx, mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Requests of `ctx` tokens the setup holds at once, as one figure for every surface: the engine's own
 * KV-pool ratio where it reports one (vLLM's "Maximum concurrency", SGLang's pool), capped by the
 * sequences the engine runs (Ollama's single slot); for engines without a pool, the most that fit.
 */
export function concurrencyOf(p: Prepared, vram: number, ctx: number): number {
  const cap = p.run.maxBatch?.value ?? Infinity;
  const id = p.setup.runtime.id;
  if (id === "vllm" || id === "sglang") return Math.min(p.run.capacity(vram, ctx).concurrency, cap);
  return maxBatchOf(p, vram, ctx);
}

/** Evaluates a prepared setup at (ctx, batch): every term, and the fit when a GPU is known. */
export function evaluate(p: Prepared, ctx: number, batch: number, withInverse = true): Estimate {
  const { setup, run } = p;
  if (run.maxBatch && batch > run.maxBatch.value) fail("unsupported", run.maxBatch.reason);
  const u = run.usage(ctx, batch);
  const host = run.hostBytes(ctx, batch);
  const per = terms(run.weightsPerGpu, u, host);
  const total = totalsOf(p, ctx, batch, host);
  const warnings: string[] = [];
  const window = setup.model.record.contextWindow;
  const extended = setup.model.record.extendedContextWindow;
  if (ctx > window) warnings.push(`ctx ${ctx.toLocaleString("en-US")} exceeds ${setup.model.record.name}'s native context window of ${window.toLocaleString("en-US")} tokens${extended ? ` (its card extends it to ${extended.tokens.toLocaleString("en-US")} with a method the shipped config does not enable)` : ""}; computed anyway.`);
  const out: Estimate = {
    model: setup.model.record.id,
    quant: setup.quant.id,
    runtime: setup.runtime.id,
    kvDtype: setup.kv.id,
    ctx,
    batch,
    gpus: setup.tp,
    ...total,
    perGpu: per,
    engineSettings: run.settings,
    gpuShare: total.weightsBytes + run.hostWeights > 0 ? total.weightsBytes / (total.weightsBytes + run.hostWeights) : 1,
    offloaded: offloads(p),
    processorSplit: "",
    warnings,
  };
  if (run.placement) {
    out.gpuLayers = run.placement.gpuLayers;
    out.cpuLayers = run.placement.cpuLayers;
  }
  out.processorSplit = processorSplit(out);
  if (withInverse) out.devices = run.breakdown(ctx, batch).devices.map((d) => ({ device: d.device, kind: d.kind, count: d.count, totalBytes: deviceBytes(d.terms), terms: Object.fromEntries(TERM_NAMES.map((k) => [k, d.terms[k].map((x) => ({ label: x.label, bytes: x.bytes }))])) as DeviceSummary["terms"] }));
  if (p.vramBytes !== undefined) {
    const v = p.vramBytes;
    const cap = run.capacity(v, ctx);
    out.gpu = p.gpu?.id;
    out.vramBytes = v;
    out.budgetBytes = run.budget(v);
    out.fits = fitsAt(p, v, ctx, batch);
    out.headroomBytes = out.budgetBytes - budgetedBytes(p, u);
    if (run.kvPool) out.kvPoolBytes = run.kvPool(v, ctx);
    out.kvCapacityTokens = cap.tokens;
    out.maxConcurrency = concurrencyOf(p, v, ctx);
    if (withInverse) out.maxContext = maxContextOf(p, v, batch);
  }
  if (p.ramBytes !== undefined) {
    out.ramBytes = p.ramBytes;
    out.fitsRam = host <= p.ramBytes;
    if (!out.fitsRam) warnings.push(`The engine keeps ${(host / GiB).toFixed(2)} GiB in system RAM, more than the ${(p.ramBytes / GiB).toFixed(2)} GiB given.`);
  }
  if (withInverse && p.gpu) {
    const sp = speedOf(p, ctx, batch);
    const fitted = speedParams(setup.runtime, backendOf(p.gpu)).fittedOn;
    if (fitted !== backendOf(p.gpu)) warnings.push(`No measured ${setup.runtime.name} speeds on ${BACKEND_NAMES[backendOf(p.gpu)]}: its CUDA efficiencies stand in for the speed figures.`);
    out.decodeTokensPerSecond = sp.perSequence;
    out.decodeTokensPerSecondTotal = sp.aggregate;
    out.prefillTokensPerSecond = sp.prefillTokensPerSecond;
    out.ttftSeconds = sp.ttftSeconds;
  }
  return out;
}

/** Totals over every GPU: identical tensor-parallel ranks multiply; a layer split adds its devices. */
function totalsOf(p: Prepared, ctx: number, batch: number, host: number): Terms {
  const tp = p.setup.tp;
  if (tp === 1) return terms(p.run.weightsPerGpu, p.run.usage(ctx, batch), host);
  const gpus = p.run.breakdown(ctx, batch).devices.filter((d) => d.kind === "gpu");
  const sum = (k: TermName) => gpus.reduce((s, d) => s + d.count * termBytes(d.terms[k]), 0);
  return terms(sum("weights"), { kvCache: sum("kvCache"), state: sum("state"), activations: sum("activations"), overhead: sum("overhead") }, host);
}

/** The most layers (counting the output layer) a llama.cpp or Ollama setup can put on its GPUs at (ctx, batch); undefined for other engines or without a GPU. */
export function maxGpuLayersOf(input: EstimateInput, ctx: number, batch: number): number | undefined {
  const base = prepare(input);
  if (!base.run.placement || base.vramBytes === undefined) return undefined;
  // An engine that chooses its own layers (Ollama before v0.30) puts on what its own arithmetic allows.
  if (base.run.autoPlacement) return base.run.autoPlacement(base.vramBytes, ctx, batch).gpuLayers;
  const all = base.run.placement.gpuLayers + base.run.placement.cpuLayers;
  const fitsWith = (n: number) => {
    const p = prepare({ ...input, gpuLayers: n });
    return fitsAt(p, p.vramBytes!, ctx, batch);
  };
  if (!fitsWith(0)) return 0;
  if (fitsWith(all)) return all;
  let lo = 0;
  let hi = all;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fitsWith(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * The prepared setup an engine actually runs at (ctx, batch): Ollama places layers itself unless num_gpu
 * is given: before v0.30 by its own arithmetic (the profile's autoPlacement, with the layer split it passes
 * over several GPUs), since then by llama-server's --fit (as many layers as fit, from the last one back).
 */
export function placedFor(input: EstimateInput, ctx: number, batch: number): Prepared {
  const p = prepare(input);
  if (p.setup.runtime.id !== "ollama" || p.setup.settings.gpuLayers !== undefined || p.vramBytes === undefined || input.gpuLayers != null) return p;
  if (p.run.autoPlacement) {
    const a = p.run.autoPlacement(p.vramBytes, ctx, batch);
    return prepare({ ...input, gpuLayers: a.gpuLayers, tensorSplit: a.split && a.split.some((x) => x > 0) ? a.split.join(",") : null });
  }
  if (fitsAt(p, p.vramBytes, ctx, batch)) return p;
  const n = maxGpuLayersOf(input, ctx, batch) ?? 0;
  return prepare({ ...input, gpuLayers: n });
}

/** The split the way `ollama ps` shows it: "100% GPU", "100% CPU" or "48%/52% CPU/GPU", by the bytes in system RAM and on the GPUs. */
export function processorSplit(e: Pick<Estimate, "gpuLayers" | "offloaded" | "totalBytes" | "hostBytes">): string {
  if (e.gpuLayers === 0) return "100% CPU";
  if (!e.offloaded) return "100% GPU";
  const cpu = Math.round((100 * e.hostBytes) / (e.totalBytes + e.hostBytes));
  return `${cpu}%/${100 - cpu}% CPU/GPU`;
}

/** Full estimate for one setup: resolves names, validates input, never throws anything but FitError. */
export function estimate(input: EstimateInput): Estimate {
  const p0 = prepare(input);
  const { ctx, batch } = workloadOf(input, p0);
  const p = placedFor(input, ctx, batch);
  const e = evaluate(p, ctx, batch);
  if (p.run.placement && p.vramBytes !== undefined && p0.setup.settings.gpuLayers === undefined && input.gpuLayers == null) e.maxGpuLayers = maxGpuLayersOf(input, ctx, batch);
  return e;
}

export type Status = "Fits" | "Tight" | "Fits with offload" | "OOM";

/** Every status, best first. */
export const STATUSES: readonly Status[] = ["Fits", "Tight", "Fits with offload", "OOM"];

/** Does the setup run some layers or experts from system RAM? (llama.cpp's token embeddings always live there and do not count.) */
export function offloads(p: Prepared): boolean {
  const pl = p.run.placement;
  return pl ? pl.cpuLayers > 0 || pl.cpuExpertBlocks > 0 : p.run.hostWeights > 0;
}

/** "Fits", "Tight" (under 10% of the budget to spare), "Fits with offload" (runs, with layers or experts in system RAM) or "OOM". */
export function statusOf(e: Estimate): Status {
  if (e.fits === undefined || e.budgetBytes === undefined || e.headroomBytes === undefined) fail("invalid", "A GPU is needed to judge the fit.");
  if (!e.fits) return "OOM";
  if (e.offloaded) return "Fits with offload";
  return e.headroomBytes < TIGHT_SHARE * e.budgetBytes ? "Tight" : "Fits";
}

/** The status at (ctx, batch) without building an estimate. */
export function statusAt(p: Prepared, ctx: number, batch: number): Status {
  if (p.vramBytes === undefined) fail("invalid", "A GPU is needed to judge the fit.");
  if (p.run.maxBatch && batch > p.run.maxBatch.value) fail("unsupported", p.run.maxBatch.reason);
  if (!fitsAt(p, p.vramBytes, ctx, batch)) return "OOM";
  if (offloads(p)) return "Fits with offload";
  return headroomAt(p, p.vramBytes, ctx, batch) < TIGHT_SHARE * p.run.budget(p.vramBytes) ? "Tight" : "Fits";
}

/** The setup as the engine runs it, with its workload: explicit ctx/batch, else the engine flags', else 4,096 × 1; Ollama places its own layers. */
export function placedSetup(input: EstimateInput): { p: Prepared; ctx: number; batch: number } {
  const { ctx, batch } = workloadOf(input, prepare(input));
  return { p: placedFor(input, ctx, batch), ctx, batch };
}

export type ExplainKey = TermName | "host";

/** The substituted formula behind each term of the fullest GPU, and of the host, read from the breakdown. */
export function explainOf(p: Prepared, ctx: number, batch: number): Record<ExplainKey, string> {
  const bd: Breakdown = p.run.breakdown(ctx, batch);
  const gpu = bd.devices.find((d) => d.kind === "gpu")!;
  const hostDev = bd.devices.find((d) => d.kind === "host");
  const empty: Record<TermName, string> = { weights: "no weights", kvCache: "no attention layers: no KV cache", state: "no recurrent layers: no state", activations: "no activation buffers", overhead: "no overhead" };
  const out = Object.fromEntries(TERM_NAMES.map((k) => [k, renderTerm(gpu.terms[k], empty[k])])) as Record<ExplainKey, string>;
  if (p.vramBytes !== undefined && p.run.budgetText) out.kvCache += `; ${p.run.budgetText(p.vramBytes)}`;
  out.host = hostDev && deviceBytes(hostDev.terms) > 0 ? TERM_NAMES.filter((k) => hostDev.terms[k].length).map((k) => renderTerm(hostDev.terms[k], "")).join(" + ") : `${p.setup.runtime.name} keeps no model state in system RAM (0 B)`;
  return out;
}

/** The substituted formula behind each term of an estimate. */
export function explain(input: EstimateInput): Record<ExplainKey, string> {
  const p = prepare(input);
  const { ctx, batch } = workloadOf(input, p);
  return explainOf(p, ctx, batch);
}

/** Notes the engine profile attaches to a setup (defaults assumed, caveats). */
export function setupNotes(input: EstimateInput): string[] {
  return prepare(input).run.notes;
}

function needGpu(p: Prepared): number {
  if (p.vramBytes === undefined) fail("invalid", "A GPU (or a memory size) is required for this question.");
  return p.vramBytes;
}

/** Largest context that fits at a batch size (capped at the model's window). */
export function maxContext(input: EstimateInput): number {
  const p = prepare(input);
  const { batch } = workloadOf(input, p);
  return maxContextOf(p, needGpu(p), batch);
}

/** Largest number of concurrent requests of ctx tokens that fits. */
export function maxBatch(input: EstimateInput): number {
  const p = prepare(input);
  const { ctx } = workloadOf(input, p);
  return maxBatchOf(p, needGpu(p), ctx);
}

/** Fewest GPUs of the given kind that fit, honouring the engine's tensor-parallel rules. */
export function minGpus(input: EstimateInput, limit = 64): number {
  const first = prepare({ ...input, gpus: 1 });
  const { ctx, batch } = workloadOf(input, first);
  for (let n = 1; n <= limit; n++) {
    try {
      const p = prepare({ ...input, gpus: n });
      if (fitsAt(p, needGpu(p), ctx, batch)) return n;
    } catch (e) {
      // A count the engine cannot split the model over (TP divisibility) is skipped.
      if (!isFitError(e) || e.kind !== "unsupported") throw e;
    }
  }
  return fail("no-answer", `No count of up to ${limit} GPUs fits this setup.`);
}

const BACKEND_NAMES = { cuda: "CUDA", rocm: "ROCm", metal: "Metal", other: "Intel or Google accelerators" } as const;

/** Host memory bandwidth assumed for layers and experts left in system RAM: a desktop with dual-channel DDR5 (about 90 GB/s peak). */
export const DEFAULT_HOST_BANDWIDTH_GBS = 90;
/** Host-to-GPU bandwidth assumed for streaming host weights during prefill: PCIe 4.0 x16 (about 32 GB/s peak, 25 achieved). */
export const DEFAULT_LINK_BANDWIDTH_GBS = 25;

/** Decode speed (tokens/s, one sequence and all), prefill speed and time to first token of a setup at (ctx, batch), per speed.ts. */
export function speed(input: EstimateInput): Speed {
  const p = prepare(input);
  const { ctx, batch } = workloadOf(input, p);
  return speedOf(p, ctx, batch);
}

/** Decode and prefill speed of a prepared setup on its catalog GPU. */
export function speedOf(p: Prepared, ctx: number, batch: number, hostBandwidthGBs = p.hostBandwidthGBs): Speed {
  return speedOfTerms(speedTermsOf(p, ctx, batch, hostBandwidthGBs), speedParams(p.setup.runtime, backendOf(p.gpu!)));
}

/** The speed terms of a prepared setup on its catalog GPU, before the engine's efficiencies (for fitting them). */
export function speedTermsOf(p: Prepared, ctx: number, batch: number, hostBandwidthGBs = p.hostBandwidthGBs): SpeedTerms {
  if (!p.gpu) fail("invalid", "A GPU from the catalog is required for speed (its bandwidth and compute).");
  const gpu = p.gpu;
  // All-reduce latency: an estimate for NVLink-connected data-centre parts and for PCIe cards.
  const nvlink = gpu.class === "datacenter" && !/pcie/i.test(gpu.id);
  return speedTerms(p.setup, p.run, { gpu, hostBandwidthGBs, linkBandwidthGBs: DEFAULT_LINK_BANDWIDTH_GBS, allReduceSeconds: nvlink ? 10e-6 : 25e-6 }, ctx, batch);
}

/** Every catalog GPU for one setup, like a GPU comparison table. */
export function compareGpus(input: Omit<EstimateInput, "gpu" | "vramGiB">): Array<{ gpu: GpuRecord; estimate?: Estimate; status?: Status; tokensPerSecond?: number; error?: string }> {
  // Bad names and unsupported combinations fail here, once; only GPU-specific limits become per-row errors.
  const base = prepare(input);
  const { ctx, batch } = workloadOf(input, base);
  const gpus = catalog().gpus;
  // One lookup per comparison instead of one per GPU: the setup on every GPU, prepared once.
  const key = typeof input.model === "string" ? keyOf(input) : undefined;
  let row = key ? comparisonCache.get(key) : undefined;
  if (!row) {
    row = gpus.map((gpu) => {
      try {
        return prepare({ ...input, gpu: gpu.id });
      } catch (e) {
        return e instanceof Error ? e : new Error(String(e));
      }
    });
    if (key) {
      if (comparisonCache.size() > 500) comparisonCache.clear();
      comparisonCache.set(key, row);
    }
  }
  const prepared = row;
  return gpus.map((gpu, i) => {
    try {
      const p0 = prepared[i];
      if (p0 instanceof Error) throw p0;
      // Ollama places its own layers: a GPU too small for all of them still runs the model, split with the CPU.
      const p = p0.setup.runtime.id === "ollama" ? placedFor({ ...input, gpu: gpu.id }, ctx, batch) : p0;
      const e = evaluate(p, ctx, batch, false);
      const sp = speedOf(p, ctx, batch);
      return { gpu, estimate: e, status: statusOf(e), tokensPerSecond: sp.aggregate };
    } catch (e) {
      return { gpu, error: (e as Error).message };
    }
  });
}
