// Hostile and broken config.json files (issue 11): each crafted config that
// hung the runtime, exhausted the heap, reached a plain-object lookup or was
// misread silently is now a clear FitError naming the field, at once; a
// byte-order mark is accepted.
import { clearCustomEntries, findModel } from "../src/core/catalog";
import { importModel } from "../src/core/configImport";
import { FitError } from "../src/core/errors";
import { expectFitError } from "./support/fitError";

type Json = Record<string, any>;
const config = (id: string): Json => JSON.parse(JSON.stringify(findModel(id).record.config));
/** Generous: these finish in milliseconds; a regression hangs for seconds or forever. */
const QUICK_MS = 2000;

/** Runs `f`, expecting a FitError of `kind` whose message matches, within QUICK_MS. */
function refused(f: () => unknown, kind: FitError["kind"], message: RegExp): void {
  const t0 = Date.now();
  expectFitError(f, kind, message);
  expect(Date.now() - t0).toBeLessThan(QUICK_MS);
}

afterEach(() => clearCustomEntries());

describe("model_type values that name Object.prototype's properties are unknown types", () => {
  test.each(["constructor", "__proto__", "toString", "hasOwnProperty"])("text_config.model_type %s", (type) => {
    const c = config("qwen3.5-9b");
    c.text_config.model_type = type;
    refused(() => importModel({ config: c }), "unsupported", new RegExp(`Unsupported text_config.model_type '${type}'. Supported: `));
  });

  test.each(["constructor", "toString", "valueOf"])("top-level model_type %s", (type) => {
    refused(() => importModel({ config: { ...config("qwen3-8b"), model_type: type } }), "unsupported", new RegExp(`Unsupported model_type '${type}'`));
  });

  test("a torch_dtype of 'constructor' is an unsupported dtype, not Object's constructor", () => {
    refused(() => importModel({ config: { ...config("qwen3-8b"), torch_dtype: "constructor" } }), "unsupported", /torch_dtype 'constructor'/);
  });
});

