// Every config.json field the estimator reads, as one zod schema. Catalog and
// user configs both pass it before the architecture parser sees them, so a
// field is read with the exact type it must have (a count is a whole number, a
// list is a list of the right element) and within bounds no real model comes
// near: every size and count, layers, MTP layers and pattern lengths included.
// A config that validates cannot make the parser loop, allocate or multiply
// without bound, and a wrong type is an error naming the field, never a silent
// default (num_experts: "512" no longer reads as "no experts"). Keys the
// estimator never reads pass through unchecked: real configs carry dozens.
// Hugging Face writes null for an unset optional field, so null reads as absent.
import "./zodConfig";
import * as z from "zod/mini";
import { fail } from "./errors";

/** Transformer blocks a config may declare (the largest real models have about 130). */
const MAX_LAYERS = 1_000;
/** Multi-token-prediction / draft layers (real checkpoints ship 1 to 3). */
const MAX_MTP_LAYERS = 16;
/** Blocks of one MTP step's pattern (Nemotron 3 Super's is "*E"). */
const MAX_MTP_PATTERN = 64;
const MAX_HIDDEN = 131_072;
const MAX_HEADS = 16_384;
const MAX_HEAD_DIM = 16_384;
const MAX_INTERMEDIATE = 2_000_000;
const MAX_EXPERTS = 16_384;
const MAX_VOCAB = 4_000_000;
const MAX_POSITIONS = 1_000_000_000;
const MAX_CONV_KERNEL = 64;
/** Entries of a quantization_config.ignore list (real lists name a few hundred modules at most). */
const MAX_IGNORE_ENTRIES = 10_000;
const MAX_IGNORE_CHARS = 1_000;

const fmt = (n: number) => n.toLocaleString("en-US");
/** The message for a value of the wrong type; "missing" when a required field is absent. */
const expected = (what: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? "missing" : `must be ${what}`) });

// Bounds before wholeness, so 1e300 is "too large" rather than "not a whole number" (zod's int() wants a safe integer).
const whole = (min: number, max: number) => z.number(expected("a whole number")).check(z.minimum(min, `must be at least ${fmt(min)}`), z.maximum(max, `must be at most ${fmt(max)}`), z.int("must be a whole number"));
const fraction = () => z.number(expected("a number")).check(z.gt(0, "must be more than 0"), z.maximum(1, "must be at most 1"));
const flag = () => z.boolean(expected("true or false"));
const text = (max: number) => z.string(expected("text")).check(z.maxLength(max, `must be at most ${fmt(max)} characters`));
const nonEmptyText = (max: number) => text(max).check(z.minLength(1, "must not be empty"));
const list = <T extends z.ZodMiniType>(item: T, max: number) => z.array(item, expected("a list")).check(z.maxLength(max, `must have at most ${fmt(max)} entries`));
/** An optional field: absent or null reads as unset. */
const opt = <T extends z.ZodMiniType>(t: T) => z.optional(z.nullable(t));
const object = <S extends z.core.$ZodLooseShape>(shape: S) => z.looseObject(shape, expected("an object"));

/** Fields of the text model every supported architecture needs. */
const REQUIRED = {
  hidden_size: whole(8, MAX_HIDDEN),
  num_hidden_layers: whole(1, MAX_LAYERS),
  num_attention_heads: whole(1, MAX_HEADS),
  num_key_value_heads: whole(1, MAX_HEADS),
  vocab_size: whole(1, MAX_VOCAB),
};

const size = () => opt(whole(1, MAX_HIDDEN));
const headDim = () => opt(whole(1, MAX_HEAD_DIM));
const heads = () => opt(whole(1, MAX_HEADS));
const width = () => opt(whole(1, MAX_INTERMEDIATE));
const optionalWidth = () => opt(whole(0, MAX_INTERMEDIATE));
const experts = () => opt(whole(0, MAX_EXPERTS));
const layerIndex = () => whole(0, MAX_LAYERS - 1);
const period = () => opt(whole(1, MAX_LAYERS));
const kernel = () => opt(whole(1, MAX_CONV_KERNEL));
const dtypeName = () => opt(text(32));

