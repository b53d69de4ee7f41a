// vLLM: a per-rank budget of gpu_memory_utilization × GPU memory, minus
// weights, the profiled activation peak, non-torch memory and the CUDA-graph
// estimate; the rest is a pool of 16-token blocks shared by every layer group
// (and by per-sequence state pages for hybrids, padded to one page size).
// Release-dependent steps (V0 sampler, V0 MLA alignment, CUDA graphs) follow
// Setup.engineVersion (vllmVersion.ts); without one, the latest release.
import type { Architecture } from "../architecture";
import { cacheLayout, type CacheLayout } from "../cacheLayout";
import { catalog } from "../catalog";
import { fail } from "../errors";
import { b, n } from "../explainFormat";
import { activationBytesPerToken, padTo, ssmStateBytes } from "../forwardPass";
import { nativeFormat } from "../quant";
import type { PreparedRun, RuntimeProfile, Setup } from "../runtimeProfile";
import { weightBytes } from "../weightBytes";
import { alignTo256, vllmBehaviour } from "./vllmVersion";

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


/**
 * vLLM's MXFP4 fused-MoE backend, which fixes how expert weights are laid out
 * in memory. Backend choice: `get_mxfp4_backend` in
 * vllm/model_executor/layers/quantization/mxfp4.py (later
 * vllm/model_executor/layers/fused_moe/oracle/mxfp4.py): SM100 → FlashInfer
 * TRTLLM, SM90–SM10x → OAI Triton, other CUDA → Marlin, ROCm → Triton.
 */
type Mxfp4Backend = "triton" | "trtllm" | "marlin" | "rocm" | "rocm-gfx950";

/**
 * Catalog GPUs whose memory is exactly `vram` bytes. The setup carries only the
 * memory size, so this is how the profile tells an A100 from an H100; a size
 * typed in by hand matches nothing.
 */
function catalogGpuIds(vram: number | undefined): string[] {
  return vram === undefined ? [] : catalog().gpus.filter((g) => g.memoryBytes === vram).map((g) => g.id);
}

/** Backend for the GPU whose memory is `vram`, read off the catalog GPU of that exact size; Hopper (Triton) when unknown. */
function mxfp4Backend(vram: number | undefined): { backend: Mxfp4Backend; assumed: boolean } {
  const classify = (id: string): Mxfp4Backend => {
    if (/^amd-mi355x/.test(id)) return "rocm-gfx950";
    if (/^amd-/.test(id)) return "rocm";
    if (/(^|-)(h100|h200|gh200)(-|$)/.test(id) || /jetson-agx-thor/.test(id)) return "triton";
    if (/(^|-)(b200|gb200|b300|gb300)(-|$)/.test(id)) return "trtllm";
    return "marlin";
  };
  const kinds = new Set(catalogGpuIds(vram).map(classify));
  if (kinds.size === 1) return { backend: [...kinds][0], assumed: false };
  return { backend: "triton", assumed: true };
}

/**
 * Per-GPU bytes of MXFP4 routed experts as vLLM allocates them, and the same
 * experts as the generic weight count has them (4.25 bits + bf16 biases).
 * Sources (vllm-project/vllm @ 007d50058a06dec0f82472d63c819244d460c40d):
 * - `Mxfp4MoEMethod.create_weights` pads intermediate_size_per_partition
 *   (Marlin → 128, FlashInfer TRTLLM → 256, ROCm → 128/256 on gfx950, else
 *   Triton → 64) and hidden_size (Marlin/TRTLLM → 256, ROCm → 128/256).
 * - Triton `process_weights_after_loading` casts biases to fp32 and swizzles
 *   the scales into new tensors without deleting `w13/w2_weight_scale`; PR
 *   #46549 (merged 2026-06-24) later frees them. The Hopper scale swizzle
 *   (triton_kernels HopperMXScaleLayout) pads rows to 2·num_warps·2·8 = 256.
 * - TRTLLM shuffles in place and stores biases in fp32.
 */
