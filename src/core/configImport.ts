// Models beyond the catalog: a Hugging Face config.json (plus, optionally, the
// total_size of model.safetensors.index.json) becomes a model entry that goes
// through the same architecture parser as every catalog model. Everything a
// user hands in is validated here, at the boundary; an unknown model_type is an
// error, never a dense-model guess.
import "./zodConfig";
import * as z from "zod/mini";
import { architectureFromConfig, SUPPORTED_MODEL_TYPES } from "./architecture";
import type { ModelEntry } from "./catalog";
import { CUSTOM, modelRecordSchema, type ModelRecord } from "./catalogSchema";
import { checkConfig, type TextFields } from "./configSchema";
import { fail } from "./errors";
import { fileWeightsSchema, type FileWeights } from "./fileWeights";
import { ignoreMatcher } from "./modulePattern";
import { hasUnprintable } from "./names";
import type { CheckpointDtype } from "./quant";
import { paramCounts } from "./weights";

type Json = Record<string, unknown>;

/** What a user hands in to import a model. */
export interface ConfigImportInput {
  /** config.json: its text, or the already parsed object. */
  config: unknown;
  /** model.safetensors.index.json (text or object); only metadata.total_size is read. */
  index?: unknown;
  /** total_size of model.safetensors.index.json, when already known (stored entries keep only this). */
  safetensorsBytes?: number;
  /** Display name; defaults to the config's _name_or_path or "Custom <model_type>". */
  name?: string;
  /** Lookup id (lowercase, [a-z0-9.-]); defaults to the name, slugified. */
  id?: string;
  /** Hugging Face repo id the config came from, when known. */
  hfId?: string;
  /** Total parameters the model card states; the estimate always derives its own. */
  statedParams?: number;
  /** Context window, for configs that do not declare max_position_embeddings. */
  contextWindow?: number;
  /** Exact weights read from a GGUF file (whose metadata `config` restates); the model's native format is then the file itself. */
  gguf?: FileWeights;
}

/** Largest config.json / index text accepted: real configs are a few KiB; a weight map a few MiB. */
export const MAX_JSON_CHARS = 8 * 1024 * 1024;
/** Deepest nesting accepted (real configs nest 3–4 levels). */
const MAX_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);
/** Keys the estimator never reads that can be large (classification label maps); dropped on import, as in the catalog. */
const DROPPED_KEYS = ["id2label", "label2id"];

/** Throws if any object key at any depth is __proto__, constructor or prototype, or the nesting is absurd. */
function checkKeys(value: unknown, what: string, path: string, depth: number): void {
  if (depth > MAX_DEPTH) fail("invalid", `${what} is nested more than ${MAX_DEPTH} levels deep.`);
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkKeys(v, what, `${path}[${i}]`, depth + 1));
  } else if (value !== null && typeof value === "object") {
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) fail("invalid", `${what} has a forbidden key '${key}'${path ? ` in ${path}` : ""}; it is not a real config and was rejected.`);
      checkKeys((value as Json)[key], what, path ? `${path}.${key}` : key, depth + 1);
    }
  }
}

/**
 * Parses JSON text (or re-serialises an object, so only its own plain data
 * survives: no prototypes, getters or functions) into a safe plain object.
 */
export function safeJsonObject(input: unknown, what: string): Json {
  let text: string;
  // Windows editors start UTF-8 files with a byte-order mark, which JSON.parse rejects.
  if (typeof input === "string") text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  else {
    try {
      text = JSON.stringify(input) ?? "";
    } catch (e) {
      return fail("invalid", `${what} is not JSON data: ${(e as Error).message}`);
    }
  }
  if (text.length > MAX_JSON_CHARS) fail("invalid", `${what} is ${text.length.toLocaleString("en-US")} characters; the limit is ${MAX_JSON_CHARS.toLocaleString("en-US")}.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return fail("invalid", `${what} is not valid JSON: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) fail("invalid", `${what} must be a JSON object.`);
  checkKeys(parsed, what, "", 0);
  return parsed as Json;
}

// ---- the config's parts ---------------------------------------------------------

/** The config's text-model part: text_config for multimodal wrappers, else the config itself. */
function textPart(config: Json): { text: Json; prefix: string } {
  const tc = config.text_config;
  if (tc !== undefined && (tc === null || typeof tc !== "object" || Array.isArray(tc))) fail("invalid", "config.json's text_config must be an object.");
  return tc ? { text: tc as Json, prefix: "text_config." } : { text: config, prefix: "" };
}