describe("counts that exploded are bounded", () => {
  test("num_nextn_predict_layers 1e9 (DeepSeek MTP)", () => {
    refused(() => importModel({ config: { ...config("deepseek-v3"), num_nextn_predict_layers: 1e9 } }), "invalid", /num_nextn_predict_layers \(1000000000\): must be at most 16/);
  });

  test("mtp_num_hidden_layers 1e8 (Qwen3.5 MTP)", () => {
    const c = config("qwen3.5-9b");
    c.text_config.mtp_num_hidden_layers = 1e8;
    refused(() => importModel({ config: c }), "invalid", /text_config.mtp_num_hidden_layers \(100000000\): must be at most 16/);
  });

  test("a 100,000-character hybrid_override_pattern is not an 11T-parameter model", () => {
    const c = config("nemotron-h-8b");
    c.hybrid_override_pattern = "M".repeat(100_000);
    refused(() => importModel({ config: c }), "invalid", /hybrid_override_pattern \("M+…\): must be at most 1,000 characters/);
  });

  test("a 150,000-character pattern with the layer count raised to match is refused on the count", () => {
    const c = config("nemotron-h-8b");
    c.hybrid_override_pattern = "M*".repeat(75_000);
    c.num_hidden_layers = 150_000;
    refused(() => importModel({ config: c }), "invalid", /num_hidden_layers \(150000\): must be at most 1,000/);
  });

  test("a pattern that disagrees with num_hidden_layers is refused (transformers asserts the same)", () => {
    const c = config("nemotron-h-8b");
    c.hybrid_override_pattern += "M";
    refused(() => importModel({ config: c }), "invalid", /hybrid_override_pattern has 53 blocks but num_hidden_layers is 52/);
  });

  test("an MTP pattern longer than any real one", () => {
    const c = config("nemotron-3-super-120b-a12b");
    c.mtp_hybrid_override_pattern = "*E".repeat(1000);
    refused(() => importModel({ config: c }), "invalid", /mtp_hybrid_override_pattern .*must be at most 64 characters/);
  });
});

describe("wrong types and absurd values are errors, never misread", () => {
  test("num_experts as a string does not turn Qwen3-Next into a dense model", () => {
    const c = config("qwen3-next-80b-a3b-instruct");
    c.num_experts = "512";
    refused(() => importModel({ config: c }), "invalid", /invalid num_experts \("512"\): must be a whole number/);
  });

  test("layer_types made of objects are not full attention", () => {
    const c = config("gpt-oss-20b");
    c.layer_types = c.layer_types.map(() => ({ type: "sliding_attention" }));
    refused(() => importModel({ config: c }), "invalid", /layer_types.0 \(\{"type":"sliding_attention"\}\): must be text/);
  });

  test("an unknown layer type on gpt-oss is not full attention", () => {
    const c = config("gpt-oss-20b");
    c.layer_types[3] = "linear_attention";
    refused(() => importModel({ config: c }), "unsupported", /layer type 'linear_attention' is not supported/);
  });

  test("a Kimi-Linear kda_layers string is not a layer list", () => {
    const c = config("kimi-linear-48b-a3b-instruct");
    c.linear_attn_config.kda_layers = "1,2";
    refused(() => importModel({ config: c }), "invalid", /linear_attn_config.kda_layers \("1,2"\): must be a list/);
  });

  test("vision out_hidden_size 1e300 is refused, not 5e291T parameters", () => {
    const c = config("qwen3.5-9b");
    c.vision_config.out_hidden_size = 1e300;
    refused(() => importModel({ config: c }), "invalid", /vision_config.out_hidden_size \(1e\+300\): must be at most 131,072/);
  });

  test("a negative temporal_patch_size is refused", () => {
    const c = config("qwen2.5-vl-7b-instruct");
    c.vision_config.temporal_patch_size = -2;
    refused(() => importModel({ config: c }), "invalid", /vision_config.temporal_patch_size \(-2\): must be at least 1/);
  });

  test.each([
    ["a boolean as a size", { hidden_size: true }, /hidden_size \(true\): must be a whole number/],
    ["a list as a flag", { attention_bias: [true] }, /attention_bias \(\[true\]\): must be true or false/],
    ["a negative window", { sliding_window: -4096 }, /sliding_window \(-4096\): must be at least 1/],
    ["an infinite context", { max_position_embeddings: 1e309 }, /max_position_embeddings/],
    ["a fractional head dim", { head_dim: 127.5 }, /head_dim \(127.5\): must be a whole number/],
    ["mlp_only_layers of strings", { mlp_only_layers: ["0"] }, /mlp_only_layers.0 \("0"\): must be a whole number/],
    ["a quantization ignore list of numbers", { quantization_config: { quant_method: "fp8", ignore: [1] } }, /quantization_config.ignore.0 \(1\): must be text/],
  ])("%s", (_what, patch, message) => {
    refused(() => importModel({ config: { ...config("qwen3-8b"), ...patch } }), "invalid", message);
  });

  test("null reads as unset, as Hugging Face writes it", () => {
    const m = importModel({ config: { ...config("qwen3-8b"), sliding_window: null, head_dim: null, num_experts: null } });
    expect(m.arch.layers).toHaveLength(36);
  });
});

describe("compressed-tensors ignore patterns cannot hang the import", () => {
  /** Kimi K2.5's config with `pattern` added to its ignore lists (top level, which is read, and text_config's copy). */
  const kimi = (pattern: string) => {
    const c = config("kimi-k2.5");
    for (const q of [c.quantization_config, c.text_config.quantization_config]) q.ignore.push(pattern);
    return c;
  };

  test.each(["re:(.|.)*Z", "re:" + ".*".repeat(20) + "Z", "re:(a+)+$"])("%s beside Kimi K2.5's own list imports at once", (pattern) => {
    const c = kimi(pattern);
    const t0 = Date.now();
    expect(importModel({ config: c }).record.checkpoint.dtype).toBe("w4a16-g32");
    expect(Date.now() - t0).toBeLessThan(QUICK_MS);
  });

  test("a lookahead is refused by name", () => {
    const c = kimi("re:(?=.*experts).*gate");
    refused(() => importModel({ config: c }), "unsupported", /uses a lookaround assertion/);
  });
});

test("a UTF-8 byte-order mark, as Windows editors write, is accepted", () => {
  const text = "\uFEFF" + JSON.stringify(config("qwen3-8b"), null, 2);
  expect(importModel({ config: text, name: "BOM" }).params.total).toBe(findModel("qwen3-8b").params.total);
  const index = "\uFEFF" + JSON.stringify({ metadata: { total_size: 16_381_470_720 } });
  expect(importModel({ config: text, index, name: "BOM" }).record.checkpoint.safetensorsBytes).toBe(16_381_470_720);
});
