// Custom models and GPUs kept in the workbook: saved through the settings
// adapter, reloaded into a cleared registry, they give identical estimates; bad,
// foreign or tampered stored data is a clear error that registers nothing of
// itself, keeps every good entry loading, and is never lost on the next save.
import { clearCustomEntries, customEntries, findModel } from "../src/core/catalog";
import { customModelInput, readCustom, serializeCustom, MAX_STORE_CHARS, type CustomInputs } from "../src/core/customStore";
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
    expect(loaded.inputs.unloaded).toEqual([]);
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
    expect(readCustom(stored).inputs).toEqual({ ...inputs(), unloaded: [] });
  });

  test("a workbook without custom entries clears the registry", () => {
    const settings = fakeSettings();
    return saveCustom(settings, inputs()).then(() => {
      const empty = fakeSettings();
      expect(loadCustom(empty)).toEqual({ inputs: { models: [], gpus: [], unloaded: [] }, entries: { models: [], gpus: [] } });
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

describe("bad stored data: a clear reason, the good entries load, nothing is lost", () => {
  const good = () => serializeCustom(inputs());
  const tamper = (f: (j: Record<string, any>) => void) => {
    const j = JSON.parse(good());
    f(j);
    return JSON.stringify(j);
  };

  test.each([
    ["not JSON", "{version:1", /not valid JSON/],
    ["not a string", { version: 1, models: [], gpus: [] }, /not a JSON string/],
    ["a foreign add-in's setting", JSON.stringify({ theme: "dark" }), /version none/],
    ["a future version", tamper((j) => (j.version = 2)), /version 2; this add-in reads version 1/],
    ["an extra top-level key", tamper((j) => (j.extra = 1)), /keys this add-in does not know \("extra"\)/],
    ["a __proto__ key at the top", good().replace('{"version":1,', '{"__proto__":{"polluted":1},"version":1,'), /keys this add-in does not know \("__proto__"\)/],
    ["models that are not a list", tamper((j) => (j.models = {})), /models and gpus must be lists/],
    ["too long", " ".repeat(MAX_STORE_CHARS + 1), /at most/],
  ])("unreadable as a whole (%s): nothing registered, the setting kept, saving refused", async (_what, stored, message) => {
    const settings = fakeSettings();
    settings.values.set(CUSTOM_SETTING, stored);
    const r = loadCustom(settings);
    expect(r.error).toMatch(/were not loaded/);
    expect(r.error).toMatch(message);
    expect(r.entries).toEqual({ models: [], gpus: [] });
    expect(r.inputs.unloaded).toEqual([{ kind: "store", raw: stored, label: "All custom entries stored in this workbook", reason: expect.stringMatching(message) }]);
    expect(customEntries()).toEqual({ models: [], gpus: [] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Saving anything would overwrite what could not be read: refused until the user removes it.
    await expect(saveCustom(settings, { ...r.inputs, gpus: [{ name: "New card", memoryGiB: 24, bandwidthGBs: 900 }] })).rejects.toThrow(/could not be read.*saving would overwrite them/);
    expect(settings.values.get(CUSTOM_SETTING)).toBe(stored);
    expect(settings.saves).toBe(0);
    // Removing it (what the list's Remove button does) writes an empty store.
    await saveCustom(settings, { ...r.inputs, unloaded: [] });
    expect(JSON.parse(settings.values.get(CUSTOM_SETTING) as string)).toEqual({ version: 1, models: [], gpus: [] });
  });

  test.each([
    ["a model without its config", (j: any) => delete j.models[0].config, "Model 'Lab MoE'", /models?.*config/],
    ["derived numbers smuggled into a model", (j: any) => (j.models[0].totalParams = 1), "Model 'Lab MoE'", /Unrecognized key|totalParams/],
    ["a tampered config", (j: any) => (j.models[0].config.num_hidden_layers = -1), "Model 'Lab MoE'", /config.json has an invalid num_hidden_layers/],
    ["an absurd GPU", (j: any) => (j.gpus[0].memoryGiB = 1e12), "GPU 'Lab Card 48'", /memoryGiB must be at most/],
    ["a GPU that is not an object", (j: any) => (j.gpus[0] = "Lab Card 48"), "GPU #1", /is not a JSON object/],
    ["a model named like a catalog model", (j: any) => (j.models[0].name = "Qwen3-8B"), "Model 'Qwen3-8B'", /already names the catalog model 'qwen3-8b'/],
    ["two GPUs with one name", (j: any) => j.gpus.push({ ...j.gpus[0] }), "GPU 'Lab Card 48'", /both answer to/],
  ])("%s: only that entry is unloaded, with its reason; the rest load; a save keeps it verbatim", async (_what, change, label, reason) => {
    const stored = tamper(change);
    const settings = fakeSettings();
    settings.values.set(CUSTOM_SETTING, stored);
    const r = loadCustom(settings);
    const unloaded = r.inputs.unloaded ?? [];
    expect(unloaded).toHaveLength(1);
    expect(unloaded[0]).toMatchObject({ label, reason: expect.stringMatching(reason) });
    expect(r.error).toMatch(/1 custom entry in this workbook did not load/);
    const stored_ = JSON.parse(stored);
    const total = stored_.models.length + stored_.gpus.length;
    expect(r.entries.models.length + r.entries.gpus.length).toBe(total - 1);
    expect(customEntries().models.length + customEntries().gpus.length).toBe(total - 1);
    // The next save (here: adding a GPU) writes the bad entry back exactly as it was.
    await saveCustom(settings, { ...r.inputs, gpus: [...r.inputs.gpus, { name: "New card", memoryGiB: 24, bandwidthGBs: 900 }] });
    const after = JSON.parse(settings.values.get(CUSTOM_SETTING) as string);
    const before = JSON.parse(stored);
    const all = [...after.models, ...after.gpus].map((x: unknown) => JSON.stringify(x));
    for (const entry of [...before.models, ...before.gpus]) expect(all).toContain(JSON.stringify(entry));
    expect(after.gpus.map((g: { name: string }) => g.name)).toContain("New card");
  });

  test("a __proto__ key inside one GPU unloads that GPU only, and pollutes nothing", () => {
    const stored = good().replace('"gpus":[{', '"gpus":[{"__proto__":{"polluted":1},');
    const r = readCustom(stored);
    expect(r.inputs.unloaded).toEqual([expect.objectContaining({ kind: "gpu", reason: expect.stringMatching(/forbidden key '__proto__'/) })]);
    expect(r.entries.models).toHaveLength(2);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.parse(serializeCustom(r.inputs)).gpus).toEqual(JSON.parse(stored).gpus);
  });

  test("one valid and one invalid model: the next save (adding a GPU) keeps both", async () => {
    // Issue 11: this wrote models: [] and lost the valid model.
    const settings = fakeSettings();
    const stored = tamper((j) => (j.models[1].config.text_config.hidden_size = "big"));
    settings.values.set(CUSTOM_SETTING, stored);
    const r = loadCustom(settings);
    expect(r.entries.models.map((m) => m.record.id)).toEqual(["lab-moe"]);
    await saveCustom(settings, { ...r.inputs, gpus: [...r.inputs.gpus, { name: "Another", memoryGiB: 16, bandwidthGBs: 500 }] });
    const after = JSON.parse(settings.values.get(CUSTOM_SETTING) as string);
    expect(after.models).toEqual(JSON.parse(stored).models);
    clearCustomEntries();
    expect(loadCustom(settings).entries.models.map((m) => m.record.id)).toEqual(["lab-moe"]);
  });

  test("entries past the limit are kept, not loaded", () => {
    const j = JSON.parse(good());
    j.gpus = Array.from({ length: 102 }, (_, i) => ({ name: `Card ${i}`, memoryGiB: 24, bandwidthGBs: 900 }));
    const r = readCustom(JSON.stringify(j));
    expect(r.entries.gpus).toHaveLength(100);
    expect(r.inputs.unloaded?.map((u) => u.reason)).toEqual([expect.stringMatching(/at most 100 custom GPUs/), expect.stringMatching(/at most 100 custom GPUs/)]);
  });

  /** A clock that moves `step` ms each time it is read. */
  const ticking = (step: number) => {
    let t = 0;
    return () => (t += step);
  };

  test("per entry, loading is time-bounded: a model whose import takes too long is not registered, and is kept", () => {
    // Each model's import reads the clock twice, so it "takes" one step: 5 ms against a 4 ms allowance.
    const r = readCustom(good(), { now: ticking(5), entryMs: 4 });
    expect(r.entries.models).toEqual([]);
    expect(r.entries.gpus.map((g) => g.id)).toEqual(["lab-card-48"]);
    expect(r.inputs.unloaded?.map((u) => [u.label, u.reason])).toEqual([
      ["Model 'Lab MoE'", expect.stringMatching(/its import took 0.0 s, over the 0.004 s allowed per entry/)],
      ["Model 'Lab Vision'", expect.stringMatching(/over the 0.004 s allowed per entry/)],
    ]);
    expect(JSON.parse(serializeCustom(r.inputs))).toEqual(JSON.parse(good()));
  });

  test("in all, loading is time-bounded: after the budget no entry is started, and the rest are kept for a reopen", () => {
    const r = readCustom(good(), { now: ticking(5), totalMs: 12 });
    expect(r.entries.models.map((m) => m.record.id)).toEqual(["lab-moe"]);
    expect(r.inputs.unloaded?.map((u) => [u.label, u.reason])).toEqual([
      ["Model 'Lab Vision'", expect.stringMatching(/loading stopped/)],
      ["GPU 'Lab Card 48'", expect.stringMatching(/loading stopped/)],
    ]);
    expect(JSON.parse(serializeCustom(r.inputs))).toEqual(JSON.parse(good()));
  });

  test("a bad stored value leaves what was registered before untouched", async () => {
    const settings = fakeSettings();
    await saveCustom(settings, inputs());
    settings.values.set(CUSTOM_SETTING, "garbage");
    expect(loadCustom(settings).error).toMatch(/not valid JSON/);
    expect(customEntries().models).toHaveLength(2);
  });

  test("settings that throw when read still let the pane start", () => {
    const settings = { ...fakeSettings(), get: () => { throw new Error("host gone"); } };
    const r = loadCustom(settings);
    expect(r.error).toMatch(/could not be read: host gone/);
    expect(r.inputs.unloaded?.[0].kind).toBe("store");
  });
});
