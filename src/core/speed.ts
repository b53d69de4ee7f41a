// Speed from the same breakdown as memory. Decode: every step reads each
// device's active weights (for MoE, only the experts a batch touches) and the
// KV and state of every sequence, at that device's bandwidth; a layer split runs
// its devices one after another, tensor parallelism runs the ranks side by side
// and pays two all-reduces per layer; each layer also costs a fixed launch time.
// An engine's kernels stream at a share of the memory's peak, and at most at a
// per-unit rate times the GPU's SMs (CUs, GPU cores): a kernel keeps a bounded
// number of bytes in flight per unit (Little's law), which caps it on GPUs with
// much bandwidth per SM (A100, H100 PCIe, MI300X) and not on GDDR cards.
// A large batch makes a step compute-bound (its FLOPs over peak compute).
// Prefill: dense FLOPs (2 × active parameters per token, plus attention growing
// with the context) over peak compute, or streaming the weights once, whichever
// is longer, plus a fixed first-token overhead; layers left in host memory are
// streamed to the GPU for prompt batches. Efficiencies per engine and backend
// are fitted to measured speeds (calibration/speed.json) and stored, with how
// they were fitted, in catalog/runtimes.json.
import type { DeviceUse } from "./breakdown";
import { termBytes } from "./breakdown";
import type { GpuRecord } from "./catalogSchema";
import type { ModelEntry } from "./catalog";
import { fail } from "./errors";
import type { PreparedRun, Setup } from "./runtimeProfile";
import { weightBytes } from "./weightBytes";

/** The GPU backend an engine runs on: CUDA (NVIDIA and custom GPUs), ROCm (AMD), Metal (Apple), or another (Intel, Google). */
export type Backend = "cuda" | "rocm" | "metal" | "other";

/** How well an engine uses a backend: fitted to measured speeds. */
export interface SpeedParams {
  /** Share of peak memory bandwidth decode achieves on streamed bytes. */
  bandwidthEfficiency: number;
  /**
   * GB/s one SM (CU, Apple GPU core) sustains in the engine's decode kernels: their bytes in flight per
   * unit over the memory's latency. GPU reads run at no more than units × this; null (or absent) when the
   * engine's measurements show no such limit.
   */
  unitBandwidthGBs?: number | null;
  /** Fixed time per layer and decode step (kernel launches, synchronisation), seconds. */
  layerOverheadSeconds: number;
  /** Share of peak dense 16-bit compute prefill achieves. */
  computeEfficiency: number;
  /** Fixed time before the first token (scheduling, tokenization, a server's request handling), seconds. */
  prefillOverheadSeconds: number;
}

/** What the speed model needs beyond the prepared setup. */
export interface SpeedEnv {
  gpu: GpuRecord;
  /** Host (CPU) memory bandwidth for layers and experts left in system RAM, GB/s. */
  hostBandwidthGBs: number;
  /** Host-to-GPU bandwidth used to stream host weights during prefill, GB/s. */
  linkBandwidthGBs: number;
  /** Time of one all-reduce between tensor-parallel ranks, seconds. */
  allReduceSeconds: number;
}

export interface Speed {
  /** Decode tokens/s of one sequence at the given context (all `batch` sequences running). */
  perSequence: number;
  /** Decode tokens/s over all `batch` sequences. */
  aggregate: number;
  /** Prompt tokens processed per second for one prompt of ctx tokens. */
  prefillTokensPerSecond: number;
  /** Time to first token for one prompt of ctx tokens, seconds. */
  ttftSeconds: number;
  /** Bytes read from memory per decode step, over all devices. */
  bytesPerStep: number;
}

/**
 * The parts of one decode step and one prefill at peak rates, before an engine's
 * efficiencies: step time = max(memorySeconds / bandwidthEfficiency + linkSeconds,
 * decodeComputeSeconds / computeEfficiency) + layers × layerOverheadSeconds + allReduces × allReduceSeconds; prefill =
 * max(computeSeconds / computeEfficiency, weightSeconds / bandwidthEfficiency + prefillLinkSeconds) + prefillOverheadSeconds.
 */
export interface SpeedTerms {
  /** Bytes each step reads over peak memory bandwidth, summed over the devices a step passes through in turn. */
  memorySeconds: number;
  /** The part of memorySeconds read from GPU memory (the rest is host memory). */
  gpuMemorySeconds: number;
  /** Peak bandwidth of one GPU over its parallel units (SMs, CUs, GPU cores), GB/s; NaN when the unit count is unknown. */
  bandwidthPerUnitGBs: number;
  /** Host memory the GPU reads over the PCIe link each step (vLLM --cpu-offload-gb): link-bound, not scaled. */
  linkSeconds: number;
  layers: number;
  /** All-reduces per step (two per layer under tensor parallelism). */
  allReduces: number;
  allReduceSeconds: number;
  bytesPerStep: number;
  /** Prefill FLOPs of one prompt over the GPUs' peak dense 16-bit compute; NaN when the catalog has no compute figure. */
  computeSeconds: number;
  /** One decode step's FLOPs (every sequence's token) over the same peak; 0 when the compute figure is unknown. */
  decodeComputeSeconds: number;
  /** One pass over a GPU's weights at peak bandwidth (prefill can be no faster). */
  weightSeconds: number;
  /** Host-resident weights streamed to the GPU for each 512-token prompt batch (llama.cpp's op offload). */
  prefillLinkSeconds: number;
  batch: number;
  ctx: number;
}

