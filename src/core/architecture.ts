// Turns a Hugging Face config.json into a layer-by-layer architecture. The
// catalog and user-imported configs go through the same path. An unknown
// model_type or a missing field is an error, never a dense-model guess.
import { fail } from "./errors";
import type { AttentionShape, Mixer } from "./layerKinds";
import { visionParams, visionTower } from "./vision";

export type Ffn =
  | { kind: "dense"; intermediate: number; gated: boolean; bias: boolean }
  | {
      kind: "moe";
      experts: number;
      topK: number;
      expertIntermediate: number;
      /** Total intermediate width of always-on shared experts (0 when none). */
      sharedIntermediate: number;
      gated: boolean;
      /** Qwen-style sigmoid gate on the shared expert (hidden × 1). */
      sharedGate: boolean;
      /** Per-expert biases on the expert projections (gpt-oss). */
      expertBias: boolean;
      routerBias: boolean;
      /**
       * NVIDIA LatentMoE (Nemotron 3 Super, config `moe_latent_size`): a dense
       * hidden → latent projection feeds the routed experts, which run at the
       * latent width, and a dense latent → hidden projection brings their sum
       * back. The router and the shared experts still see the full hidden
       * state. Absent for ordinary MoE (experts at hidden width).
       * transformers src/transformers/models/nemotron_h/modeling_nemotron_h.py
       * (NemotronHMoE, NemotronHExperts, NemotronHTopkRouter) at
       * huggingface/transformers@897753a012bfa6dac8c0ae3281f23a2fc1e72db6;
       * vLLM vllm/model_executor/models/nemotron_h.py (NemotronHMoE) at
       * vllm-project/vllm@8744bb0924a53c0d16867426b8b17428d41e4002.
       */
      latent?: { size: number; bias: boolean };
    }
  | { kind: "none" };

export interface Layer {
  /** Token mixers of the layer: usually one; Falcon-H1 runs attention and Mamba2 side by side; MLP-only blocks have none. */
  mixers: Mixer[];
  ffn: Ffn;
  /** Norm weights of the layer (RMSNorm/LayerNorm scales), in parameters. */
  normParams: number;
}

export interface Architecture {
  modelType: string;
  hidden: number;
  vocab: number;
  tiedEmbeddings: boolean;
  layers: Layer[];
  /** Multi-token-prediction / draft layers shipped in the checkpoint; engines load them only for speculative decoding. */
  mtp: { layers: Layer[]; extraParams: number };
  /** Vision encoder + projector parameters (0 for text-only models). */
  visionParams: number;
  /** The vision tower's depth and width (engines size multimodal reserves from them); absent for text-only models. */
  visionTower?: { layers: number; hidden: number };
  /** Maximum positions the config declares. */
  maxPositions: number;
  /** Native dtype of the checkpoint's 16-bit tensors, in bytes. */
  dtypeBytes: number;
  /** Attention heads (query) of full-attention layers, for TP divisibility. */
  attentionHeads: number;
  /** The largest FFN intermediate width of a layer (activation sizing). */
  maxIntermediate: number;
}

type Json = Record<string, unknown>;

// Types and bounds of every field read here are checked once, by configSchema's
// checkConfig, before a family parser runs; these accessors only say what is absent.

function num(c: Json, key: string, where: string): number {
  const v = c[key];
  if (typeof v !== "number") fail("invalid", `config.json (${where}) is missing the number '${key}'.`);
  return v;
}

function opt(c: Json, ...keys: string[]): number | undefined {
  for (const k of keys) {
    const v = c[k];
    if (typeof v === "number") return v;
  }
  return undefined;
}

function req(c: Json, where: string, ...keys: string[]): number {
  const v = opt(c, ...keys);
  if (v === undefined) fail("invalid", `config.json (${where}) is missing '${keys.join("' or '")}'.`);
  return v;
}

function bool(c: Json, key: string, dflt: boolean): boolean {
  const v = c[key];
  return typeof v === "boolean" ? v : dflt;
}

function positive(v: number, what: string): number {
  if (!Number.isInteger(v) || v <= 0) fail("invalid", `config.json: ${what} must be a positive whole number, got ${v}.`);
  return v;
}

const dtypeBytesOf = (c: Json): number => {
  const d = (c.torch_dtype ?? c.dtype) as string | undefined;
  return d === "float32" ? 4 : 2;
};

interface Common {
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  vocab: number;
}

function common(c: Json, where: string): Common {
  const hidden = positive(num(c, "hidden_size", where), "hidden_size");
  const layers = positive(num(c, "num_hidden_layers", where), "num_hidden_layers");
  const heads = positive(num(c, "num_attention_heads", where), "num_attention_heads");
  const kvHeads = positive(opt(c, "num_key_value_heads") ?? heads, "num_key_value_heads");
  const headDim = positive(opt(c, "head_dim") ?? hidden / heads, "head_dim");
  const vocab = positive(num(c, "vocab_size", where), "vocab_size");
  if (heads > 100000 || kvHeads > heads) fail("invalid", `config.json (${where}): ${kvHeads} KV heads for ${heads} attention heads is not a valid layout.`);
  return { hidden, layers, heads, kvHeads, headDim, vocab };
}