/** An unknown model_type is reported before any missing field: no field list would make it importable. */
function checkModelType(config: Json): void {
  const top = config.model_type;
  if (typeof top !== "string" || !top.trim()) fail("invalid", "config.json is missing model_type.");
  const inner = textPart(config).text.model_type;
  if (!SUPPORTED_MODEL_TYPES.includes(top) && !(typeof inner === "string" && SUPPORTED_MODEL_TYPES.includes(inner)))
    fail("unsupported", `Unsupported model_type '${top}'. Supported: ${SUPPORTED_MODEL_TYPES.join(", ")}.`);
}

/** Config keys of layouts the estimator does not model yet: importing would silently miscount, so they are refused. */
// (moe_latent_size, NVIDIA's LatentMoE, was listed here until it was modelled: see Ffn.latent in architecture.ts.)
const UNMODELLED_KEYS: Record<string, string> = {};

function checkModelled(config: Json): void {
  const { text, prefix } = textPart(config);
  for (const [key, what] of Object.entries(UNMODELLED_KEYS))
    if ((text[key] ?? config[key]) !== undefined && (text[key] ?? config[key]) !== null) fail("unsupported", `config.json sets ${prefix}${key}: ${what} is not modelled yet, so its memory cannot be estimated.`);
}

// ---- checkpoint format ---------------------------------------------------------

// A Map: the key comes from the user's file ("constructor" must be unknown, not Object.prototype's).
const DTYPES = new Map<string, CheckpointDtype>(Object.entries({ bfloat16: "bf16", float16: "fp16", float32: "fp32", bf16: "bf16", fp16: "fp16", fp32: "fp32", half: "fp16", float: "fp32" }));

/** The 16/32-bit dtype the config declares (torch_dtype, or the newer dtype), top level or text_config. */
function declaredDtype(config: Json): CheckpointDtype | undefined {
  const { text } = textPart(config);
  const raw = config.torch_dtype ?? config.dtype ?? text.torch_dtype ?? text.dtype;
  if (raw === undefined || raw === null || raw === "auto") return undefined;
  const d = typeof raw === "string" ? DTYPES.get(raw.toLowerCase()) : undefined;
  if (!d) fail("unsupported", `config.json declares torch_dtype '${String(raw)}'; supported: bfloat16, float16, float32.`);
  return d;
}

const reImport = "Import the unquantized model's config.json and pick the format with --quant (e.g. awq, gptq, nvfp4 or a GGUF type).";

/** Module names (text model) whose quantization decides the w4a16-g32 layout: these must be ignored, the routed expert must not. */
const KEPT_16BIT = ["lm_head", "model.layers.0.self_attn.q_a_proj", "model.layers.0.self_attn.o_proj", "model.layers.0.mlp.gate_proj", "model.layers.0.mlp.down_proj", "model.layers.1.mlp.shared_experts.up_proj"];
const ROUTED_EXPERT = "model.layers.1.mlp.experts.0.gate_proj";

/**
 * compressed-tensors pack-quantized with integer weights: modelled natively only for the
 * layout Kimi-K2.5 ships (w4a16-g32): symmetric int4, one scale per group of 32, no
 * activation quantization, and an ignore list that keeps attention, dense and shared
 * MLPs and lm_head in 16-bit, so that only the routed experts are int4.
 */
function packQuantizedInt(q: Json, weights: Json[], groups: Json[]): CheckpointDtype {
  const unsupported = (why: string): never => fail("unsupported", `config.json describes a compressed-tensors checkpoint with integer weights (format 'pack-quantized': ${why}), which is not a native checkpoint format here; only int4 group-32 routed experts (w4a16-g32) are. ${reImport}`);
  if (!weights.length) unsupported("no config_groups, so its bits and group size are unknown");
  const w4g32 = weights.every((w) => w.type === "int" && w.num_bits === 4 && w.strategy === "group" && w.group_size === 32 && w.symmetric !== false);
  if (!w4g32) unsupported(`weights ${weights.map((w) => `${String(w.type)} ${String(w.num_bits)}-bit ${String(w.strategy)} ${String(w.group_size ?? "")}${w.symmetric === false ? " asymmetric" : ""}`).join(", ")}`);
  if (groups.some((g) => g.input_activations !== undefined && g.input_activations !== null)) unsupported("activations quantized too");
  const ignored = ignoreMatcher(Array.isArray(q.ignore) ? q.ignore.filter((e): e is string => typeof e === "string") : []);
  if (!KEPT_16BIT.every(ignored) || ignored(ROUTED_EXPERT)) unsupported("its ignore list quantizes more than the routed experts");
  return "w4a16-g32";
}