/** The backend a GPU runs engines on. */
export function backendOf(gpu: GpuRecord): Backend {
  return gpu.vendor === "Apple" ? "metal" : gpu.vendor === "AMD" ? "rocm" : gpu.vendor === "Intel" || gpu.vendor === "Google" ? "other" : "cuda";
}

interface Shape {
  moe?: { experts: number; topK: number };
  /** Σ heads × head_dim over attention layers (prefill attention FLOPs are 2 · ctx² · this). */
  attentionWidth: number;
  layers: number;
}

const shapes = new WeakMap<ModelEntry, Shape>();

function shapeOf(m: ModelEntry): Shape {
  const hit = shapes.get(m);
  if (hit) return hit;
  const ffn = m.arch.layers.find((l) => l.ffn.kind === "moe")?.ffn;
  const shape: Shape = {
    moe: ffn && ffn.kind === "moe" ? { experts: ffn.experts, topK: ffn.topK } : undefined,
    attentionWidth: m.arch.layers.reduce((s, l) => s + l.mixers.reduce((t, x) => t + ("heads" in x && "headDimK" in x ? x.heads * x.headDimK : "heads" in x && x.kind === "mla" ? x.heads * (x.nopeDim + x.ropeDim) : 0), 0), 0),
    layers: m.arch.layers.length,
  };
  shapes.set(m, shape);
  return shape;
}

/** Share of a MoE layer's experts a decode step of `batch` sequences touches: 1 − (1 − k/E)^batch. */
export function expertsTouched(moe: { experts: number; topK: number } | undefined, batch: number): number {
  return moe ? 1 - Math.pow(1 - moe.topK / moe.experts, batch) : 0;
}

/** Bytes one decode step reads on a device: weights (experts only as touched; input embeddings are looked up, not read), KV and state. */
function bytesRead(d: DeviceUse, expertFraction: number, touched: number, embed: number): number {
  const weights = termBytes(d.terms.weights) - embed;
  const experts = d.expertBytes ?? weights * expertFraction;
  return weights - experts + experts * touched + termBytes(d.terms.kvCache) + termBytes(d.terms.state);
}

/** The speed terms of a prepared setup at (ctx, batch) on a GPU, at peak rates. */
export function speedTerms(s: Setup, run: PreparedRun, env: SpeedEnv, ctx: number, batch: number): SpeedTerms {
  const shape = shapeOf(s.model);
  const bd = run.breakdown(ctx, batch);
  const touched = expertsTouched(shape.moe, batch);
  // Routed experts' share of each device's weights (the model's share; CPU-expert placement moves them to the host device).
  const wb = weightBytes(s.model, s.quant);
  const expertFraction = wb.total > 0 ? wb.byGroup.experts / wb.total : 0;
  const gpuBw = env.gpu.bandwidthGBs * 1e9;
  const hostBw = (env.gpu.unifiedMemory ? env.gpu.bandwidthGBs : env.hostBandwidthGBs) * 1e9;
  const linkBw = env.linkBandwidthGBs * 1e9;
  let memorySeconds = 0;
  let gpuMemorySeconds = 0;
  let linkSeconds = 0;
  let bytesPerStep = 0;
  let hostWeights = 0;
  const gpus = bd.devices.filter((d) => d.kind === "gpu");
  const tensorParallel = gpus.length === 1 && gpus[0].count > 1;
  for (const d of bd.devices) {
    const isHost = d.kind === "host";
    // Input embeddings are looked up, not streamed: leave them out of the host's reads.
    const embed = isHost ? Math.min(wb.tokenEmbd, termBytes(d.terms.weights)) : 0;
    const read = bytesRead(d, expertFraction, touched, embed);
    bytesPerStep += read * d.count;
    // Tensor-parallel ranks run side by side; a layer split runs its devices in turn.
    if (isHost && d.readOverLink) linkSeconds += read / linkBw;
    else {
      if (isHost) hostWeights += termBytes(d.terms.weights) - embed;
      memorySeconds += read / (isHost ? hostBw : gpuBw);
      if (!isHost) gpuMemorySeconds += read / gpuBw;
    }
  }
  // Prefill of one prompt of ctx tokens: dense FLOPs over all GPUs, or one pass over the weights.
  const flops = 2 * s.model.params.active * ctx + 2 * ctx * ctx * shape.attentionWidth;
  // A decode step: each sequence's token through the active weights, and its attention over ctx cached tokens.
  const decodeFlops = batch * (2 * s.model.params.active + 4 * ctx * shape.attentionWidth);
  const tflops = (env.gpu.bf16Tflops ?? 0) * (fp16Accumulate(s.runtime.id, env.gpu) ? 2 : 1);
  const gpuCount = gpus.reduce((a, d) => a + d.count, 0) || 1;
  const peak = tflops * 1e12 * (tensorParallel ? gpuCount : 1);
  const units = env.gpu.computeUnits ?? null;
  return {
    memorySeconds,
    gpuMemorySeconds,
    bandwidthPerUnitGBs: units ? env.gpu.bandwidthGBs / units : NaN,
    linkSeconds,
    layers: shape.layers,
    allReduces: tensorParallel ? 2 * shape.layers : 0,
    allReduceSeconds: env.allReduceSeconds,
    bytesPerStep,
    computeSeconds: tflops > 0 ? flops / peak : NaN,
    decodeComputeSeconds: tflops > 0 ? decodeFlops / peak : 0,
    weightSeconds: run.weightsPerGpu / gpuBw,
    // With op offload, llama.cpp streams host-resident weights to the GPU once per ubatch of 512 prompt tokens.
    prefillLinkSeconds: (Math.ceil(ctx / 512) * hostWeights) / linkBw,
    batch,
    ctx,
  };
}

