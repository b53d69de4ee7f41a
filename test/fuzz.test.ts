// Fuzzing the four ways hostile input reaches the add-in (issue 11): mutated
// config.json files, mutated workbook settings, CLI arguments and the shapes
// Excel passes to FIT functions. Whatever comes in, the answer is a result or
// a clear error of the product's own kind — never a crash, a NaN, a hang, a
// polluted prototype or a lost stored entry. fast-check prints the seed and
// the shrunk input of any failure; rerun with it to reproduce.
import fc from "fast-check";
import { main } from "../src/cli/cli";
import { catalog, clearCustomEntries, customEntries, findModel } from "../src/core/catalog";
import { importModel } from "../src/core/configImport";
import { customModelInput, serializeCustom } from "../src/core/customStore";
import { FitError } from "../src/core/errors";
import * as functions from "../src/functions/functions";
import { CUSTOM_SETTING, loadCustom, saveCustom, type SettingsLike } from "../src/taskpane/customSettings";
import { StubError } from "../scripts/customFunctionsStub";

type Json = Record<string, any>;
/** Generous per-case bound: real cases take milliseconds; a hang or a blow-up takes far longer. */
const CASE_MS = 3000;

afterEach(() => clearCustomEntries());

/** Values a hostile file may hold where a config expects something else. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1, 0.5, -0.5, 1e9, 1e15, 1e300, -1e300, Number.MAX_SAFE_INTEGER, 2 ** 53 + 1, "", "512", "1,2", "constructor", "__proto__", "toString", "hasOwnProperty", "M".repeat(5000), "re:(.|.)*Z", "re:" + ".*".repeat(20) + "Z", "\u001b[2J"),
  fc.integer({ min: -1e6, max: 1e6 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 20 }),
  fc.array(fc.oneof(fc.integer({ min: -5, max: 2000 }), fc.string({ maxLength: 5 }), fc.constant({ type: "x" })), { maxLength: 8 }),
  fc.dictionary(fc.constantFrom("a", "num_heads", "kda_layers", "ignore", "model_type"), fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), { maxKeys: 3 }),
);

describe("config mutation", () => {
  const ids = ["qwen3-8b", "qwen3.5-9b", "qwen3-next-80b-a3b-instruct", "deepseek-v3", "kimi-k2.5", "kimi-linear-48b-a3b-instruct", "nemotron-3-super-120b-a12b", "nemotron-h-8b", "gpt-oss-20b", "gemma-3-4b-it", "jamba-1.5-mini", "llama-4-scout-17b-16e-instruct", "qwen2.5-vl-7b-instruct", "granite-4.0-h-small", "falcon-h1-7b-instruct", "glm-4.5-air", "mixtral-8x7b-instruct"].filter((id) => catalog().index.model.map.has(id));
  test("the catalog holds the configs the fuzz starts from", () => expect(ids.length).toBeGreaterThanOrEqual(12));

  /** A config with 1–4 keys replaced, added or deleted, at the top, in text_config, vision_config or a nested block. */
  const mutated = fc
    .tuple(
      fc.constantFrom(...ids),
      fc.array(fc.tuple(fc.constantFrom("", "text_config", "vision_config", "linear_attn_config", "quantization_config", "text_config.quantization_config"), fc.nat(), fc.option(hostileValue, { nil: undefined }), fc.boolean()), { minLength: 1, maxLength: 4 }),
    )
    .map(([id, edits]) => {
      const config = JSON.parse(JSON.stringify(findModel(id).record.config)) as Json;
      for (const [where, pick, value, replaceExisting] of edits) {
        const block = where.split(".").filter(Boolean).reduce<Json | undefined>((o, k) => (o && typeof o[k] === "object" && o[k] !== null ? o[k] : undefined), config);
        if (!block) continue;
        const keys = Object.keys(block);
        const known = ["model_type", "hidden_size", "num_hidden_layers", "num_experts", "num_nextn_predict_layers", "mtp_num_hidden_layers", "hybrid_override_pattern", "layer_types", "kda_layers", "ignore", "out_hidden_size", "temporal_patch_size", "sliding_window", "head_dim", "torch_dtype", "quant_method", "format"];
        const key = replaceExisting && keys.length ? keys[pick % keys.length] : known[pick % known.length];
        if (value === undefined) delete block[key];
        else block[key] = value;
      }
      return { id, config };
    });

  test("imports to finite, bounded numbers or fails with a FitError, at once, polluting nothing", () => {
    const seen = { imported: 0, refused: 0 };
    fc.assert(
      fc.property(mutated, ({ config }) => {
        const t0 = Date.now();
        let result: ReturnType<typeof importModel> | undefined;
        try {
          result = importModel({ config, name: "Fuzzed" });
        } catch (e) {
          if (!(e instanceof FitError)) throw e;
        }
        seen[result ? "imported" : "refused"]++;
        if (Date.now() - t0 > CASE_MS) return false;
        if (({} as Json).polluted !== undefined || ({} as Json).constructor !== Object) return false;
        if (!result) return true;
        const { params, arch } = result;
        return Number.isFinite(params.total) && params.total > 0 && params.total < 1e15 && Number.isFinite(params.active) && arch.layers.length <= 1000 && arch.mtp.layers.length <= 16 * 64;
      }),
      { numRuns: 400 },
    );
    // Both outcomes are exercised: a fuzz that only ever fails at the first check proves little.
    expect(seen.imported).toBeGreaterThan(20);
    expect(seen.refused).toBeGreaterThan(20);
  });

  test("text: truncated, byte-order-marked or garbled JSON is a FitError", () => {
    const text = JSON.stringify(findModel("qwen3-8b").record.config);
    fc.assert(
      fc.property(fc.nat(text.length), fc.constantFrom("", "\uFEFF", "\u0000", "{", "]"), (cut, prefix) => {
        try {
          importModel({ config: prefix + text.slice(0, cut), name: "Cut" });
          return prefix === "\uFEFF" || prefix === "";
        } catch (e) {
          return e instanceof FitError;
        }
      }),
      { numRuns: 200 },
    );
  });
});