/** compressed-tensors: the weight format of its config groups (float 8-bit → fp8, float 4-bit → nvfp4, int4 group-32 experts → w4a16-g32). */
function compressedTensors(q: Json): CheckpointDtype {
  const format = typeof q.format === "string" ? q.format : "";
  if (format === "float-quantized") return "fp8";
  if (format === "nvfp4-pack-quantized") return "nvfp4";
  const groups = (q.config_groups && typeof q.config_groups === "object" ? Object.values(q.config_groups as Json) : []).filter((g): g is Json => !!g && typeof g === "object");
  const weights = groups.map((g) => g.weights as Json | undefined).filter((w): w is Json => !!w && typeof w === "object");
  if (format === "pack-quantized") return packQuantizedInt(q, weights, groups);
  if (weights.length && weights.every((w) => w.type === "float" && w.num_bits === 8)) return "fp8";
  if (weights.length && weights.every((w) => w.type === "float" && w.num_bits === 4)) return "nvfp4";
  return fail("unsupported", `config.json describes a compressed-tensors checkpoint with integer weights (format '${format || "unknown"}'), which is not a native checkpoint format here. ${reImport}`);
}

/**
 * The checkpoint's own weight format (what `native` means). Pre-quantized
 * checkpoints map to the formats the estimator models natively (fp8, mxfp4,
 * nvfp4, and int4 group-32 routed experts as w4a16-g32); the rest (AWQ, GPTQ,
 * bitsandbytes, other integer compressed-tensors layouts) are sized by
 * importing the unquantized config and choosing that quant.
 */
export function checkpointDtypeOf(config: Json, safetensorsBytes?: number, params?: number): CheckpointDtype {
  const q = config.quantization_config ?? textPart(config).text.quantization_config;
  if (q !== undefined && q !== null) {
    if (typeof q !== "object" || Array.isArray(q)) fail("invalid", "config.json's quantization_config must be an object.");
    const qc = q as Json;
    const method = typeof qc.quant_method === "string" ? qc.quant_method.toLowerCase() : "";
    switch (method) {
      case "fp8":
      case "fbgemm_fp8":
        return "fp8";
      case "mxfp4":
        return "mxfp4";
      case "modelopt": {
        const algo = String(qc.quant_algo ?? "").toUpperCase();
        if (algo === "FP8") return "fp8";
        if (algo === "NVFP4") return "nvfp4";
        return fail("unsupported", `config.json describes a ModelOpt '${algo || "unknown"}' checkpoint (a per-layer mix of formats), which has no single native format here. ${reImport}`);
      }
      case "compressed-tensors":
        return compressedTensors(qc);
      case "awq":
      case "gptq":
      case "bitsandbytes":
      case "gguf":
        return fail("unsupported", `config.json describes a pre-quantized ${method.toUpperCase()} checkpoint. ${reImport}`);
      default:
        return fail("unsupported", `config.json has quantization_config with quant_method '${method || "unknown"}', which is not supported. Supported: fp8, mxfp4, modelopt FP8/NVFP4, compressed-tensors FP8/NVFP4 and int4 group-32 experts. ${reImport}`);
    }
  }
  const declared = declaredDtype(config);
  if (declared) return declared;
  // No dtype declared: the index's bytes per parameter tell 32-bit from 16-bit checkpoints.
  if (safetensorsBytes && params && safetensorsBytes / params > 3) return "fp32";
  return "bf16";
}

// ---- safetensors index -----------------------------------------------------------

const indexSchema = z.object({
  metadata: z.object({ total_size: z.number().check(z.int(), z.positive(), z.maximum(1e14)) }, { error: "metadata.total_size is missing or not a positive whole number of bytes" }),
});