/** quantization_config: what checkpoint formats are read from (configImport's checkpointDtypeOf). */
const quantizationSchema = object({
  quant_method: opt(text(64)),
  quant_algo: opt(text(64)),
  format: opt(text(64)),
  config_groups: opt(
    z
      .record(z.string(), object({ weights: opt(object({ type: opt(text(32)), num_bits: opt(whole(1, 64)), strategy: opt(text(32)), group_size: opt(whole(1, 1_000_000)), symmetric: opt(flag()) })) }), expected("an object"))
      .check(z.refine((groups) => Object.keys(groups).length <= 64, "must have at most 64 groups")),
  ),
  ignore: opt(list(text(MAX_IGNORE_CHARS), MAX_IGNORE_ENTRIES)),
});

/** Fields of the text model, wherever it sits (the config itself, or text_config of a multimodal wrapper). */
const TEXT = {
  ...REQUIRED,
  model_type: opt(text(64)),
  head_dim: headDim(),
  intermediate_size: width(),
  intermediate_size_mlp: width(),
  max_position_embeddings: opt(whole(1, MAX_POSITIONS)),
  torch_dtype: dtypeName(),
  dtype: dtypeName(),
  mamba_ssm_dtype: dtypeName(),
  tie_word_embeddings: opt(flag()),
  quantization_config: opt(quantizationSchema),
  // attention
  attention_bias: opt(flag()),
  mlp_bias: opt(flag()),
  use_qk_norm: opt(flag()),
  attn_output_gate: opt(flag()),
  sliding_window: opt(whole(1, MAX_POSITIONS)),
  sliding_window_pattern: period(),
  use_sliding_window: opt(flag()),
  max_window_layers: opt(whole(0, MAX_LAYERS)),
  layer_types: opt(list(text(64), MAX_LAYERS)),
  layers_block_type: opt(list(text(64), MAX_LAYERS)),
  attention_chunk_size: opt(whole(1, MAX_POSITIONS)),
  no_rope_layers: opt(list(whole(0, 1), MAX_LAYERS)),
  attn_type_list: opt(list(whole(0, 1), MAX_LAYERS)),
  global_head_dim: headDim(),
  num_global_key_value_heads: heads(),
  attention_k_eq_v: opt(flag()),
  // MLA (DeepSeek, Kimi, GLM-5) and its sparse-attention indexer
  q_lora_rank: size(),
  kv_lora_rank: size(),
  qk_rope_head_dim: headDim(),
  qk_nope_head_dim: headDim(),
  v_head_dim: headDim(),
  index_head_dim: opt(whole(0, MAX_HEAD_DIM)),
  index_n_heads: opt(whole(0, MAX_HEADS)),
  // mixture of experts
  num_experts: experts(),
  num_local_experts: experts(),
  n_routed_experts: experts(),
  num_experts_per_tok: experts(),
  num_experts_per_token: experts(),
  experts_per_token: experts(),
  top_k_experts: experts(),
  moe_intermediate_size: width(),
  expert_intermediate_size: width(),
  shared_expert_intermediate_size: optionalWidth(),
  shared_intermediate_size: optionalWidth(),
  moe_shared_expert_intermediate_size: width(),
  n_shared_experts: opt(whole(0, 1_024)),
  num_shared_experts: opt(whole(0, 1_024)),
  moe_latent_size: size(),
  enable_moe_block: opt(flag()),
  decoder_sparse_step: period(),
  moe_layer_freq: period(),
  first_k_dense_replace: opt(whole(0, MAX_LAYERS)),
  interleave_moe_layer_step: period(),
  mlp_only_layers: opt(list(layerIndex(), MAX_LAYERS)),
  topk_method: opt(text(64)),
  // multi-token prediction
  num_nextn_predict_layers: opt(whole(0, MAX_MTP_LAYERS)),
  mtp_num_hidden_layers: opt(whole(0, MAX_MTP_LAYERS)),
  // linear attention (Gated DeltaNet, Kimi Delta Attention)
  full_attention_interval: period(),
  linear_num_key_heads: heads(),
  linear_num_value_heads: heads(),
  linear_key_head_dim: headDim(),
  linear_value_head_dim: headDim(),
  linear_conv_kernel_dim: kernel(),
  linear_attn_config: opt(object({ kda_layers: opt(list(whole(1, MAX_LAYERS), MAX_LAYERS)), num_heads: heads(), head_dim: headDim(), short_conv_kernel_size: kernel() })),
  // Mamba (Jamba, Nemotron-H, Falcon-H1, Granite 4)
  attn_layer_period: period(),
  attn_layer_offset: opt(layerIndex()),
  expert_layer_period: period(),
  expert_layer_offset: opt(layerIndex()),
  mamba_expand: opt(whole(1, 16)),
  mamba_d_state: opt(whole(1, 16_384)),
  ssm_state_size: opt(whole(1, 16_384)),
  mamba_dt_rank: opt(z.union([whole(1, MAX_HIDDEN), z.literal("auto")], expected("a whole number or \"auto\""))),
  mamba_d_conv: kernel(),
  conv_kernel: kernel(),
  mamba_num_heads: heads(),
  mamba_n_heads: heads(),
  mamba_head_dim: headDim(),
  mamba_d_head: headDim(),
  mamba_d_ssm: width(),
  n_groups: heads(),
  mamba_n_groups: heads(),
  hybrid_override_pattern: opt(nonEmptyText(MAX_LAYERS)),
  mtp_hybrid_override_pattern: opt(nonEmptyText(MAX_MTP_PATTERN)),
};

