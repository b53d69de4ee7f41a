// SGLang: a static pool of mem_fraction_static × the memory free before
// weights load holds the weights and the KV (and state) pool; the rest is left
// for activations (chunked prefill) and CUDA graphs.
// Sources: engine-facts §5 (python/sglang/srt/server_args.py, model_runner.py).
import { compareVersion, type EngineVersion } from "../engineVersion";
import { f, noTerms, part, sized, type Breakdown, type Part } from "../breakdown";
import { cacheLayout, kvBytesPerRequest, kvParts, stateParts } from "../cacheLayout";
import { b } from "../explainFormat";
import { ssmStateBytes } from "../forwardPass";
import type { CacheRule } from "../layerKinds";
import { defaultsOf } from "../runtimeDefaults";
import type { PreparedRun, RuntimeProfile, Setup } from "../runtimeProfile";
import { GiB, MiB } from "../units";
import { shardedWeights, weightBytes } from "../weightBytes";
import { checkTensorParallel } from "./vllm";

/** SGLang's chunked_prefill_size and cuda_graph_max_bs defaults by GPU memory. */
function tierDefaults(vram: number, tp: number): { chunked: number; graphBs: number } {
  const g = vram / GiB;
  if (g < 20) return { chunked: 2048, graphBs: 8 };
  if (g < 35) return { chunked: 2048, graphBs: tp < 4 ? 24 : 80 };
  if (g < 60) return { chunked: 4096, graphBs: tp < 4 ? 32 : 160 };
  if (g < 160) return { chunked: 8192, graphBs: tp < 4 ? 256 : 512 };
  return { chunked: 16384, graphBs: 512 };
}

/** Token counts SGLang captures piecewise prefill CUDA graphs for, up to `max` (v0.5.10's list). */
function piecewiseTokens(max: number): number {
  const ranges: Array<[number, number, number]> = [[4, 32, 4], [48, 256, 16], [288, 512, 32], [576, 1024, 64], [1280, 4096, 256], [4608, max, 512]];
  let n = 0;
  for (const [from, to, step] of ranges) for (let t = from; t <= Math.min(to, max); t += step) n++;
  return n;
}

/**
 * SGLang's default mem_fraction_static for a GPU of `vram` bytes (v0.5.3+ formula, server_args.py):
 * reserved = 512 MiB + 1.5 MiB × max(chunked, 2048) + 2 MiB × cuda_graph_max_bs (when decode graphs are on)
 * + tp/8 GiB + 8 MiB per piecewise prefill graph (1.5 GiB for MLA; on by default since v0.5.10),
 * at least 10 GiB above 60 GiB.
 */
export function sglangMemFraction(vram: number, tp: number, chunked?: number, graphBs?: number, piecewise = 0, mla = false): number {
  const tier = tierDefaults(vram, tp);
  const gpuMiB = vram / MiB;
  let reserved = 512 + Math.max(chunked ?? tier.chunked, 2048) * 1.5 + (graphBs ?? tier.graphBs) * 2 + (tp / 8) * 1024 + (piecewise ? (mla ? 1536 : 8 * piecewise) : 0);
  if (gpuMiB > 60 * 1024) reserved = Math.max(reserved, 10240);
  return Math.round(((gpuMiB - reserved) / gpuMiB) * 1000) / 1000;
}

/**
 * SGLang's default mem_fraction_static before v0.5.3 (server_args.py, engine facts §5.2 and the source notes):
 * up to v0.4.7 a table by tensor-parallel size (0.88 on one GPU down to 0.79 at 16) for GPUs up to 80 GiB,
 * 0.79 above 180,000 MiB, and for 96–180 GiB cards the larger of the table value stretched by 48 GiB and
 * an 18 GiB reserve; v0.4.8–v0.5.2 keep a reserve by memory tier: (gpu − R) / gpu.
 */
export function legacyMemFraction(vram: number, tp: number, v: EngineVersion): number {
  const gpuMiB = vram / MiB;
  if (compareVersion(v, 0, 4, 8) < 0) {
    const byTp = tp >= 16 ? 0.79 : tp >= 8 ? 0.81 : tp >= 4 ? 0.85 : tp >= 2 ? 0.87 : 0.88;
    if (gpuMiB <= 81920) return byTp;
    if (gpuMiB > 180000) return 0.79;
    if (gpuMiB > 96 * 1024) return Math.round(Math.min(0.88 + (48 * 1024 * 0.12) / gpuMiB, (gpuMiB - 18 * 1024) / gpuMiB) * 1000) / 1000;
    return 0.88;
  }
  const gib = gpuMiB / 1024;
  const reservedGiB = gib < 35 ? 2.8 + tp / 10 : gib < 90 ? 9.5 + tp / 2 : gib < 160 ? 12 + tp / 2 : 32;
  return Math.round(((gib - reservedGiB) / gib) * 1000) / 1000;
}

