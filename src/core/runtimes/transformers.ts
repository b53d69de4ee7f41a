// Hugging Face Transformers, model.generate(): one process, no pre-reserved
// pool. Weights + the dynamic KV cache of prompt and generated tokens (sliding
// layers keep their window; a static cache preallocates prompt + max_new_tokens)
// + the peak of the unchunked prefill: the MLP intermediates of one layer over
// the whole prompt, eager attention's scores when asked for, and the logits
// (only the last token's since v4.45). The CUDA context sits outside
// torch.cuda.max_memory_allocated but on the card.
// Sources: engine-facts §7 (generation/utils.py, cache_utils.py, modeling_llama.py @ 70179949).
import { f, noTerms, part, sized, type Breakdown, type Part } from "../breakdown";
import { cacheLayout, kvBytesPerRequest, kvParts, stateParts } from "../cacheLayout";
import { compareVersion } from "../engineVersion";
import type { Architecture } from "../architecture";
import { b } from "../explainFormat";
import type { CacheRule } from "../layerKinds";
import { defaultsOf } from "../runtimeDefaults";
import type { PreparedRun, RuntimeProfile, Setup } from "../runtimeProfile";
import { weightBytes } from "../weightBytes";

/** Transformers holds exactly the tokens of a sequence; sliding layers keep their window. */
const RULE: CacheRule = { pad: 1, windowExtra: 0, windowExtraBlocks: 0, statePages: 1 };

/** Values per prompt token live at the prefill peak of one layer: the MLP's gate, up and their product (3 × intermediate), the residual, norm and q/k/v (about 4 × hidden). */
function prefillValuesPerToken(a: Architecture): number {
  let widest = 0;
  for (const l of a.layers) {
    const f2 = l.ffn;
    if (f2.kind === "dense") widest = Math.max(widest, (f2.gated ? 3 : 2) * f2.intermediate);
    else if (f2.kind === "moe") widest = Math.max(widest, f2.topK * (f2.gated ? 3 : 2) * f2.expertIntermediate + (f2.gated ? 3 : 2) * f2.sharedIntermediate);
  }
  return widest + 4 * a.hidden;
}