function mxfp4ExpertBytes(s: Setup, backend: Mxfp4Backend): { vllm: number; generic: number } {
  const a = s.model.arch;
  const up = (x: number, m: number) => Math.ceil(x / m) * m;
  const alignI = { triton: 64, trtllm: 256, marlin: 128, rocm: 128, "rocm-gfx950": 256 }[backend];
  const alignH = { triton: 1, trtllm: 256, marlin: 256, rocm: 128, "rocm-gfx950": 256 }[backend];
  const biasBytes = backend === "triton" || backend === "trtllm" ? 4 : 2;
  let vllmBytes = 0;
  let generic = 0;
  for (const l of a.layers) {
    const f = l.ffn;
    if (f.kind !== "moe") continue;
    const g = f.gated ? 2 : 1;
    const I = f.expertIntermediate;
    const H = a.hidden;
    const Ip = up(I / s.tp, alignI);
    const Hp = up(H, alignH);
    const elems = g * Ip * Hp + Hp * Ip;
    let scales = elems / 32;
    if (backend === "triton") scales += up(g * Ip, 256) * up(Hp / 32, 2) + up(Hp, 256) * up(Ip / 32, 2);
    const biases = f.expertBias ? (g * Ip + Hp) * biasBytes : 0;
    vllmBytes += f.experts * (elems / 2 + scales + biases);
    generic += f.experts * (((g + 1) * H * I * 4.25) / 8 / s.tp + (f.expertBias ? (g * I + H) * 2 : 0));
  }
  return { vllm: vllmBytes, generic };
}

/**
 * The layers whose caches vLLM allocates. With MTP speculative decoding the
 * drafter's attention layers join the target's KV-cache groups (engine-facts
 * §4.9: Qwen3.5-family 27B + MTP logs 17 attention layers), and every
 * GDN / KDA / Mamba2 conv state holds `conv_kernel − 1 + num_spec` rows
 * (vllm/model_executor/layers/mamba/mamba_utils.py, gated_delta_net_state_shape,
 * kda_state_shape, mamba2_state_shape; Mamba1 keeps conv_kernel − 1).
 */
function cacheArchitecture(a: Architecture, speculativeTokens: number): Architecture {
  if (speculativeTokens === 0) return a;
  const grow = (l: Architecture["layers"][number]) => ({
    ...l,
    mixers: l.mixers.map((m) => (m.kind === "gdn" || m.kind === "kda" || m.kind === "mamba2" ? { ...m, convKernel: m.convKernel + speculativeTokens } : m)),
  });
  return { ...a, layers: [...a.layers.map(grow), ...a.mtp.layers.map(grow)] };
}

/**
 * State pages one request holds per recurrent (Mamba / GDN / KDA) layer in vLLM's default
 * mamba_cache_mode "none": its running state plus one per speculative token
 * (MambaSpec.max_memory_usage_bytes = page_size × (1 + num_speculative_blocks), vllm/v1/kv_cache_interface.py).
 */
export function mambaStatePagesPerRequest(speculativeTokens: number): number {
  return 1 + speculativeTokens;
}

/** V0 CacheEngine with MLA on CUDA: each token's latent entry rounded up to 256 B (vllm/worker/cache_engine.py `_align_cache`, PR #12676). */
function alignMlaEntries(layout: CacheLayout): CacheLayout {
  const kvGroups = layout.kvGroups.map((g) => (g.kind === "mla" ? { ...g, bytesPerTokenPerLayer: alignTo256(g.bytesPerTokenPerLayer) } : g));
  return { ...layout, kvGroups, fullBytesPerToken: kvGroups.filter((g) => g.window === null).reduce((sum, g) => sum + g.layers * g.bytesPerTokenPerLayer, 0) };
}

/**
 * Bytes per element of the [sequences, vocab] logits live at the peak of the
 * profile's sampler pass.
 * - V1 (`_dummy_sampler_run`, gpu_model_runner.py) skips top-k/top-p/logprobs: the fp32 logits.
 * - V0 (`profile_run` samples with SamplingParams(top_p=0.99, top_k=vocab − 1), vllm/worker/model_runner.py;
 *   `Sampler.forward` and `_apply_top_k_top_p` in vllm/model_executor/layers/sampler.py @ 00f5ff34):
 *   at the re-sort, the model-dtype logits the runner still holds, the fp32 copy, logits_sort (fp32),
 *   logits_idx (int64), the top-k and top-p masks (bool), probs_sort and probs_sum (fp32) and the
 *   re-sorted logits (fp32) are all live: dtype + 4 + 4 + 8 + 1 + 4 + 4 + 1 + 4 bytes.
 */
