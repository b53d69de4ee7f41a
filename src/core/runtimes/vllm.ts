// vLLM (V1): a per-rank budget of gpu_memory_utilization × GPU memory, minus
// weights, the profiled activation peak, non-torch memory and the CUDA-graph
// estimate; the rest is a pool of 16-token blocks shared by every layer group
// (and by per-sequence state pages for hybrids, padded to one page size).
import { cacheLayout } from "../cacheLayout";
import { fail } from "../errors";
import { b, n } from "../explainFormat";
import { activationBytesPerToken, padTo, ssmStateBytes } from "../forwardPass";
import type { PreparedRun, RuntimeProfile, Setup } from "../runtimeProfile";
import { weightBytes } from "../weightBytes";

interface VllmDefaults {
  gpuMemoryUtilization: number;
  blockSize: number;
  largeGpuBytes: number;
  maxNumBatchedTokens: { large: number; other: number };
  maxNumSeqs: { large: number; other: number };
  nonTorchBytes: number;
  ncclBytesPerRank: number;
  cudaGraphBytes: number;
  cudaContextBytes: number;
}

/** Checks vLLM's tensor-parallel constraints on heads. */
export function checkTensorParallel(s: Setup, engine: string): void {
  if (s.tp === 1) return;
  const heads = s.model.arch.attentionHeads;
  if (heads % s.tp !== 0) fail("unsupported", `${engine} needs the ${heads} attention heads of ${s.model.record.name} to divide evenly over ${s.tp} GPUs; use a tensor-parallel size that divides ${heads}.`);
  for (const l of s.model.arch.layers)
    for (const m of l.mixers)
      if ((m.kind === "full" || m.kind === "sliding" || m.kind === "chunked") && m.kvHeads % s.tp !== 0 && s.tp % m.kvHeads !== 0)
        fail("unsupported", `${engine} cannot split ${m.kvHeads} KV heads over ${s.tp} GPUs.`);
}

