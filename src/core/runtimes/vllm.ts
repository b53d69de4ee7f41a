// vLLM: a per-rank budget of gpu_memory_utilization × GPU memory, minus
// weights, the profiled activation peak, non-torch memory and the CUDA-graph
// estimate; the rest is a pool of 16-token blocks shared by every layer group
// (and by per-sequence state pages for hybrids, padded to one page size).
// Release-dependent steps (V0 sampler, V0 MLA alignment, CUDA graphs) follow
// Setup.engineVersion (vllmVersion.ts); without one, the latest release.
import type { Architecture } from "../architecture";
import { f, noTerms, part, sized, type Breakdown, type Part } from "../breakdown";
import { cacheLayout, kvBytesPerRequest, kvParts, type CacheLayout, type KvGroup } from "../cacheLayout";
import type { GpuRecord } from "../catalogSchema";
import { fail } from "../errors";
import { b } from "../explainFormat";
import { activationBytesPerToken, ssmStateBytes } from "../forwardPass";
import type { CacheRule } from "../layerKinds";
import { nativeFormat } from "../quant";
import { defaultsOf } from "../runtimeDefaults";
import type { PreparedRun, RuntimeProfile, Setup } from "../runtimeProfile";
import { shardedWeights, weightBytes } from "../weightBytes";
import { alignTo256, vllmBehaviour, type VllmBehaviour } from "./vllmVersion";

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

