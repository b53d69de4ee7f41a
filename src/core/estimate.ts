// The estimator's public questions: estimate, fit and headroom, max context,
// max concurrency, min GPUs, and speed. Setups are prepared once and cached,
// so a sheet of thousands of formulas costs a few arithmetic operations each.
import { catalog, catalogGeneration, findGpu, findKvDtype, findModel, findQuant, findRuntime, type ModelEntry } from "./catalog";
import type { GpuRecord } from "./catalogSchema";
import { fail, isFitError, positiveInt } from "./errors";
import type { PreparedRun, RuntimeProfile, Setup, TermName, Usage } from "./runtimeProfile";
import { llamaCpp } from "./runtimes/llamacpp";
import { mlx } from "./runtimes/mlx";
import { ollama } from "./runtimes/ollama";
import { sglang } from "./runtimes/sglang";
import { transformers } from "./runtimes/transformers";
import { vllm } from "./runtimes/vllm";
import { parseEngineVersion } from "./runtimes/vllmVersion";
import { GiB } from "./units";

export const MAX_CTX = 10_000_000;
export const MAX_BATCH = 100_000;
export const MAX_GPUS = 1024;
/** Headroom under this share of the budget is "Tight". */
export const TIGHT_SHARE = 0.1;

const PROFILES: Record<string, RuntimeProfile> = { vllm, sglang, "llama.cpp": llamaCpp, ollama, transformers, mlx };

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
  cudaGraphs?: boolean;
  batchedTokens?: number;
  maxSeqs?: number;
  flashAttention?: boolean;
  /** vLLM release, e.g. "0.6.3" or "v0.10.1.1"; absent = the latest release. */
  engineVersion?: string | null;
  /** vLLM MTP speculative decoding: num_speculative_tokens. */
  speculativeTokens?: number | null;
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
  gpu?: string;
  vramBytes?: number;
  budgetBytes?: number;
  fits?: boolean;
  headroomBytes?: number;
  kvCapacityTokens?: number;
  maxConcurrency?: number;
  maxContext?: number;
  warnings: string[];
}

/** A resolved, prepared setup: everything but ctx and batch. */
export interface Prepared {
  setup: Setup;
  run: PreparedRun;
  gpu?: GpuRecord;
  vramBytes?: number;
}

const preparedCache = new Map<string, Prepared>();
/** A setup prepared on every catalog GPU (or why it cannot run there), in catalog order. */
const comparisonCache = new Map<string, Array<Prepared | Error>>();
/** The catalog generation the cache was filled under: registering custom models or GPUs changes what a name means. */
let preparedGeneration = -1;

function checkSupport(s: Setup): void {
  const r = s.runtime;
  if (!r.quants.includes(s.quant.id)) fail("unsupported", `${r.name} does not run '${s.quant.id}' weights. Supported on ${r.name}: ${r.quants.join(", ")}.`);
  if (!r.kvDtypes.includes(s.kv.id)) fail("unsupported", `${r.name} does not support a '${s.kv.id}' KV cache. Supported: ${r.kvDtypes.join(", ")}.`);
  if (s.quant.id === "native" && !r.quants.includes(s.model.record.checkpoint.dtype === "fp32" ? "fp32" : s.model.record.checkpoint.dtype))
    fail("unsupported", `${r.name} cannot run ${s.model.record.name}'s native ${s.model.record.checkpoint.dtype} checkpoint.`);
  const q = s.quant;
  if (q.id === "mxfp4" && !s.model.arch.layers.some((l) => l.ffn.kind === "moe")) fail("unsupported", `MXFP4 here quantizes MoE experts only; ${s.model.record.name} has no experts. Use nvfp4, awq or a GGUF type.`);
}

/** The cache key of a setup given by names; undefined for a model passed as an entry. */
function setupKey(input: EstimateInput): string | undefined {
  if (typeof input.model !== "string") return undefined;
  // Custom models and GPUs can change what a name means: start afresh when they do.
  if (preparedGeneration !== catalogGeneration()) {
    preparedCache.clear();
    comparisonCache.clear();
    preparedGeneration = catalogGeneration();
  }
  return `${input.model}|${input.quant}|${input.runtime}|${input.kvDtype}|${input.gpus}|${input.gpu}|${input.vramGiB}|${input.gpuUtil}|${input.cudaGraphs}|${input.batchedTokens}|${input.maxSeqs}|${input.flashAttention}|${input.engineVersion}|${input.speculativeTokens}`;
}

