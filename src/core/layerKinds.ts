// Each token mixer kind is one variant of a discriminated union, and knows its
// own parameters, cache bytes per token, state bytes per sequence, and how it
// shards under tensor parallelism — in the spirit of vLLM's per-layer KV specs.
// Adding an architecture means adding data or one variant here, never a special
// case in the sums.

export interface AttentionShape {
  heads: number;
  kvHeads: number;
  headDimK: number;
  headDimV: number;
  /** Bias on q/k/v projections (Qwen2, gpt-oss, GLM). */
  qkvBias: boolean;
  /** Bias on the output projection (gpt-oss). */
  oBias: boolean;
  /** Sigmoid output gate folded into q_proj (Qwen3-Next / Qwen3.5): doubles q_proj. */
  outputGate: boolean;
  /** QK-norm weights: "head" (per head_dim, Qwen3), "full" (over all heads, OLMo2/MiniMax) or none. */
  qkNorm: "none" | "head" | "full";
  /** Learned attention sinks, one per head (gpt-oss). */
  sinks: boolean;
  /** Keys double as values: no v_proj (Gemma 4 global layers); the cache still holds K and V. */
  sharedKv: boolean;
}

export type Mixer =
  | ({ kind: "full" } & AttentionShape)
  | ({ kind: "sliding"; window: number } & AttentionShape)
  | ({ kind: "chunked"; chunk: number } & AttentionShape)
  | {
      kind: "mla";
      heads: number;
      qLoraRank: number | null;
      kvLoraRank: number;
      ropeDim: number;
      nopeDim: number;
      vHeadDim: number;
      /** DeepSeek sparse-attention indexer key dim (V3.2 / GLM-5), 0 when absent. */
      indexerHeadDim: number;
      indexerHeads: number;
    }
  | { kind: "gdn"; keyHeads: number; valueHeads: number; keyDim: number; valueDim: number; convKernel: number }
  | { kind: "kda"; heads: number; headDim: number; convKernel: number }
  | { kind: "mamba2"; dInner: number; dState: number; groups: number; heads: number; convKernel: number }
  | { kind: "mamba1"; dInner: number; dState: number; dtRank: number; convKernel: number };

export type MixerKind = Mixer["kind"];

/** Bytes of the recurrent state parts, which engines store in different dtypes. */
export interface StateDtypes {
  convBytes: number;
  ssmBytes: number;
}

/**
 * How an engine holds one request's cache, as data: the layer kind turns it
 * into tokens and pages (tokensHeld), so adding an engine adds a rule and
 * adding a layer kind adds one case here, never a loop in a profile.
 */
export interface CacheRule {
  /** Tokens are held in blocks (vLLM pages) or cells (llama.cpp) of this many; 1 = exact. */
  pad: number;
  /** Tokens a windowed layer keeps beyond its window: vLLM's scheduler step (W - 1 + T), llama.cpp's ubatch (W + n_ubatch), or 0. */
  windowExtra: number;
  /** Whole blocks a windowed layer keeps beyond those tokens (vLLM: one, as the window need not start on a block boundary). */
  windowExtraBlocks: number;
  /** State pages one request holds per recurrent layer: 1, plus one per speculative token, plus one more in vLLM's prefix-caching "align" mode. */
  statePages: number;
  /**
   * One cache holds every sequence (Ollama's own engine, kvcache.Causal): its cells are padded once, and a windowed
   * layer adds `windowExtra` (the batch) once for all sequences instead of once per sequence.
   */
  sharedCache?: boolean;
  /**
   * Tokens a windowed layer keeps per sequence at least: Ollama's engine keeps max(window, its memory size) for prefix
   * reuse (4096 for gpt-oss and Gemma 4) and the whole context once that reaches it. Absent = the window.
   */
  windowMemory?: number;
  /** With several sequences a windowed layer keeps one more token each, for the stop token (Ollama's engine from v0.12.4). */
  stopToken?: boolean;
  /** Chunked-attention layers keep the whole context (Ollama's engine limits the mask, not the cache). */
  chunkedFull?: boolean;
}

/** The kinds of layer that cache tokens; windowed kinds carry their window (sliding window or attention chunk). */
export type KvKind = "full" | "sliding" | "chunked" | "mla";

const padTokens = (x: number, m: number) => Math.ceil(x / m) * m;

/** Tokens one request of `ctx` tokens holds in a layer of this kind under an engine's rule. */
export function tokensHeld(kind: KvKind, window: number | null, ctx: number, rule: CacheRule): number {
  if (rule.sharedCache) return cellsHeld(kind, window, ctx, 1, rule);
  const full = padTokens(ctx, rule.pad);
  if (kind === "full" || kind === "mla" || window === null) return full;
  const windowed = padTokens(Math.min(window + rule.windowExtra, ctx), rule.pad) + rule.windowExtraBlocks * rule.pad;
  return Math.min(full, windowed);
}