/** total_size of a model.safetensors.index.json (text or object), validated. */
export function safetensorsTotalSize(index: unknown): number {
  const json = safeJsonObject(index, "model.safetensors.index.json");
  const r = indexSchema.safeParse(json);
  if (!r.success) fail("invalid", `model.safetensors.index.json: ${r.error.issues[0]?.message ?? "invalid"} (at ${r.error.issues[0]?.path.join(".") || "top level"}).`);
  return r.data.metadata.total_size;
}

// ---- the record ----------------------------------------------------------------------

/** Lowercase id from a display name: "My Llama 8B" → "my-llama-8b". */
export function slugId(name: string): string {
  return name.trim().toLowerCase().replace(/[^a-z0-9.]+/g, "-").replace(/^[^a-z0-9]+|-+$/g, "");
}

const nameSchema = z.string().check(z.trim(), z.minLength(1, "must not be empty"), z.maxLength(120, "must be at most 120 characters"), z.refine((s) => !hasUnprintable(s), "must not contain control characters"));

function optionalName(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  const r = nameSchema.safeParse(value);
  if (!r.success) fail("invalid", `The model ${what} ${r.error.issues[0].message}.`);
  return r.data;
}

/** max_position_embeddings of config classes whose checkpoints usually leave it out (transformers' Gemma3TextConfig default). */
const CLASS_DEFAULT_CONTEXT = new Map<string, number>([["gemma3_text", 131_072]]);

function modalityOf(config: Json): ModelRecord["modality"] {
  const vc = config.vision_config;
  return vc && typeof vc === "object" ? "text+vision" : "text";
}

/** Builds and validates the model record a user's config.json stands for (metadata marked custom, numbers derived). */
export function importModel(input: ConfigImportInput): ModelEntry {
  if (!input || typeof input !== "object") fail("invalid", "Nothing to import: give a config.json.");
  const config = safeJsonObject(input.config, "config.json");
  checkModelType(config);
  checkModelled(config);
  for (const k of DROPPED_KEYS) delete config[k];
  // Every field the estimator reads is validated here, at the boundary, so the text part's fields are numbers from here on.
  checkConfig(config);
  const arch = architectureFromConfig(config);
  const fields = textPart(config).text as unknown as TextFields & { max_position_embeddings?: number | null };
  const params = paramCounts(arch);
  const gguf = input.gguf !== undefined ? checkFileWeights(input, params.total) : undefined;
  const totalSize = input.index !== undefined && input.index !== null ? safetensorsTotalSize(input.index) : input.safetensorsBytes;
  if (totalSize !== undefined) {
    if (!Number.isInteger(totalSize) || totalSize <= 0 || totalSize > 1e14) fail("invalid", `safetensors total_size must be a positive whole number of bytes, got ${totalSize}.`);
    // Between 4-bit experts and fp32 with MTP/vision extras: anything outside is another model's index.
    const perParam = totalSize / params.total;
    if (perParam < 0.3 || perParam > 4.5) fail("invalid", `model.safetensors.index.json holds ${totalSize.toLocaleString("en-US")} bytes, ${perParam.toFixed(2)} bytes per parameter of this config (${params.total.toLocaleString("en-US")} parameters): it belongs to another model.`);
  }
  const stated = input.statedParams;
  if (stated !== undefined && (typeof stated !== "number" || !Number.isFinite(stated) || stated <= 0 || stated > 1e14)) fail("invalid", `The stated parameter count must be a positive number, got ${String(stated)}.`);
  const contextWindow = input.contextWindow ?? fields.max_position_embeddings ?? (typeof config.max_position_embeddings === "number" ? config.max_position_embeddings : undefined) ?? CLASS_DEFAULT_CONTEXT.get(arch.modelType);
  if (contextWindow === undefined) fail("invalid", "config.json is missing max_position_embeddings; give the model's context window.");
  if (!Number.isInteger(contextWindow) || contextWindow <= 0 || contextWindow > 1e9) fail("invalid", `The context window must be a positive whole number of tokens, got ${contextWindow}.`);
  const pathName = typeof config._name_or_path === "string" && config._name_or_path.trim() ? config._name_or_path.trim().split("/").pop() : undefined;
  const name = optionalName(input.name, "name") ?? optionalName(input.id, "id") ?? optionalName(pathName, "name") ?? `Custom ${config.model_type}`;
  const id = input.id !== undefined ? optionalName(input.id, "id")! : slugId(name);
  if (!/^[a-z0-9][a-z0-9.\-]*$/.test(id)) fail("invalid", `The model id '${id}' must be lowercase letters, digits, '.' and '-' (starting with a letter or digit).`);
  const hfId = optionalName(input.hfId, "Hugging Face id");
  const dtype = gguf ? "gguf" : checkpointDtypeOf(config, totalSize, params.total);
  const moe = arch.layers.some((l) => l.ffn.kind === "moe");
  const dtypeNote = gguf ? ggufNote(gguf) : config.quantization_config ? `pre-quantized ${dtype} checkpoint` : declaredDtype(config) ? `${dtype} checkpoint` : `no torch_dtype in config.json: ${dtype} assumed`;
  const record = {
    id,
    name,
    aliases: [],
    company: "Custom",
    family: "Custom",
    releaseDate: CUSTOM,
    license: "unknown",
    modality: modalityOf(config),
    architecture: `${gguf ? "Read from GGUF" : "Imported config.json"}: ${config.model_type}, ${fields.num_hidden_layers} layers, hidden ${fields.hidden_size}, ${fields.num_attention_heads} query / ${fields.num_key_value_heads} KV heads${moe ? ", MoE" : ""}`,
    contextWindow,
    hfIds: { quantized: [], ...(hfId ? { instruct: hfId } : {}) },
    checkpoint: { repo: hfId ?? id, dtype, ...(totalSize !== undefined ? { safetensorsBytes: totalSize } : {}) },
    params: {
      total: stated ?? params.total,
      active: moe ? params.active : null,
      source: CUSTOM,
      note: stated !== undefined ? "total as stated by the user" : gguf ? `derived from the GGUF metadata; the file holds ${gguf.params.toLocaleString("en-US")} parameters` : "derived from config.json",
    },
    config,
    notes: gguf ? `Read by the user from ${gguf.files.join(", ")} (${dtypeNote}); metadata is not sourced.` : `Imported by the user from config.json (${dtypeNote}); metadata is not sourced.`,
    sources: [],
    custom: true as const,
  };
  const parsed = modelRecordSchema.safeParse(record);
  if (!parsed.success) fail("invalid", `The imported model is invalid: ${parsed.error.issues[0]?.message} at ${parsed.error.issues[0]?.path.join(".")}.`);
  return { record: parsed.data, arch, params, ...(gguf ? { fileWeights: gguf } : {}) };
}

