// MLX (mlx-lm) on Apple silicon: unified memory, capped by Metal's recommended
// working set; the KV cache grows in steps of 256 tokens (a rotating cache of
// --max-kv-size when given); the prompt is processed in chunks of 2,048 tokens
// (512 before mlx-lm 0.22.2), and each chunk's attention scores over the whole
// cache are materialised for one layer; no logits for prefill chunks.
// Sources: engine-facts §6 (mlx_lm/generate.py, mlx_lm/models/cache.py @ d78bf58).
import { f, noTerms, part, sized, type Breakdown, type Part } from "../breakdown";
import { cacheLayout, kvBytesPerRequest, kvParts, stateParts } from "../cacheLayout";
import { compareVersion } from "../engineVersion";
import { b } from "../explainFormat";
import type { CacheRule } from "../layerKinds";
import { defaultsOf } from "../runtimeDefaults";
import type { PreparedRun, RuntimeProfile, Setup } from "../runtimeProfile";
import { weightBytes } from "../weightBytes";

export const mlx: RuntimeProfile = {
  id: "mlx",
  workload: () => ({}),
  prepare(s: Setup): PreparedRun {
    const d = defaultsOf(s.runtime, "mlx");
    const st = s.settings;
    const a = s.model.arch;
    // MLX's CUDA backend has no Metal working-set cap: the budget is the GPU's memory.
    const cuda = s.gpu !== undefined && s.gpu.vendor === "NVIDIA";
    const fraction = st.memoryFraction ?? (cuda ? 1 : d.workingSetFraction);
    const layout = cacheLayout(a, s.kv.bytes(a.dtypeBytes), 1, { convBytes: a.dtypeBytes, ssmBytes: a.dtypeBytes });
    const wb = weightBytes(s.model, s.quant);
    const G = st.maxNewTokens ?? 0;
    const step = st.prefillStepSize ?? (s.engineVersion !== undefined && compareVersion(s.engineVersion, 0, 22, 2) < 0 ? 512 : d.prefillStepSize);
    const rule: CacheRule = { pad: d.kvStep, windowExtra: 0, windowExtraBlocks: 0, statePages: 1 };
    // A rotating cache (--max-kv-size) never holds more than its size.
    const held = (ctx: number) => (st.maxKvSize ? Math.min(ctx + G, st.maxKvSize) : ctx + G);
    const attnLayer = a.layers.flatMap((l) => l.mixers).find((m) => m.kind === "full" || m.kind === "sliding" || m.kind === "chunked" || m.kind === "mla");
    const heads = attnLayer && "heads" in attnLayer ? attnLayer.heads : 0;
    let widest = 0;
    for (const l of a.layers) {
      const f2 = l.ffn;
      if (f2.kind === "dense") widest = Math.max(widest, 3 * f2.intermediate);
      else if (f2.kind === "moe") widest = Math.max(widest, f2.topK * 3 * f2.expertIntermediate + 3 * f2.sharedIntermediate);
    }
    const perToken = (widest + 4 * a.hidden) * a.dtypeBytes;
    const activationParts = (ctx: number, n: number): Part[] => {
      const chunk = Math.min(ctx, step);
      const span = Math.min(ctx, st.maxKvSize ?? ctx);
      return [
        part("prefill chunk intermediates of one layer", f(n, "sequences"), f(chunk, "tokens"), f(perToken, "B/token")),
        ...(heads ? [part("attention scores of one prefill chunk over the cache", f(n, "sequences"), f(heads, "heads"), f(chunk, "tokens"), f(span, "tokens"), f(a.dtypeBytes, "B"))] : []),
        part("last token's logits", f(n, "sequences"), f(a.vocab, "vocab"), f(4, "B")),
      ];
    };
    const activations = (ctx: number, n: number) => activationParts(ctx, n).reduce((sum, p) => sum + p.bytes, 0);
    const breakdown = (ctx: number, n: number): Breakdown => {
      const t = noTerms();
      t.weights = [sized(`${s.quant.id} weights (${wb.bitsPerWeight.toFixed(2)} bits/weight)`, wb.total)];
      t.kvCache = kvParts(layout, held(ctx), n, rule, "sequences");
      t.state = stateParts(layout, n, rule, "sequences");
      t.activations = activationParts(ctx, n);
      return { devices: [{ device: cuda ? "GPU" : "unified memory", kind: "gpu", count: 1, terms: t }] };
    };
    return {
      weightsPerGpu: wb.total,
      weightsTotal: wb.total,
      hostWeights: 0,
      hostBytes: () => 0,
      notes: [
        cuda
          ? "MLX's CUDA backend: the budget is the GPU's memory (no Metal working-set cap); its CUDA context, a few hundred MiB, is not counted."
          : `Unified memory: the budget is Metal's recommended working set, taken as ${Math.round(fraction * 100)}% of RAM (raise it with sudo sysctl iogpu.wired_limit_mb).`,
        `mlx_lm: prefill in chunks of ${step} tokens, KV in steps of ${d.kvStep}${st.maxKvSize ? `, a rotating cache of ${st.maxKvSize} tokens` : ""}${G ? `, ${G} new tokens` : ""}.`,
      ],
      settings: { prefill_step_size: step, max_kv_size: st.maxKvSize ?? null, kv_bits: s.kv.id === "q8_0" ? 8 : s.kv.id === "q4_0" ? 4 : null, max_tokens: G, working_set_fraction: fraction },
      usage: (ctx, n) => ({ kvCache: n * kvBytesPerRequest(layout, held(ctx), rule), state: n * layout.stateBytesPerSeq, activations: activations(ctx, n), overhead: 0 }),
      breakdown,
      budget: (v) => fraction * v,
      budgetText: (v) => `working set = ${fraction} × ${b(v)} = ${b(fraction * v)}`,
      capacity(v, ctx) {
        const free = fraction * v - wb.total;
        const one = kvBytesPerRequest(layout, held(ctx), rule) + layout.stateBytesPerSeq + activations(ctx, 1);
        if (free < one) return { tokens: 0, concurrency: 0 };
        return { tokens: layout.fullBytesPerToken > 0 ? Math.floor(free / layout.fullBytesPerToken) : 0, concurrency: free / one };
      },
    };
  },
};