export const vllm: RuntimeProfile = {
  id: "vllm",
  prepare(s: Setup): PreparedRun {
    checkTensorParallel(s, "vLLM");
    const d = s.runtime.defaults as unknown as VllmDefaults;
    const a = s.model.arch;
    const vram = s.vramBytes ?? 0;
    const large = vram >= d.largeGpuBytes;
    const T = s.batchedTokens ?? (large ? d.maxNumBatchedTokens.large : d.maxNumBatchedTokens.other);
    const seqs = s.maxSeqs ?? (large ? d.maxNumSeqs.large : d.maxNumSeqs.other);
    const util = s.gpuUtil ?? d.gpuMemoryUtilization;
    const kvBytes = s.kv.bytes(a.dtypeBytes);
    const layout = cacheLayout(a, kvBytes, s.tp, { convBytes: a.dtypeBytes, ssmBytes: ssmStateBytes(s.model.record.config, a) });

    const wb = weightBytes(s.model, s.quant);
    const weightsPerGpu = (wb.total - wb.replicated) / s.tp + wb.replicated;
    const perToken = activationBytesPerToken(a, s.tp);
    const logits = Math.min(seqs, T) * a.vocab * 4;
    const activations = T * perToken + logits;
    const nonTorch = d.nonTorchBytes + (s.tp > 1 ? d.ncclBytesPerRank : 0);
    const graphs = s.cudaGraphs === false ? 0 : d.cudaGraphBytes;
    const overhead = nonTorch + graphs;

    // Hybrid page unification: attention blocks grow until one block's page
    // holds a whole state page; state pages are padded to that size.
    const attnPerTokenLayer = Math.max(0, ...layout.kvGroups.map((g) => g.bytesPerTokenPerLayer));
    let blockTokens = d.blockSize;
    let statePage = layout.maxStatePerLayer;
    if (layout.stateLayers > 0 && attnPerTokenLayer > 0) {
      blockTokens = d.blockSize * Math.ceil(layout.maxStatePerLayer / (d.blockSize * attnPerTokenLayer));
      statePage = blockTokens * attnPerTokenLayer;
    }
    const hybrid = layout.stateLayers > 0 || layout.kvGroups.some((g) => g.window !== null);

    const kvPerRequest = (ctx: number) => {
      let bytes = 0;
      for (const g of layout.kvGroups) {
        const full = padTo(ctx, blockTokens);
        const tokens = g.window === null ? full : Math.min(full, (Math.ceil(Math.min(g.window - 1 + T, ctx) / blockTokens) + 1) * blockTokens);
        bytes += g.layers * tokens * g.bytesPerTokenPerLayer;
      }
      return bytes;
    };
    const statePerRequest = layout.stateLayers * statePage;
    const budget = (v: number) => util * v;
    const pool = (v: number) => budget(v) - weightsPerGpu - activations - overhead;

    const notes = [
      `vLLM defaults assumed: gpu_memory_utilization ${util}, max_num_batched_tokens ${T}, max_num_seqs ${seqs}, block size ${d.blockSize}${blockTokens !== d.blockSize ? ` (raised to ${blockTokens} so one attention block matches a state page)` : ""}.`,
      `The CUDA context (~${b(d.cudaContextBytes)}) sits outside the utilization budget, in the remaining ${(100 * (1 - util)).toFixed(0)}%.`,
    ];
    if (s.cudaGraphs === false) notes.push("CUDA graphs not estimated (--enforce-eager or vLLM before v0.21).");

    return {
      weightsPerGpu,
      weightsTotal: wb.total,
      hostBytes: 0,
      notes,
      usage: (ctx, batch) => ({ kvCache: batch * kvPerRequest(ctx), state: batch * statePerRequest, activations, overhead }),
      budget,
      capacity(v, ctx) {
        const p = pool(v);
        const perReq = kvPerRequest(ctx) + statePerRequest;
        if (p <= 0 || perReq <= 0) return { tokens: 0, concurrency: 0 };
        const concurrency = p / perReq;
        // Uniform full-attention models: blocks × block size; hybrids: concurrency × max_model_len, as vLLM logs it.
        const tokens = hybrid ? Math.floor(concurrency * ctx) : Math.floor(p / (blockTokens * layout.fullBytesPerToken)) * blockTokens;
        return { tokens, concurrency };
      },
      explain(ctx, batch, v) {
        const groups = layout.kvGroups
          .map((g) => `${g.layers} ${g.kind} layers × ${g.window === null ? `${n(padTo(ctx, blockTokens))} tokens` : `min(${n(padTo(ctx, blockTokens))}, ${blockTokens}·(⌈(${g.window} − 1 + ${n(T)})/${blockTokens}⌉ + 1)) tokens`} × ${n(g.bytesPerTokenPerLayer)} B`)
          .join(" + ");
        return {
          weights: `${b(wb.total)} of ${s.quant.id} weights (${wb.bitsPerWeight.toFixed(2)} bits/weight)${s.tp > 1 ? ` → (${b(wb.total - wb.replicated)} sharded ÷ ${s.tp}) + ${b(wb.replicated)} replicated = ${b(weightsPerGpu)} per GPU` : ""}`,
          kvCache: layout.kvGroups.length
            ? `${batch} request(s) × [${groups}] = ${b(batch * kvPerRequest(ctx))} per GPU (blocks of ${blockTokens} tokens)${v ? `; pool = ${util} × ${b(v)} − ${b(weightsPerGpu)} − ${b(activations)} − ${b(overhead)} = ${b(pool(v))}` : ""}`
            : "no attention layers: no KV cache",
          state: layout.stateLayers ? `${batch} request(s) × ${layout.stateLayers} state layers × ${b(statePage)} page${statePage !== layout.maxStatePerLayer ? ` (state ${b(layout.maxStatePerLayer)} padded to the attention page)` : ""} = ${b(batch * statePerRequest)}` : "no recurrent layers: no state",
          activations: `profile run of ${n(T)} tokens × ${n(perToken)} B/token + ${n(Math.min(seqs, T))} sequences × ${n(a.vocab)} vocab × 4 B fp32 logits = ${b(activations)}`,
          overhead: `non-torch ${b(nonTorch)}${s.tp > 1 ? " (incl. NCCL/all-reduce buffers)" : ""} + CUDA graphs ${b(graphs)} = ${b(overhead)}`,
          host: "vLLM keeps no model state in host memory by default (0 B)",
        };
      },
    };
  },
};