/**
 * Cells `n` sequences of `ctx` tokens hold together in one layer of this kind: n × tokensHeld for per-sequence
 * caches; for a shared cache (Ollama's engine, kvcache/causal.go Init) PAD(n × ctx) for full layers and
 * PAD(n × memory + windowExtra) for windowed ones, where memory = max(window, windowMemory) (+1 with several
 * sequences when `stopToken`), and the whole context once memory reaches ctx.
 */
export function cellsHeld(kind: KvKind, window: number | null, ctx: number, n: number, rule: CacheRule): number {
  if (!rule.sharedCache) return n * tokensHeld(kind, window, ctx, rule);
  const full = padTokens(n * ctx, rule.pad);
  if (kind === "full" || kind === "mla" || window === null || (kind === "chunked" && rule.chunkedFull)) return full;
  let memory = Math.max(window, rule.windowMemory ?? 0);
  if (n > 1 && rule.stopToken) memory = Math.max(memory, window + 1);
  if (memory >= ctx) return full;
  return padTokens(n * memory + rule.windowExtra, rule.pad);
}

/** A parameter tensor of a mixer: the role decides how quant formats treat it. */
export interface MixerTensor {
  role: "attn_q" | "attn_k" | "attn_v" | "attn_output" | "attn_small" | "mla_q_a" | "mla_q_b" | "mla_kv_a" | "mla_kv_b" | "linear_in" | "linear_out" | "linear_small";
  params: number;
  /** 1-D tensors (norms, biases, A/D/dt vectors, conv kernels) are never quantized. */
  oneDim: boolean;
  /** Row length (input features); GGUF block quants need it divisible by their block. */
  cols: number;
}

const t = (role: MixerTensor["role"], params: number, oneDim = false, cols = 0): MixerTensor => ({ role, params, oneDim, cols });

function attentionTensors(m: AttentionShape, hidden: number): MixerTensor[] {
  const q = m.heads * m.headDimK;
  const k = m.kvHeads * m.headDimK;
  const v = m.kvHeads * m.headDimV;
  const o = m.heads * m.headDimV;
  const small =
    (m.qkvBias ? q + k + v : 0) +
    (m.oBias ? hidden : 0) +
    (m.qkNorm === "head" ? 2 * m.headDimK : m.qkNorm === "full" ? q + k : 0) +
    (m.sinks ? m.heads : 0);
  return [
    t("attn_q", hidden * q * (m.outputGate ? 2 : 1), false, hidden),
    t("attn_k", hidden * k, false, hidden),
    t("attn_v", m.sharedKv ? 0 : hidden * v, false, hidden),
    t("attn_output", o * hidden, false, o),
    t("attn_small", small, true),
  ];
}

/** The parameter tensors of one mixer. */
export function mixerTensors(m: Mixer, hidden: number): MixerTensor[] {
  switch (m.kind) {
    case "full":
    case "sliding":
    case "chunked":
      return attentionTensors(m, hidden);
    case "mla": {
      const qHead = m.nopeDim + m.ropeDim;
      const qa = m.qLoraRank
        ? [t("mla_q_a", hidden * m.qLoraRank, false, hidden), t("attn_small", m.qLoraRank, true), t("mla_q_b", m.qLoraRank * m.heads * qHead, false, m.qLoraRank)]
        : [t("attn_q", hidden * m.heads * qHead, false, hidden)];
      const indexer = m.indexerHeadDim
        ? [t("attn_small", (m.qLoraRank ?? hidden) * m.indexerHeads * m.indexerHeadDim + hidden * m.indexerHeadDim + hidden * m.indexerHeads + 2 * m.indexerHeadDim, false, hidden)]
        : [];
      return [
        ...qa,
        t("mla_kv_a", hidden * (m.kvLoraRank + m.ropeDim), false, hidden),
        t("attn_small", m.kvLoraRank, true),
        t("mla_kv_b", m.kvLoraRank * m.heads * (m.nopeDim + m.vHeadDim), false, m.kvLoraRank),
        t("attn_output", m.heads * m.vHeadDim * hidden, false, m.heads * m.vHeadDim),
        ...indexer,
      ];
    }
    case "gdn": {
      const kDim = m.keyHeads * m.keyDim;
      const vDim = m.valueHeads * m.valueDim;
      const convCh = 2 * kDim + vDim;
      return [
        t("linear_in", hidden * (2 * kDim + 2 * vDim) + hidden * 2 * m.valueHeads, false, hidden),
        t("linear_small", convCh * m.convKernel + 2 * m.valueHeads + m.valueDim, true),
        t("linear_out", vDim * hidden, false, vDim),
      ];
    }
    case "kda": {
      const d = m.heads * m.headDim;
      // q, k, v, gate (output), forget low-rank (f_a/f_b) and beta projections.
      return [
        t("linear_in", hidden * d * 3 + hidden * m.heads + 2 * (hidden * m.headDim + m.headDim * d), false, hidden),
        t("linear_small", 3 * d * m.convKernel + 2 * m.heads + m.headDim, true),
        t("linear_out", d * hidden, false, d),
      ];
    }
    case "mamba2": {
      const convCh = m.dInner + 2 * m.groups * m.dState;
      return [
        t("linear_in", hidden * (2 * m.dInner + 2 * m.groups * m.dState + m.heads), false, hidden),
        t("linear_small", convCh * m.convKernel + convCh + 3 * m.heads + m.dInner, true),
        t("linear_out", m.dInner * hidden, false, m.dInner),
      ];
    }
    case "mamba1":
      return [
        t("linear_in", hidden * 2 * m.dInner + m.dInner * (m.dtRank + 2 * m.dState) + m.dtRank * m.dInner, false, hidden),
        t("linear_small", m.dInner * m.convKernel + m.dInner + m.dInner + m.dInner * m.dState + m.dInner, true),
        t("linear_out", m.dInner * hidden, false, m.dInner),
      ];
  }
}