function attention(c: Common, extra: Partial<AttentionShape> = {}): AttentionShape {
  return {
    heads: c.heads,
    kvHeads: c.kvHeads,
    headDimK: c.headDim,
    headDimV: c.headDim,
    qkvBias: false,
    oBias: false,
    outputGate: false,
    qkNorm: "none",
    sinks: false,
    sharedKv: false,
    ...extra,
  };
}

/** Layer types from `layer_types`, when the config lists them. */
function layerTypes(c: Json, n: number): string[] | undefined {
  const lt = c.layer_types ?? c.layers_block_type;
  if (!Array.isArray(lt)) return undefined;
  if (lt.length !== n) fail("invalid", `config.json: layer_types lists ${lt.length} layers but num_hidden_layers is ${n}.`);
  return lt.map((x) => String(x));
}

const denseFfn = (intermediate: number, gated = true, bias = false): Ffn => ({ kind: "dense", intermediate: positive(intermediate, "intermediate_size"), gated, bias });

function moeFfn(p: Omit<Extract<Ffn, { kind: "moe" }>, "kind">): Ffn {
  positive(p.experts, "number of experts");
  positive(p.topK, "experts per token");
  positive(p.expertIntermediate, "expert intermediate size");
  if (p.topK > p.experts) fail("invalid", `config.json: ${p.topK} experts per token but only ${p.experts} experts.`);
  return { kind: "moe", ...p };
}

/** Norm params of a standard pre-norm block: input + post-attention norms. */
const norms2 = (h: number) => 2 * h;

interface Built {
  layers: Layer[];
  mtp?: { layers: Layer[]; extraParams: number };
  attentionHeads: number;
}

// ---- families ---------------------------------------------------------------

function standardDense(c: Json, mt: string): Built {
  const k = common(c, mt);
  const lt = layerTypes(c, k.layers);
  const qkvBias = mt === "qwen2" || bool(c, "attention_bias", false);
  const qkNorm: AttentionShape["qkNorm"] = mt === "qwen3" || mt === "smollm3" ? (mt === "qwen3" ? "head" : "none") : mt === "olmo2" ? "full" : mt === "cohere" && bool(c, "use_qk_norm", false) ? "head" : "none";
  const shape = attention(k, { qkvBias, qkNorm });
  const window = opt(c, "sliding_window");
  const gemmaNorms = mt.startsWith("gemma2") || mt.startsWith("gemma3");
  const layers: Layer[] = [];
  for (let i = 0; i < k.layers; i++) {
    let mixer: Mixer = { kind: "full", ...shape };
    let type = lt?.[i];
    if (!type) {
      if (mt === "gemma2") type = i % 2 === 0 ? "sliding_attention" : "full_attention";
      else if (mt.startsWith("gemma3")) {
        const pattern = opt(c, "sliding_window_pattern") ?? 6;
        type = (i + 1) % pattern === 0 ? "full_attention" : "sliding_attention";
      } else if (mt === "mistral" && window) type = "sliding_attention";
      else if ((mt === "qwen2" || mt === "qwen3") && bool(c, "use_sliding_window", false) && window) {
        type = i >= (opt(c, "max_window_layers") ?? k.layers) ? "sliding_attention" : "full_attention";
      } else type = "full_attention";
    }
    if (type === "sliding_attention") {
      if (!window) fail("invalid", `config.json (${mt}) has sliding-window layers but no 'sliding_window'.`);
      mixer = { kind: "sliding", window, ...shape };
    } else if (type !== "full_attention") fail("unsupported", `config.json (${mt}): layer type '${type}' is not supported for this architecture.`);
    layers.push({ mixers: [mixer], ffn: denseFfn(num(c, "intermediate_size", mt), true, bool(c, "mlp_bias", false)), normParams: gemmaNorms ? 4 * k.hidden : mt === "cohere" ? k.hidden : norms2(k.hidden) });
  }
  return { layers, attentionHeads: k.heads };
}

function qwenMoe(c: Json, mt: string): Built {
  const k = common(c, mt);
  const experts = req(c, mt, "num_experts");
  const step = opt(c, "decoder_sparse_step") ?? 1;
  const mlpOnly = new Set(Array.isArray(c.mlp_only_layers) ? (c.mlp_only_layers as number[]) : []);
  const shared = opt(c, "shared_expert_intermediate_size") ?? 0;
  const shape = attention(k, { qkvBias: mt === "qwen2_moe", qkNorm: mt === "qwen3_moe" ? "head" : "none" });
  const layers: Layer[] = [];
  for (let i = 0; i < k.layers; i++) {
    const sparse = !mlpOnly.has(i) && experts > 0 && (i + 1) % step === 0;
    layers.push({
      mixers: [{ kind: "full", ...shape }],
      ffn: sparse
        ? moeFfn({ experts, topK: req(c, mt, "num_experts_per_tok"), expertIntermediate: req(c, mt, "moe_intermediate_size"), sharedIntermediate: shared, gated: true, sharedGate: shared > 0, expertBias: false, routerBias: false })
        : denseFfn(num(c, "intermediate_size", mt)),
      normParams: norms2(k.hidden),
    });
  }
  return { layers, attentionHeads: k.heads };
}

