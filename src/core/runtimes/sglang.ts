// SGLang: a static pool of mem_fraction_static × the memory free before
// weights load holds weights and the KV pool; the rest is left for
// activations (chunked prefill) and CUDA graphs.
import { cacheLayout } from "../cacheLayout";
import { b, n } from "../explainFormat";
import { ssmStateBytes } from "../forwardPass";
import type { PreparedRun, RuntimeProfile, Setup } from "../runtimeProfile";
import { GiB, MiB } from "../units";
import { weightBytes } from "../weightBytes";
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

/** SGLang's default mem_fraction_static for a GPU of `vram` bytes. */
export function sglangMemFraction(vram: number, tp: number): number {
  const { chunked, graphBs } = tierDefaults(vram, tp);
  const gpuMiB = vram / MiB;
  let reserved = 512 + Math.max(chunked, 2048) * 1.5 + graphBs * 2 + (tp / 8) * 1024;
  if (gpuMiB > 60 * 1024) reserved = Math.max(reserved, 10240);
  return Math.round(((gpuMiB - reserved) / gpuMiB) * 1000) / 1000;
}

export const sglang: RuntimeProfile = {
  id: "sglang",
  prepare(s: Setup): PreparedRun {
    checkTensorParallel(s, "SGLang");
    const a = s.model.arch;
    const ctxBytes = (s.runtime.defaults as { cudaContextBytes: number }).cudaContextBytes;
    const vramKnown = s.vramBytes ?? 80 * GiB;
    const { chunked, graphBs } = tierDefaults(vramKnown, s.tp);
    const fraction = s.gpuUtil ?? (s.vramBytes ? sglangMemFraction(s.vramBytes, s.tp) : 0.88);
    const layout = cacheLayout(a, s.kv.bytes(a.dtypeBytes), s.tp, { convBytes: a.dtypeBytes, ssmBytes: ssmStateBytes(s.model.record.config, a) });
    const wb = weightBytes(s.model, s.quant);
    const weightsPerGpu = (wb.total - wb.replicated) / s.tp + wb.replicated;
    const activations = Math.max(chunked, 2048) * 1.5 * MiB;
    const overhead = graphBs * 2 * MiB + (s.tp / 8) * GiB + ctxBytes;
    const kvPerRequest = (ctx: number) => layout.kvGroups.reduce((sum, g) => sum + g.layers * g.bytesPerTokenPerLayer * (g.window === null ? ctx : Math.min(ctx, g.window)), 0);
    const staticPool = (v: number) => fraction * (v - ctxBytes);
    return {
      weightsPerGpu,
      weightsTotal: wb.total,
      hostBytes: 0,
      notes: [`SGLang defaults assumed: mem_fraction_static ${fraction} of the memory free before loading, chunked_prefill_size ${chunked}, cuda_graph_max_bs ${graphBs}.`],
      usage: (ctx, batch) => ({ kvCache: batch * kvPerRequest(ctx), state: batch * layout.stateBytesPerSeq, activations, overhead }),
      // Weights, KV and state must fit in the static pool; activations and graphs use the rest.
      budget: staticPool,
      // mem_fraction_static sizes weights + the KV/state pool; activations and the CUDA context live outside it.
      budgeted: (u) => weightsPerGpu + u.kvCache + u.state,
      capacity(v, ctx) {
        const pool = staticPool(v) - weightsPerGpu;
        const perReq = kvPerRequest(ctx) + layout.stateBytesPerSeq;
        if (pool <= 0 || perReq <= 0) return { tokens: 0, concurrency: 0 };
        return { tokens: layout.fullBytesPerToken > 0 ? Math.floor(pool / layout.fullBytesPerToken) : 0, concurrency: pool / perReq };
      },
      explain(ctx, batch, v) {
        return {
          weights: `${b(wb.total)} of ${s.quant.id} weights${s.tp > 1 ? ` → ${b(weightsPerGpu)} per GPU over ${s.tp}` : ""}`,
          kvCache: `${batch} × ${n(ctx)} tokens × ${n(layout.fullBytesPerToken)} B/token (cell size) = ${b(batch * kvPerRequest(ctx))}${v ? `; KV pool = ${fraction} × (${b(v)} − ${b(ctxBytes)}) − ${b(weightsPerGpu)} = ${b(staticPool(v) - weightsPerGpu)}` : ""}`,
          state: layout.stateLayers ? `${batch} × ${b(layout.stateBytesPerSeq)} Mamba/linear state = ${b(batch * layout.stateBytesPerSeq)}` : "no recurrent layers: no state",
          activations: `chunked prefill reserve 1.5 MiB × ${n(Math.max(chunked, 2048))} = ${b(activations)} (outside the static pool)`,
          overhead: `CUDA graphs 2 MiB × ${graphBs} + ${s.tp}/8 GiB + CUDA context ${b(ctxBytes)} = ${b(overhead)}`,
          host: "0 B",
        };
      },
    };
  },
};
