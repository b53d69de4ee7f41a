// The estimator's public questions: estimate, fit and headroom, max context,
// max concurrency, min GPUs, and speed. Setups are prepared once and cached,
// so a sheet of thousands of formulas costs a few arithmetic operations each.
import { deviceBytes, renderTerm, TERM_NAMES, termBytes, type Breakdown, type TermName } from "./breakdown";
import { catalog, catalogGeneration, findGpu, findKvDtype, findModel, findQuant, findRuntime, type ModelEntry } from "./catalog";
import type { GpuRecord } from "./catalogSchema";
import { parseEngineArgs, type EngineSettings } from "./engineFlags";
import { parseEngineVersion } from "./engineVersion";
import { fail, isFitError, positiveInt } from "./errors";
import type { PreparedRun, RuntimeProfile, SettingValue, Setup, Usage } from "./runtimeProfile";
import { llamaCpp } from "./runtimes/llamacpp";
import { mlx } from "./runtimes/mlx";
import { ollama } from "./runtimes/ollama";
import { sglang } from "./runtimes/sglang";
import { transformers } from "./runtimes/transformers";
import { vllm } from "./runtimes/vllm";
import { tupleCache } from "./tupleCache";
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
  /** Every device's terms, with the parts behind them (full estimates only). */
  devices?: DeviceSummary[];
  gpu?: string;
  vramBytes?: number;
  budgetBytes?: number;
  fits?: boolean;
  headroomBytes?: number;
  /** The KV pool the engine preallocates on each GPU (vLLM, SGLang). */
  kvPoolBytes?: number;
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
}

// Prepared setups keyed by the raw inputs as a tuple of nested maps (no string keys on the hot path).
const preparedCache = tupleCache<Prepared>();
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
  if (r.id === "mlx" && gpu && gpu.vendor !== "Apple") fail("unsupported", `MLX runs only on Apple silicon; ${gpu.name} is not.`);
}

function keyOf(input: EstimateInput): unknown[] {
  return [input.model, input.quant, input.runtime, input.kvDtype, input.gpus, input.gpu, input.vramGiB, input.gpuUtil, input.engineVersion, input.speculativeTokens, input.engineArgs];
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
  return st;
}

/** Resolves names and prepares a setup (cached per distinct setup). */
export function prepare(input: EstimateInput): Prepared {
  const key = typeof input.model === "string" ? keyOf(input) : undefined;
  if (key) {
    checkGeneration();
    const hit = preparedCache.get(key);
    if (hit) return hit;
  }
  const prepared = prepareUncached(input);
  if (key) {
    if (preparedCache.size() > 5000) preparedCache.clear();
    preparedCache.set(key, prepared);
  }
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
    if (typeof input.vramGiB !== "number" || !Number.isFinite(input.vramGiB) || input.vramGiB < 0.01 || input.vramGiB > 100_000) fail("invalid", `vramGiB must be a memory size between 0.01 and 100,000 GiB, got ${input.vramGiB}.`);
    vramBytes = input.vramGiB * GiB;
  }
  const engineVersion = input.engineVersion != null && String(input.engineVersion).trim() !== "" ? parseEngineVersion(input.engineVersion, runtime.id) : undefined;
  const setup: Setup = { model, quant, kv, kvV, runtime, tp, gpu, vramBytes, settings, engineVersion };
  checkSupport(setup);
  const profile = PROFILES[runtime.id];
  const run = profile.prepare(setup);
  return { setup, run, profile, gpu, vramBytes };
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
    warnings,
  };
  if (run.placement) {
    out.gpuLayers = run.placement.gpuLayers;
    out.cpuLayers = run.placement.cpuLayers;
  }
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

/** Full estimate for one setup: resolves names, validates input, never throws anything but FitError. */
export function estimate(input: EstimateInput): Estimate {
  const p = prepare(input);
  const { ctx, batch } = workloadOf(input, p);
  return evaluate(p, ctx, batch);
}

export type Status = "Fits" | "Tight" | "OOM";

/** "Fits", "Tight" (under 10% of the budget to spare) or "OOM". */
export function statusOf(e: Estimate): Status {
  if (e.fits === undefined || e.budgetBytes === undefined || e.headroomBytes === undefined) fail("invalid", "A GPU is needed to judge the fit.");
  if (!e.fits) return "OOM";
  return e.headroomBytes < TIGHT_SHARE * e.budgetBytes ? "Tight" : "Fits";
}