function mixtral(c: Json, mt: string): Built {
  const k = common(c, mt);
  const shape = attention(k);
  const window = opt(c, "sliding_window");
  const ffn = moeFfn({ experts: req(c, mt, "num_local_experts"), topK: req(c, mt, "num_experts_per_tok"), expertIntermediate: num(c, "intermediate_size", mt), sharedIntermediate: 0, gated: true, sharedGate: false, expertBias: false, routerBias: false });
  const mixer: Mixer = window ? { kind: "sliding", window, ...shape } : { kind: "full", ...shape };
  return { layers: Array.from({ length: k.layers }, () => ({ mixers: [mixer], ffn, normParams: norms2(k.hidden) })), attentionHeads: k.heads };
}

/** Qwen3-Next and Qwen3.5/3.6: Gated DeltaNet layers with gated full attention every Nth layer. */
function qwenHybrid(c: Json, mt: string): Built {
  const k = common(c, mt);
  const lt = layerTypes(c, k.layers);
  const interval = opt(c, "full_attention_interval") ?? 4;
  const gdn: Mixer = {
    kind: "gdn",
    keyHeads: req(c, mt, "linear_num_key_heads"),
    valueHeads: req(c, mt, "linear_num_value_heads"),
    keyDim: req(c, mt, "linear_key_head_dim"),
    valueDim: req(c, mt, "linear_value_head_dim"),
    convKernel: req(c, mt, "linear_conv_kernel_dim"),
  };
  const full: Mixer = { kind: "full", ...attention(k, { outputGate: bool(c, "attn_output_gate", true), qkNorm: "head" }) };
  const experts = opt(c, "num_experts") ?? 0;
  const shared = opt(c, "shared_expert_intermediate_size") ?? 0;
  const ffn: Ffn =
    experts > 0
      ? moeFfn({ experts, topK: req(c, mt, "num_experts_per_tok"), expertIntermediate: req(c, mt, "moe_intermediate_size"), sharedIntermediate: shared, gated: true, sharedGate: shared > 0, expertBias: false, routerBias: false })
      : denseFfn(num(c, "intermediate_size", mt));
  const layers: Layer[] = [];
  for (let i = 0; i < k.layers; i++) {
    const type = lt?.[i] ?? ((i + 1) % interval === 0 ? "full_attention" : "linear_attention");
    if (type !== "full_attention" && type !== "linear_attention") fail("unsupported", `config.json (${mt}): layer type '${type}' is not supported.`);
    layers.push({ mixers: [type === "full_attention" ? full : gdn], ffn, normParams: norms2(k.hidden) });
  }
  const nMtp = opt(c, "mtp_num_hidden_layers", "num_nextn_predict_layers") ?? 0;
  const mtpLayers = Array.from({ length: nMtp }, () => ({ mixers: [full], ffn, normParams: norms2(k.hidden) }));
  return { layers, attentionHeads: k.heads, mtp: { layers: mtpLayers, extraParams: nMtp * (2 * k.hidden * k.hidden + 3 * k.hidden) } };
}

function mlaMixer(c: Json, mt: string, heads: number): Mixer {
  return {
    kind: "mla",
    heads,
    qLoraRank: opt(c, "q_lora_rank") ?? null,
    kvLoraRank: req(c, mt, "kv_lora_rank"),
    ropeDim: req(c, mt, "qk_rope_head_dim"),
    nopeDim: req(c, mt, "qk_nope_head_dim"),
    vHeadDim: req(c, mt, "v_head_dim"),
    indexerHeadDim: opt(c, "index_head_dim") ?? 0,
    indexerHeads: opt(c, "index_n_heads") ?? 0,
  };
}

function deepseekMoeFfn(c: Json, mt: string, i: number, first: number): Ffn {
  const freq = opt(c, "moe_layer_freq") ?? 1;
  const experts = opt(c, "n_routed_experts", "num_experts") ?? 0;
  if (experts > 0 && i >= first && i % freq === 0) {
    const shared = opt(c, "n_shared_experts", "num_shared_experts") ?? 0;
    const ie = req(c, mt, "moe_intermediate_size");
    return moeFfn({ experts, topK: req(c, mt, "num_experts_per_tok", "num_experts_per_token"), expertIntermediate: ie, sharedIntermediate: shared * ie, gated: true, sharedGate: false, expertBias: false, routerBias: c.topk_method === "noaux_tc" || mt === "glm4_moe" });
  }
  return denseFfn(num(c, "intermediate_size", mt));
}

