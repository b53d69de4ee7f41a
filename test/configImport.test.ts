// config.json import: every reference model rebuilt into a config.json imports
// to the published (or the catalog's own) parameter count; malformed, absurd
// and hostile configs are clear errors and register nothing; custom names never
// shadow catalog names; custom entries invalidate the prepared-setup cache.
import * as fs from "fs";
import * as path from "path";
import { catalog, clearCustomEntries, customEntries, findGpu, findModel, setCustomEntries, type ModelEntry } from "../src/core/catalog";
import { importModel } from "../src/core/configImport";
import { customGpu } from "../src/core/customStore";
import { FitError } from "../src/core/errors";
import { estimate } from "../src/core/estimate";
import { expectFitError } from "./support/fitError";

// ---- the reference models, rebuilt into config.json files ----------------------

// Architecture fields read from each model's config.json and model card, with the key and source of every value (test/data/README.md).
const SPECS = path.join(__dirname, "data", "model-specs.json");

function loadSpecs(): Spec[] {
  return JSON.parse(fs.readFileSync(SPECS, "utf8")) as Spec[];
}

type Spec = Record<string, unknown> & { hf_id: string; model_type: string; raw: Record<string, string> };

/** Reference fields that describe the record, not a config.json key. */
const NOT_CONFIG = new Set([
  "hf_id", "model_type", "text_model_type", "architecture_family", "architectures", "head_dim_source", "head_dim_x_heads_equals_hidden", "layer_types_summary",
  "vision_hidden_size", "vision_depth", "total_params", "active_params", "params_note", "params_source", "safetensors_total_size", "raw", "source_urls",
  "config_provenance", "notes", "context_length_stated", "moe_layer_layout", "quantization_config",
]);

/** The config key a reference field was read from: its raw entry when that names a key, else the field's own name; undefined when derived or absent. */
function keyOf(spec: Spec, field: string, textPrefix: string): string | undefined {
  const raw = spec.raw[field];
  if (raw === undefined || raw === field || spec.raw.all !== undefined) return textPrefix + field;
  if (/^(derived|absent|not set|count of)/.test(raw) || raw.includes("+")) return field === "num_hidden_layers" ? textPrefix + field : undefined;
  // "intermediate_size (expert FFN width; …)": the key comes first.
  return raw.split(" ")[0];
}

