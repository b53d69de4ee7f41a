// A model read from GGUF headers: the parts of a split file joined, the
// architecture metadata (general.architecture, <arch>.*) restated as the
// config.json the same architecture parser reads for every other model, and
// the exact tensor bytes grouped as engines place them. An architecture this
// mapping does not know is an error naming it, never a dense-model guess.
// Keys: llama.cpp src/llama-arch.cpp (LLM_KV_NAMES, LLM_TENSOR_NAMES) and
// src/llama-model.cpp (load_hparams); writers: convert_hf_to_gguf.py.
import type { ConfigImportInput } from "./configImport";
import { fail } from "./errors";
import type { FileWeights } from "./fileWeights";
import { readGgufHeader, type ByteSource, type GgufHeader, type GgufTensorInfo, type GgufValue } from "./gguf";
import type { TensorGroup } from "./weights";

type Json = Record<string, unknown>;

/** One file of a (possibly split) GGUF model, with its header read. */
export interface GgufPart {
  name: string;
  header: GgufHeader;
}

// ---- split files ---------------------------------------------------------------

const SPLIT_NAME = /^(.*)-(\d{5})-of-(\d{5})\.gguf$/i;

/** All part names of a split GGUF named like llama.cpp's gguf-split writes them (model-00001-of-00003.gguf); undefined for other names. */
export function ggufSplitNames(name: string): string[] | undefined {
  const m = SPLIT_NAME.exec(name);
  if (!m) return undefined;
  const count = Number(m[3]);
  if (count < 1 || Number(m[2]) < 1 || Number(m[2]) > count) return undefined;
  return Array.from({ length: count }, (_, i) => `${m[1]}-${String(i + 1).padStart(5, "0")}-of-${m[3]}.gguf`);
}

/** The file name without the split suffix and extension: "Qwen3-8B-Q4_K_M-00001-of-00002.gguf" → "Qwen3-8B-Q4_K_M". */
export function ggufBaseName(name: string): string {
  const file = name.split(/[\\/]/).pop() ?? name;
  const m = SPLIT_NAME.exec(file);
  return (m ? m[1] : file.replace(/\.gguf$/i, "")).trim();
}

function intKey(h: GgufHeader, key: string, what: string): number | undefined {
  const v = h.metadata.get(key);
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) fail("invalid", `${what}: '${key}' must be a whole number, got ${JSON.stringify(v)}.`);
  return v;
}

/** Joins the parts of a split GGUF (in any order) into one tensor list; the first part carries the metadata. */
function joinParts(parts: GgufPart[]): { metadata: Map<string, GgufValue>; tensors: GgufTensorInfo[]; files: string[] } {
  if (parts.length === 0) fail("invalid", "No GGUF file given.");
  const info = parts.map((p) => {
    const what = `GGUF file '${p.name}'`;
    return { p, what, count: intKey(p.header, "split.count", what) ?? 1, no: intKey(p.header, "split.no", what) ?? 0, tensors: intKey(p.header, "split.tensors.count", what) };
  });
  const count = info[0].count;
  if (count === 0) fail("invalid", `${info[0].what}: split.count is 0.`);
  for (const x of info) if (x.count !== count) fail("invalid", `${x.what} is part of a ${x.count}-part GGUF but ${info[0].what} of a ${count}-part one: these are not parts of one model.`);
  const byNo = new Map<number, (typeof info)[number]>();
  for (const x of info) {
    if (x.no >= count) fail("invalid", `${x.what}: split.no ${x.no} is outside its ${count} parts.`);
    if (byNo.has(x.no)) fail("invalid", `${x.what} and ${byNo.get(x.no)!.what} are both part ${x.no + 1} of ${count}.`);
    byNo.set(x.no, x);
  }
  if (byNo.size !== count) {
    const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byNo.has(i));
    const names = ggufSplitNames(info[0].p.name.split(/[\\/]/).pop() ?? "");
    fail("invalid", `This GGUF is split into ${count} parts; part${missing.length > 1 ? "s" : ""} ${missing.map((i) => i + 1).join(", ")} ${missing.length > 1 ? "are" : "is"} missing${names ? ` (${missing.map((i) => names[i]).join(", ")})` : ""}. Give every part.`);
  }
  const ordered = Array.from({ length: count }, (_, i) => byNo.get(i)!);
  const first = ordered[0];
  const seen = new Set<string>();
  const tensors: GgufTensorInfo[] = [];
  for (const x of ordered) {
    for (const t of x.p.header.tensors) {
      if (seen.has(t.name)) fail("invalid", `Tensor '${t.name}' appears in more than one part (${x.what}).`);
      seen.add(t.name);
      tensors.push(t);
    }
  }
  if (count > 1 && first.tensors !== undefined && first.tensors !== tensors.length) fail("invalid", `${first.what} says the model has ${first.tensors} tensors but its ${count} parts hold ${tensors.length}.`);
  return { metadata: first.p.header.metadata, tensors, files: ordered.map((x) => x.p.name) };
}

