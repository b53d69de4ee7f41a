// Tiny GGUF models of several architectures, with the metadata keys and
// tensor names and shapes llama.cpp's converter writes (convert_hf_to_gguf.py,
// src/llama-arch.cpp), in a chosen quant mix. Sizes are small but every
// quantized row is a multiple of 256, so every K-quant fits.
import { writeGguf, tensorBytes, type GgufSpec, type TensorSpec, type Value } from "./ggufWriter";

/** The ggml type of each tensor role: a quant mix. */
export type Mix = (role: string, layer: number) => string;

/** Q4_K_M as llama.cpp writes it: Q6_K output, attn_v and ffn_down on "more bits" layers, the rest Q4_K, 1-D tensors F32. */
export const Q4_K_M: Mix = (role, layer) => (role === "output" ? "Q6_K" : (role === "attn_v" || role === "ffn_down" || role === "ffn_down_exps") && layer % 2 === 0 ? "Q6_K" : "Q4_K");
/** An imatrix-style "dynamic" mix no per-tensor rule predicts: IQ2_XXS experts, Q8_0 attention, BF16 embeddings. */
export const DYNAMIC: Mix = (role) => (role.endsWith("_exps") ? "IQ2_XXS" : role.startsWith("attn") ? "Q8_0" : role === "token_embd" ? "BF16" : role === "output" ? "Q6_K" : "IQ4_XS");
export const F16: Mix = () => "F16";

export interface Tiny {
  arch: string;
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  ff: number;
  vocab: number;
  ctx: number;
  tied?: boolean;
  /** Extra metadata (architecture keys without the "<arch>." prefix use `archKv`). */
  archKv?: Array<[string, Value]>;
  kv?: Array<[string, Value]>;
  name?: string;
}

const u32 = (v: number): Value => ({ u32: v });

class Builder {
  tensors: TensorSpec[] = [];
  constructor(private mix: Mix) {}
  w(name: string, dims: number[], role: string, layer = -1) {
    this.tensors.push({ name, dims, type: dims.length === 1 ? "F32" : this.mix(role, layer) });
  }
  /** A 1-D tensor (norm, bias): always F32. */
  v(name: string, n: number) {
    this.tensors.push({ name, dims: [n], type: "F32" });
  }
}

function header(t: Tiny, extra: Array<[string, Value]> = []): Array<[string, Value]> {
  const a = t.arch;
  return [
    ["general.architecture", { str: a }],
    ["general.name", { str: t.name ?? `Tiny ${a}` }],
    ["general.alignment", u32(32)],
    [`${a}.context_length`, u32(t.ctx)],
    [`${a}.embedding_length`, u32(t.hidden)],
    [`${a}.block_count`, u32(t.layers)],
    [`${a}.feed_forward_length`, u32(t.ff)],
    [`${a}.attention.head_count`, u32(t.heads)],
    [`${a}.attention.head_count_kv`, u32(t.kvHeads)],
    [`${a}.attention.key_length`, u32(t.headDim)],
    [`${a}.attention.value_length`, u32(t.headDim)],
    [`${a}.attention.layer_norm_rms_epsilon`, { f32: 1e-6 }],
    [`${a}.rope.freq_base`, { f32: 1e6 }],
    ...(t.archKv ?? []).map(([k, v]) => [`${a}.${k}`, v] as [string, Value]),
    ...extra,
    ["tokenizer.ggml.model", { str: "gpt2" }],
    ["tokenizer.ggml.tokens", { arr: "str", values: Array.from({ length: t.vocab }, (_, i) => `t${i}`) }],
    ...(t.kv ?? []),
  ];
}

function embeddings(b: Builder, t: Tiny) {
  b.w("token_embd.weight", [t.hidden, t.vocab], "token_embd");
}

function outputs(b: Builder, t: Tiny) {
  b.v("output_norm.weight", t.hidden);
  if (!t.tied) b.w("output.weight", [t.hidden, t.vocab], "output");
}