/** DeepSeek V2/V3/R1, Kimi K2, GLM-5: MLA attention with DeepSeek-MoE FFNs and an optional MTP layer. */
function deepseek(c: Json, mt: string): Built {
  const hidden = positive(num(c, "hidden_size", mt), "hidden_size");
  const n = positive(num(c, "num_hidden_layers", mt), "num_hidden_layers");
  const heads = positive(num(c, "num_attention_heads", mt), "num_attention_heads");
  const mixer = mlaMixer(c, mt, heads);
  const first = opt(c, "first_k_dense_replace") ?? 0;
  const normParams = norms2(hidden);
  const layers = Array.from({ length: n }, (_, i) => ({ mixers: [mixer], ffn: deepseekMoeFfn(c, mt, i, first), normParams }));
  const nMtp = opt(c, "num_nextn_predict_layers") ?? 0;
  const mtpLayers = Array.from({ length: nMtp }, () => ({ mixers: [mixer], ffn: deepseekMoeFfn(c, mt, n, first), normParams }));
  return { layers, attentionHeads: heads, mtp: { layers: mtpLayers, extraParams: nMtp * (2 * hidden * hidden + 3 * hidden) } };
}

/** GLM-4.5/4.6/4.7: GQA attention with DeepSeek-style MoE and an MTP layer. */
function glm4Moe(c: Json, mt: string): Built {
  const k = common(c, mt);
  const shape = attention(k, { qkvBias: bool(c, "attention_bias", true), qkNorm: bool(c, "use_qk_norm", false) ? "head" : "none" });
  const first = opt(c, "first_k_dense_replace") ?? 0;
  const layers = Array.from({ length: k.layers }, (_, i) => ({ mixers: [{ kind: "full", ...shape } as Mixer], ffn: deepseekMoeFfn(c, mt, i, first), normParams: norms2(k.hidden) }));
  const nMtp = opt(c, "num_nextn_predict_layers") ?? 0;
  const mtpLayers = Array.from({ length: nMtp }, () => ({ mixers: [{ kind: "full", ...shape } as Mixer], ffn: deepseekMoeFfn(c, mt, k.layers, first), normParams: norms2(k.hidden) }));
  return { layers, attentionHeads: k.heads, mtp: { layers: mtpLayers, extraParams: nMtp * (2 * k.hidden * k.hidden + 3 * k.hidden) } };
}

function gptOss(c: Json, mt: string): Built {
  const k = common(c, mt);
  const lt = layerTypes(c, k.layers);
  const shape = attention(k, { qkvBias: true, oBias: true, sinks: true });
  const window = req(c, mt, "sliding_window");
  const ffn = moeFfn({ experts: req(c, mt, "num_local_experts"), topK: req(c, mt, "num_experts_per_tok", "experts_per_token"), expertIntermediate: num(c, "intermediate_size", mt), sharedIntermediate: 0, gated: true, sharedGate: false, expertBias: true, routerBias: true });
  const layers = Array.from({ length: k.layers }, (_, i) => {
    const type = lt?.[i] ?? (i % 2 === 0 ? "sliding_attention" : "full_attention");
    if (type !== "sliding_attention" && type !== "full_attention") fail("unsupported", `config.json (${mt}): layer type '${type}' is not supported.`);
    const mixer: Mixer = type === "sliding_attention" ? { kind: "sliding", window, ...shape } : { kind: "full", ...shape };
    return { mixers: [mixer], ffn, normParams: norms2(k.hidden) };
  });
  return { layers, attentionHeads: k.heads };
}

function minimax(c: Json, mt: string): Built {
  const k = common(c, mt);
  const types = Array.isArray(c.attn_type_list) ? (c.attn_type_list as number[]) : undefined;
  if (types && types.some((x) => x !== 1)) fail("unsupported", `config.json (${mt}): lightning (linear) attention layers of MiniMax-01 are not supported yet; only full-attention MiniMax-M2 layouts are.`);
  const shape = attention(k, { qkNorm: bool(c, "use_qk_norm", true) ? "full" : "none" });
  const ffn = moeFfn({ experts: req(c, mt, "num_local_experts"), topK: req(c, mt, "num_experts_per_tok"), expertIntermediate: num(c, "intermediate_size", mt), sharedIntermediate: opt(c, "shared_intermediate_size") ?? 0, gated: true, sharedGate: false, expertBias: false, routerBias: true });
  return { layers: Array.from({ length: k.layers }, () => ({ mixers: [{ kind: "full", ...shape } as Mixer], ffn, normParams: norms2(k.hidden) })), attentionHeads: k.heads };
}