// ---- tensor groups -----------------------------------------------------------------

const BLOCK = /^blk\.(\d+)\.(.+)$/;

/** Which weight group a tensor belongs to, by llama.cpp's tensor names; `nLayers` main blocks (later ones are MTP/nextn layers). */
export function ggufTensorGroup(t: GgufTensorInfo, nLayers: number): TensorGroup {
  const name = t.name;
  if (name === "token_embd.weight") return "embed";
  if (name === "output.weight") return "head";
  if (/^(v|mm|vision|visual)\./.test(name)) return "vision";
  const m = BLOCK.exec(name);
  if (!m) return t.dims.length === 1 || /norm/.test(name) ? "norms" : "embed";
  if (Number(m[1]) >= nLayers) return "mtp";
  const rest = m[2];
  if (/_exps(\.|$)/.test(rest)) return "experts";
  if (/_shexp(\.|$)/.test(rest)) return "shared";
  if (/^(ffn_gate_inp|exp_probs_b)(\.|$)/.test(rest)) return "router";
  if (/norm/.test(rest)) return "norms";
  if (/^(ssm_|time_mix|shortconv|linear_attn)/.test(rest)) return "linear";
  if (/^ffn_/.test(rest)) return "mlp";
  return "attention";
}

/** Tensors every tensor-parallel rank keeps whole: 1-D tensors, routers and MLA down-projections. */
const replicated = (t: GgufTensorInfo, group: TensorGroup): boolean => t.dims.length === 1 || group === "router" || /\.(attn_q_a|attn_kv_a_mqa)\.weight$/.test(t.name);

/** The exact bytes of every tensor, grouped as engines place them. */
export function ggufFileWeights(tensors: GgufTensorInfo[], nLayers: number, files: string[]): FileWeights {
  const byGroup = { embed: 0, head: 0, attention: 0, mlp: 0, experts: 0, shared: 0, router: 0, linear: 0, norms: 0, vision: 0, mtp: 0 } as Record<TensorGroup, number>;
  const types: Record<string, number> = {};
  let total = 0;
  let params = 0;
  let mtpParams = 0;
  let tokenEmbd = 0;
  let output = 0;
  let repl = 0;
  let outputNorm = 0;
  const perLayer = new Array<number>(nLayers).fill(0);
  const perLayerExperts = new Array<number>(nLayers).fill(0);
  for (const t of tensors) {
    const g = ggufTensorGroup(t, nLayers);
    const blk = BLOCK.exec(t.name);
    if (blk && Number(blk[1]) < nLayers) {
      perLayer[Number(blk[1])] += t.bytes;
      if (g === "experts") perLayerExperts[Number(blk[1])] += t.bytes;
    }
    if (t.name === "output_norm.weight") outputNorm = t.bytes;
    byGroup[g] += t.bytes;
    types[t.type.name] = (types[t.type.name] ?? 0) + t.bytes;
    total += t.bytes;
    params += t.elements;
    if (g === "mtp") mtpParams += t.elements;
    if (t.name === "token_embd.weight") tokenEmbd = t.bytes;
    if (t.name === "output.weight") output = t.bytes;
    if (replicated(t, g)) repl += t.bytes;
  }
  return { format: "gguf", totalBytes: total, params, mtpParams, tensors: tensors.length, tokenEmbdBytes: tokenEmbd, outputBytes: output, outputNormBytes: outputNorm, replicatedBytes: repl, byGroup, types, files, perLayer, perLayerExperts };
}

// ---- metadata → config.json ----------------------------------------------------------