/** The status at (ctx, batch) without building an estimate. */
export function statusAt(p: Prepared, ctx: number, batch: number): Status {
  if (p.vramBytes === undefined) fail("invalid", "A GPU is needed to judge the fit.");
  if (p.run.maxBatch && batch > p.run.maxBatch.value) fail("unsupported", p.run.maxBatch.reason);
  if (!fitsAt(p, p.vramBytes, ctx, batch)) return "OOM";
  return headroomAt(p, p.vramBytes, ctx, batch) < TIGHT_SHARE * p.run.budget(p.vramBytes) ? "Tight" : "Fits";
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

export interface Speed {
  /** Decode tokens/s of one sequence. */
  perSequence: number;
  /** Decode tokens/s over all `batch` sequences. */
  aggregate: number;
  /** Time to first token for one prompt of ctx tokens, seconds. */
  ttftSeconds: number;
  /** Bytes read from memory per decode step, per GPU. */
  bytesPerStep: number;
}

/** Share of peak bandwidth decode achieves, and of peak dense compute prefill achieves. */
export const BANDWIDTH_EFFICIENCY = 0.7;
export const COMPUTE_EFFICIENCY = 0.5;

/**
 * Decode speed from the bandwidth roofline: each step reads the active weights
 * (the experts a batch touches) and the KV of every sequence; prefill time from
 * dense FLOPs over peak compute.
 */
export function speed(input: EstimateInput): Speed {
  const p = prepare(input);
  const { ctx, batch } = workloadOf(input, p);
  return speedOf(p, ctx, batch);
}

/** What speed needs from a model, independent of ctx and batch. */
interface SpeedShape {
  expertShare: number;
  /** Experts and experts per token of the MoE layers (none for dense models). */
  moe?: { experts: number; topK: number };
  /** Σ heads × head_dim over attention layers: prefill attention FLOPs are 2 · ctx² · this. */
  attentionWidth: number;
}

const speedShapes = new WeakMap<ModelEntry, SpeedShape>();

function speedShape(m: ModelEntry): SpeedShape {
  const hit = speedShapes.get(m);
  if (hit) return hit;
  const ffn = m.arch.layers.find((l) => l.ffn.kind === "moe")?.ffn;
  const shape: SpeedShape = {
    expertShare: m.params.byGroup.experts / m.params.total,
    moe: ffn && ffn.kind === "moe" ? { experts: ffn.experts, topK: ffn.topK } : undefined,
    attentionWidth: m.arch.layers.reduce((s, l) => s + l.mixers.reduce((t, x) => t + ("heads" in x && "headDimK" in x ? x.heads * x.headDimK : 0), 0), 0),
  };
  speedShapes.set(m, shape);
  return shape;
}

/** Decode and prefill speed of a prepared setup on its catalog GPU. */
export function speedOf(p: Prepared, ctx: number, batch: number): Speed {
  if (!p.gpu) fail("invalid", "A GPU from the catalog is required for speed (its bandwidth and compute).");
  const shape = speedShape(p.setup.model);
  const u = p.run.usage(ctx, batch);
  // Experts one decode step touches: 1 − (1 − k/E)^batch of them.
  const touched = shape.moe ? 1 - Math.pow(1 - shape.moe.topK / shape.moe.experts, batch) : 0;
  const weightsRead = p.run.weightsPerGpu * (1 - shape.expertShare + shape.expertShare * touched);
  // On average a sequence is half-way through its context.
  const bytesPerStep = weightsRead + u.kvCache / 2 + u.state;
  const stepSeconds = bytesPerStep / (p.gpu.bandwidthGBs * 1e9 * BANDWIDTH_EFFICIENCY);
  const flops = 2 * p.setup.model.params.active * ctx + 2 * ctx * ctx * shape.attentionWidth;
  const tflops = p.gpu.bf16Tflops ?? 0;
  return {
    perSequence: 1 / stepSeconds,
    aggregate: batch / stepSeconds,
    ttftSeconds: tflops > 0 ? flops / (tflops * 1e12 * COMPUTE_EFFICIENCY * p.setup.tp) : NaN,
    bytesPerStep,
  };
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
      const p = prepared[i];
      if (p instanceof Error) throw p;
      const e = evaluate(p, ctx, batch, false);
      const sp = speedOf(p, ctx, batch);
      return { gpu, estimate: e, status: statusOf(e), tokensPerSecond: sp.aggregate };
    } catch (e) {
      return { gpu, error: (e as Error).message };
    }
  });
}