function attention(b: Builder, t: Tiny, i: number, o: { bias?: boolean; qkNorm?: boolean; postNorm?: boolean } = {}) {
  const p = `blk.${i}`;
  b.v(`${p}.attn_norm.weight`, t.hidden);
  b.w(`${p}.attn_q.weight`, [t.hidden, t.heads * t.headDim], "attn_q", i);
  b.w(`${p}.attn_k.weight`, [t.hidden, t.kvHeads * t.headDim], "attn_k", i);
  b.w(`${p}.attn_v.weight`, [t.hidden, t.kvHeads * t.headDim], "attn_v", i);
  b.w(`${p}.attn_output.weight`, [t.heads * t.headDim, t.hidden], "attn_output", i);
  if (o.bias) {
    b.v(`${p}.attn_q.bias`, t.heads * t.headDim);
    b.v(`${p}.attn_k.bias`, t.kvHeads * t.headDim);
    b.v(`${p}.attn_v.bias`, t.kvHeads * t.headDim);
  }
  if (o.qkNorm) {
    b.v(`${p}.attn_q_norm.weight`, t.headDim);
    b.v(`${p}.attn_k_norm.weight`, t.headDim);
  }
  if (o.postNorm) b.v(`${p}.post_attention_norm.weight`, t.hidden);
}

function mlp(b: Builder, t: Tiny, i: number, o: { postNorm?: boolean } = {}) {
  const p = `blk.${i}`;
  b.v(`${p}.ffn_norm.weight`, t.hidden);
  b.w(`${p}.ffn_gate.weight`, [t.hidden, t.ff], "ffn_gate", i);
  b.w(`${p}.ffn_up.weight`, [t.hidden, t.ff], "ffn_up", i);
  b.w(`${p}.ffn_down.weight`, [t.ff, t.hidden], "ffn_down", i);
  if (o.postNorm) b.v(`${p}.post_ffw_norm.weight`, t.hidden);
}

function moe(b: Builder, t: Tiny, i: number, experts: number, eff: number, shared = 0) {
  const p = `blk.${i}`;
  b.v(`${p}.ffn_norm.weight`, t.hidden);
  b.w(`${p}.ffn_gate_inp.weight`, [t.hidden, experts], "ffn_gate_inp", i);
  b.w(`${p}.ffn_gate_exps.weight`, [t.hidden, eff, experts], "ffn_gate_exps", i);
  b.w(`${p}.ffn_up_exps.weight`, [t.hidden, eff, experts], "ffn_up_exps", i);
  b.w(`${p}.ffn_down_exps.weight`, [eff, t.hidden, experts], "ffn_down_exps", i);
  if (shared) {
    b.v(`${p}.ffn_gate_inp_shexp.weight`, t.hidden);
    b.w(`${p}.ffn_gate_shexp.weight`, [t.hidden, shared], "ffn_gate_shexp", i);
    b.w(`${p}.ffn_up_shexp.weight`, [t.hidden, shared], "ffn_up_shexp", i);
    b.w(`${p}.ffn_down_shexp.weight`, [shared, t.hidden], "ffn_down_shexp", i);
  }
}

const base = (arch: string): Tiny => ({ arch, hidden: 256, layers: 4, heads: 4, kvHeads: 2, headDim: 64, ff: 512, vocab: 512, ctx: 8192 });

export interface TinyModel {
  spec: GgufSpec;
  /** Σ ggml_nbytes of every tensor, computed by the writer's own type table. */
  tensorBytes: number;
  elements: number;
}

function model(t: Tiny, b: Builder, extra: Array<[string, Value]> = []): TinyModel {
  const spec: GgufSpec = { metadata: header(t, extra), tensors: b.tensors };
  return { spec, tensorBytes: b.tensors.reduce((s, x) => s + tensorBytes(x), 0), elements: b.tensors.reduce((s, x) => s + x.dims.reduce((a, c) => a * c, 1), 0) };
}

/** Llama 3 style: GQA, untied output, a rope_freqs table. */
export function tinyLlama(mix: Mix = Q4_K_M, over: Partial<Tiny> = {}): TinyModel {
  const t = { ...base("llama"), ...over };
  const b = new Builder(mix);
  embeddings(b, t);
  for (let i = 0; i < t.layers; i++) {
    attention(b, t, i);
    mlp(b, t, i);
  }
  outputs(b, t);
  b.v("rope_freqs.weight", t.headDim / 2);
  return model(t, b);
}

