// Custom models and GPUs kept in the workbook: saved through the settings
// adapter, reloaded into a cleared registry, they give identical estimates; bad,
// foreign or tampered stored data is a clear error and registers nothing.
import { clearCustomEntries, customEntries, findModel } from "../src/core/catalog";
import { customModelInput, parseCustom, serializeCustom, MAX_STORE_CHARS, type CustomInputs } from "../src/core/customStore";
import { FitError } from "../src/core/errors";
import { estimate, maxContext } from "../src/core/estimate";
import { CUSTOM_SETTING, loadCustom, saveCustom, type SettingsLike } from "../src/taskpane/customSettings";

/** An in-memory stand-in for Office.context.document.settings. */
function fakeSettings(failSave = false): SettingsLike & { values: Map<string, unknown>; saves: number } {
  const values = new Map<string, unknown>();
  const s = {
    values,
    saves: 0,
    get: (name: string) => values.get(name) ?? null,
    set: (name: string, value: unknown) => void values.set(name, value),
    saveAsync: (cb?: (r: { status: string; error?: { message: string } }) => void) => {
      s.saves++;
      cb?.(failSave ? { status: "failed", error: { message: "disk full" } } : { status: "succeeded" });
    },
  };
  return s;
}

const config = (id: string) => JSON.stringify(findModel(id).record.config);

function inputs(): CustomInputs {
  return {
    models: [
      customModelInput({ config: config("qwen3-30b-a3b"), index: JSON.stringify({ metadata: { total_size: 61_064_245_248 } }), name: "Lab MoE", statedParams: 30.5e9 }),
      customModelInput({ config: config("gemma-3-4b-it"), name: "Lab Vision" }),
    ],
    gpus: [{ name: "Lab Card 48", memoryGiB: 47.5, bandwidthGBs: 960, bf16Tflops: 180 }],
  };
}

const setups = [
  { model: "lab-moe", gpu: "lab card 48", quant: "q4_k_m", runtime: "llama.cpp", ctx: 32768 },
  { model: "Lab MoE", gpu: "lab-card-48", quant: "fp8", runtime: "vllm", ctx: 16384, batch: 4 },
  { model: "lab-vision", gpu: "lab-card-48", runtime: "vllm", ctx: 8192 },
];

afterEach(() => clearCustomEntries());