/** JSON with every object's keys sorted: two values are the same data when their canonical texts are equal. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Json)[k])}`).join(",")}}`;
  return JSON.stringify(v) ?? "null";
}

describe("stored-settings mutation", () => {
  const good = () =>
    JSON.parse(
      serializeCustom({
        models: [customModelInput({ config: JSON.stringify(findModel("qwen3-8b").record.config), name: "Fuzz Qwen" }), customModelInput({ config: JSON.stringify(findModel("gemma-3-4b-it").record.config), name: "Fuzz Gemma" })],
        gpus: [{ name: "Fuzz Card", memoryGiB: 24, bandwidthGBs: 900 }],
      }),
    ) as Json;

  const settingsWith = (stored: unknown): SettingsLike & { values: Map<string, unknown>; saves: number } => {
    const values = new Map<string, unknown>([[CUSTOM_SETTING, stored]]);
    const s = { values, saves: 0, get: (n: string) => values.get(n) ?? null, set: (n: string, v: unknown) => void values.set(n, v), saveAsync: (cb?: (r: { status: string }) => void) => { s.saves++; cb?.({ status: "succeeded" }); } };
    return s;
  };

  /** A stored value: the good store with entries or keys replaced, or something else entirely. */
  const stored = fc.oneof(
    fc.tuple(fc.array(fc.tuple(fc.constantFrom("models", "gpus", "top", "config"), fc.nat(), fc.constantFrom("name", "config", "memoryGiB", "model_type", "hidden_size", "__proto__", "extra", "id"), fc.option(hostileValue, { nil: undefined })), { minLength: 1, maxLength: 4 })).map(([edits]) => {
      const j = good();
      for (const [where, i, key, value] of edits) {
        const target = where === "top" ? j : where === "config" ? j.models[i % j.models.length]?.config : j[where][i % Math.max(1, j[where].length)];
        if (target === null || typeof target !== "object") continue;
        if (where !== "top" && where !== "config" && i % 5 === 0) j[where][i % Math.max(1, j[where].length)] = value ?? null;
        else if (value === undefined) delete target[key];
        else Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
      }
      return JSON.stringify(j);
    }),
    hostileValue,
    fc.string({ maxLength: 40 }),
  );

  test("loading never throws, keeps every good entry, and a save loses nothing", async () => {
    const seen = { partly: 0, saved: 0 };
    await fc.assert(
      fc.asyncProperty(stored, async (value) => {
        clearCustomEntries();
        const settings = settingsWith(value);
        const t0 = Date.now();
        const r = loadCustom(settings);
        if (Date.now() - t0 > CASE_MS) return false;
        const unloaded = r.inputs.unloaded ?? [];
        if (({} as Json).polluted !== undefined) return false;
        // Registered is exactly what loaded.
        if (customEntries().models.length !== r.entries.models.length && unloaded[0]?.kind !== "store") return false;
        if (typeof value !== "string" || unloaded[0]?.kind === "store" || value === "") return true;
        const before = JSON.parse(value) as Json;
        if (r.entries.models.length + r.entries.gpus.length + unloaded.length !== before.models.length + before.gpus.length) return false;
        if (unloaded.length && r.entries.models.length + r.entries.gpus.length) seen.partly++;
        // Adding a GPU saves everything that was stored, good or bad (unless the limits are reached).
        try {
          await saveCustom(settings, { ...r.inputs, gpus: [...r.inputs.gpus, { name: "Fuzz Added", memoryGiB: 8, bandwidthGBs: 300 }] });
        } catch (e) {
          return e instanceof FitError && settings.values.get(CUSTOM_SETTING) === value;
        }
        const after = JSON.parse(settings.values.get(CUSTOM_SETTING) as string) as Json;
        seen.saved++;
        // The same entry, whatever the order of its keys (a loaded entry is written back as validated).
        const kept = new Set([...after.models, ...after.gpus].map(canonical));
        return [...before.models, ...before.gpus].every((x) => kept.has(canonical(x)));
      }),
      { numRuns: 150 },
    );
    // Stores that load in part, and saves over them, are what this is about.
    expect(seen.partly).toBeGreaterThan(10);
    expect(seen.saved).toBeGreaterThan(10);
  });
});