/** Qwen2.5 / Qwen2.5-VL text: QKV bias; qwen2vl writes rope.dimension_sections. */
export function tinyQwen2(mix: Mix = Q4_K_M, arch: "qwen2" | "qwen2vl" = "qwen2"): TinyModel {
  const t = { ...base(arch), tied: true, archKv: arch === "qwen2vl" ? ([["rope.dimension_sections", { arr: "i32", values: [16, 24, 24, 0] }]] as Array<[string, Value]>) : [] };
  const b = new Builder(mix);
  embeddings(b, t);
  for (let i = 0; i < t.layers; i++) {
    attention(b, t, i, { bias: true });
    mlp(b, t, i);
  }
  outputs(b, t);
  return model(t, b);
}

/** Qwen3 dense: per-head q/k norms, no bias. */
export function tinyQwen3(mix: Mix = Q4_K_M, over: Partial<Tiny> = {}): TinyModel {
  const t = { ...base("qwen3"), ...over };
  const b = new Builder(mix);
  embeddings(b, t);
  for (let i = 0; i < t.layers; i++) {
    attention(b, t, i, { qkNorm: true });
    mlp(b, t, i);
  }
  outputs(b, t);
  return model(t, b);
}

/** Phi-3: fused QKV and gate/up projections, LongRoPE factor tables. */
export function tinyPhi3(mix: Mix = Q4_K_M): TinyModel {
  const t = { ...base("phi3"), kvHeads: 4 };
  const b = new Builder(mix);
  embeddings(b, t);
  for (let i = 0; i < t.layers; i++) {
    const p = `blk.${i}`;
    b.v(`${p}.attn_norm.weight`, t.hidden);
    b.w(`${p}.attn_qkv.weight`, [t.hidden, (t.heads + 2 * t.kvHeads) * t.headDim], "attn_qkv", i);
    b.w(`${p}.attn_output.weight`, [t.heads * t.headDim, t.hidden], "attn_output", i);
    b.v(`${p}.ffn_norm.weight`, t.hidden);
    b.w(`${p}.ffn_up.weight`, [t.hidden, 2 * t.ff], "ffn_up", i);
    b.w(`${p}.ffn_down.weight`, [t.ff, t.hidden], "ffn_down", i);
  }
  outputs(b, t);
  b.v("rope_factors_long.weight", t.headDim / 2);
  b.v("rope_factors_short.weight", t.headDim / 2);
  return model(t, b);
}

/** Gemma 2: tied embeddings, four norms per layer, every other layer sliding (llama.cpp: set_swa_pattern(2)). */
export function tinyGemma2(mix: Mix = Q4_K_M): TinyModel {
  const t = { ...base("gemma2"), tied: true, archKv: [["attention.sliding_window", u32(256)]] as Array<[string, Value]> };
  const b = new Builder(mix);
  embeddings(b, t);
  for (let i = 0; i < t.layers; i++) {
    attention(b, t, i, { postNorm: true });
    mlp(b, t, i, { postNorm: true });
  }
  outputs(b, t);
  return model(t, b);
}

/** Qwen3-MoE: 8 experts of width 256, 2 per token, q/k norms. */
export function tinyQwen3Moe(mix: Mix = DYNAMIC): TinyModel {
  const t = { ...base("qwen3moe"), archKv: [["expert_count", u32(8)], ["expert_used_count", u32(2)], ["expert_feed_forward_length", u32(256)]] as Array<[string, Value]> };
  const b = new Builder(mix);
  embeddings(b, t);
  for (let i = 0; i < t.layers; i++) {
    attention(b, t, i, { qkNorm: true });
    moe(b, t, i, 8, 256);
  }
  outputs(b, t);
  return model(t, b);
}

/** Mixtral: llama.cpp's "llama" architecture with experts. */
export function tinyMixtral(mix: Mix = Q4_K_M): TinyModel {
  const t = { ...base("llama"), archKv: [["expert_count", u32(8)], ["expert_used_count", u32(2)]] as Array<[string, Value]> };
  const b = new Builder(mix);
  embeddings(b, t);
  for (let i = 0; i < t.layers; i++) {
    attention(b, t, i);
    moe(b, t, i, 8, t.ff);
  }
  outputs(b, t);
  return model(t, b);
}

/** Qwen1.5/2-MoE: experts plus a gated shared expert. */
export function tinyQwen2Moe(mix: Mix = Q4_K_M): TinyModel {
  const t = { ...base("qwen2moe"), archKv: [["expert_count", u32(8)], ["expert_used_count", u32(2)], ["expert_feed_forward_length", u32(256)], ["expert_shared_feed_forward_length", u32(512)]] as Array<[string, Value]> };
  const b = new Builder(mix);
  embeddings(b, t);
  for (let i = 0; i < t.layers; i++) {
    attention(b, t, i, { bias: true });
    moe(b, t, i, 8, 256, 512);
  }
  outputs(b, t);
  return model(t, b);
}