/** Resolves names and prepares a setup (cached per distinct setup). */
export function prepare(input: EstimateInput): Prepared {
  const key = setupKey(input);
  if (key) {
    const hit = preparedCache.get(key);
    if (hit) return hit;
  }
  const model = typeof input.model === "string" ? findModel(input.model) : input.model;
  const quant = findQuant(input.quant ?? "native");
  const runtime = findRuntime(input.runtime ?? "vllm");
  const kv = findKvDtype(input.kvDtype ?? "auto");
  const tp = positiveInt("gpus", input.gpus ?? 1, MAX_GPUS);
  if (input.gpu != null && input.vramGiB != null) fail("invalid", "Give either a GPU or a memory size (vramGiB), not both.");
  const gpu = input.gpu != null ? findGpu(input.gpu) : undefined;
  let vramBytes = gpu?.memoryBytes;
  if (input.vramGiB != null) {
    if (typeof input.vramGiB !== "number" || !Number.isFinite(input.vramGiB) || input.vramGiB <= 0 || input.vramGiB > 100_000) fail("invalid", `vramGiB must be a positive number of GiB, got ${input.vramGiB}.`);
    vramBytes = input.vramGiB * GiB;
  }
  if (input.gpuUtil != null && (typeof input.gpuUtil !== "number" || !(input.gpuUtil > 0 && input.gpuUtil <= 1))) fail("invalid", `gpuUtil must be a fraction between 0 and 1, got ${input.gpuUtil}.`);
  const engineVersion = input.engineVersion != null ? parseEngineVersion(input.engineVersion) : undefined;
  if (engineVersion && runtime.id !== "vllm") fail("invalid", `engineVersion is modelled for vLLM only, not ${runtime.name}.`);
  const speculativeTokens = input.speculativeTokens != null && input.speculativeTokens !== 0 ? positiveInt("speculativeTokens", input.speculativeTokens, 64) : undefined;
  if (speculativeTokens && runtime.id !== "vllm") fail("invalid", `speculativeTokens is modelled for vLLM only, not ${runtime.name}.`);
  if (gpu?.unifiedMemory && runtime.id !== "mlx" && runtime.id !== "llama.cpp" && runtime.id !== "ollama" && gpu.vendor === "Apple")
    fail("unsupported", `${runtime.name} does not run on Apple silicon; use mlx, llama.cpp or ollama.`);
  if (runtime.id === "mlx" && gpu && gpu.vendor !== "Apple") fail("unsupported", `MLX runs only on Apple silicon; ${gpu.name} is not.`);
  const setup: Setup = {
    model,
    quant,
    kv,
    runtime,
    tp,
    vramBytes,
    gpuUtil: input.gpuUtil ?? undefined,
    cudaGraphs: input.cudaGraphs,
    batchedTokens: input.batchedTokens,
    maxSeqs: input.maxSeqs,
    flashAttention: input.flashAttention,
    engineVersion,
    speculativeTokens,
  };
  checkSupport(setup);
  const run = PROFILES[runtime.id].prepare(setup);
  const prepared: Prepared = { setup, run, gpu, vramBytes };
  if (key) {
    if (preparedCache.size > 5000) preparedCache.clear();
    preparedCache.set(key, prepared);
  }
  return prepared;
}