export const transformers: RuntimeProfile = {
  id: "transformers",
  workload: () => ({}),
  prepare(s: Setup): PreparedRun {
    const d = defaultsOf(s.runtime, "transformers");
    const st = s.settings;
    const a = s.model.arch;
    const layout = cacheLayout(a, s.kv.bytes(a.dtypeBytes), 1, { convBytes: a.dtypeBytes, ssmBytes: a.dtypeBytes });
    const wb = weightBytes(s.model, s.quant);
    const N = s.tp;
    const G = st.maxNewTokens ?? 0;
    const staticCache = st.cacheImplementation === "static";
    const eager = st.attnImplementation === "eager";
    // Logits for the whole prompt before v4.45 (num_logits_to_keep, PR #31292); the last token's since.
    const allLogits = s.engineVersion !== undefined && compareVersion(s.engineVersion, 4, 45) < 0;
    const perToken = prefillValuesPerToken(a) * a.dtypeBytes;
    const heads = a.attentionHeads;
    const kvAt = (tokens: number, n: number) => (n * kvBytesPerRequest(layout, tokens, RULE)) / N;
    const prefillParts = (ctx: number, n: number): Part[] => [
      part("prefill intermediates of one layer (MLP gate/up/product, residual and q/k/v)", f(n, "sequences"), f(ctx, "tokens"), f(perToken, "B/token")),
      ...(eager && layout.kvLayers ? [part("eager attention scores of one layer (bf16 scores, fp32 softmax, bf16 copy)", f(n, "sequences"), f(heads, "heads"), f(ctx, "tokens"), f(ctx, "tokens"), f(8, "B"))] : []),
      part(allLogits ? "logits of every prompt token (model dtype + fp32 copy)" : "last token's logits (model dtype + fp32 copy)", f(n, "sequences"), f(allLogits ? ctx : 1, "tokens"), f(a.vocab, "vocab"), f(a.dtypeBytes + 4, "B")),
    ];
    // The peak is the larger of prefill (KV of the prompt + these intermediates) and the end of generation
    // (KV of prompt + new tokens); charged here as the intermediates beyond what the new tokens' KV adds.
    const activationParts = (ctx: number, n: number): Part[] => {
      const parts = prefillParts(ctx, n);
      const prefill = parts.reduce((sum, p) => sum + p.bytes, 0);
      const grown = staticCache ? 0 : kvAt(ctx + G, n) - kvAt(ctx, n);
      if (grown <= 0) return parts;
      if (grown >= prefill) return [sized(`prefill peak ${b(prefill)}, under the KV the ${G} generated tokens add later`, 0)];
      return [...parts, sized("less the KV the generated tokens add after prefill (the peak is the larger of the two)", -grown)];
    };
    const activations = (ctx: number, n: number) => activationParts(ctx, n).reduce((sum, p) => sum + p.bytes, 0);
    const cacheTokens = (ctx: number) => (staticCache ? ctx + Math.max(G - 1, 0) : ctx + G);
    const breakdown = (ctx: number, n: number): Breakdown => {
      const t = noTerms();
      t.weights = [sized(`${s.quant.id} weights (${wb.bitsPerWeight.toFixed(2)} bits/weight)${N > 1 ? `, whole layers on each of ${N} GPUs` : ""}`, wb.total / N)];
      t.kvCache = kvParts(layout, cacheTokens(ctx), n, RULE, "sequences").map((p) => (N > 1 ? { ...p, bytes: p.bytes / N, factors: [...(p.factors ?? []), f(1 / N, `of ${N} GPUs`)] } : p));
      t.state = stateParts(layout, n, RULE, "sequences").map((p) => (N > 1 ? { ...p, bytes: p.bytes / N, factors: [...(p.factors ?? []), f(1 / N, `of ${N} GPUs`)] } : p));
      t.activations = activationParts(ctx, n);
      t.overhead = [sized("CUDA context (outside max_memory_allocated)", d.cudaContextBytes)];
      return { devices: [{ device: N > 1 ? `each of ${N} GPUs` : "GPU", kind: "gpu", count: N, terms: t }] };
    };
    return {
      weightsPerGpu: wb.total / N,
      weightsTotal: wb.total,
      hostWeights: 0,
      hostBytes: () => 0,
      notes: [
        `Transformers generate(): ${staticCache ? "a static cache preallocated for prompt + max_new_tokens" : "a dynamic KV cache"}, ${st.attnImplementation ?? "sdpa"} attention, unchunked prefill${G ? `, ${G} new tokens` : ""}.`,
        ...(N > 1 ? [`${N} GPUs: device_map="auto" places whole layers on each GPU.`] : []),
      ],
      settings: { attn_implementation: st.attnImplementation ?? "sdpa", cache_implementation: st.cacheImplementation ?? "dynamic", max_new_tokens: G },
      usage: (ctx, n) => ({ kvCache: kvAt(cacheTokens(ctx), n), state: (n * layout.stateBytesPerSeq) / N, activations: activations(ctx, n), overhead: d.cudaContextBytes }),
      breakdown,
      budget: (v) => v,
      capacity(v, ctx) {
        const fixed = wb.total / N + d.cudaContextBytes;
        const one = kvAt(cacheTokens(ctx), 1) + layout.stateBytesPerSeq / N + activations(ctx, 1);
        if (v - fixed < one) return { tokens: 0, concurrency: 0 };
        // Sequences grow every per-sequence term linearly: KV, state and the prefill intermediates.
        const concurrency = (v - fixed) / one;
        return { tokens: layout.fullBytesPerToken > 0 ? Math.floor(((v - fixed) * N) / (layout.fullBytesPerToken + perToken)) : 0, concurrency };
      },
    };
  },
};