/** Llama 4: chunked local attention on RoPE layers, global NoPE layers, MoE interleaved with dense MLPs. */
function llama4(c: Json, mt: string): Built {
  const k = common(c, mt);
  const chunk = req(c, mt, "attention_chunk_size");
  const noRope = Array.isArray(c.no_rope_layers) ? (c.no_rope_layers as number[]) : undefined;
  const step = opt(c, "interleave_moe_layer_step") ?? 1;
  const shape = attention(k, { qkNorm: "none" });
  const moe = moeFfn({ experts: req(c, mt, "num_local_experts"), topK: req(c, mt, "num_experts_per_tok"), expertIntermediate: num(c, "intermediate_size", mt), sharedIntermediate: num(c, "intermediate_size", mt), gated: true, sharedGate: false, expertBias: false, routerBias: false });
  const dense = denseFfn(opt(c, "intermediate_size_mlp") ?? num(c, "intermediate_size", mt));
  const layers = Array.from({ length: k.layers }, (_, i) => {
    // no_rope_layers[i] == 1 means the layer uses RoPE (chunked); 0 marks a global NoPE layer (every 4th by default).
    const usesRope = noRope ? noRope[i] !== 0 : (i + 1) % 4 !== 0;
    const mixer: Mixer = usesRope ? { kind: "chunked", chunk, ...shape } : { kind: "full", ...shape };
    return { mixers: [mixer], ffn: (i + 1) % step === 0 ? moe : dense, normParams: norms2(k.hidden) };
  });
  return { layers, attentionHeads: k.heads };
}

function jamba(c: Json, mt: string): Built {
  const k = common(c, mt);
  const aPeriod = req(c, mt, "attn_layer_period");
  const aOffset = req(c, mt, "attn_layer_offset");
  const ePeriod = opt(c, "expert_layer_period") ?? 1;
  const eOffset = opt(c, "expert_layer_offset") ?? 0;
  const dInner = (opt(c, "mamba_expand") ?? 2) * k.hidden;
  const dState = req(c, mt, "mamba_d_state");
  const mamba: Mixer = { kind: "mamba1", dInner, dState, dtRank: opt(c, "mamba_dt_rank") ?? Math.ceil(k.hidden / 16), convKernel: req(c, mt, "mamba_d_conv") };
  const experts = opt(c, "num_experts") ?? 1;
  const moe = experts > 1 ? moeFfn({ experts, topK: req(c, mt, "num_experts_per_tok"), expertIntermediate: num(c, "intermediate_size", mt), sharedIntermediate: 0, gated: true, sharedGate: false, expertBias: false, routerBias: false }) : denseFfn(num(c, "intermediate_size", mt));
  const dense = denseFfn(num(c, "intermediate_size", mt));
  const layers = Array.from({ length: k.layers }, (_, i) => {
    const isAttn = i % aPeriod === aOffset;
    // Jamba's Mamba layers carry dt/B/C RMSNorms (dt_rank + 2·d_state).
    return { mixers: [isAttn ? ({ kind: "full", ...attention(k) } as Mixer) : mamba], ffn: i % ePeriod === eOffset ? moe : dense, normParams: norms2(k.hidden) + (isAttn ? 0 : mamba.dtRank + 2 * dState) };
  });
  return { layers, attentionHeads: k.heads };
}

function mamba2From(c: Json, mt: string, hidden: number): Extract<Mixer, { kind: "mamba2" }> {
  const heads = req(c, mt, "mamba_num_heads", "mamba_n_heads");
  const headDim = req(c, mt, "mamba_head_dim", "mamba_d_head");
  const dInner = opt(c, "mamba_d_ssm") ?? heads * headDim;
  if (dInner <= 0 || hidden <= 0) fail("invalid", `config.json (${mt}): invalid Mamba2 size.`);
  return { kind: "mamba2", dInner, dState: req(c, mt, "ssm_state_size", "mamba_d_state"), groups: req(c, mt, "n_groups", "mamba_n_groups"), heads, convKernel: req(c, mt, "conv_kernel", "mamba_d_conv") };
}

/**
 * Nemotron-H: one block per pattern character (M = Mamba2, * = attention, - = MLP, E = MoE).
 * Nemotron 3 Super adds LatentMoE (`moe_latent_size`, see Ffn.latent) and MTP:
 * `num_nextn_predict_layers` steps, each a stack of `mtp_hybrid_override_pattern`
 * blocks ("*E": attention then MoE); the first block of a step carries
 * enorm + hnorm + eh_proj (2·hidden → hidden), the last a final_layernorm;
 * embeddings and lm_head are shared with the main model
 * (vllm/model_executor/models/nemotron_h_mtp.py at
 * vllm-project/vllm@5a6131dd84c0df090a74b7e98ec6d3e134864b62).
 */