/** Typed access to one architecture's metadata and tensor shapes. */
class View {
  private tensors: Map<string, GgufTensorInfo>;
  constructor(
    private meta: Map<string, GgufValue>,
    tensorList: GgufTensorInfo[],
    readonly arch: string,
  ) {
    this.tensors = new Map(tensorList.map((t) => [t.name, t]));
  }
  private key = (k: string) => `${this.arch}.${k}`;
  has(k: string): boolean {
    return this.meta.has(this.key(k));
  }
  /** The value as stored, whatever its type. */
  raw(k: string): GgufValue | undefined {
    return this.meta.get(this.key(k));
  }
  /** A whole-number scalar, or undefined when absent. */
  opt(k: string): number | undefined {
    const v = this.meta.get(this.key(k));
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) fail("invalid", `GGUF metadata '${this.key(k)}' must be a whole number, got ${JSON.stringify(v)}.`);
    return v;
  }
  num(k: string): number {
    const v = this.opt(k);
    if (v === undefined) fail("invalid", `GGUF metadata is missing '${this.key(k)}'.`);
    return v;
  }
  /** A per-layer value: a scalar for every layer, or an array of `n` whole numbers (llama.cpp's get_key_or_arr). */
  perLayer(k: string, n: number): number[] | undefined {
    const v = this.meta.get(this.key(k));
    if (v === undefined) return undefined;
    if (typeof v === "number") return this.opt(k) === undefined ? undefined : Array(n).fill(v);
    if (!Array.isArray(v) || v.length !== n || !v.every((x) => typeof x === "number" && Number.isInteger(x) && x >= 0))
      fail("invalid", `GGUF metadata '${this.key(k)}' must be a whole number or one per layer (${n}), got ${JSON.stringify(v).slice(0, 80)}.`);
    return v as number[];
  }
  /** A per-layer value that must be the same on every layer (the architectures that have one value). */
  uniform(k: string, n: number): number | undefined {
    const v = this.perLayer(k, n);
    if (!v) return undefined;
    if (v.some((x) => x !== v[0])) fail("unsupported", `GGUF metadata '${this.key(k)}' differs between layers (${[...new Set(v)].join(", ")}); per-layer sizes are not modelled for '${this.arch}'.`);
    return v[0];
  }
  tensor(name: string): GgufTensorInfo | undefined {
    return this.tensors.get(name);
  }
  /** dims[i] of a tensor, or undefined when the tensor is absent. */
  dim(name: string, i: number): number | undefined {
    return this.tensors.get(name)?.dims[i];
  }
  /** Main blocks: block_count less the MTP (nextn) layers llama.cpp counts among them. */
  get layers(): number {
    return this.num("block_count") - (this.opt("nextn_predict_layers") ?? 0);
  }
  /** Vocabulary: the rows of token_embd (what the weights hold), else the declared size. */
  get vocab(): number {
    const rows = this.dim("token_embd.weight", 1);
    if (rows !== undefined) return rows;
    const declared = this.opt("vocab_size");
    if (declared !== undefined) return declared;
    const tokens = this.meta.get("tokenizer.ggml.tokens");
    if (tokens && typeof tokens === "object" && "length" in tokens) return tokens.length;
    return fail("invalid", "GGUF has no token_embd.weight, vocab_size or token list: the vocabulary size is unknown.");
  }
}

/** Fields every family shares: sizes, heads, head size, vocabulary, context, tied output. `kvHeads` overrides a per-layer KV head list (hybrids). */
function common(g: View, modelType: string, kvHeads?: number): Json {
  const n = g.layers;
  const heads = g.uniform("attention.head_count", n);
  if (heads === undefined) fail("invalid", `GGUF metadata is missing '${g.arch}.attention.head_count'.`);
  const kv = kvHeads ?? g.uniform("attention.head_count_kv", n) ?? heads;
  const k = g.opt("attention.key_length");
  const v = g.opt("attention.value_length");
  if (k !== undefined && v !== undefined && k !== v) fail("unsupported", `GGUF '${g.arch}' has key length ${k} and value length ${v}; different K and V head sizes are not modelled for this architecture.`);
  return {
    model_type: modelType,
    hidden_size: g.num("embedding_length"),
    num_hidden_layers: n,
    num_attention_heads: heads,
    num_key_value_heads: kv,
    ...(k !== undefined ? { head_dim: k } : {}),
    vocab_size: g.vocab,
    ...(g.has("context_length") ? { max_position_embeddings: g.num("context_length") } : {}),
    tie_word_embeddings: !g.tensor("output.weight"),
  };
}