/**
 * ggml's CUDA matrix multiply accumulates in FP16 on NVIDIA GPUs (cublasGemmEx with CUBLAS_COMPUTE_16F,
 * ggml/src/ggml-cuda/ggml-cuda.cu @ c392e5094), and GeForce cards run FP16-accumulate tensor math at
 * twice their FP32-accumulate rate (the catalog's figure; NVIDIA's GA102 and AD102 whitepapers list both).
 */
function fp16Accumulate(runtime: string, gpu: GpuRecord): boolean {
  return (runtime === "llama.cpp" || runtime === "ollama") && gpu.vendor === "NVIDIA" && gpu.class === "consumer";
}

/** Share of a GPU's peak bandwidth an engine's kernels reach: its fitted share, or units × its per-unit rate if lower. */
export function gpuBandwidthShare(t: Pick<SpeedTerms, "bandwidthPerUnitGBs">, p: Pick<SpeedParams, "bandwidthEfficiency" | "unitBandwidthGBs">): number {
  return p.unitBandwidthGBs && Number.isFinite(t.bandwidthPerUnitGBs) ? Math.min(p.bandwidthEfficiency, p.unitBandwidthGBs / t.bandwidthPerUnitGBs) : p.bandwidthEfficiency;
}

/** Seconds of one decode step's memory reads: GPU memory at the GPU's share, host memory at the plain share. */
function readSeconds(t: SpeedTerms, p: SpeedParams): number {
  return t.gpuMemorySeconds / gpuBandwidthShare(t, p) + (t.memorySeconds - t.gpuMemorySeconds) / p.bandwidthEfficiency;
}

/** Seconds of one decode step under an engine's efficiencies. */
export function stepSeconds(t: SpeedTerms, p: SpeedParams): number {
  // Large batches turn decode compute-bound: a step takes the longer of reading its bytes and doing its FLOPs.
  return Math.max(readSeconds(t, p) + t.linkSeconds, t.decodeComputeSeconds / p.computeEfficiency) + t.layers * p.layerOverheadSeconds + t.allReduces * t.allReduceSeconds;
}

/** Time to first token for one prompt under an engine's efficiencies (NaN without a compute figure). */
export function prefillSeconds(t: SpeedTerms, p: SpeedParams): number {
  return Math.max(t.computeSeconds / p.computeEfficiency, t.weightSeconds / gpuBandwidthShare(t, p) + t.prefillLinkSeconds) + p.prefillOverheadSeconds;
}

/** Decode and prefill speed from the terms and an engine's efficiencies. */
export function speedOfTerms(t: SpeedTerms, p: SpeedParams): Speed {
  const step = stepSeconds(t, p);
  const ttft = prefillSeconds(t, p);
  return {
    perSequence: 1 / step,
    aggregate: t.batch / step,
    prefillTokensPerSecond: Number.isFinite(ttft) ? t.ctx / ttft : NaN,
    ttftSeconds: ttft,
    bytesPerStep: t.bytesPerStep,
  };
}

/** The parameters an engine's profile in runtimes.json gives for a backend, and the backend they were fitted on: the CUDA ones stand in for a backend without its own. */
export function speedParams(runtime: { id: string; defaults: unknown }, backend: Backend): SpeedParams & { fittedOn: Backend } {
  const speed = (runtime.defaults as { speed?: Partial<Record<Backend, SpeedParams>> }).speed;
  const own = speed?.[backend];
  if (own) return { ...own, fittedOn: backend };
  if (!speed?.cuda) fail("invalid", `Internal: ${runtime.id} has no speed parameters.`);
  return { ...speed.cuda, fittedOn: "cuda" };
}