function nemotronH(c: Json, mt: string): Built {
  const hidden = positive(num(c, "hidden_size", mt), "hidden_size");
  const pattern = c.hybrid_override_pattern;
  if (typeof pattern !== "string" || !pattern.length) fail("invalid", `config.json (${mt}) is missing 'hybrid_override_pattern'.`);
  const k = { ...common(c, mt) };
  const mamba = mamba2From(c, mt, hidden);
  const shape = attention(k, { qkvBias: bool(c, "attention_bias", false) });
  const experts = opt(c, "n_routed_experts") ?? 0;
  const latentSize = opt(c, "moe_latent_size");
  // fc1_latent_proj / fc2_latent_proj are nn.Linear(..., bias=config.mlp_bias).
  const latent = latentSize !== undefined ? { size: positive(latentSize, "moe_latent_size"), bias: bool(c, "mlp_bias", false) } : undefined;
  const block = (ch: string, where: string): Layer => {
    if (ch === "M") return { mixers: [mamba as Mixer], ffn: { kind: "none" } as Ffn, normParams: hidden + mamba.dInner };
    if (ch === "*") return { mixers: [{ kind: "full", ...shape } as Mixer], ffn: { kind: "none" } as Ffn, normParams: hidden };
    if (ch === "-") return { mixers: [], ffn: denseFfn(num(c, "intermediate_size", mt), false, bool(c, "mlp_bias", false)), normParams: hidden };
    if (ch === "E" && experts > 0) {
      const ie = req(c, mt, "moe_intermediate_size");
      const ffn = moeFfn({ experts, topK: req(c, mt, "num_experts_per_tok"), expertIntermediate: ie, sharedIntermediate: (opt(c, "n_shared_experts") ?? 0) * (opt(c, "moe_shared_expert_intermediate_size") ?? ie), gated: false, sharedGate: false, expertBias: false, routerBias: true });
      return { mixers: [], ffn: latent && ffn.kind === "moe" ? { ...ffn, latent } : ffn, normParams: hidden };
    }
    return fail("unsupported", `config.json (${mt}): block type '${ch}' in ${where} is not supported.`);
  };
  // transformers' NemotronHConfig asserts the same: one pattern character per layer.
  if (pattern.length !== k.layers) fail("invalid", `config.json (${mt}): hybrid_override_pattern has ${pattern.length} blocks but num_hidden_layers is ${k.layers}.`);
  const layers: Layer[] = [...pattern].map((ch) => block(ch, "hybrid_override_pattern"));
  const nMtp = opt(c, "num_nextn_predict_layers") ?? 0;
  let mtp: Built["mtp"];
  if (nMtp > 0) {
    const mtpPattern = c.mtp_hybrid_override_pattern;
    if (typeof mtpPattern !== "string" || !mtpPattern.length) fail("invalid", `config.json (${mt}) sets num_nextn_predict_layers but is missing 'mtp_hybrid_override_pattern'.`);
    // vLLM's NemotronH MTP builds only attention ('*') and MoE ('E') blocks.
    for (const ch of mtpPattern) if (ch !== "*" && ch !== "E") fail("unsupported", `config.json (${mt}): block type '${ch}' in mtp_hybrid_override_pattern is not supported.`);
    const mtpLayers = Array.from({ length: nMtp }, () => [...mtpPattern].map((ch) => block(ch, "mtp_hybrid_override_pattern"))).flat();
    mtp = { layers: mtpLayers, extraParams: nMtp * (2 * hidden * hidden + 3 * hidden) };
  }
  return { layers, attentionHeads: k.heads, mtp };
}

/** Falcon-H1: every layer runs attention and Mamba2 in parallel, then a gated MLP. */
function falconH1(c: Json, mt: string): Built {
  const k = common(c, mt);
  const mamba = mamba2From(c, mt, k.hidden);
  const shape = attention(k, { qkvBias: bool(c, "attention_bias", false) });
  const ffn = denseFfn(num(c, "intermediate_size", mt), true, bool(c, "mlp_bias", false));
  return { layers: Array.from({ length: k.layers }, () => ({ mixers: [{ kind: "full", ...shape } as Mixer, mamba], ffn, normParams: norms2(k.hidden) + mamba.dInner })), attentionHeads: k.heads };
}

/** Granite 4 (granitemoehybrid): Mamba2 or attention layers, MoE experts plus an always-on shared MLP. */
function graniteHybrid(c: Json, mt: string): Built {
  const k = common(c, mt);
  const lt = layerTypes(c, k.layers);
  const shape = attention(k, { qkvBias: bool(c, "attention_bias", false) });
  const experts = opt(c, "num_local_experts") ?? 0;
  const sharedI = opt(c, "shared_intermediate_size") ?? 0;
  const ffn: Ffn = experts > 0
    ? moeFfn({ experts, topK: req(c, mt, "num_experts_per_tok"), expertIntermediate: num(c, "intermediate_size", mt), sharedIntermediate: sharedI, gated: true, sharedGate: false, expertBias: false, routerBias: false })
    : denseFfn(sharedI || num(c, "intermediate_size", mt));
  const hasMamba = lt?.includes("mamba") ?? false;
  const mamba = hasMamba ? mamba2From(c, mt, k.hidden) : undefined;
  const layers = Array.from({ length: k.layers }, (_, i) => {
    const type = lt?.[i] ?? "attention";
    if (type === "mamba" && mamba) return { mixers: [mamba as Mixer], ffn, normParams: norms2(k.hidden) + mamba.dInner };
    if (type !== "attention") fail("unsupported", `config.json (${mt}): layer type '${type}' is not supported.`);
    return { mixers: [{ kind: "full", ...shape } as Mixer], ffn, normParams: norms2(k.hidden) };
  });
  return { layers, attentionHeads: k.heads };
}