function put(config: Record<string, unknown>, keyPath: string, value: unknown): void {
  const parts = keyPath.split(".");
  let o = config;
  for (const p of parts.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
  o[parts[parts.length - 1]] = value;
}

/** "linear_attention x24, full_attention x8; repeating period 4: ['a', 'b']" → the full per-layer list. */
function layerTypes(summary: string, n: number): string[] | undefined {
  const m = /period \d+: \[(.*)\]/.exec(summary);
  if (!m) return undefined;
  const period = m[1].split(",").map((s) => s.trim().replace(/^'|'$/g, ""));
  return Array.from({ length: n }, (_, i) => period[i % period.length]);
}

/** A config.json rebuilt from a reference record's values and the config keys its raw block names. */
function rebuild(spec: Spec): { config: Record<string, unknown>; index?: string } {
  const textPrefix = (spec.raw.hidden_size ?? "").startsWith("text_config.") ? "text_config." : "";
  const config: Record<string, unknown> = { model_type: spec.model_type.split(" ")[0] };
  if (textPrefix && typeof spec.text_model_type === "string") put(config, "text_config.model_type", spec.text_model_type);
  for (const [field, value] of Object.entries(spec)) {
    if (NOT_CONFIG.has(field) || value === null) continue;
    const key = keyOf(spec, field, textPrefix);
    // Records summarise a long per-layer list ("62 x 1 (all full attention)"); config.json holds the list.
    const summary = typeof value === "string" ? /^(\d+) x (\d+) \(/.exec(value) : null;
    if (key) put(config, key, summary ? Array.from({ length: Number(summary[1]) }, () => Number(summary[2])) : value);
  }
  if (spec.moe_layer_layout !== null && spec.raw.moe_layer_layout) put(config, spec.raw.moe_layer_layout, spec.moe_layer_layout);
  if (spec.raw.layer_types && typeof spec.layer_types_summary === "string") put(config, spec.raw.layer_types, layerTypes(spec.layer_types_summary, spec.num_hidden_layers as number));
  if (spec.quantization_config) config.quantization_config = spec.quantization_config;
  return { config, index: spec.safetensors_total_size ? JSON.stringify({ metadata: { total_size: spec.safetensors_total_size } }) : undefined };
}

/** "8.2B", "~230B (M2 family)", "235B" → parameters. */
function stated(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  const m = typeof v === "string" ? /([\d.]+)\s*B/.exec(v) : null;
  return m ? Number(m[1]) * 1e9 : undefined;
}

const catalogByHfId = (hfId: string): ModelEntry | undefined => {
  const id = hfId.split(" ")[0].toLowerCase();
  return catalog().models.find((m) => [m.record.checkpoint.repo, m.record.hfIds.base, m.record.hfIds.instruct, ...m.record.hfIds.quantized].some((r) => r?.toLowerCase() === id));
};

/** model_types the estimator does not understand: the import must say so and list what it does. */
const UNSUPPORTED_TYPE: Record<string, string> = {
  "baidu/ERNIE-4.5-21B-A3B-PT": "ernie4_5_moe",
  "baidu/ERNIE-4.5-300B-A47B-PT": "ernie4_5_moe",
};

/** Pre-quantized checkpoints with no native format here: a clear error; without quantization_config the architecture still imports. */
const UNSUPPORTED_QUANT: Record<string, RegExp> = {
  "Qwen/Qwen3.6-27B (via nvidia/Qwen3.6-27B-NVFP4)": /ModelOpt 'MIXED_PRECISION'.*Import the unquantized/,
};

/**
 * Records that read only quant_method and format of quantization_config: the import refuses to guess
 * bits and group size; with the catalog checkpoint's full block it imports to the catalog's native format.
 */
const PARTIAL_QUANT: Record<string, RegExp> = {
  "moonshotai/Kimi-K2.5": /'pack-quantized': no config_groups, so its bits and group size are unknown/,
};

/** Records that did not read a field every config.json has: the import names the first missing field. */
const INCOMPLETE: Record<string, string> = {
  "MiniMaxAI/MiniMax-M2.1": "vocab_size",
  "ibm-granite/granite-4.0-micro": "num_key_value_heads",
  "HuggingFaceTB/SmolLM3-3B": "num_attention_heads",
  "tiiuae/Falcon-H1-0.5B-Instruct": "vocab_size",
  "tiiuae/Falcon-H1-7B-Instruct": "vocab_size",
  "tiiuae/Falcon-H1-34B-Instruct": "vocab_size",
};

/** Config keys a record states only in its notes (not as fields); the rebuild adds them. */
const FROM_NOTES: Record<string, Record<string, unknown>> = {
  "google/gemma-4-26B-A4B": { "text_config.enable_moe_block": true, "text_config.global_head_dim": 512, "text_config.num_global_key_value_heads": 2, "text_config.attention_k_eq_v": true },
  "CohereForAI/c4ai-command-r-plus": { use_qk_norm: true },
  "nvidia/NVIDIA-Nemotron-3-Super-120B-A12B-FP8": { moe_latent_size: 1024 },
  // The record's notes state the DSA lightning indexer: index_n_heads 64, index_head_dim 128.
  "deepseek-ai/DeepSeek-V3.2": { index_n_heads: 64, index_head_dim: 128 },
};

/** Layouts refused as not modelled yet (importing would silently miscount). Nemotron-3-Super's LatentMoE (moe_latent_size) is modelled now: it imports and matches the catalog. */
const UNMODELLED: Record<string, RegExp> = {};

/** Keys of Google's reference code (gemma_pytorch) that config.json spells differently. */
const REFERENCE_CODE_KEYS: Record<string, string> = { sliding_window_size: "sliding_window" };

/**
 * Where a record differs from the catalog's checkpoint in a way its fields cannot carry:
 * relative tolerance and why. Everything else must match exactly.
 */
const CATALOG_TOLERANCE: Record<string, [number, string]> = {
  "mistralai/Mixtral-8x22B-v0.1": [1e-4, "the base checkpoint's vocab (32000) vs the catalog's instruct checkpoint (32768)"],
  "deepseek-ai/DeepSeek-V3": [1e-7, "topk_method noaux_tc (router bias) is not a recorded field"],
  "deepseek-ai/DeepSeek-R1": [1e-7, "topk_method noaux_tc (router bias) is not a recorded field"],
  "moonshotai/Kimi-K2-Instruct": [1e-7, "topk_method noaux_tc (router bias) is not a recorded field"],
  "moonshotai/Kimi-K2.5": [1e-7, "topk_method noaux_tc (router bias) is not a recorded field"],
  "google/gemma-3-4b-it": [1e-4, "Google's reference code has vocab 262144; config.json has 262208 (image tokens)"],
  "google/gemma-3-12b-it": [1e-4, "Google's reference code has vocab 262144; config.json has 262208 (image tokens)"],
  "google/gemma-3-27b-it": [1e-4, "Google's reference code has vocab 262144; config.json has 262208 (image tokens)"],
  "deepseek-ai/DeepSeek-V3.2": [1e-7, "topk_method noaux_tc (router bias) is not a recorded field"],
  "zai-org/GLM-5": [1.5e-3, "the record does not state the DSA indexer (index_n_heads, index_head_dim) the config carries"],
};

/** A size the repo name states ("Qwen2.5-72B"), used when neither the record nor the catalog has a count. */
function nameSize(hfId: string): number | undefined {
  const m = /-(\d+(?:\.\d+)?)B(?:-|$| )/.exec(hfId);
  return m ? Number(m[1]) * 1e9 : undefined;
}

/** Within 2% of a published figure, widened by its rounding ("72B" is rounded to 1e9). */
const within = (derived: number, published: number, roundedTo = 0) => derived >= (published - roundedTo / 2) * 0.98 && derived <= (published + roundedTo / 2) * 1.02;

/**
 * The rebuilt config, with what the record did not read filled from the catalog's
 * config.json: the fields an import reports missing, and the fields the record
 * calls absent (it read an excerpt, which cannot show a key is absent).
 */
function completeFromCatalog(spec: Spec, config: Record<string, unknown>, cat: ModelEntry): Record<string, unknown> {
  const catConfig = cat.record.config as Record<string, unknown>;
  for (const [field, raw] of Object.entries(spec.raw)) if (raw.startsWith("absent") && catConfig[field] !== undefined) config[field] = catConfig[field];
  for (let i = 0; i < 20; i++) {
    try {
      importModel({ config });
      return config;
    } catch (e) {
      const names = [...(e as Error).message.matchAll(/missing (?:the number )?'?([\w.]+)'?(?: or '([\w.]+)')?/g)].flatMap((m) => [m[1], m[2]]).filter(Boolean).map((k) => k.replace(/^text_config\./, "").replace(/\.$/, ""));
      const key = names.find((k) => catConfig[k] !== undefined);
      if (!key) throw e;
      config[key] = catConfig[key];
    }
  }
  return config;
}

describe("reference models rebuilt into config.json", () => {
  const specs = loadSpecs();
  test("all 79 reference records are read", () => expect(specs.length).toBe(79));

  test.each(specs.map((s) => [s.hf_id, s] as const))("%s", (hfId, spec) => {
    const { config, index } = rebuild(spec);
    for (const [from, to] of Object.entries(REFERENCE_CODE_KEYS)) if (from in config) [config[to], config[from]] = [config[from], undefined];
    for (const [k, v] of Object.entries(FROM_NOTES[hfId] ?? {})) put(config, k, v);
    const cat = catalogByHfId(hfId);

    if (UNSUPPORTED_TYPE[hfId]) return expectFitError(() => importModel({ config }), "unsupported", new RegExp(`Unsupported model_type '${UNSUPPORTED_TYPE[hfId]}'. Supported: .*qwen3_moe`));
    if (UNMODELLED[hfId]) return expectFitError(() => importModel({ config }), "unsupported", UNMODELLED[hfId]);
    if (UNSUPPORTED_QUANT[hfId]) {
      expectFitError(() => importModel({ config }), "unsupported", UNSUPPORTED_QUANT[hfId]);
      delete config.quantization_config;
    }
    if (PARTIAL_QUANT[hfId]) {
      expectFitError(() => importModel({ config }), "unsupported", PARTIAL_QUANT[hfId]);
      if (!cat) throw new Error(`${hfId}: no catalog record to complete quantization_config from`);
      config.quantization_config = (cat.record.config as Record<string, unknown>).quantization_config;
      expect(importModel({ config }).record.checkpoint.dtype).toBe(cat.record.checkpoint.dtype);
    }
    let input = config;
    if (INCOMPLETE[hfId]) {
      expectFitError(() => importModel({ config }), "invalid", new RegExp(`config.json is missing ${INCOMPLETE[hfId]}\\.`));
      if (!cat) return; // nothing to complete it from
      input = completeFromCatalog(spec, config, cat);
    }

    const m = importModel({ config: input, index, name: "Reference import" });
    expect(m.arch.layers.length).toBe(spec.num_hidden_layers ?? cat?.arch.layers.length);
    expect(m.arch.hidden).toBe(spec.hidden_size);
    const published = stated(spec.total_params);
    if (published !== undefined) {
      expect({ hfId, derived: m.params.total, published, ok: within(m.params.total, published) }).toMatchObject({ ok: true });
    } else if (cat) {
      // Records carry a vision tower's width and depth only, not a config it could be rebuilt from: compare the text model.
      const [tol] = CATALOG_TOLERANCE[hfId] ?? [0];
      expect({ hfId, imported: m.params.text, catalog: cat.params.text, ok: Math.abs(m.params.text / cat.params.text - 1) <= tol }).toMatchObject({ ok: true });
    } else {
      const size = nameSize(hfId);
      if (size !== undefined) expect({ hfId, derived: m.params.total, size, ok: within(m.params.total, size, 1e9) }).toMatchObject({ ok: true });
    }
  });
});

// ---- bad input ---------------------------------------------------------------------

const qwen3 = () => JSON.parse(JSON.stringify(findModel("qwen3-8b").record.config)) as Record<string, unknown>;

describe("bad config.json input is a clear FitError", () => {
  afterEach(() => clearCustomEntries());

  test.each([
    ["not JSON", "{ model_type: qwen3", "invalid", /config.json is not valid JSON/],
    ["an array", "[1, 2]", "invalid", /must be a JSON object/],
    ["empty text", "", "invalid", /not valid JSON/],
  ])("%s", (_what, text, kind, message) => expectFitError(() => importModel({ config: text }), kind as FitError["kind"], message));

  test.each(["num_key_value_heads", "num_hidden_layers", "hidden_size", "vocab_size", "num_attention_heads", "model_type"])("missing %s is named", (field) => {
    const c = qwen3();
    delete c[field];
    expectFitError(() => importModel({ config: c }), "invalid", new RegExp(`config.json is missing ${field}\\.`));
  });

  test("a missing field inside text_config is named with its path", () => {
    const c = JSON.parse(JSON.stringify(findModel("qwen3.5-9b").record.config));
    delete c.text_config.num_key_value_heads;
    expectFitError(() => importModel({ config: c }), "invalid", /config.json is missing text_config.num_key_value_heads/);
  });

  test.each([
    ["num_hidden_layers", -4, /num_hidden_layers.*at least 1/],
    ["num_hidden_layers", 0, /num_hidden_layers.*at least 1/],
    ["num_attention_heads", 1e12, /num_attention_heads.*at most/],
    ["num_hidden_layers", 36.5, /num_hidden_layers.*must be a whole number/],
    ["hidden_size", 4, /hidden_size.*at least 8/],
    ["hidden_size", 10_000_000, /hidden_size.*at most/],
    ["hidden_size", "4096", /hidden_size \("4096"\): must be a whole number/],
    ["vocab_size", Number.NaN, /vocab_size/],
    ["num_key_value_heads", 64, /num_key_value_heads \(64\) exceeds num_attention_heads/],
  ])("absurd %s = %p", (field, value, message) => {
    const c = qwen3();
    c[field] = value;
    expectFitError(() => importModel({ config: c }), "invalid", message);
  });

  test.each([
    ["__proto__ at the top", '{"model_type":"qwen3","__proto__":{"num_hidden_layers":1}}', /forbidden key '__proto__'/],
    ["__proto__ deep inside", '{"model_type":"qwen3","rope_scaling":{"x":[{"__proto__":{"polluted":true}}]}}', /forbidden key '__proto__' in rope_scaling.x\[0\]/],
    ["constructor", '{"model_type":"qwen3","constructor":{"prototype":{"polluted":true}}}', /forbidden key 'constructor'/],
    ["prototype in text_config", '{"model_type":"qwen3_5","text_config":{"prototype":1}}', /forbidden key 'prototype' in text_config/],
  ])("%s is refused", (_what, text, message) => {
    expect(Object.keys(JSON.parse(text)).length + JSON.stringify(JSON.parse(text)).length).toBeGreaterThan(0);
    expectFitError(() => importModel({ config: text }), "invalid", message);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(customEntries().models).toHaveLength(0);
  });

  test("an object whose fields come from its prototype is not trusted", () => {
    const hostile = Object.create(qwen3()) as Record<string, unknown>;
    expectFitError(() => importModel({ config: hostile }), "invalid", /missing model_type/);
  });

  test("deeply nested JSON is refused without overflowing the stack", () => {
    const text = "{\"model_type\":\"qwen3\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
    expectFitError(() => importModel({ config: text }), "invalid", /nested more than/);
  });

  test("an unsupported model_type lists the supported ones, never a dense guess", () => {
    const c = qwen3();
    c.model_type = "gpt2";
    expectFitError(() => importModel({ config: c }), "unsupported", /Unsupported model_type 'gpt2'. Supported: .*llama.*qwen3/);
  });

  test.each([
    ["awq", { quant_method: "awq", bits: 4 }, /pre-quantized AWQ checkpoint.*--quant/],
    ["gptq", { quant_method: "gptq", bits: 4 }, /pre-quantized GPTQ checkpoint/],
    ["bitsandbytes", { quant_method: "bitsandbytes", load_in_4bit: true }, /BITSANDBYTES/],
    ["compressed-tensors int4", { quant_method: "compressed-tensors", format: "pack-quantized", config_groups: { g: { weights: { type: "int", num_bits: 4 } } } }, /integer weights/],
    ["an unknown method", { quant_method: "hqq" }, /quant_method 'hqq'/],
  ])("a pre-quantized %s checkpoint without a native format here is refused", (_what, q, message) => {
    const c = qwen3();
    c.quantization_config = q;
    expectFitError(() => importModel({ config: c }), "unsupported", message);
  });

  test.each([
    [{ quant_method: "fp8", fmt: "e4m3", weight_block_size: [128, 128] }, "fp8"],
    [{ quant_method: "modelopt", quant_algo: "FP8" }, "fp8"],
    [{ quant_method: "modelopt", quant_algo: "NVFP4" }, "nvfp4"],
    [{ quant_method: "compressed-tensors", format: "float-quantized" }, "fp8"],
    [{ quant_method: "compressed-tensors", format: "nvfp4-pack-quantized" }, "nvfp4"],
    [{ quant_method: "compressed-tensors", config_groups: { g: { weights: { type: "float", num_bits: 8 } } } }, "fp8"],
  ])("quantization_config %j is a native %s checkpoint", (q, dtype) => {
    const c = qwen3();
    c.quantization_config = q;
    expect(importModel({ config: c }).record.checkpoint.dtype).toBe(dtype);
  });

  test("gpt-oss's MXFP4 checkpoint and a float32 config keep their format", () => {
    expect(importModel({ config: findModel("gpt-oss-20b").record.config }).record.checkpoint.dtype).toBe("mxfp4");
    expect(importModel({ config: { ...qwen3(), torch_dtype: "float32" } }).record.checkpoint.dtype).toBe("fp32");
    expectFitError(() => importModel({ config: { ...qwen3(), torch_dtype: "int3" } }), "unsupported", /torch_dtype 'int3'/);
  });

  test.each([
    ["not JSON", "{", /index.json is not valid JSON/],
    ["no metadata", "{}", /metadata.total_size is missing/],
    ["a negative size", '{"metadata":{"total_size":-5}}', /index.json/],
    ["another model's size", '{"metadata":{"total_size":1000}}', /belongs to another model/],
  ])("a bad safetensors index (%s) is refused", (_what, index, message) => expectFitError(() => importModel({ config: qwen3(), index }), "invalid", message));
});

// ---- what an import yields --------------------------------------------------------

describe("an imported model", () => {
  afterEach(() => clearCustomEntries());

  test("is the catalog model's architecture, with custom metadata and the index's exact size", () => {
    const cat = findModel("qwen3-8b");
    const m = importModel({ config: JSON.stringify(cat.record.config), index: JSON.stringify({ metadata: { total_size: 16381470720 }, weight_map: {} }), name: "My Qwen", statedParams: 8.2e9 });
    expect(m.params).toEqual(cat.params);
    expect(m.record).toMatchObject({ id: "my-qwen", name: "My Qwen", company: "Custom", license: "unknown", releaseDate: "custom", custom: true, contextWindow: 40960, modality: "text", checkpoint: { dtype: "bf16", safetensorsBytes: 16381470720 }, params: { total: 8.2e9, source: "custom" } });
    expect(m.record.sources).toEqual([]);
  });

  test("a vision_config makes it text+vision; text_config's context window is used", () => {
    const m = importModel({ config: findModel("qwen3.5-9b").record.config, name: "Vision import" });
    expect(m.record.modality).toBe("text+vision");
    expect(m.record.contextWindow).toBe(findModel("qwen3.5-9b").arch.maxPositions);
    expect(m.params.total).toBe(findModel("qwen3.5-9b").params.total);
  });

  test("a config without max_position_embeddings needs the context window stated", () => {
    const c = JSON.parse(JSON.stringify(findModel("minimax-m2").record.config));
    expectFitError(() => importModel({ config: c }), "invalid", /missing max_position_embeddings/);
    expect(importModel({ config: c, contextWindow: 196608 }).record.contextWindow).toBe(196608);
  });

  test("every catalog config imports to the catalog's own architecture and checkpoint format", () => {
    for (const cat of catalog().models) {
      const m = importModel({ config: cat.record.config, name: `x ${cat.record.id}`, contextWindow: cat.record.contextWindow });
      expect({ id: cat.record.id, total: m.params.total, dtype: m.record.checkpoint.dtype }).toEqual({ id: cat.record.id, total: cat.params.total, dtype: cat.record.checkpoint.dtype });
    }
  });
});

// ---- the custom registry -------------------------------------------------------------

describe("custom models and GPUs resolve like catalog names", () => {
  afterEach(() => clearCustomEntries());
  const myGpu = () => customGpu({ name: "Lab Card 48", memoryGiB: 47.5, bandwidthGBs: 960, bf16Tflops: 180 });

  test("a registered model and GPU are found by name and estimated", () => {
    const m = importModel({ config: qwen3(), name: "Lab Qwen" });
    setCustomEntries({ models: [m], gpus: [myGpu()] });
    expect(findModel("lab qwen")).toBe(m);
    expect(findGpu("Lab Card 48").memoryBytes).toBe(Math.round(47.5 * 2 ** 30));
    const e = estimate({ model: "lab-qwen", gpu: "lab-card-48", ctx: 8192 });
    const ref = estimate({ model: "qwen3-8b", vramGiB: 47.5, ctx: 8192 });
    expect(e.totalBytes).toBe(ref.totalBytes);
    expect(e.fits).toBe(ref.fits);
    expect(e.gpu).toBe("lab-card-48");
  });

  test.each([
    ["the catalog id", { name: "Qwen3-8B" }],
    ["a catalog alias", { name: "x", id: "qwen3-8b" }],
    ["a catalog HF repo", { name: "y", hfId: "Qwen/Qwen3-8B" }],
    ["a catalog quantized repo", { name: "Qwen/Qwen3-8B-AWQ" }],
  ])("a custom model named like %s is rejected", (_what, names) => {
    const before = customEntries();
    expectFitError(() => setCustomEntries({ models: [importModel({ config: qwen3(), ...names })] }), "invalid", /already names the catalog model 'qwen3-8b'/);
    expect(customEntries()).toEqual(before);
  });

  test("a custom GPU named like a catalog GPU is rejected, and so are two custom entries with one name", () => {
    expectFitError(() => setCustomEntries({ gpus: [customGpu({ name: "RTX 4090", memoryGiB: 24, bandwidthGBs: 1000 })] }), "invalid", /already names the catalog GPU 'nvidia-rtx-4090'/);
    const m = importModel({ config: qwen3(), name: "Twin" });
    expectFitError(() => setCustomEntries({ models: [m, importModel({ config: qwen3(), name: "twin" })] }), "invalid", /both answer to/);
    expect(customEntries().models).toHaveLength(0);
  });

  test("only entries marked custom can be registered", () => {
    expectFitError(() => setCustomEntries({ models: [findModel("qwen3-8b")] }), "invalid", /not marked as a custom model/);
  });

  test("re-registering invalidates prepared setups cached by name", () => {
    setCustomEntries({ models: [importModel({ config: qwen3(), name: "Swap" })] });
    const first = estimate({ model: "swap", ctx: 4096 }).weightsBytes;
    setCustomEntries({ models: [importModel({ config: findModel("qwen3-0.6b").record.config, name: "Swap" })] });
    const second = estimate({ model: "swap", ctx: 4096 }).weightsBytes;
    expect(second).toBeLessThan(first / 5);
    clearCustomEntries();
    expectFitError(() => estimate({ model: "swap" }), "not-found", /Unknown model 'swap'/);
  });

  test.each([
    [{ name: "", memoryGiB: 24, bandwidthGBs: 1000 }, /name must not be empty/],
    [{ name: "Tiny", memoryGiB: 0, bandwidthGBs: 1000 }, /memoryGiB must be at least 0.25/],
    [{ name: "Huge", memoryGiB: 1e9, bandwidthGBs: 1000 }, /memoryGiB must be at most/],
    [{ name: "Slow", memoryGiB: 24, bandwidthGBs: -1 }, /bandwidthGBs must be at least 1/],
    [{ name: "NaN", memoryGiB: Number.NaN, bandwidthGBs: 100 }, /memoryGiB/],
    [{ name: "Extra", memoryGiB: 24, bandwidthGBs: 100, watts: 300 }, /Unrecognized key|watts/],
  ])("custom GPU %j is refused", (input, message) => expectFitError(() => customGpu(input as never), "invalid", message));
});