describe("CLI arguments", () => {
  const word = fc.oneof(
    fc.constantFrom("estimate", "fit", "model", "models", "gpus", "quants", "runtimes", "help", "qwen3-8b", "Qwen/Qwen3-8B", "deepseek-v3", "rtx 4090", "nvidia-a10g", "llama.cpp", "vllm", "ollama", "mlx", "q4_k_m", "bf16", "fp8", "-ctx", "-", "--", "constructor", "__proto__", "1e-300", "1e300", "-5", "0", "NaN", "Infinity", "4096", "/dev/zero", "/nonexistent"),
    fc.constantFrom("--json", "--explain", "--help", "--json=false", "--ctx", "--batch", "--gpu", "--vram-gib", "--gpus", "--gpu-util", "--runtime", "--quant", "--kv-dtype", "--engine-version", "--speculative-tokens", "--config", "--index", "--name", "--params", "--context-window", "--bogus", "--__proto__", "--ctx=8192", "--gpu=rtx 4090"),
    fc.constantFrom("qwen\u001b[2J", "a\nerror: forged", "\u202eevil", "x\u0007"),
    fc.string({ maxLength: 8 }),
  );
  /** Options with a plausible value, so that runs reach the estimator and its output. */
  const pair = fc.constantFrom(["--gpu", "nvidia-a10g"], ["--gpu", "rtx 4090"], ["--runtime", "llama.cpp"], ["--quant", "q4_k_m"], ["--ctx", "32768"], ["--vram-gib", "24"], ["--name", "x\u001b"]);
  const words = fc.array(fc.oneof(word.map((w) => [w]), pair), { maxLength: 5 }).map((ws) => ws.flat());

  test("exit 0 or 2, one line per error, no NaN, no raw control character, never an internal error", () => {
    const seen = { ran: 0, refused: 0 };
    fc.assert(
      fc.property(fc.constantFrom("estimate", "fit", "model", "models", "gpus", "quants", "runtimes"), words, (cmd, rest) => {
        const argv = [cmd, ...rest];
        const out: string[] = [];
        const err: string[] = [];
        const code = main(argv, (s) => out.push(s), (s) => err.push(s));
        const stdout = out.join("\n");
        const stderr = err.join("\n");
        seen[code === 0 ? "ran" : "refused"]++;
        if (code === 0) return err.length === 0 && !/NaN/.test(stdout) && !/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(stdout);
        return code === 2 && err.length === 1 && !stderr.includes("\n") && !/[\u0000-\u001f\u007f-\u009f]/.test(stderr) && !/internal error/.test(stderr) && out.length === 0;
      }),
      { numRuns: 300 },
    );
    expect(seen.ran).toBeGreaterThan(15);
    expect(seen.refused).toBeGreaterThan(15);
  });
});