/** Bytes one token occupies in this layer's KV cache, at `kvBytes` per element (0 for stateful layers). */
export function kvBytesPerToken(m: Mixer, kvBytes: number): number {
  switch (m.kind) {
    case "full":
    case "sliding":
    case "chunked":
      return m.kvHeads * (m.headDimK + m.headDimV) * kvBytes;
    case "mla":
      // One latent "head": kv_lora_rank + rope dims, never expanded to heads.
      // The sparse-attention indexer keeps its own fp8 key per token.
      return (m.kvLoraRank + m.ropeDim) * kvBytes + (m.indexerHeadDim ? m.indexerHeadDim + 4 : 0);
    default:
      return 0;
  }
}

/** Elements of the (conv, recurrent) state one sequence holds in this layer. */
export function stateElements(m: Mixer): { conv: number; ssm: number } {
  switch (m.kind) {
    case "gdn":
      return {
        conv: (m.convKernel - 1) * (2 * m.keyHeads * m.keyDim + m.valueHeads * m.valueDim),
        ssm: m.valueHeads * m.keyDim * m.valueDim,
      };
    case "kda":
      return { conv: (m.convKernel - 1) * 3 * m.heads * m.headDim, ssm: m.heads * m.headDim * m.headDim };
    case "mamba2":
      return { conv: (m.convKernel - 1) * (m.dInner + 2 * m.groups * m.dState), ssm: m.dInner * m.dState };
    case "mamba1":
      return { conv: (m.convKernel - 1) * m.dInner, ssm: m.dInner * m.dState };
    default:
      return { conv: 0, ssm: 0 };
  }
}

/** Bytes of fixed per-sequence state (constant in context) for this layer. */
export function stateBytesPerSeq(m: Mixer, d: StateDtypes): number {
  const e = stateElements(m);
  return e.conv * d.convBytes + e.ssm * d.ssmBytes;
}

/** True for mixers with a fixed per-sequence recurrent state. */
export function hasState(m: Mixer): boolean {
  return m.kind === "gdn" || m.kind === "kda" || m.kind === "mamba2" || m.kind === "mamba1";
}

/**
 * How many ways this layer's cache is divided across `tp` tensor-parallel ranks.
 * KV heads are split but replicated once kv_heads < tp; the MLA latent is
 * replicated on every rank; linear-attention and Mamba heads are split.
 */
export function cacheShards(m: Mixer, tp: number): number {
  switch (m.kind) {
    case "full":
    case "sliding":
    case "chunked":
      return Math.min(tp, m.kvHeads);
    case "mla":
      return 1;
    case "gdn":
      return Math.min(tp, m.valueHeads);
    case "kda":
      return Math.min(tp, m.heads);
    case "mamba2":
      return Math.min(tp, m.heads);
    case "mamba1":
      return tp;
  }
}

/** Human description of a mixer for explanations and model pages. */
export function describeMixer(m: Mixer): string {
  switch (m.kind) {
    case "full":
      return `full attention (${m.heads} q / ${m.kvHeads} kv heads × ${m.headDimK}${m.headDimV !== m.headDimK ? `/${m.headDimV}` : ""})`;
    case "sliding":
      return `sliding-window attention (window ${m.window}, ${m.kvHeads} kv heads × ${m.headDimK})`;
    case "chunked":
      return `chunked local attention (chunk ${m.chunk}, ${m.kvHeads} kv heads × ${m.headDimK})`;
    case "mla":
      return `MLA (latent ${m.kvLoraRank} + rope ${m.ropeDim})`;
    case "gdn":
      return `Gated DeltaNet (${m.valueHeads} v heads × ${m.keyDim}×${m.valueDim} state)`;
    case "kda":
      return `Kimi Delta Attention (${m.heads} heads × ${m.headDim}×${m.headDim} state)`;
    case "mamba2":
      return `Mamba2 (d_inner ${m.dInner}, d_state ${m.dState})`;
    case "mamba1":
      return `Mamba (d_inner ${m.dInner}, d_state ${m.dState})`;
  }
}