/** Gemma 3: tied embeddings, four norms per layer, q/k norms, sliding window 512 on five of every six layers. */
export function tinyGemma3(mix: Mix = Q4_K_M, layers = 12, window = 512): TinyModel {
  const t = { ...base("gemma3"), layers, tied: true, kvHeads: 1, headDim: 256, heads: 2, archKv: window ? ([["attention.sliding_window", u32(window)]] as Array<[string, Value]>) : [] };
  const b = new Builder(mix);
  embeddings(b, t);
  for (let i = 0; i < t.layers; i++) {
    attention(b, t, i, { qkNorm: true, postNorm: true });
    mlp(b, t, i, { postNorm: true });
  }
  outputs(b, t);
  return model(t, b);
}

/**
 * Granite 4 hybrid: Mamba2 layers (head_count_kv 0) and attention layers (every third),
 * each with a dense SwiGLU MLP (the shared MLP of a model without experts).
 */
export function tinyGraniteHybrid(mix: Mix = Q4_K_M): TinyModel {
  const t = { ...base("granitehybrid"), layers: 6 };
  const dInner = 512;
  const dState = 64;
  const groups = 1;
  const mHeads = 8;
  const convK = 4;
  const kv = Array.from({ length: t.layers }, (_, i) => (i % 3 === 2 ? t.kvHeads : 0));
  const b = new Builder(mix);
  embeddings(b, t);
  for (let i = 0; i < t.layers; i++) {
    const p = `blk.${i}`;
    if (kv[i] > 0) attention(b, t, i);
    else {
      b.v(`${p}.attn_norm.weight`, t.hidden);
      const convCh = dInner + 2 * groups * dState;
      b.w(`${p}.ssm_in.weight`, [t.hidden, 2 * dInner + 2 * groups * dState + mHeads], "linear_in", i);
      b.tensors.push({ name: `${p}.ssm_conv1d.weight`, dims: [convK, convCh], type: "F32" });
      b.v(`${p}.ssm_conv1d.bias`, convCh);
      b.v(`${p}.ssm_dt.bias`, mHeads);
      b.v(`${p}.ssm_a`, mHeads);
      b.v(`${p}.ssm_d`, mHeads);
      b.tensors.push({ name: `${p}.ssm_norm.weight`, dims: [dInner / groups, groups], type: "F32" });
      b.w(`${p}.ssm_out.weight`, [dInner, t.hidden], "linear_out", i);
    }
    mlp(b, t, i);
  }
  outputs(b, t);
  const m = model(t, b, [
    ["granitehybrid.ssm.conv_kernel", u32(convK)],
    ["granitehybrid.ssm.state_size", u32(dState)],
    ["granitehybrid.ssm.group_count", u32(groups)],
    ["granitehybrid.ssm.inner_size", u32(dInner)],
    ["granitehybrid.ssm.time_step_rank", u32(mHeads)],
  ]);
  // head_count_kv is per layer: replace the scalar the common header wrote.
  m.spec.metadata = m.spec.metadata.map(([k, v]) => (k === "granitehybrid.attention.head_count_kv" ? [k, { arr: "u32", values: kv }] : [k, v]));
  return m;
}