function graniteMoe(c: Json, mt: string): Built {
  const k = common(c, mt);
  const shape = attention(k);
  const ffn = moeFfn({ experts: req(c, mt, "num_local_experts"), topK: req(c, mt, "num_experts_per_tok"), expertIntermediate: num(c, "intermediate_size", mt), sharedIntermediate: opt(c, "shared_intermediate_size") ?? 0, gated: true, sharedGate: false, expertBias: false, routerBias: false });
  return { layers: Array.from({ length: k.layers }, () => ({ mixers: [{ kind: "full", ...shape } as Mixer], ffn, normParams: norms2(k.hidden) })), attentionHeads: k.heads };
}

/** Kimi Linear: Kimi Delta Attention layers with MLA full-attention layers and DeepSeek-style MoE. */
function kimiLinear(c: Json, mt: string): Built {
  const hidden = positive(num(c, "hidden_size", mt), "hidden_size");
  const n = positive(num(c, "num_hidden_layers", mt), "num_hidden_layers");
  const heads = positive(num(c, "num_attention_heads", mt), "num_attention_heads");
  const la = c.linear_attn_config as Json | undefined;
  if (!la || typeof la !== "object") fail("invalid", `config.json (${mt}) is missing 'linear_attn_config'.`);
  const kdaLayers = new Set(((la.kda_layers as number[] | null | undefined) ?? []).map((x) => x - 1));
  const kda: Mixer = { kind: "kda", heads: req(la, mt, "num_heads"), headDim: req(la, mt, "head_dim"), convKernel: req(la, mt, "short_conv_kernel_size") };
  const mla = mlaMixer(c, mt, heads);
  const first = opt(c, "first_k_dense_replace") ?? 0;
  const layers = Array.from({ length: n }, (_, i) => ({ mixers: [kdaLayers.has(i) ? kda : mla], ffn: deepseekMoeFfn(c, mt, i, first), normParams: norms2(hidden) }));
  return { layers, attentionHeads: heads };
}

/**
 * Gemma 4: sliding layers (head_dim, num_key_value_heads) and global layers
 * (global_head_dim, num_global_key_value_heads; keys double as values when
 * attention_k_eq_v); the MoE variant runs a dense MLP beside its experts.
 */
function gemma4(c: Json, mt: string): Built {
  const k = common(c, mt);
  const lt = layerTypes(c, k.layers);
  if (!lt) fail("invalid", `config.json (${mt}) is missing 'layer_types'.`);
  const window = req(c, mt, "sliding_window");
  const kEqV = bool(c, "attention_k_eq_v", false);
  const gDim = opt(c, "global_head_dim") ?? k.headDim;
  const gKv = opt(c, "num_global_key_value_heads") ?? k.kvHeads;
  const local = attention(k, { qkNorm: "head" });
  const global = attention({ ...k, headDim: gDim, kvHeads: gKv }, { qkNorm: "head", sharedKv: kEqV });
  const experts = bool(c, "enable_moe_block", false) ? opt(c, "num_experts") ?? 0 : 0;
  const ffn: Ffn = experts > 0
    ? moeFfn({ experts, topK: req(c, mt, "top_k_experts", "num_experts_per_tok"), expertIntermediate: req(c, mt, "moe_intermediate_size", "expert_intermediate_size"), sharedIntermediate: num(c, "intermediate_size", mt), gated: true, sharedGate: false, expertBias: false, routerBias: false })
    : denseFfn(num(c, "intermediate_size", mt));
  const layers = lt.map((type) => {
    if (type === "sliding_attention") return { mixers: [{ kind: "sliding", window, ...local } as Mixer], ffn, normParams: 4 * k.hidden };
    if (type !== "full_attention") fail("unsupported", `config.json (${mt}): layer type '${type}' is not supported.`);
    return { mixers: [{ kind: "full", ...global } as Mixer], ffn, normParams: 4 * k.hidden };
  });
  return { layers, attentionHeads: k.heads };
}

// Maps, not plain objects: model_type comes from the user's file, and "constructor"
// or "toString" must be an unknown type, not a property of Object.prototype.
const FAMILIES = new Map<string, (c: Json, mt: string) => Built>(Object.entries({
  llama: standardDense,
  mistral: standardDense,
  ministral3: standardDense,
  ministral: standardDense,
  qwen2: standardDense,
  qwen3: standardDense,
  gemma: standardDense,
  gemma2: standardDense,
  gemma3_text: standardDense,
  phi3: standardDense,
  olmo2: standardDense,
  cohere: standardDense,
  granite: standardDense,
  smollm3: standardDense,
  qwen2_moe: qwenMoe,
  qwen3_moe: qwenMoe,
  mixtral: mixtral,
  qwen3_next: qwenHybrid,
  qwen3_5_text: qwenHybrid,
  qwen3_5_moe_text: qwenHybrid,
  deepseek_v2: deepseek,
  deepseek_v3: deepseek,
  deepseek_v32: deepseek,
  kimi_k2: deepseek,
  glm_moe_dsa: deepseek,
  glm4_moe: glm4Moe,
  gpt_oss: gptOss,
  minimax_m2: minimax,
  llama4_text: llama4,
  jamba: jamba,
  nemotron_h: nemotronH,
  falcon_h1: falconH1,
  granitemoehybrid: graniteHybrid,
  granitemoe: graniteMoe,
  kimi_linear: kimiLinear,
  gemma4_text: gemma4,
}));