// ---- GGUF weights --------------------------------------------------------------------

/** Share of the file's parameters the architecture read from its metadata may miss (rope tables, Gemma 3's q/k norms). */
const GGUF_PARAM_TOLERANCE = 0.03;

/**
 * Validates a GGUF's exact weights and checks them against the architecture its
 * metadata describes: a file whose tensors hold far more or fewer parameters than
 * that architecture has a layout this reader does not understand, so KV and
 * activation sizes derived from it could not be trusted either.
 */
function checkFileWeights(input: ConfigImportInput, derived: number): FileWeights {
  const r = fileWeightsSchema.safeParse(input.gguf);
  if (!r.success) fail("invalid", `The GGUF weights are invalid: ${r.error.issues[0]?.path.join(".") || "value"} ${r.error.issues[0]?.message}.`);
  const w = r.data;
  if (input.index !== undefined && input.index !== null) fail("invalid", "A GGUF file carries its exact size; it takes no model.safetensors.index.json.");
  const inFile = w.params - w.mtpParams;
  if (Math.abs(derived / inFile - 1) > GGUF_PARAM_TOLERANCE)
    fail("unsupported", `The GGUF's metadata describes a ${String((input.config as Json)?.model_type ?? "model")} of ${derived.toLocaleString("en-US")} parameters but its tensors hold ${inFile.toLocaleString("en-US")}: this file's layout is not understood, so its memory cannot be estimated.`);
  return w;
}

/** "2,000 tensors, 4.68 GiB: Q4_K 71%, Q6_K 19%, …" */
function ggufNote(w: FileWeights): string {
  const mix = Object.entries(w.types)
    .sort((a, b) => b[1] - a[1])
    .map(([t, b]) => `${t} ${((100 * b) / w.totalBytes).toFixed(b / w.totalBytes < 0.01 ? 1 : 0)}%`)
    .join(", ");
  return `${w.tensors.toLocaleString("en-US")} tensors, ${w.totalBytes.toLocaleString("en-US")} bytes exactly: ${mix}`;
}
