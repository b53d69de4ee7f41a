// Activation sizing shared by engine profiles: the bytes a forward pass keeps
// live per token at its peak layer, and the cache-layout helpers engines share.
import type { Architecture } from "./architecture";

/**
 * Peak live activation bytes per token in one layer (per tensor-parallel rank):
 * the residual stream and the widest intermediate (gate+up of the MLP, the
 * fused-MoE caches of top-k experts, or the q/k/v and mixer projections).
 */
export function activationBytesPerToken(a: Architecture, tp: number, dtypeBytes = a.dtypeBytes): number {
  let widest = 0;
  for (const l of a.layers) {
    const f = l.ffn;
    if (f.kind === "dense") widest = Math.max(widest, (2 * f.intermediate) / tp);
    else if (f.kind === "moe") {
      const n = f.expertIntermediate / tp;
      widest = Math.max(widest, f.topK * (Math.max(2 * n, a.hidden) + n) + (2 * f.sharedIntermediate) / tp);
    }
    for (const m of l.mixers) {
      if (m.kind === "full" || m.kind === "sliding" || m.kind === "chunked") widest = Math.max(widest, ((m.heads * (m.outputGate ? 2 : 1) + 2 * m.kvHeads) * m.headDimK + m.heads * m.headDimV) / tp);
      else if (m.kind === "mla") widest = Math.max(widest, (m.heads * (m.nopeDim + m.ropeDim + m.nopeDim + m.vHeadDim)) / tp);
      else if (m.kind === "gdn") widest = Math.max(widest, (2 * m.keyHeads * m.keyDim + 2 * m.valueHeads * m.valueDim) / tp);
      else if (m.kind === "mamba2" || m.kind === "mamba1") widest = Math.max(widest, (2 * m.dInner) / tp);
      else if (m.kind === "kda") widest = Math.max(widest, (5 * m.heads * m.headDim) / tp);
    }
  }
  return dtypeBytes * (2 * a.hidden + widest);
}

/** Ceil of x to a multiple of m. */
export const padTo = (x: number, m: number): number => Math.ceil(x / m) * m;

/** SSM state dtype: fp32 when the config declares it (Qwen3.5's mamba_ssm_dtype) and for KDA layers, whose state is always fp32. */
export function ssmStateBytes(config: Record<string, unknown>, a: Architecture): number {
  const tc = (config.text_config as Record<string, unknown> | undefined) ?? {};
  const declared = (tc.mamba_ssm_dtype ?? config.mamba_ssm_dtype) as string | undefined;
  if (declared === "float32" || a.layers.some((l) => l.mixers.some((m) => m.kind === "kda"))) return 4;
  return a.dtypeBytes;
}