function terms(weights: number, kv: number, state: number, act: number, overhead: number, host: number): Terms {
  return { weightsBytes: weights, kvCacheBytes: kv, stateBytes: state, activationBytes: act, overheadBytes: overhead, totalBytes: weights + kv + state + act + overhead, hostBytes: host };
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
  if (fitsAt(p, vram, ctx, MAX_BATCH)) return MAX_BATCH;
  let lo = 1;
  let hi = 2;
  while (hi < MAX_BATCH && fitsAt(p, vram, ctx, hi)) {
    lo = hi;
    hi = Math.min(MAX_BATCH, hi * 2);
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fitsAt(p, vram, ctx, mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

function checkCtxBatch(input: EstimateInput): { ctx: number; batch: number } {
  return { ctx: positiveInt("ctx", input.ctx ?? 4096, MAX_CTX), batch: positiveInt("batch", input.batch ?? 1, MAX_BATCH) };
}

/** Evaluates a prepared setup at (ctx, batch): every term, and the fit when a GPU is known. */
export function evaluate(p: Prepared, ctx: number, batch: number, withInverse = true): Estimate {
  const { setup, run } = p;
  if (run.maxBatch && batch > run.maxBatch.value) fail("unsupported", run.maxBatch.reason);
  const u = run.usage(ctx, batch);
  const tp = setup.tp;
  const per = terms(run.weightsPerGpu, u.kvCache, u.state, u.activations, u.overhead, run.hostBytes);
  const total = terms(run.weightsTotal, u.kvCache * tp, u.state * tp, u.activations * tp, u.overhead * tp, run.hostBytes);
  const warnings: string[] = [];
  const window = setup.model.record.contextWindow;
  if (ctx > window) warnings.push(`ctx ${ctx.toLocaleString("en-US")} exceeds ${setup.model.record.name}'s documented context window of ${window.toLocaleString("en-US")} tokens; computed anyway.`);
  const out: Estimate = {
    model: setup.model.record.id,
    quant: setup.quant.id,
    runtime: setup.runtime.id,
    kvDtype: setup.kv.id,
    ctx,
    batch,
    gpus: tp,
    ...total,
    perGpu: per,
    warnings,
  };
  if (p.vramBytes !== undefined) {
    const v = p.vramBytes;
    const budget = run.budget(v);
    const cap = run.capacity(v, ctx);
    out.gpu = p.gpu?.id;
    out.vramBytes = v;
    out.budgetBytes = budget;
    out.fits = fitsAt(p, v, ctx, batch);
    out.headroomBytes = budget - budgetedBytes(p, u);
    out.kvCapacityTokens = cap.tokens;
    out.maxConcurrency = cap.concurrency;
    if (withInverse) out.maxContext = maxContextOf(p, v, batch);
  }
  return out;
}

/** Full estimate for one setup: resolves names, validates input, never throws anything but FitError. */
export function estimate(input: EstimateInput): Estimate {
  const { ctx, batch } = checkCtxBatch(input);
  return evaluate(prepare(input), ctx, batch);
}

export type Status = "Fits" | "Tight" | "OOM";

/** "Fits", "Tight" (under 10% of the budget to spare) or "OOM". */
export function statusOf(e: Estimate): Status {
  if (e.fits === undefined || e.budgetBytes === undefined || e.headroomBytes === undefined) fail("invalid", "A GPU is needed to judge the fit.");
  if (!e.fits) return "OOM";
  return e.headroomBytes < TIGHT_SHARE * e.budgetBytes ? "Tight" : "Fits";
}

/** The substituted formula behind each term of an estimate. */
export function explain(input: EstimateInput): Record<TermName, string> {
  const { ctx, batch } = checkCtxBatch(input);
  const p = prepare(input);
  return p.run.explain(ctx, batch, p.vramBytes);
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
  const { batch } = checkCtxBatch(input);
  const p = prepare(input);
  return maxContextOf(p, needGpu(p), batch);
}

/** Largest number of concurrent requests of ctx tokens that fits. */
export function maxBatch(input: EstimateInput): number {
  const { ctx } = checkCtxBatch(input);
  const p = prepare(input);
  return maxBatchOf(p, needGpu(p), ctx);
}

/** Fewest GPUs of the given kind that fit, honouring the engine's tensor-parallel rules. */
export function minGpus(input: EstimateInput, limit = 64): number {
  const { ctx, batch } = checkCtxBatch(input);
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
  const { ctx, batch } = checkCtxBatch(input);
  return speedOf(prepare(input), ctx, batch);
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
  const { ctx, batch } = checkCtxBatch(input);
  // Bad names and unsupported combinations fail here, once; only GPU-specific limits become per-row errors.
  prepare(input);
  const gpus = catalog().gpus;
  // One lookup per comparison instead of one per GPU: the setup on every GPU, prepared once.
  const key = setupKey(input);
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
      if (comparisonCache.size > 500) comparisonCache.clear();
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