/** The dense FFN width: feed_forward_length, else the shape of the first layer's down projection. */
function ffnWidth(g: View, n: number): number {
  const declared = g.uniform("feed_forward_length", n);
  if (declared) return declared;
  const down = g.dim("blk.0.ffn_down.weight", 0);
  if (down === undefined) fail("invalid", `GGUF metadata is missing '${g.arch}.feed_forward_length'.`);
  return down;
}

/** Bias and norm switches the architecture parser reads, from which tensors exist. */
const biases = (g: View): Json => ({
  attention_bias: !!g.tensor("blk.0.attn_q.bias") || !!g.tensor("blk.0.attn_qkv.bias"),
  mlp_bias: !!g.tensor("blk.0.ffn_up.bias"),
});

function dense(modelType: string) {
  return (g: View): Json => ({ ...common(g, modelType), intermediate_size: ffnWidth(g, g.layers), ...biases(g) });
}

/**
 * Gemma 2 and 3: sliding-window layers in a fixed period (llama.cpp: set_swa_pattern(2) and (6):
 * layer i slides unless (i + 1) % period == 0), or as a per-layer list when the file has one.
 */
function gemmaSliding(modelType: string, defaultPeriod: number) {
  return (g: View): Json => {
    const n = g.layers;
    const window = g.opt("attention.sliding_window") ?? 0;
    const out: Json = { ...dense(modelType)(g) };
    // llama.cpp turns SWA off when the file has no window (Gemma 3 variants without one).
    if (window === 0) return { ...out, layer_types: Array(n).fill("full_attention") };
    const raw = g.raw("attention.sliding_window_pattern");
    let sliding: boolean[];
    if (Array.isArray(raw)) {
      if (raw.length !== n || !raw.every((x) => typeof x === "boolean" || typeof x === "number")) fail("invalid", `GGUF metadata '${g.arch}.attention.sliding_window_pattern' must list one flag per layer (${n}).`);
      sliding = raw.map((x) => Boolean(x));
    } else {
      const period = raw === undefined ? defaultPeriod : g.num("attention.sliding_window_pattern");
      if (period < 1) fail("invalid", `GGUF metadata '${g.arch}.attention.sliding_window_pattern' must be at least 1.`);
      sliding = Array.from({ length: n }, (_, i) => (i + 1) % period !== 0);
    }
    return { ...out, sliding_window: window, layer_types: sliding.map((s) => (s ? "sliding_attention" : "full_attention")) };
  };
}

/** Experts: count and active count from metadata, widths from metadata or the expert tensors' shapes. */
function experts(g: View): { count: number; used: number; width: number } {
  const count = g.num("expert_count");
  const used = g.num("expert_used_count");
  const layer = [...Array(g.layers).keys()].find((i) => g.tensor(`blk.${i}.ffn_up_exps.weight`)) ?? 0;
  const width = g.opt("expert_feed_forward_length") ?? g.dim(`blk.${layer}.ffn_up_exps.weight`, 1) ?? g.opt("feed_forward_length");
  if (!width) fail("invalid", `GGUF metadata is missing '${g.arch}.expert_feed_forward_length'.`);
  return { count, used, width };
}

/** Layers without a router run a dense MLP (Qwen's mlp_only_layers). */
const denseLayers = (g: View): number[] => [...Array(g.layers).keys()].filter((i) => !g.tensor(`blk.${i}.ffn_gate_inp.weight`));

function qwenMoe(modelType: string) {
  return (g: View): Json => {
    const e = experts(g);
    const shared = g.opt("expert_shared_feed_forward_length") ?? g.dim("blk.0.ffn_up_shexp.weight", 1) ?? 0;
    const mlpOnly = denseLayers(g);
    return {
      ...common(g, modelType),
      num_experts: e.count,
      num_experts_per_tok: e.used,
      moe_intermediate_size: e.width,
      ...(shared ? { shared_expert_intermediate_size: shared } : {}),
      ...(mlpOnly.length ? { mlp_only_layers: mlpOnly, intermediate_size: ffnWidth(g, g.layers) } : g.has("feed_forward_length") ? { intermediate_size: g.uniform("feed_forward_length", g.layers) } : {}),
    };
  };
}