/** DeepSeek-V3 style (llama.cpp "deepseek2"): MLA with q LoRA, one dense layer, then MoE with a shared expert and routing bias. */
export function tinyDeepseek2(mix: Mix = Q4_K_M): TinyModel {
  const t = { ...base("deepseek2"), heads: 4 };
  const qLora = 256, kvLora = 256, rope = 64, nope = 128, vDim = 128, experts = 8, eff = 256;
  const b = new Builder(mix);
  embeddings(b, t);
  for (let i = 0; i < t.layers; i++) {
    const p = `blk.${i}`;
    b.v(`${p}.attn_norm.weight`, t.hidden);
    b.w(`${p}.attn_q_a.weight`, [t.hidden, qLora], "attn_q_a", i);
    b.v(`${p}.attn_q_a_norm.weight`, qLora);
    b.w(`${p}.attn_q_b.weight`, [qLora, t.heads * (nope + rope)], "attn_q_b", i);
    b.w(`${p}.attn_kv_a_mqa.weight`, [t.hidden, kvLora + rope], "attn_kv_a_mqa", i);
    b.v(`${p}.attn_kv_a_norm.weight`, kvLora);
    b.w(`${p}.attn_kv_b.weight`, [kvLora, t.heads * (nope + vDim)], "attn_kv_b", i);
    b.w(`${p}.attn_output.weight`, [t.heads * vDim, t.hidden], "attn_output", i);
    if (i === 0) mlp(b, t, i);
    else {
      moe(b, t, i, experts, eff, eff);
      b.v(`${p}.exp_probs_b.bias`, experts);
    }
  }
  outputs(b, t);
  const keys: Array<[string, Value]> = [
    ["deepseek2.attention.q_lora_rank", u32(qLora)],
    ["deepseek2.attention.kv_lora_rank", u32(kvLora)],
    ["deepseek2.attention.key_length_mla", u32(nope + rope)],
    ["deepseek2.attention.value_length_mla", u32(vDim)],
    ["deepseek2.rope.dimension_count", u32(rope)],
    ["deepseek2.expert_count", u32(experts)],
    ["deepseek2.expert_used_count", u32(2)],
    ["deepseek2.expert_shared_count", u32(1)],
    ["deepseek2.expert_feed_forward_length", u32(eff)],
    ["deepseek2.leading_dense_block_count", u32(1)],
    ["deepseek2.expert_gating_func", u32(2)],
  ];
  return model(t, b, keys);
}

/** gpt-oss: MXFP4 experts with biases, attention sinks, sliding window on even layers. */
export function tinyGptOss(): TinyModel {
  const t = { ...base("gpt-oss"), archKv: [["expert_count", u32(8)], ["expert_used_count", u32(2)], ["expert_feed_forward_length", u32(256)], ["attention.sliding_window", u32(128)]] as Array<[string, Value]> };
  const b = new Builder((role) => (role.endsWith("_exps") ? "MXFP4" : role === "token_embd" || role === "output" ? "Q8_0" : "F16"));
  embeddings(b, t);
  for (let i = 0; i < t.layers; i++) {
    const p = `blk.${i}`;
    attention(b, t, i, { bias: true, postNorm: true });
    b.v(`${p}.attn_output.bias`, t.hidden);
    b.v(`${p}.attn_sinks.weight`, t.heads);
    b.w(`${p}.ffn_gate_inp.weight`, [t.hidden, 8], "ffn_gate_inp", i);
    b.v(`${p}.ffn_gate_inp.bias`, 8);
    b.w(`${p}.ffn_gate_exps.weight`, [t.hidden, 256, 8], "ffn_gate_exps", i);
    b.w(`${p}.ffn_up_exps.weight`, [t.hidden, 256, 8], "ffn_up_exps", i);
    b.w(`${p}.ffn_down_exps.weight`, [256, t.hidden, 8], "ffn_down_exps", i);
    b.tensors.push({ name: `${p}.ffn_gate_exps.bias`, dims: [256, 8], type: "F32" });
    b.tensors.push({ name: `${p}.ffn_up_exps.bias`, dims: [256, 8], type: "F32" });
    b.tensors.push({ name: `${p}.ffn_down_exps.bias`, dims: [t.hidden, 8], type: "F32" });
  }
  outputs(b, t);
  return model(t, b);
}

/** The file of a tiny model. */
export const fileOf = (m: TinyModel, extra: Partial<GgufSpec> = {}): Uint8Array => writeGguf({ ...m.spec, ...extra });

/**
 * Splits a model into `n` parts as gguf-split does: every part carries split.no,
 * split.count and split.tensors.count; the first also carries all other metadata.
 */
export function splitFiles(m: TinyModel, n: number): Uint8Array[] {
  const per = Math.ceil(m.spec.tensors.length / n);
  return Array.from({ length: n }, (_, i) => {
    const split: Array<[string, Value]> = [["split.no", { u16: i }], ["split.count", { u16: n }], ["split.tensors.count", { i32: m.spec.tensors.length }]];
    return writeGguf({
      metadata: i === 0 ? [...m.spec.metadata, ...split] : split,
      tensors: m.spec.tensors.slice(i * per, (i + 1) * per),
    });
  });
}