/** vision_config: the tower and projector sizes vision.ts reads. */
const visionSchema = object({
  hidden_size: size(),
  embed_dim: size(),
  vt_hidden_size: size(),
  depth: period(),
  num_hidden_layers: period(),
  vt_num_hidden_layers: period(),
  intermediate_size: width(),
  vt_intermediate_size: width(),
  patch_size: opt(whole(1, 1_024)),
  image_size: opt(whole(1, 100_000)),
  in_chans: opt(whole(1, 64)),
  in_channels: opt(whole(1, 64)),
  num_channels: opt(whole(1, 64)),
  spatial_merge_size: opt(whole(1, 16)),
  temporal_patch_size: opt(whole(1, 16)),
  out_hidden_size: size(),
  text_hidden_size: size(),
  deepstack_visual_indexes: opt(list(layerIndex(), MAX_LAYERS)),
  num_position_embeddings: opt(whole(0, 10_000_000)),
  pixel_shuffle_ratio: opt(fraction()),
  projector_input_dim: size(),
  projector_output_dim: size(),
  vision_output_dim: size(),
  init_pos_emb_height: opt(whole(1, 16_384)),
  init_pos_emb_width: opt(whole(1, 16_384)),
  merge_kernel_size: opt(list(whole(1, 16), 2).check(z.minLength(2, "must have 2 entries"))),
  mm_projector_type: opt(text(64)),
});

/** Top-level fields of every config, multimodal wrapper or not. */
const TOP = {
  model_type: nonEmptyText(64),
  _name_or_path: opt(text(1_000)),
  max_position_embeddings: opt(whole(1, MAX_POSITIONS)),
  torch_dtype: dtypeName(),
  dtype: dtypeName(),
  tie_word_embeddings: opt(flag()),
  quantization_config: opt(quantizationSchema),
  vision_config: opt(visionSchema),
  spatial_merge_size: opt(whole(1, 16)),
  multimodal_projector_bias: opt(flag()),
};

/** A config whose text model sits at the top level. */
const plainSchema = z.looseObject({ ...TEXT, ...TOP });
/** A multimodal wrapper: the text model in text_config. */
const wrapperSchema = z.looseObject({ ...TOP, text_config: z.looseObject(TEXT, expected("an object")) });

/** The text model's required fields, as checkConfig guarantees them. */
export type TextFields = { [K in keyof typeof REQUIRED]: number };

/** A value as an error message shows it: JSON, cut short (control characters come out escaped). */
function preview(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}

/**
 * Validates every field of a config.json the estimator reads; throws a FitError
 * naming the first bad field with its path (e.g. text_config.num_experts).
 */
export function checkConfig(config: Record<string, unknown>): void {
  const wrapped = config.text_config !== undefined;
  const r = (wrapped ? wrapperSchema : plainSchema).safeParse(config);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = issue.path.map(String);
    let value: unknown = config;
    for (const key of path) value = value !== null && typeof value === "object" && Object.prototype.hasOwnProperty.call(value, key) ? (value as Record<string, unknown>)[key] : undefined;
    if (issue.message === "missing") fail("invalid", `config.json is missing ${path.join(".")}.`);
    fail("invalid", `config.json has an invalid ${path.join(".")} (${preview(value)}): ${issue.message}.`);
  }
  const text = (wrapped ? config.text_config : config) as TextFields;
  if (text.num_key_value_heads > text.num_attention_heads) fail("invalid", `config.json: ${wrapped ? "text_config." : ""}num_key_value_heads (${text.num_key_value_heads}) exceeds num_attention_heads (${text.num_attention_heads}).`);
}