/** "llama" with experts is Mixtral's layout (llama.cpp has no separate mixtral architecture). */
function llama(g: View): Json {
  if (!(g.opt("expert_count") ?? 0)) return dense("llama")(g);
  const e = experts(g);
  return { ...common(g, "mixtral"), num_local_experts: e.count, num_experts_per_tok: e.used, intermediate_size: e.width };
}

function gptOss(g: View): Json {
  const e = experts(g);
  return { ...common(g, "gpt_oss"), num_local_experts: e.count, num_experts_per_tok: e.used, intermediate_size: e.width, sliding_window: g.num("attention.sliding_window") };
}

/** DeepSeek V2/V3, Kimi K2 (llama.cpp "deepseek2"): MLA attention, DeepSeek-MoE. */
function deepseek2(g: View): Json {
  const n = g.layers;
  const heads = g.uniform("attention.head_count", n);
  if (heads === undefined) fail("invalid", "GGUF metadata is missing 'deepseek2.attention.head_count'.");
  const rope = g.num("rope.dimension_count");
  // Files written since MLA absorption carry the per-head sizes as *_mla keys; older ones as key/value_length.
  const kLen = g.opt("attention.key_length_mla") ?? g.num("attention.key_length");
  const vLen = g.opt("attention.value_length_mla") ?? g.num("attention.value_length");
  const e = experts(g);
  const qLora = g.opt("attention.q_lora_rank") ?? 0;
  const nextn = g.opt("nextn_predict_layers") ?? 0;
  return {
    model_type: "deepseek_v3",
    hidden_size: g.num("embedding_length"),
    num_hidden_layers: n,
    num_attention_heads: heads,
    num_key_value_heads: heads,
    vocab_size: g.vocab,
    ...(g.has("context_length") ? { max_position_embeddings: g.num("context_length") } : {}),
    tie_word_embeddings: !g.tensor("output.weight"),
    q_lora_rank: qLora || null,
    kv_lora_rank: g.num("attention.kv_lora_rank"),
    qk_rope_head_dim: rope,
    qk_nope_head_dim: kLen - rope,
    v_head_dim: vLen,
    n_routed_experts: e.count,
    num_experts_per_tok: e.used,
    moe_intermediate_size: e.width,
    n_shared_experts: g.opt("expert_shared_count") ?? 0,
    first_k_dense_replace: g.opt("leading_dense_block_count") ?? 0,
    intermediate_size: ffnWidth(g, n),
    // The routing bias (DeepSeek-V3's noaux_tc) is a tensor of its own.
    ...([...Array(n).keys()].some((i) => g.tensor(`blk.${i}.exp_probs_b.bias`)) ? { topk_method: "noaux_tc" } : {}),
    ...(nextn ? { num_nextn_predict_layers: nextn } : {}),
  };
}

/** Granite 4 hybrids: head_count_kv is 0 on Mamba2 layers (llama.cpp: recurrent_layer_arr). */
function graniteHybrid(g: View): Json {
  const n = g.layers;
  const kv = g.perLayer("attention.head_count_kv", n);
  if (!kv) fail("invalid", "GGUF metadata is missing 'granitehybrid.attention.head_count_kv'.");
  const heads = g.uniform("attention.head_count", n) ?? fail("invalid", "GGUF metadata is missing 'granitehybrid.attention.head_count'.");
  const attnKv = kv.filter((x) => x > 0);
  if (attnKv.some((x) => x !== attnKv[0])) fail("unsupported", "GGUF 'granitehybrid' has attention layers with different KV head counts; not modelled.");
  const inner = g.num("ssm.inner_size");
  const mambaHeads = g.num("ssm.time_step_rank");
  if (inner % mambaHeads !== 0) fail("invalid", `GGUF 'granitehybrid': ssm.inner_size ${inner} is not a multiple of ssm.time_step_rank ${mambaHeads}.`);
  const nExperts = g.opt("expert_count") ?? 0;
  const shared = g.dim("blk.0.ffn_up_shexp.weight", 1) ?? g.opt("expert_shared_feed_forward_length");
  const ffn = nExperts > 0 ? { num_local_experts: nExperts, num_experts_per_tok: g.num("expert_used_count"), intermediate_size: experts(g).width, ...(shared ? { shared_intermediate_size: shared } : {}) } : { shared_intermediate_size: ffnWidth(g, n) };
  return {
    ...common(g, "granitemoehybrid", attnKv[0] ?? heads),
    layer_types: kv.map((x) => (x > 0 ? "attention" : "mamba")),
    mamba_n_heads: mambaHeads,
    mamba_d_head: inner / mambaHeads,
    mamba_d_ssm: inner,
    mamba_d_state: g.num("ssm.state_size"),
    mamba_n_groups: g.num("ssm.group_count"),
    mamba_d_conv: g.num("ssm.conv_kernel"),
    ...ffn,
    ...biases(g),
  };
}