/** Backend for the setup's GPU, from its identity; Hopper (Triton) when the GPU is not known by name. */
function mxfp4Backend(gpu: GpuRecord | undefined): { backend: Mxfp4Backend; assumed: boolean } {
  if (!gpu) return { backend: "triton", assumed: true };
  const id = gpu.id;
  if (/^amd-mi355x/.test(id)) return { backend: "rocm-gfx950", assumed: false };
  if (gpu.vendor === "AMD") return { backend: "rocm", assumed: false };
  if (/(^|-)(h100|h200|gh200|h20|h800)(-|$)/.test(id) || /jetson-agx-thor/.test(id)) return { backend: "triton", assumed: false };
  if (/(^|-)(b200|gb200|b300|gb300)(-|$)/.test(id)) return { backend: "trtllm", assumed: false };
  return { backend: "marlin", assumed: false };
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
 * State pages one request holds per recurrent (Mamba / GDN / KDA) layer: its running state plus
 * one per speculative token in mamba_cache_mode "none" (the default), one more in "align" mode,
 * which prefix caching turns on (MambaSpec.max_memory_usage_bytes = page_size × (1 + num_speculative_blocks)
 * in "none", × (2 + num_speculative_blocks) in "align", vllm/v1/kv_cache_interface.py @ 001cabc1).
 */
export function mambaStatePagesPerRequest(speculativeTokens: number, prefixCaching = false): number {
  return 1 + speculativeTokens + (prefixCaching ? 1 : 0);
}

/** V0 CacheEngine with MLA on CUDA: each token's latent entry rounded up to 256 B (vllm/worker/cache_engine.py `_align_cache`, PR #12676). */
function alignMlaEntries(layout: CacheLayout): CacheLayout {
  const kvGroups = layout.kvGroups.map((g) => (g.kind === "mla" ? { ...g, bytesPerTokenPerLayer: alignTo256(g.bytesPerTokenPerLayer) } : g));
  return { ...layout, kvGroups, fullBytesPerToken: kvGroups.filter((g) => g.window === null).reduce((sum, g) => sum + g.layers * g.bytesPerTokenPerLayer, 0) };
}

/** The scheduler budget a release defaults to, in `vllm serve` (engine-facts §4.2, §4.15). */
function batchDefaults(s: Setup, version: VllmBehaviour): { tokens: (ctx: number) => number; seqs: (ctx: number) => number; rule: string } {
  const d = defaultsOf(s.runtime, "vllm");
  const st = s.settings;
  const vram = s.vramBytes ?? 0;
  const name = s.gpu ? `${s.gpu.id} ${s.gpu.name}` : "";
  const multimodal = s.model.arch.visionParams > 0 && !st.textOnly;
  if (version.v0Engine) {
    // V0 SchedulerConfig: max_num_seqs 256; without chunked prefill the profile batch is max(max_model_len, 2048)
    // (5,120 at least for multimodal models from v0.6.3); the OpenAI server turned chunked prefill on for
    // max_model_len > 32K (v0.5.3+, not for multimodal models), with a 512- or 2,048-token budget.
    const seqs = st.maxNumSeqs ?? 256;
    const tokens = (ctx: number) => {
      if (st.maxNumBatchedTokens) return st.maxNumBatchedTokens;
      const chunked = st.chunkedPrefill ?? (ctx > 32768 && !multimodal);
      return chunked ? version.v0ChunkedTokens : Math.max(ctx, 2048, multimodal ? 5120 : 0);
    };
    return { tokens, seqs: () => seqs, rule: st.maxNumBatchedTokens ? `${st.maxNumBatchedTokens}` : `max(max_model_len, 2048), or ${version.v0ChunkedTokens} with chunked prefill (on above 32K) (V0 default)` };
  }
  const hopperByName = /h100|h200/i.test(name);
  const large = vram >= d.largeGpuBytes;
  const a100 = /a100/i.test(name);
  let tokens: number;
  let seqs: number;
  switch (version.batchRule) {
    case "v1-0.8.0":
      [tokens, seqs] = [hopperByName ? 8192 : 2048, 1024];
      break;
    case "v1-0.8.4":
      [tokens, seqs] = hopperByName ? [8192, 1024] : [2048, 256];
      break;
    case "v1-0.8.5":
      [tokens, seqs] = large ? [8192, 1024] : [2048, 256];
      break;
    default: {
      const big = large && !a100;
      const huge = version.batchRule === "v1-160gib" && vram >= d.hugeGpuBytes;
      tokens = huge ? d.maxNumBatchedTokens.huge : big ? d.maxNumBatchedTokens.large : d.maxNumBatchedTokens.other;
      seqs = big || huge ? d.maxNumSeqs.large : d.maxNumSeqs.other;
    }
  }
  // Caps (_set_default_max_num_seqs_and_batched_tokens_args): tokens ≤ seqs × max_model_len, seqs ≤ tokens.
  const T = (ctx: number) => st.maxNumBatchedTokens ?? Math.min(tokens, (st.maxNumSeqs ?? seqs) * ctx);
  return { tokens: T, seqs: (ctx) => Math.min(st.maxNumSeqs ?? seqs, T(ctx)), rule: `${st.maxNumBatchedTokens ?? tokens}${st.maxNumBatchedTokens ? "" : " (the release's default for this GPU)"}, max_num_seqs ${st.maxNumSeqs ?? seqs}` };
}

/** Bytes of vLLM's fused-MoE intermediate caches at T tokens: [T, topk, 2N], [T·topk, N] and [T, topk, H] (N = expert width per rank). */
function moeWorkspace(a: Architecture, tp: number, T: number): number {
  let widest = 0;
  for (const l of a.layers) {
    const f = l.ffn;
    if (f.kind !== "moe") continue;
    const n = f.expertIntermediate / tp;
    const h = f.latent ? f.latent.size : a.hidden;
    widest = Math.max(widest, f.topK * ((f.gated ? 2 : 1) * n + n + h));
  }
  return T * widest * a.dtypeBytes;
}

/** Group size and padded layer counts of vLLM's hybrid KV-cache groups (_get_kv_cache_groups_uniform_page_size, vllm/v1/core/kv_cache_utils.py). */
function groupPadding(layout: CacheLayout): (layers: number) => number {
  // Groups have equal layer counts: the smallest bucket of same-spec layers (the largest when
  // max < 1.5 × min), each bucket padded to a multiple; padding layers take real pages.
  const buckets = [...layout.kvGroups.map((g) => g.layers), ...(layout.stateLayers > 0 ? [layout.stateLayers] : [])];
  if (buckets.length <= 1) return (n) => n;
  const lo = Math.min(...buckets);
  const hi = Math.max(...buckets);
  const size = hi < 1.5 * lo ? hi : lo;
  return (n) => Math.ceil(n / size) * size;
}

export const vllm: RuntimeProfile = {
  id: "vllm",
  workload: (st) => ({ ctx: st.maxModelLen }),
  prepare(s: Setup): PreparedRun {
    checkTensorParallel(s, "vLLM");
    const d = defaultsOf(s.runtime, "vllm");
    const st = s.settings;
    const a = s.model.arch;
    const version = vllmBehaviour(s.engineVersion);
    const batch = batchDefaults(s, version);
    const util = st.memoryFraction ?? (s.engineVersion ? version.gpuMemoryUtilization : d.gpuMemoryUtilization);
    const kvBytes = s.kv.bytes(a.dtypeBytes);
    const spec = st.speculativeTokens ?? 0;
    if (spec > 0 && a.mtp.layers.length === 0) fail("unsupported", `${s.model.record.name} has no MTP layers; speculative decoding is modelled for vLLM's MTP drafter only.`);
    const ssmBytes = st.ssmCacheDtype ? (st.ssmCacheDtype === "float32" ? 4 : 2) : ssmStateBytes(s.model.record.config, a);
    const plainLayout = cacheLayout(cacheArchitecture(a, spec), kvBytes, s.tp, { convBytes: a.dtypeBytes, ssmBytes });
    const layout = version.mlaEntryAlign256 ? alignMlaEntries(plainLayout) : plainLayout;
    const hybridState = layout.stateLayers > 0;
    // V1 enables prefix caching by default, but not for hybrid (Mamba / linear-attention) models
    // (ModelConfig.is_prefix_caching_supported); it matters here only for their state pages.
    const prefixCaching = st.prefixCaching ?? (!version.v0Engine && (!hybridState || version.hybridPrefixCaching));

    // Weights: the checkpoint (and the MTP drafter when speculating), sharded over TP ranks.
    const wb = weightBytes(s.model, s.quant, spec > 0);
    const weightParts: Part[] = shardedWeights(wb, s.quant.id, s.tp);
    // All --limit-mm-per-prompt limits at 0: the vision tower is not built (every family from v0.15; PR #22299, #32605).
    const skipVision = st.textOnly === true && version.textOnlySkipsVision && wb.byGroup.vision > 0;
    if (skipVision) weightParts.push(s.tp > 1 ? part("vision tower not loaded (text only)", f(-wb.byGroup.vision, "B"), f(1 / s.tp, `of ${s.tp} GPUs`)) : sized("vision tower not loaded (text only)", -wb.byGroup.vision));
    let weightsTotal = wb.total - (skipVision ? wb.byGroup.vision : 0);
    // MXFP4 experts (gpt-oss): vLLM's kernel layout, not the checkpoint's bytes.
    const baseFormat = s.quant.kind === "native" ? nativeFormat(s.model.record.checkpoint.dtype) : s.quant;
    let mxfp4Note: string | undefined;
    if (baseFormat.id === "mxfp4") {
      const { backend, assumed } = mxfp4Backend(s.gpu);
      const e = mxfp4ExpertBytes(s, backend);
      const delta = e.vllm - e.generic;
      weightParts.push(sized(`MXFP4 experts laid out for the ${backend} MoE kernels`, delta));
      weightsTotal += delta * s.tp;
      mxfp4Note = `MXFP4 experts laid out for vLLM's ${backend} MoE backend${assumed ? " (GPU not named: Hopper/Triton assumed)" : ""}: padded dims${backend === "triton" ? ", fp32 biases and the unswizzled scales kept beside the swizzled ones (as before vLLM PR #46549)" : ""} add ${b(delta)} per GPU.`;
    }
    // --cpu-offload-gb: each GPU moves up to that many GiB of its decoder-layer weights, from layer 0 up, to pinned
    // host memory and reads them over the link every forward (vllm/model_executor/offloader/uva.py).
    const decoderPerGpu = wb.perLayer.reduce((a2, x) => a2 + x, 0) / s.tp;
    const offloaded = Math.min(st.cpuOffloadBytes ?? 0, decoderPerGpu);
    if (offloaded > 0) weightParts.push(sized("decoder weights kept in host memory (--cpu-offload-gb)", -offloaded));
    const weightsPerGpu = weightParts.reduce((sum, p) => sum + p.bytes, 0);

    // Activations: the profile run's forward pass of max_num_batched_tokens (T) tokens, then the sampler
    // warm-up over R = min(T, max_num_seqs) rows of logits with top-k/top-p (since v0.8.0, PR #13594).
    // V1 frees the forward's intermediates before sampling but keeps the hidden states and the fused-MoE
    // caches, so its peak is the larger of the two; V0 is charged both, as before.
    const perToken = activationBytesPerToken(a, s.tp);
    const logitBytes = a.dtypeBytes + version.samplerExtraBytes;
    const activationParts = (ctx: number): Part[] => {
      const T = batch.tokens(ctx);
      const R = Math.min(batch.seqs(ctx), T);
      const forward = part("profile forward pass", f(T, "tokens"), f(perToken, "B/token"));
      const sampler = [
        part(version.v0Engine ? "V0 sampler (logits, sort values and int64 indices, masks, probs)" : "sampler warm-up (logits with top-k/top-p sort temporaries)", f(R, "rows"), f(a.vocab, "vocab"), f(logitBytes, "B")),
        ...(version.tritonSamplerBuffer && R >= 8 ? [part("Triton top-k/top-p buffer", f(Math.min(2 ** Math.ceil(Math.log2(R)), s.gpu?.computeUnits ?? d.tritonSamplerRows), "rows"), f(a.vocab, "vocab"), f(4, "B"))] : []),
        ...(version.v0Engine ? [] : [part("hidden states kept for sampling", f(T, "tokens"), f(a.hidden * a.dtypeBytes, "B/token"))]),
        ...(moeWorkspace(a, s.tp, 1) > 0 ? [part("fused-MoE caches (kept between calls)", f(T, "tokens"), f(moeWorkspace(a, s.tp, 1), "B/token"))] : []),
      ];
      if (version.v0Engine) return [forward, ...sampler];
      const samplerBytes = sampler.reduce((sum, p) => sum + p.bytes, 0);
      return forward.bytes > samplerBytes ? [{ ...forward, label: `profile forward pass (larger than the sampler warm-up, ${b(samplerBytes)})` }] : sampler.map((p, i) => (i === 0 ? { ...p, label: `${p.label} (with the rest of the warm-up, larger than the forward pass, ${b(forward.bytes)})` } : p));
    };
    const activationMemo = new Map<number, number>();
    const activations = (ctx: number) => {
      const T = batch.tokens(ctx);
      let v = activationMemo.get(T);
      if (v === undefined) {
        v = activationParts(ctx).reduce((sum, p) => sum + p.bytes, 0);
        if (activationMemo.size < 64) activationMemo.set(T, v);
      }
      return v;
    };

    // Overhead inside the budget: non-torch memory (NCCL buffers under TP) and CUDA graphs.
    const cudaGraphs = !st.enforceEager && version.cudaGraphsDeducted;
    // Non-torch growth over the profiled window: kernel images loaded on first use (cuBLAS, attention, Triton) and,
    // in v0.17.1 to about v0.26, what the sample graph captures leave outside PyTorch's pool (estimates from logs).
    const overheadParts: Part[] = [sized("non-torch memory (kernels loaded on first use)", d.nonTorchBytes)];
    if (version.graphSamplesInWindow && !st.enforceEager) overheadParts.push(sized("non-torch memory left by the profiler's sample graph captures", d.graphSampleResidueBytes));
    // NCCL's buffers grow with the channels an NVLink system opens (estimate from logs, catalog/runtimes.json).
    const nvlink = s.gpu ? s.gpu.class === "datacenter" && !/pcie/i.test(s.gpu.id) : (s.vramBytes ?? 0) >= d.largeGpuBytes;
    const nccl = nvlink ? d.ncclBytesPerRank.nvlink : d.ncclBytesPerRank.pcie;
    if (s.tp > 1 && nccl > 0) overheadParts.push(sized("NCCL and custom all-reduce buffers (NVLink)", nccl));
    if (cudaGraphs) overheadParts.push(part("CUDA graphs (estimated before the KV pool is sized)", f(a.layers.length, "layers"), f(d.cudaGraphBytesPerLayer, "B")));
    const overhead = overheadParts.reduce((sum, p) => sum + p.bytes, 0);

    // Hybrid page unification: attention blocks grow until one block's page holds a whole
    // state page; state pages are padded to that size (HybridAttentionMambaModelConfig).
    const attnPerTokenLayer = Math.max(0, ...layout.kvGroups.map((g) => g.bytesPerTokenPerLayer));
    let blockTokens = st.blockSize ?? d.blockSize;
    let statePage = layout.maxStatePerLayer;
    if (hybridState && attnPerTokenLayer > 0) {
      // Kernel alignment of the attention block: 16, or 64 for MLA backends.
      const align = layout.kvGroups.some((g) => g.kind === "mla") ? 64 : d.blockSize;
      blockTokens = Math.max(blockTokens, align * Math.ceil(layout.maxStatePerLayer / (align * attnPerTokenLayer)));
      statePage = blockTokens * attnPerTokenLayer;
    }
    const hybrid = hybridState || layout.kvGroups.some((g) => g.window !== null);
    const padded = groupPadding(layout);
    const layersOf = (g: KvGroup) => padded(g.layers);
    const paddingLayers = layout.kvGroups.reduce((sum, g) => sum + layersOf(g) - g.layers, 0) + (hybridState ? padded(layout.stateLayers) - layout.stateLayers : 0);
    const statePages = mambaStatePagesPerRequest(spec, prefixCaching && hybridState);
    // A sliding layer holds min(W − 1 + max_num_batched_tokens, max_model_len) tokens in whole blocks, plus one block.
    const rule = (ctx: number): CacheRule => ({ pad: blockTokens, windowExtra: batch.tokens(ctx) - 1, windowExtraBlocks: 1, statePages });
    const kvPerRequest = (ctx: number) => kvBytesPerRequest(layout, ctx, rule(ctx), layersOf);
    const statePerRequest = padded(layout.stateLayers) * statePage * statePages;

    const kvFixed = st.kvCacheMemoryBytes;
    // With --kv-cache-memory-bytes the pool is exactly that; the rest must still fit on the card.
    const fixedNeed = () => weightsPerGpu + activations(st.maxModelLen ?? 4096) + overhead + (kvFixed ?? 0);
    const budget = (v: number) => (kvFixed !== undefined ? Math.min(v, fixedNeed()) - Math.max(0, fixedNeed() - v) : util * v);
    const pool = (v: number, ctx: number) => (kvFixed !== undefined ? kvFixed : util * v - weightsPerGpu - activations(ctx) - overhead);

    const breakdown = (ctx: number, n: number): Breakdown => {
      const t = noTerms();
      t.weights = weightParts;
      t.kvCache = kvParts(layout, ctx, n, rule(ctx), "requests", layersOf);
      if (hybridState) t.state = [part(`state pages of ${padded(layout.stateLayers)} recurrent layers${padded(layout.stateLayers) > layout.stateLayers ? " incl. padding" : ""}`, f(n, "requests"), f(padded(layout.stateLayers), "layers"), f(statePages, "pages"), f(statePage, "B"))];
      t.activations = activationParts(ctx);
      t.overhead = overheadParts;
      const host = noTerms();
      host.weights = offloaded > 0 ? [part("decoder weights offloaded by --cpu-offload-gb", f(s.tp, "GPUs"), f(offloaded, "B"))] : [];
      return { devices: [{ device: s.tp > 1 ? `each of ${s.tp} GPUs` : "GPU", kind: "gpu", count: s.tp, terms: t, expertBytes: (wb.byGroup.experts / s.tp) * (1 - offloaded / Math.max(1, decoderPerGpu)) }, ...(offloaded > 0 ? [{ device: "host", kind: "host" as const, count: 1, terms: host, readOverLink: true, expertBytes: wb.byGroup.experts * (offloaded / Math.max(1, decoderPerGpu)) }] : [])] };
    };

    const notes = [
      `vLLM settings: gpu_memory_utilization ${util}, max_num_batched_tokens ${batch.rule}, block size ${blockTokens}${blockTokens !== (st.blockSize ?? d.blockSize) ? " (raised so one attention block matches a state page)" : ""}.`,
      `The CUDA context (~${b(d.cudaContextBytes)}) sits outside the utilization budget, in the remaining ${(100 * (1 - util)).toFixed(0)}%.`,
    ];
    if (s.engineVersion) notes.push(`vLLM ${s.engineVersion.text}: ${version.v0Engine ? "V0 engine (sampler profiled with top-k/top-p on the driver rank)" : "V1 engine"}${version.mlaEntryAlign256 ? ", MLA cache entries aligned to 256 B" : ""}.`);
    if (!cudaGraphs) notes.push(st.enforceEager ? "--enforce-eager: no CUDA graphs." : "CUDA-graph memory is not deducted before the KV pool in this release (from v0.21).");
    if (spec > 0) notes.push(`MTP speculative decoding with ${spec} token(s): ${a.mtp.layers.length} draft layer(s) load and hold KV; recurrent conv states hold ${spec} extra row(s).`);
    if (hybridState) notes.push(`Each request holds ${statePages} state page(s) per recurrent layer (1${spec ? ` + ${spec} speculative` : ""}${prefixCaching ? " + 1 for prefix caching (mamba_cache_mode align)" : ""}).`);
    if (mxfp4Note) notes.push(mxfp4Note);
    if (paddingLayers > 0) notes.push(`vLLM pads its KV-cache groups to equal layer counts: ${paddingLayers} padding layer(s) take real pages.`);
    if (skipVision) notes.push(`Text only (--limit-mm-per-prompt all 0): the ${b(wb.byGroup.vision)} vision tower is not loaded and the encoder is not profiled.`);
    else if (st.textOnly && wb.byGroup.vision > 0) notes.push("Text only (--limit-mm-per-prompt all 0): the encoder is not profiled; this release still loads the vision tower (vLLM skips it from v0.15).");
    if (offloaded > 0) notes.push(`--cpu-offload-gb keeps ${b(offloaded)} of decoder weights per GPU in pinned host memory; every forward reads them over the PCIe link.`);
    if (kvFixed !== undefined) notes.push(`--kv-cache-memory fixes the KV pool at ${b(kvFixed)} per GPU; gpu_memory_utilization is not used.`);

    return {
      weightsPerGpu,
      weightsTotal,
      hostWeights: offloaded * s.tp,
      hostBytes: () => offloaded * s.tp,
      notes,
      settings: {
        gpu_memory_utilization: kvFixed !== undefined ? null : util,
        kv_cache_memory_bytes: kvFixed ?? null,
        tensor_parallel_size: s.tp,
        // V0 sizes its profile batch from max_model_len, so its default depends on the context (null here, the notes say how).
        max_num_seqs: batch.seqs(1 << 30),
        max_num_batched_tokens: version.v0Engine && !st.maxNumBatchedTokens ? null : batch.tokens(1 << 30),
        block_size: blockTokens,
        enable_prefix_caching: prefixCaching,
        enforce_eager: st.enforceEager ?? false,
        kv_cache_dtype: s.kv.id,
        num_speculative_tokens: spec,
        text_only: st.textOnly ?? false,
      },
      usage: (ctx, n) => ({ kvCache: n * kvPerRequest(ctx), state: n * statePerRequest, activations: activations(ctx), overhead }),
      breakdown,
      kvPool: (v, ctx) => pool(v, ctx),
      budget,
      budgetText: (v) =>
        kvFixed !== undefined
          ? `KV pool fixed by --kv-cache-memory: ${b(kvFixed)} per GPU`
          : `budget = ${util} × ${b(v)} = ${b(util * v)}; KV pool = budget − weights − activation peak − overhead`,
      capacity(v, ctx) {
        const p = pool(v, ctx);
        const perReq = kvPerRequest(ctx) + statePerRequest;
        if (p <= 0 || perReq <= 0) return { tokens: 0, concurrency: 0 };
        const concurrency = p / perReq;
        // Uniform full-attention models: blocks × block size; hybrids: concurrency × max_model_len, as vLLM logs it.
        const tokens = hybrid ? Math.floor(concurrency * ctx) : Math.floor(p / (blockTokens * layout.fullBytesPerToken)) * blockTokens;
        return { tokens, concurrency };
      },
    };
  },
};
