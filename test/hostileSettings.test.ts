// The crafted workbook settings of issue 11 that left the pane at "Loading…"
// (and the shared runtime, FIT formulas included, frozen): each stored beside
// good entries, loading never throws, finishes at once, registers the good
// entries, lists the bad one with its reason, and a save keeps it verbatim.
import { clearCustomEntries, customEntries, findModel } from "../src/core/catalog";
import { customModelInput, serializeCustom } from "../src/core/customStore";
import { estimate } from "../src/core/estimate";
import { CUSTOM_SETTING, loadCustom, saveCustom, type SettingsLike } from "../src/taskpane/customSettings";
import { holdsCustom } from "../src/taskpane/workbookSettings";

type Json = Record<string, any>;
const config = (id: string): Json => JSON.parse(JSON.stringify(findModel(id).record.config));

function fakeSettings(stored: string): SettingsLike & { values: Map<string, unknown> } {
  const values = new Map<string, unknown>([[CUSTOM_SETTING, stored]]);
  return { values, get: (n) => values.get(n) ?? null, set: (n, v) => void values.set(n, v), saveAsync: (cb) => cb?.({ status: "succeeded" }) };
}

/** The hostile model entries, as a tampered workbook stores them (inputs, not derived numbers). */
const HOSTILE: Array<[string, () => Json, RegExp]> = [
  ["text_config.model_type 'constructor'", () => {
    const c = config("qwen3.5-9b");
    c.text_config.model_type = "constructor";
    return { config: c, name: "Ctor" };
  }, /Unsupported text_config.model_type 'constructor'/],
  ["Kimi-Linear kda_layers \"1,2\"", () => {
    const c = config("kimi-linear-48b-a3b-instruct");
    c.linear_attn_config.kda_layers = "1,2";
    return { config: c, name: "KDA string" };
  }, /linear_attn_config.kda_layers \("1,2"\): must be a list/],
  ["Nemotron-H with a 150,000-character pattern", () => {
    const c = config("nemotron-h-8b");
    c.hybrid_override_pattern = "M-".repeat(75_000);
    return { config: c, name: "Long pattern" };
  }, /hybrid_override_pattern .*must be at most 1,000 characters/],
  ["Kimi K2.5 with re:(.|.)*Z in its ignore list", () => {
    const c = config("kimi-k2.5");
    for (const q of [c.quantization_config, c.text_config.quantization_config]) q.ignore.push("re:(.|.)*Z", "re:" + ".*".repeat(20) + "Z", "re:(?=x)y");
    return { config: c, name: "ReDoS" };
  }, /lookaround/],
  ["num_nextn_predict_layers 1e9", () => ({ config: { ...config("deepseek-v3"), num_nextn_predict_layers: 1e9 }, name: "MTP bomb" }), /num_nextn_predict_layers .*at most 16/],
];

function goodStore(extraModels: Json[] = []): string {
  const models = [customModelInput({ config: JSON.stringify(config("qwen3-8b")), name: "Good Qwen" })];
  const json = JSON.parse(serializeCustom({ models, gpus: [{ name: "Good Card", memoryGiB: 48, bandwidthGBs: 900 }] }));
  json.models.push(...extraModels);
  return JSON.stringify(json);
}

afterEach(() => clearCustomEntries());

describe.each(HOSTILE)("a stored %s", (_what, entry, reason) => {
  test("loads the good entries at once and lists the bad one with its reason", () => {
    const settings = fakeSettings(goodStore([entry()]));
    const t0 = Date.now();
    const r = loadCustom(settings);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(r.entries.models.map((m) => m.record.id)).toEqual(["good-qwen"]);
    expect(r.entries.gpus.map((g) => g.id)).toEqual(["good-card"]);
    expect(estimate({ model: "good-qwen", gpu: "good-card", quant: "q4_k_m", runtime: "llama.cpp" }).fits).toBe(true);
    expect(r.inputs.unloaded).toEqual([expect.objectContaining({ kind: "model", label: `Model '${entry().name}'`, reason: expect.stringMatching(reason) })]);
    expect(r.error).toMatch(/1 custom entry in this workbook did not load/);
  });

  test("a save keeps it verbatim beside the new entry", async () => {
    const stored = goodStore([entry()]);
    const settings = fakeSettings(stored);
    const r = loadCustom(settings);
    await saveCustom(settings, { ...r.inputs, gpus: [...r.inputs.gpus, { name: "New Card", memoryGiB: 24, bandwidthGBs: 1000 }] });
    const after = JSON.parse(settings.values.get(CUSTOM_SETTING) as string);
    expect(after.models).toEqual(JSON.parse(stored).models);
    expect(after.gpus.map((g: Json) => g.name)).toEqual(["Good Card", "New Card"]);
    expect(customEntries().gpus.map((g) => g.id)).toEqual(["good-card", "new-card"]);
  });
});

test("all of them together: the workbook still opens with its good entries", () => {
  const settings = fakeSettings(goodStore(HOSTILE.map(([, entry]) => entry())));
  const r = loadCustom(settings);
  expect(r.entries.models.map((m) => m.record.id)).toEqual(["good-qwen"]);
  expect(r.inputs.unloaded).toHaveLength(HOSTILE.length);
  expect(r.error).toMatch(new RegExp(`${HOSTILE.length} custom entries in this workbook did not load`));
});

describe("holdsCustom: whether the pane loads the code that reads stored entries at start", () => {
  const settingsHolding = (stored: unknown, throws = false): SettingsLike => ({
    get: () => {
      if (throws) throw new Error("settings unavailable");
      return stored;
    },
    set: () => undefined,
    saveAsync: () => undefined,
  });
  test.each([
    ["nothing stored (Office gives null)", null, false],
    ["nothing stored (undefined)", undefined, false],
    ["a stored store", goodStore(), true],
    ["an empty string", "", true],
    ["garbage", "{not json", true],
  ])("%s", (_what, stored, expected) => {
    expect(holdsCustom(settingsHolding(stored))).toBe(expected);
  });
  test("settings that throw: the loader runs and reports them (never skipped silently)", () => {
    expect(holdsCustom(settingsHolding(undefined, true))).toBe(true);
    expect(loadCustom(settingsHolding(undefined, true)).error).toMatch(/settings could not be read: settings unavailable/);
  });
});