function samplerBytesPerLogit(v0Engine: boolean, dtypeBytes: number): number {
  return v0Engine ? dtypeBytes + 30 : 4;
}

export const vllm: RuntimeProfile = {
  id: "vllm",
  prepare(s: Setup): PreparedRun {
    checkTensorParallel(s, "vLLM");
    const d = s.runtime.defaults as unknown as VllmDefaults;
    const a = s.model.arch;
    const vram = s.vramBytes ?? 0;
    // get_batch_defaults (vllm/engine/arg_utils.py, PR #17885): ≥ 70 GiB devices get the
    // larger defaults unless the device name contains "a100".
    const ids = catalogGpuIds(s.vramBytes);
    const a100 = ids.length > 0 && ids.every((id) => id.includes("a100"));
    const large = vram >= d.largeGpuBytes && !a100;
    const T = s.batchedTokens ?? (large ? d.maxNumBatchedTokens.large : d.maxNumBatchedTokens.other);
    const seqs = s.maxSeqs ?? (large ? d.maxNumSeqs.large : d.maxNumSeqs.other);
    const util = s.gpuUtil ?? d.gpuMemoryUtilization;
    const kvBytes = s.kv.bytes(a.dtypeBytes);
    const version = vllmBehaviour(s.engineVersion);
    const spec = s.speculativeTokens ?? 0;
    if (spec > 0 && a.mtp.layers.length === 0) fail("unsupported", `${s.model.record.name} has no MTP layers; speculativeTokens models vLLM's MTP drafter only.`);
    const plainLayout = cacheLayout(cacheArchitecture(a, spec), kvBytes, s.tp, { convBytes: a.dtypeBytes, ssmBytes: ssmStateBytes(s.model.record.config, a) });
    const layout = version.mlaEntryAlign256 ? alignMlaEntries(plainLayout) : plainLayout;

    // The MTP drafter's weights load next to the target's.
    const wb = weightBytes(s.model, s.quant, spec > 0);
    let weightsPerGpu = (wb.total - wb.replicated) / s.tp + wb.replicated;
    let weightsTotal = wb.total;
    // MXFP4 experts (gpt-oss): vLLM's kernel layout, not the checkpoint's bytes.
    const base = s.quant.kind === "native" ? nativeFormat(s.model.record.checkpoint.dtype) : s.quant;
    let mxfp4Note: string | undefined;
    let mxfp4Delta = 0;
    if (base.id === "mxfp4") {
      const { backend, assumed } = mxfp4Backend(s.vramBytes);
      const e = mxfp4ExpertBytes(s, backend);
      mxfp4Delta = e.vllm - e.generic;
      weightsPerGpu += mxfp4Delta;
      weightsTotal += mxfp4Delta * s.tp;
      mxfp4Note = `MXFP4 experts laid out for vLLM's ${backend} MoE backend${assumed ? " (GPU unknown: Hopper/Triton assumed)" : ""}: padded dims${backend === "triton" ? ", fp32 biases and the unswizzled scales kept beside the swizzled ones (as before vLLM PR #46549)" : ""} add ${b(mxfp4Delta)} per GPU.`;
    }
    const perToken = activationBytesPerToken(a, s.tp);
    const logitBytes = samplerBytesPerLogit(version.v0Engine, a.dtypeBytes);
    const logits = Math.min(seqs, T) * a.vocab * logitBytes;
    const activations = T * perToken + logits;
    const nonTorch = d.nonTorchBytes + (s.tp > 1 ? d.ncclBytesPerRank : 0);
    // An explicit cudaGraphs wins; otherwise the release decides (estimate deducted since v0.21.0).
    const cudaGraphs = s.cudaGraphs ?? version.cudaGraphsDeducted;
    const graphs = cudaGraphs ? d.cudaGraphBytes : 0;
    const overhead = nonTorch + graphs;

    // Hybrid page unification: attention blocks grow until one block's page
    // holds a whole state page; state pages are padded to that size.
    const attnPerTokenLayer = Math.max(0, ...layout.kvGroups.map((g) => g.bytesPerTokenPerLayer));
    let blockTokens = d.blockSize;
    let statePage = layout.maxStatePerLayer;
    if (layout.stateLayers > 0 && attnPerTokenLayer > 0) {
      // Kernel alignment of the attention block: 16, or 64 for MLA backends
      // (HybridAttentionMambaModelConfig.verify_and_update_config, vllm/model_executor/models/config.py).
      const align = layout.kvGroups.some((g) => g.kind === "mla") ? 64 : d.blockSize;
      blockTokens = align * Math.ceil(layout.maxStatePerLayer / (align * attnPerTokenLayer));
      statePage = blockTokens * attnPerTokenLayer;
    }
    const hybrid = layout.stateLayers > 0 || layout.kvGroups.some((g) => g.window !== null);

    // Hybrid KV-cache groups have equal layer counts: group size is the smallest
    // bucket of same-spec layers (the largest when max < 1.5 × min), and each
    // bucket is padded to a multiple of it; padding layers get real pages
    // ("Add N padding layers, may waste at most X% KV cache memory").
    // Source: _get_kv_cache_groups_uniform_page_size in vllm/v1/core/kv_cache_utils.py
    // (https://github.com/vllm-project/vllm/blob/main/vllm/v1/core/kv_cache_utils.py).
    const buckets = [...layout.kvGroups.map((g) => g.layers), ...(layout.stateLayers > 0 ? [layout.stateLayers] : [])];
    let groupSize = 0;
    if (buckets.length > 1) {
      const lo = Math.min(...buckets);
      const hi = Math.max(...buckets);
      groupSize = hi < 1.5 * lo ? hi : lo;
    }
    const padded = (layers: number) => (groupSize > 0 ? Math.ceil(layers / groupSize) * groupSize : layers);
    const paddingLayers = buckets.reduce((sum, n) => sum + padded(n) - n, 0);

    const kvPerRequest = (ctx: number) => {
      let bytes = 0;
      for (const g of layout.kvGroups) {
        const full = padTo(ctx, blockTokens);
        const tokens = g.window === null ? full : Math.min(full, (Math.ceil(Math.min(g.window - 1 + T, ctx) / blockTokens) + 1) * blockTokens);
        bytes += padded(g.layers) * tokens * g.bytesPerTokenPerLayer;
      }
      return bytes;
    };
    // Each request holds 1 + num_speculative_tokens state pages per recurrent layer:
    // MambaBase.get_kv_cache_spec sets MambaSpec.num_speculative_blocks = num_speculative_tokens
    // (vllm/model_executor/layers/mamba/abstract.py @ 00b08dc44519a82cbdd9061d92d1226985094622), and
    // MambaSpec.max_memory_usage_bytes is page × (1 + num_speculative_blocks) in mamba_cache_mode "none"
    // (vllm/v1/kv_cache_interface.py @ 001cabc1be16a59a70d720ed61a13b678c060a18); the GDN / Mamba2 kernels
    // write one state per draft position (spec_state_indices [batch, 1 + num_spec], vLLM PR #33726).
    // "none" is the default: hybrids do not enable prefix caching by default (ModelConfig.is_prefix_caching_supported);
    // with --enable-prefix-caching the mode is "align" and a request holds 2 + num_spec pages (not modelled, engine-facts §4.11).
    const statePagesPerRequest = mambaStatePagesPerRequest(spec);
    const statePerRequest = padded(layout.stateLayers) * statePage * statePagesPerRequest;
    const budget = (v: number) => util * v;
    const pool = (v: number) => budget(v) - weightsPerGpu - activations - overhead;

    const notes = [
      `vLLM defaults assumed: gpu_memory_utilization ${util}, max_num_batched_tokens ${T}, max_num_seqs ${seqs}, block size ${d.blockSize}${blockTokens !== d.blockSize ? ` (raised to ${blockTokens} so one attention block matches a state page)` : ""}.`,
      `The CUDA context (~${b(d.cudaContextBytes)}) sits outside the utilization budget, in the remaining ${(100 * (1 - util)).toFixed(0)}%.`,
    ];
    if (s.engineVersion) notes.push(`vLLM ${s.engineVersion.text}: ${version.v0Engine ? "V0 engine (sampler profiled with top-k/top-p on the driver rank)" : "V1 engine"}${version.mlaEntryAlign256 ? ", MLA cache entries aligned to 256 B" : ""}.`);
    if (!cudaGraphs) notes.push("CUDA graphs not estimated (--enforce-eager or vLLM before v0.21).");
    if (spec > 0) notes.push(`MTP speculative decoding with ${spec} token(s): ${a.mtp.layers.length} draft layer(s) load and hold KV; recurrent conv states hold ${spec} extra row(s)${layout.stateLayers > 0 ? `; each request holds ${statePagesPerRequest} state pages per recurrent layer (one per draft position; ${statePagesPerRequest + 1} with --enable-prefix-caching, not modelled)` : ""}.`);
    if (mxfp4Note) notes.push(mxfp4Note);
    if (paddingLayers > 0) notes.push(`vLLM pads its KV-cache groups to ${groupSize} layers each: ${paddingLayers} padding layer(s) take real pages.`);

    return {
      weightsPerGpu,
      weightsTotal,
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
          .map((g) => `${padded(g.layers)} ${g.kind} layers${padded(g.layers) !== g.layers ? ` (${g.layers} + ${padded(g.layers) - g.layers} padding)` : ""} × ${g.window === null ? `${n(padTo(ctx, blockTokens))} tokens` : `min(${n(padTo(ctx, blockTokens))}, ${blockTokens}·(⌈(${g.window} − 1 + ${n(T)})/${blockTokens}⌉ + 1)) tokens`} × ${n(g.bytesPerTokenPerLayer)} B`)
          .join(" + ");
        return {
          weights: `${b(wb.total)} of ${s.quant.id} weights (${wb.bitsPerWeight.toFixed(2)} bits/weight)${s.tp > 1 ? ` → (${b(wb.total - wb.replicated)} sharded ÷ ${s.tp}) + ${b(wb.replicated)} replicated` : ""}${mxfp4Note ? ` + ${b(mxfp4Delta)} MXFP4 kernel layout` : ""} = ${b(weightsPerGpu)} per GPU`,
          kvCache: layout.kvGroups.length
            ? `${batch} request(s) × [${groups}] = ${b(batch * kvPerRequest(ctx))} per GPU (blocks of ${blockTokens} tokens)${v ? `; pool = ${util} × ${b(v)} − ${b(weightsPerGpu)} − ${b(activations)} − ${b(overhead)} = ${b(pool(v))}` : ""}`
            : "no attention layers: no KV cache",
          state: layout.stateLayers ? `${batch} request(s) × ${padded(layout.stateLayers)} state layers${padded(layout.stateLayers) !== layout.stateLayers ? ` (${layout.stateLayers} + ${padded(layout.stateLayers) - layout.stateLayers} padding)` : ""}${statePagesPerRequest > 1 ? ` × ${statePagesPerRequest} pages (1 + ${spec} speculative)` : ""} × ${b(statePage)} page${statePage !== layout.maxStatePerLayer ? ` (state ${b(layout.maxStatePerLayer)} padded to the attention page)` : ""} = ${b(batch * statePerRequest)}` : "no recurrent layers: no state",
          activations: `profile run of ${n(T)} tokens × ${n(perToken)} B/token + ${n(Math.min(seqs, T))} sequences × ${n(a.vocab)} vocab × ${logitBytes} B ${version.v0Engine ? "(V0 sampler: logits, sort values and int64 indices, masks, probs, cumsum)" : "fp32 logits"} = ${b(activations)}`,
          overhead: `non-torch ${b(nonTorch)}${s.tp > 1 ? " (incl. NCCL/all-reduce buffers)" : ""} + CUDA graphs ${b(graphs)} = ${b(overhead)}`,
          host: "vLLM keeps no model state in host memory by default (0 B)",
        };
      },
    };
  },
};