/** Multimodal wrappers: the text model type their text_config holds when it does not say. */
const WRAPPERS = new Map<string, string>(Object.entries({
  qwen2_5_vl: "qwen2",
  qwen3_vl_moe: "qwen3_moe",
  qwen3_5: "qwen3_5_text",
  qwen3_5_moe: "qwen3_5_moe_text",
  gemma3: "gemma3_text",
  mistral3: "mistral",
  llama4: "llama4_text",
  kimi_k25: "kimi_k2",
  gemma4: "gemma4_text",
}));

/** text_config model types that name a family by another name. */
const TEXT_TYPES = new Map<string, string>([
  ["qwen2_5_vl_text", "qwen2"],
  ["qwen3_vl_moe_text", "qwen3_moe"],
]);

/** Model types the estimator understands, for error messages and docs. */
export const SUPPORTED_MODEL_TYPES = [...FAMILIES.keys(), ...WRAPPERS.keys()].sort();

const unsupported = (what: string, type: string): never => fail("unsupported", `Unsupported ${what} '${type}'. Supported: ${SUPPORTED_MODEL_TYPES.join(", ")}.`);

/** The text-model part of a config: text_config when present, else the config itself. */
function textPart(config: Json): { text: Json; modelType: string } {
  const top = config.model_type as string;
  const tc = config.text_config;
  if (tc && typeof tc === "object") {
    const text = { ...(tc as Json) };
    // Top-level keys that some wrappers keep outside text_config.
    for (const key of ["tie_word_embeddings", "torch_dtype", "dtype"]) if (text[key] === undefined && config[key] !== undefined) text[key] = config[key];
    const own = text.model_type;
    if (typeof own === "string") {
      const inner = FAMILIES.has(own) ? own : TEXT_TYPES.get(own);
      if (!inner) return unsupported("text_config.model_type", own);
      return { text, modelType: inner };
    }
    const inner = WRAPPERS.get(top);
    if (!inner) return unsupported("model_type", top);
    return { text, modelType: inner };
  }
  if (FAMILIES.has(top)) return { text: config, modelType: top };
  const inner = WRAPPERS.get(top);
  if (!inner) return unsupported("model_type", top);
  return { text: config, modelType: inner };
}

const TIED_BY_DEFAULT = new Set(["gemma", "gemma2", "gemma3_text", "gemma4_text", "cohere"]);

/**
 * Parses a config.json object into an Architecture, or throws a FitError naming what is wrong.
 * The config has passed checkConfig (configSchema.ts) at its boundary: when catalog.json is built
 * for catalog models, on import for the user's; an unknown model type is still an error here.
 */
export function architectureFromConfig(config: Json): Architecture {
  if (!config || typeof config !== "object" || Array.isArray(config)) fail("invalid", "config.json must be a JSON object.");
  if (typeof config.model_type !== "string") fail("invalid", "config.json is missing model_type.");
  // The model type first: no field list would make an unknown one importable.
  const { text, modelType } = textPart(config);
  const built = FAMILIES.get(modelType)!(text, modelType);
  const hidden = num(text, "hidden_size", modelType);
  const vocab = positive(num(text, "vocab_size", modelType), "vocab_size");
  const tiedRaw = text.tie_word_embeddings ?? config.tie_word_embeddings;
  const tied = typeof tiedRaw === "boolean" ? tiedRaw : TIED_BY_DEFAULT.has(modelType);
  const vc = config.vision_config;
  const vision = vc && typeof vc === "object" ? visionParams(String(config.model_type), vc as Json, hidden, config) : 0;
  const maxIntermediate = Math.max(
    0,
    ...built.layers.map((l) => (l.ffn.kind === "dense" ? l.ffn.intermediate : l.ffn.kind === "moe" ? Math.max(l.ffn.expertIntermediate, l.ffn.sharedIntermediate) : 0)),
  );
  return {
    modelType,
    hidden,
    vocab,
    tiedEmbeddings: tied,
    layers: built.layers,
    mtp: built.mtp ?? { layers: [], extraParams: 0 },
    visionParams: vision,
    visionTower: vision > 0 ? visionTower(vc as Json) : undefined,
    maxPositions: opt(text, "max_position_embeddings") ?? opt(config, "max_position_embeddings") ?? 0,
    dtypeBytes: dtypeBytesOf(text),
    attentionHeads: built.attentionHeads,
    maxIntermediate,
  };
}