/** general.architecture → the config.json it stands for. */
const FAMILIES: Record<string, (g: View) => Json> = {
  llama,
  qwen2: dense("qwen2"),
  // Qwen2-VL / Qwen2.5-VL text models; their vision tower is a separate mmproj file.
  qwen2vl: dense("qwen2"),
  qwen3: dense("qwen3"),
  qwen2moe: qwenMoe("qwen2_moe"),
  qwen3moe: qwenMoe("qwen3_moe"),
  gemma: dense("gemma"),
  gemma2: gemmaSliding("gemma2", 2),
  gemma3: gemmaSliding("gemma3_text", 6),
  phi3: dense("phi3"),
  "command-r": (g) => ({ ...dense("cohere")(g), use_qk_norm: !!g.tensor("blk.0.attn_q_norm.weight") }),
  olmo2: dense("olmo2"),
  granite: dense("granite"),
  smollm3: dense("smollm3"),
  deepseek2,
  "gpt-oss": gptOss,
  granitehybrid: graniteHybrid,
};

/** GGUF architectures FitMyGPU reads, for messages and docs. */
export const SUPPORTED_GGUF_ARCHITECTURES = Object.keys(FAMILIES).sort();

/** The config.json a GGUF's metadata describes, for the one architecture parser. */
export function ggufConfig(metadata: Map<string, GgufValue>, tensors: GgufTensorInfo[]): Json {
  const arch = metadata.get("general.architecture");
  if (arch === undefined) fail("invalid", "The GGUF has no general.architecture: it is not a model file.");
  if (typeof arch !== "string") fail("invalid", `The GGUF's general.architecture must be a string, got ${JSON.stringify(arch)}.`);
  if (arch === "clip") fail("unsupported", "This GGUF is a vision projector (mmproj, general.architecture 'clip'), not a language model; read the model's own GGUF.");
  const family = Object.prototype.hasOwnProperty.call(FAMILIES, arch) ? FAMILIES[arch] : undefined;
  if (!family) fail("unsupported", `GGUF architecture '${arch}' (general.architecture) is not supported. Supported: ${SUPPORTED_GGUF_ARCHITECTURES.join(", ")}.`);
  return family(new View(metadata, tensors, arch));
}

// ---- the import --------------------------------------------------------------------

export interface GgufImportOptions {
  /** Display name; defaults to the file name without its split suffix. */
  name?: string;
  /** Hugging Face repo the file came from, when known. */
  hfId?: string;
  /** Context window, for files that do not declare <arch>.context_length. */
  contextWindow?: number;
}

/** What importModel needs to build a model from GGUF parts: the config their metadata describes and their exact weights. */
export function ggufImportInput(parts: GgufPart[], opts: GgufImportOptions = {}): ConfigImportInput {
  const { metadata, tensors, files } = joinParts(parts);
  const config = ggufConfig(metadata, tensors);
  const weights = ggufFileWeights(tensors, Number(config.num_hidden_layers), files.map((f) => f.split(/[\\/]/).pop() ?? f));
  const generalName = metadata.get("general.name");
  return {
    config,
    gguf: weights,
    name: opts.name ?? (ggufBaseName(files[0]) || (typeof generalName === "string" ? generalName : undefined)),
    hfId: opts.hfId,
    contextWindow: opts.contextWindow,
  };
}

/** Reads the header of every part and builds the import input (only the headers are read). */
export async function readGgufModel(sources: ByteSource[], opts: GgufImportOptions = {}): Promise<ConfigImportInput> {
  const parts: GgufPart[] = [];
  for (const src of sources) parts.push({ name: src.name, header: await readGgufHeader(src) });
  return ggufImportInput(parts, opts);
}
