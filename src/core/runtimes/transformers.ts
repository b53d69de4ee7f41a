// Hugging Face Transformers: one process, no pre-reserved pool. Weights + the
// dynamic KV cache (sliding layers keep their window) + the peak of the
// unchunked prefill (only the last token's logits are kept) + CUDA context.
import { cacheLayout } from "../cacheLayout";
import { b, n } from "../explainFormat";
import { activationBytesPerToken } from "../forwardPass";
import type { PreparedRun, RuntimeProfile, Setup } from "../runtimeProfile";
import { weightBytes } from "../weightBytes";

export const transformers: RuntimeProfile = {
  id: "transformers",
  prepare(s: Setup): PreparedRun {
    const a = s.model.arch;
    const ctxBytes = (s.runtime.defaults as { cudaContextBytes: number }).cudaContextBytes;
    const layout = cacheLayout(a, s.kv.bytes(a.dtypeBytes), 1, { convBytes: a.dtypeBytes, ssmBytes: a.dtypeBytes });
    const wb = weightBytes(s.model, s.quant);
    const N = s.tp;
    const perToken = activationBytesPerToken(a, 1);
    const kvPerRequest = (ctx: number) => layout.kvGroups.reduce((sum, g) => sum + g.layers * g.bytesPerTokenPerLayer * (g.window === null ? ctx : Math.min(ctx, g.window)), 0);
    const act = (ctx: number, batch: number) => batch * ctx * perToken + batch * a.vocab * 4;
    return {
      weightsPerGpu: wb.total / N,
      weightsTotal: wb.total,
      hostBytes: 0,
      notes: ["Transformers: dynamic KV cache, unchunked prefill of the whole prompt.", ...(N > 1 ? [`${N} GPUs: device_map="auto" places whole layers on each GPU.`] : [])],
      usage: (ctx, batch) => ({ kvCache: (batch * kvPerRequest(ctx)) / N, state: (batch * layout.stateBytesPerSeq) / N, activations: act(ctx, batch), overhead: ctxBytes }),
      budget: (v) => v,
      capacity(v, ctx) {
        const free = v - wb.total / N - ctxBytes - act(ctx, 1);
        const perReq = (kvPerRequest(ctx) + layout.stateBytesPerSeq) / N + ctx * perToken;
        if (free <= 0 || perReq <= 0) return { tokens: 0, concurrency: 0 };
        return { tokens: layout.fullBytesPerToken > 0 ? Math.floor(free / (layout.fullBytesPerToken / N + perToken)) : 0, concurrency: free / perReq };
      },
      explain(ctx, batch) {
        return {
          weights: `${b(wb.total)} of ${s.quant.id} weights (${wb.bitsPerWeight.toFixed(2)} bits/weight)${N > 1 ? ` ÷ ${N} GPUs` : ""}`,
          kvCache: `${batch} × ${n(ctx)} tokens × ${n(layout.fullBytesPerToken)} B/token${layout.kvGroups.some((g) => g.window !== null) ? " (sliding layers keep their window)" : ""} = ${b(batch * kvPerRequest(ctx))}`,
          state: layout.stateLayers ? `${batch} × ${b(layout.stateBytesPerSeq)} = ${b(batch * layout.stateBytesPerSeq)}` : "no recurrent layers: no state",
          activations: `prefill ${batch} × ${n(ctx)} tokens × ${n(perToken)} B/token + last-token logits ${batch} × ${n(a.vocab)} × 4 B = ${b(act(ctx, batch))}`,
          overhead: `CUDA context ${b(ctxBytes)}`,
          host: "0 B",
        };
      },
    };
  },
};
