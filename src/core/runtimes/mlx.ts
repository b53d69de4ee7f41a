// MLX (mlx-lm) on Apple silicon: unified memory capped by Metal's recommended
// working set (~75% of RAM by default); KV grows in steps of 256 tokens;
// prefill runs in steps of 2048 tokens; no separate host pool.
import { cacheLayout } from "../cacheLayout";
import { b, n } from "../explainFormat";
import { activationBytesPerToken, padTo } from "../forwardPass";
import type { PreparedRun, RuntimeProfile, Setup } from "../runtimeProfile";
import { weightBytes } from "../weightBytes";

interface MlxDefaults {
  workingSetFraction: number;
  kvStep: number;
  prefillStepSize: number;
}

export const mlx: RuntimeProfile = {
  id: "mlx",
  prepare(s: Setup): PreparedRun {
    const d = s.runtime.defaults as unknown as MlxDefaults;
    const a = s.model.arch;
    const fraction = s.gpuUtil ?? d.workingSetFraction;
    const layout = cacheLayout(a, s.kv.bytes(a.dtypeBytes), 1, { convBytes: a.dtypeBytes, ssmBytes: a.dtypeBytes });
    const wb = weightBytes(s.model, s.quant);
    const perToken = activationBytesPerToken(a, 1);
    const kvPerRequest = (ctx: number) => layout.kvGroups.reduce((sum, g) => sum + g.layers * g.bytesPerTokenPerLayer * (g.window === null ? padTo(ctx, d.kvStep) : Math.min(padTo(ctx, d.kvStep), g.window)), 0);
    const act = (ctx: number, batch: number) => batch * Math.min(ctx, d.prefillStepSize) * perToken + batch * a.vocab * 4;
    return {
      weightsPerGpu: wb.total,
      weightsTotal: wb.total,
      hostBytes: 0,
      notes: [`Unified memory: the budget is Metal's recommended working set, about ${Math.round(fraction * 100)}% of RAM (raise it with sudo sysctl iogpu.wired_limit_mb).`],
      usage: (ctx, batch) => ({ kvCache: batch * kvPerRequest(ctx), state: batch * layout.stateBytesPerSeq, activations: act(ctx, batch), overhead: 0 }),
      budget: (v) => fraction * v,
      capacity(v, ctx) {
        const free = fraction * v - wb.total - act(ctx, 1);
        const perReq = kvPerRequest(ctx) + layout.stateBytesPerSeq;
        if (free <= 0 || perReq <= 0) return { tokens: 0, concurrency: 0 };
        return { tokens: layout.fullBytesPerToken > 0 ? Math.floor(free / layout.fullBytesPerToken) : 0, concurrency: free / perReq };
      },
      explain(ctx, batch, v) {
        return {
          weights: `${b(wb.total)} of ${s.quant.id} weights (${wb.bitsPerWeight.toFixed(2)} bits/weight)`,
          kvCache: `${batch} × ${n(padTo(ctx, d.kvStep))} tokens (steps of ${d.kvStep}) × ${n(layout.fullBytesPerToken)} B/token = ${b(batch * kvPerRequest(ctx))}`,
          state: layout.stateLayers ? `${batch} × ${b(layout.stateBytesPerSeq)} = ${b(batch * layout.stateBytesPerSeq)}` : "no recurrent layers: no state",
          activations: `prefill step ${n(Math.min(ctx, d.prefillStepSize))} tokens × ${batch} × ${n(perToken)} B/token + logits = ${b(act(ctx, batch))}`,
          overhead: `0 B (no CUDA context; the budget${v ? ` ${fraction} × ${b(v)} = ${b(fraction * v)}` : ""} is the GPU working-set cap)`,
          host: "0 B: unified memory, no separate host pool",
        };
      },
    };
  },
};