describe("Excel argument shapes", () => {
  const error = fc.constantFrom("#DIV/0!", "#N/A", "#NUM!", "#NULL!", "#VALUE!", "#NAME?", "#REF!", "#SPILL!").map((code) => new StubError(code));
  const names = ["qwen3-8b", "Qwen3 8B", "deepseek-v3", "gpt-oss-20b", "qwen3.5-35b-a3b", "rtx 4090", "h100 sxm", "apple-m4-max-128gb", "q4_k_m", "bf16", "awq", "native", "llama.cpp", "vllm", "mlx", "ollama", "auto", "fp8", "total_params", "vram_gib"];
  const cell: fc.Arbitrary<unknown> = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...names) },
    { weight: 3, arbitrary: fc.constantFrom(1, 2, 4096, 32768, 131072) },
    { weight: 3, arbitrary: fc.constantFrom("", " ", "constructor", "__proto__", "x".repeat(300), 0, -1, 0.5, 1e300, Number.NaN, Number.POSITIVE_INFINITY, true, false, null) },
    { weight: 1, arbitrary: fc.integer({ min: -10, max: 100_000 }) },
    { weight: 2, arbitrary: error },
    { weight: 1, arbitrary: fc.constant({ type: "Entity", text: "x" }) },
  );
  /** What Excel may pass for one argument: omitted, a value, or a range of some shape. */
  const arg = fc.oneof(
    { weight: 2, arbitrary: fc.constant(null) },
    { weight: 4, arbitrary: cell.map((v) => [[v]]) },
    { weight: 2, arbitrary: fc.array(cell, { minLength: 1, maxLength: 4 }).map((row) => [row]) },
    { weight: 2, arbitrary: fc.array(cell, { minLength: 1, maxLength: 4 }).map((col) => col.map((v) => [v])) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.array(cell, { minLength: 9, maxLength: 9 })).map(([r, c, vs]) => Array.from({ length: r }, (_, i) => vs.slice(i * c, i * c + c))) },
    { weight: 1, arbitrary: fc.constantFrom([], [[]]) },
    { weight: 2, arbitrary: cell },
  );
  /** A plausible call, so that the fuzz reaches the estimator: each argument usually of the kind its position takes. */
  const typical: Record<string, unknown[][]> = {
    model: [["qwen3-8b"], ["deepseek-v3"], ["gpt-oss-20b"], ["qwen3.5-35b-a3b"]],
    gpu: [["rtx 4090"], ["h100 sxm"], ["apple-m4-max-128gb"]],
    quant: [["q4_k_m"], ["bf16"], ["native"], ["awq"]],
    runtime: [["llama.cpp"], ["vllm"], ["mlx"], ["ollama"]],
  };
  const ids = ["vram", "weights", "kvcache", "breakdown", "fits", "status", "headroom", "maxctx", "maxbatch", "mingpus", "toks", "model", "gpu", "models", "gpus", "quants", "runtimes", "compare"] as const;

  test("every FIT function returns a rectangle of values and Excel errors, or throws an Excel error", () => {
    const seen = { computed: 0, errors: 0 };
    const call = fc.tuple(fc.constantFrom(...ids), fc.array(fc.oneof(arg, fc.constantFrom(...Object.values(typical).flat().map((v) => [v]))), { maxLength: 8 }));
    fc.assert(
      fc.property(call, ([id, args]) => {
        const fn = (functions as unknown as Record<string, (...a: unknown[]) => unknown>)[id];
        const t0 = Date.now();
        let out: unknown;
        try {
          out = fn(...args);
        } catch (e) {
          seen.errors++;
          return e instanceof StubError && typeof e.code === "string" && Date.now() - t0 < CASE_MS;
        }
        if (Date.now() - t0 > CASE_MS || !Array.isArray(out) || out.length === 0) return false;
        const width = (out[0] as unknown[]).length;
        const cells = (out as unknown[][]).flat();
        if (cells.some((v) => !(v instanceof StubError))) seen.computed++;
        return (out as unknown[][]).every((row) => Array.isArray(row) && row.length === width) && cells.every((v) => v instanceof StubError || typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v)));
      }),
      { numRuns: 800 },
    );
    expect(seen.computed).toBeGreaterThan(50);
    expect(seen.errors).toBeGreaterThan(50);
  });

  test("an Excel error in an input column comes back as itself in that row", () => {
    const lifted = { vram: 7, weights: 4, kvcache: 6, fits: 8, status: 8, headroom: 8, maxctx: 7, maxbatch: 7, mingpus: 7, toks: 7 } as const;
    const call = fc.record({
      id: fc.constantFrom(...(Object.keys(lifted) as (keyof typeof lifted)[])),
      column: fc.nat(7),
      rows: fc.integer({ min: 2, max: 5 }),
      at: fc.nat(4),
      code: fc.constantFrom("#DIV/0!", "#N/A", "#NUM!", "#NULL!", "#VALUE!", "#NAME?", "#REF!"),
    });
    fc.assert(
      fc.property(call, ({ id, column, rows, at, code }) => {
        // A call that computes: model, then GPU where the function takes one, then a quant; the rest omitted.
        const withGpu = ["fits", "status", "headroom", "maxctx", "maxbatch", "mingpus", "toks"].includes(id);
        const args: unknown[] = [[["qwen3-8b"]], ...(withGpu ? [[["rtx 4090"]]] : []), [["q4_k_m"]]];
        while (args.length < lifted[id]) args.push(null);
        const i = column % lifted[id];
        const row = at % rows;
        args[i] = Array.from({ length: rows }, (_, r) => [r === row ? new StubError(code) : (args[i] as unknown[][] | null)?.[0][0] ?? null]);
        const out = (functions as unknown as Record<string, (...a: unknown[]) => unknown[][]>)[id](...args);
        const got = out[row][0] as StubError;
        return got instanceof StubError && got.code === (["#NAME?", "#REF!"].includes(code) ? "#VALUE!" : code);
      }),
      { numRuns: 200 },
    );
  });
});