describe("custom entries round-trip through the workbook settings", () => {
  test("saved, cleared, reloaded: identical estimates", async () => {
    const settings = fakeSettings();
    await saveCustom(settings, inputs());
    expect(settings.saves).toBe(1);
    expect(typeof settings.values.get(CUSTOM_SETTING)).toBe("string");
    const before = setups.map((s) => ({ e: estimate(s), maxCtx: maxContext(s) }));
    expect(before[0].e.gpu).toBe("lab-card-48");

    clearCustomEntries();
    expect(() => estimate(setups[0])).toThrow(/Unknown model 'lab-moe'/);

    const loaded = loadCustom(settings);
    expect(loaded.error).toBeUndefined();
    expect(loaded.entries.models.map((m) => m.record.id)).toEqual(["lab-moe", "lab-vision"]);
    expect(loaded.entries.gpus.map((g) => g.id)).toEqual(["lab-card-48"]);
    const after = setups.map((s) => ({ e: estimate(s), maxCtx: maxContext(s) }));
    expect(after).toEqual(before);
    expect(findModel("lab-moe").record.checkpoint.safetensorsBytes).toBe(61_064_245_248);
    expect(findModel("lab-vision").record.modality).toBe("text+vision");
  });

  test("the stored form is versioned inputs, not derived numbers, and small", () => {
    const stored = serializeCustom(inputs());
    const json = JSON.parse(stored);
    expect(Object.keys(json)).toEqual(["version", "models", "gpus"]);
    expect(json.version).toBe(1);
    expect(Object.keys(json.models[0]).sort()).toEqual(["config", "name", "safetensorsBytes", "statedParams"]);
    expect(stored).not.toMatch(/totalParams|weightsBytes|memoryBytes/);
    expect(stored.length).toBeLessThan(20_000);
    expect(parseCustom(stored)).toEqual(inputs());
  });

  test("a workbook without custom entries clears the registry", () => {
    const settings = fakeSettings();
    return saveCustom(settings, inputs()).then(() => {
      const empty = fakeSettings();
      expect(loadCustom(empty)).toEqual({ inputs: { models: [], gpus: [] }, entries: { models: [], gpus: [] } });
      expect(customEntries().models).toHaveLength(0);
    });
  });

  test("a failed save rejects with the reason", async () => {
    await expect(saveCustom(fakeSettings(true), inputs())).rejects.toThrow(/disk full/);
  });

  test("saving an entry that collides with a catalog name rejects and registers nothing", async () => {
    const settings = fakeSettings();
    const bad = { ...inputs(), gpus: [{ name: "H100 SXM", memoryGiB: 80, bandwidthGBs: 3350 }] };
    await expect(saveCustom(settings, bad)).rejects.toThrow(FitError);
    await expect(saveCustom(settings, { models: [customModelInput({ config: config("qwen3-8b"), name: "Qwen3-8B" })], gpus: [] })).rejects.toThrow(/already names the catalog model 'qwen3-8b'/);
    expect(settings.values.has(CUSTOM_SETTING)).toBe(false);
    expect(settings.saves).toBe(0);
    expect(customEntries()).toEqual({ models: [], gpus: [] });
  });
});

describe("bad stored data is a clear error and registers nothing", () => {
  const good = () => serializeCustom(inputs());
  const tamper = (f: (j: Record<string, any>) => void) => {
    const j = JSON.parse(good());
    f(j);
    return JSON.stringify(j);
  };

  test.each([
    ["not JSON", "{version:1", /not valid JSON/],
    ["not a string", { version: 1, models: [], gpus: [] }, /must be a JSON string/],
    ["a foreign add-in's setting", JSON.stringify({ theme: "dark" }), /version none/],
    ["a future version", tamper((j) => (j.version = 2)), /version 2; this add-in reads version 1/],
    ["an extra top-level key", tamper((j) => (j.extra = 1)), /Unrecognized key|extra/],
    ["a model without its config", tamper((j) => delete j.models[0].config), /models.0.config/],
    ["derived numbers smuggled in", tamper((j) => (j.models[0].totalParams = 1)), /Unrecognized key|totalParams/],
    ["a tampered config", tamper((j) => (j.models[0].config.num_hidden_layers = -1)), /Custom model Lab MoE: config.json has an invalid num_hidden_layers/],
    ["an absurd GPU", tamper((j) => (j.gpus[0].memoryGiB = 1e12)), /gpus.0.memoryGiB must be at most/],
    ["a __proto__ key", good().replace('"gpus":[{', '"gpus":[{"__proto__":{"polluted":1},'), /forbidden key '__proto__'/],
    ["too long", " ".repeat(MAX_STORE_CHARS + 1), /at most/],
  ])("%s", (_what, stored, message) => {
    const settings = fakeSettings();
    settings.values.set(CUSTOM_SETTING, stored);
    const r = loadCustom(settings);
    expect(r.error).toMatch(/were not loaded/);
    expect(r.error).toMatch(message);
    expect(r.entries).toEqual({ models: [], gpus: [] });
    expect(customEntries()).toEqual({ models: [], gpus: [] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("a bad stored value leaves what was registered before untouched", async () => {
    const settings = fakeSettings();
    await saveCustom(settings, inputs());
    settings.values.set(CUSTOM_SETTING, "garbage");
    expect(loadCustom(settings).error).toMatch(/not valid JSON/);
    expect(customEntries().models).toHaveLength(2);
  });
});