/** SGLang holds exactly the tokens of a request; a sliding layer holds its window. */
const RULE: CacheRule = { pad: 1, windowExtra: 0, windowExtraBlocks: 0, statePages: 1 };

export const sglang: RuntimeProfile = {
  id: "sglang",
  workload: (st) => ({ ctx: st.maxModelLen }),
  prepare(s: Setup): PreparedRun {
    checkTensorParallel(s, "SGLang");
    const d = defaultsOf(s.runtime, "sglang");
    const st = s.settings;
    const a = s.model.arch;
    const vramKnown = s.vramBytes ?? 80 * GiB;
    const tier = tierDefaults(vramKnown, s.tp);
    const chunked = st.maxNumBatchedTokens === 0 ? undefined : (st.maxNumBatchedTokens ?? tier.chunked);
    const graphBs = st.enforceEager ? 0 : (st.cudaGraphMaxBs ?? tier.graphBs);
    const mla = a.layers.some((l) => l.mixers.some((m) => m.kind === "mla"));
    const piecewise = !st.enforceEager && (st.piecewiseCudaGraph ?? true) ? piecewiseTokens(st.piecewiseMaxTokens ?? (mla ? 2048 : (chunked ?? tier.chunked))) : 0;
    // A vision model's default fraction is scaled for its encoder (adjust_mem_fraction_for_vlm, since v0.4.10):
    // × 0.95 × clamp(1 − 0.1 × (ratio − 1), 0.8, 1.05), ratio = ViT layers × ViT width² / (24 × 1024²).
    const vit = a.visionTower && !st.textOnly ? a.visionTower : undefined;
    const v = s.engineVersion;
    const vlmScale = vit && (v === undefined || compareVersion(v, 0, 4, 10) >= 0) ? 0.95 * Math.min(1.05, Math.max(0.8, 1 - 0.1 * ((vit.layers * vit.hidden * vit.hidden) / (24 * 1024 * 1024) - 1))) : 1;
    // The default follows the release: a table, then a reserve by memory tier, then (v0.5.3+) the reserve formula.
    const base = (vram: number) => (v !== undefined && compareVersion(v, 0, 5, 3) < 0 ? legacyMemFraction(vram, s.tp, v) : sglangMemFraction(vram, s.tp, chunked, graphBs, piecewise, mla));
    const fraction = st.memoryFraction ?? (s.vramBytes ? Math.round(base(s.vramBytes) * vlmScale * 1000) / 1000 : 0.88);
    const plain = cacheLayout(a, s.kv.bytes(a.dtypeBytes), s.tp, { convBytes: a.dtypeBytes, ssmBytes: ssmStateBytes(s.model.record.config, a) });
    // Only architectures on SGLang's hybrid-SWA allowlist get a separate sliding-window pool; the others
    // keep full KV in every layer (is_hybrid_swa_model, sglang PR #39310).
    const hybridSwa = d.hybridSwaModelTypes.includes(a.modelType);
    const layout = hybridSwa ? plain : { ...plain, kvGroups: plain.kvGroups.map((g) => ({ ...g, window: null })), fullBytesPerToken: plain.kvGroups.reduce((sum, g) => sum + g.layers * g.bytesPerTokenPerLayer, 0) };
    const swaBytesPerToken = plain.kvGroups.filter((g) => g.window !== null).reduce((sum, g) => sum + g.layers * g.bytesPerTokenPerLayer, 0);
    // A token of the pool: full layers' bytes plus the SWA pool's share (swa_full_tokens_ratio) of its layers' bytes.
    const cellBytes = layout.fullBytesPerToken + (hybridSwa ? d.swaFullTokensRatio * swaBytesPerToken : 0);
    const wb = weightBytes(s.model, s.quant);
    const weights = shardedWeights(wb, s.quant.id, s.tp);
    const weightsPerGpu = weights.reduce((sum, p) => sum + p.bytes, 0);
    const activationParts: Part[] = [part("chunked-prefill reserve", f(Math.max(chunked ?? 2048, 2048), "tokens"), f(1.5 * MiB, "B/token"))];
    const fixedOverhead: Part[] = [
      ...(graphBs ? [part("CUDA graphs", f(graphBs, "batch sizes"), f(2 * MiB, "B"))] : []),
      ...(piecewise ? [mla ? sized("piecewise prefill CUDA graphs (MLA)", 1.5 * GiB) : part("piecewise prefill CUDA graphs", f(piecewise, "graphs"), f(8 * MiB, "B"))] : []),
      ...(s.tp > 1 ? [part("tensor-parallel buffers", f(s.tp / 8, "× 1 GiB"), f(GiB, "B"))] : []),
      sized("CUDA context", d.cudaContextBytes),
    ];
    // The per-request token table (req_to_token, int32) sits outside the static pool: (max_num_reqs + 1) × (context + 4) × 4 B,
    // max_num_reqs = --max-running-requests or clamp(pool tokens / context × 512, 2048, 4096) (resolve_max_num_reqs).
    const reqs = (ctx: number) => st.maxNumSeqs ?? Math.min(4096, Math.max(2048, Math.floor((capacityTokens(vramKnown) / Math.max(ctx, 1)) * 512)));
    const overheadParts = (ctx: number): Part[] => [...fixedOverhead, part("request-to-token table", f(reqs(ctx) + 1, "requests"), f(ctx + d.reqToTokenExtraTokens, "tokens"), f(4, "B"))];
    const activations = activationParts.reduce((sum, p) => sum + p.bytes, 0);
    const overhead = (ctx: number) => overheadParts(ctx).reduce((sum, p) => sum + p.bytes, 0);
    const kvPerRequest = (ctx: number) => kvBytesPerRequest(layout, ctx, RULE);
    const staticPool = (v: number) => fraction * (v - d.cudaContextBytes);
    const fixedPool = st.maxTotalTokens !== undefined && cellBytes > 0 ? st.maxTotalTokens * cellBytes : undefined;
    const pool = (v: number) => fixedPool ?? staticPool(v) - weightsPerGpu;
    function capacityTokens(v: number): number {
      return cellBytes > 0 ? Math.max(0, Math.floor(pool(v) / cellBytes)) : 0;
    }
    const breakdown = (ctx: number, n: number): Breakdown => {
      const t = noTerms();
      t.weights = weights;
      t.kvCache = kvParts(layout, ctx, n, RULE);
      t.state = stateParts(layout, n, RULE);
      t.activations = activationParts;
      t.overhead = overheadParts(ctx);
      return { devices: [{ device: s.tp > 1 ? `each of ${s.tp} GPUs` : "GPU", kind: "gpu", count: s.tp, terms: t }] };
    };
    return {
      weightsPerGpu,
      weightsTotal: wb.total,
      hostWeights: 0,
      hostBytes: () => 0,
      notes: [`SGLang settings: mem_fraction_static ${fraction} of the memory free before loading, chunked_prefill_size ${chunked ?? "off"}, cuda_graph_max_bs ${graphBs || "off"}, piecewise prefill graphs ${piecewise ? "on" : "off"}.`, ...(plain.kvGroups.some((g) => g.window !== null) ? [hybridSwa ? `Sliding-window layers share a separate pool of ${d.swaFullTokensRatio} × the full pool's tokens.` : "SGLang keeps full KV in every layer for this architecture (it is not on its hybrid-SWA list)."] : []), ...(fixedPool !== undefined ? [`--max-total-tokens fixes the KV pool at ${st.maxTotalTokens} tokens (${b(fixedPool)}).`] : [])],
      settings: { mem_fraction_static: fraction, tp_size: s.tp, chunked_prefill_size: chunked ?? -1, cuda_graph_max_bs: graphBs, disable_cuda_graph: graphBs === 0, max_running_requests: st.maxNumSeqs ?? null, max_total_tokens: st.maxTotalTokens ?? null, kv_cache_dtype: s.kv.id },
      usage: (ctx, n) => ({ kvCache: n * kvPerRequest(ctx), state: n * layout.stateBytesPerSeq, activations, overhead: overhead(ctx) }),
      breakdown,
      kvPool: (v) => pool(v),
      // Weights, KV and state must fit in the static pool; activations and graphs use the rest.
      budget: (v) => (fixedPool !== undefined ? weightsPerGpu + fixedPool : staticPool(v)),
      budgetText: (v) => `static pool = ${fraction} × (${b(v)} − ${b(d.cudaContextBytes)} CUDA context) = ${b(staticPool(v))}; KV pool = static pool − weights = ${b(pool(v))}`,
      budgeted: (u) => weightsPerGpu + u.kvCache + u.state,
      capacity(v, ctx) {
        // SGLang sizes its pool from mem_fraction_static alone; the reserve outside it is not checked at start.
        const p = pool(v);
        const perReq = kvPerRequest(ctx) + layout.stateBytesPerSeq;
        if (p <= 0 || perReq <= 0) return { tokens: 0, concurrency: 0 };
        return { tokens: cellBytes > 0 ? Math.floor(p / cellBytes) : 0, concurrency: p / perReq };
      },
    };
  },
};
