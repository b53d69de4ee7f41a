// What a recalculation costs per cell: the setup cache (tuple keys), names
// resolved once per text (misses too), setups that fail remembered, and usage
// remembered per (ctx, batch); each gives the answers the uncached path gives.
import fc from "fast-check";
import { catalog, clearCustomEntries, findModel } from "../src/core/catalog";
import { FitError } from "../src/core/errors";
import { evaluate, prepare, profileOf, totalPerGpu } from "../src/core/estimate";
import { customModelInput, registerCustom } from "../src/core/customStore";
import { resolve } from "../src/core/names";
import { tupleCache } from "../src/core/tupleCache";
import { rememberUsage, USAGE_MEMO_SIZE } from "../src/core/usageMemo";

afterEach(() => clearCustomEntries());

/** The thrown value of fn. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}

describe("tupleCache", () => {
  test("behaves as a map from tuples (SameValueZero per position), through single-child nodes and shared prefixes", () => {
    const value = fc.oneof(fc.constantFrom(undefined, null, NaN, 0, -0, 1, "", "a", "A", true, false), fc.string({ maxLength: 3 }), fc.integer({ min: -3, max: 3 }));
    const tuple = fc.array(value, { minLength: 0, maxLength: 4 });
    fc.assert(
      fc.property(fc.array(fc.tuple(tuple, fc.integer()), { maxLength: 40 }), fc.array(tuple, { maxLength: 20 }), (writes, reads) => {
        const c = tupleCache<number>();
        // The reference: each position keyed as a Map key (SameValueZero), the tuple as the list of those.
        const ref = new Map<string, number>();
        const norm = (t: unknown[]) => JSON.stringify(t.map((v) => (v === undefined ? "u" : Number.isNaN(v) ? "nan" : Object.is(v, -0) ? ["number", 0] : [typeof v, v])));
        for (const [t, v] of writes) {
          c.set(t, v);
          ref.set(norm(t), v);
        }
        expect(c.size()).toBe(ref.size);
        for (const t of [...writes.map(([t]) => t), ...reads]) expect(c.get(t)).toBe(ref.get(norm(t)));
      }),
      { numRuns: 300 },
    );
  });

  test("a tuple and its prefix are different keys; clear empties it", () => {
    const c = tupleCache<string>();
    c.set(["a"], "short");
    c.set(["a", undefined], "long");
    c.set(["a", null], "null");
    expect([c.get(["a"]), c.get(["a", undefined]), c.get(["a", null]), c.get([]), c.get(["a", undefined, undefined])]).toEqual(["short", "long", "null", undefined, undefined]);
    c.clear();
    expect([c.size(), c.get(["a"])]).toEqual([0, undefined]);
  });
});

describe("names are resolved once per text", () => {
  test("a hit is the record the index names; a miss throws the same error (suggestions searched once)", () => {
    const index = catalog().index.model;
    expect(resolve(index, "Qwen3-8B")).toBe(index.map.get("qwen3-8b"));
    expect(index.resolved.get("Qwen3-8B")).toBe(index.map.get("qwen3-8b"));
    const first = thrown(() => resolve(index, "qwen35"));
    expect(first).toBeInstanceOf(FitError);
    expect((first as FitError).message).toMatch(/Unknown model 'qwen35'\. Did you mean/);
    expect(thrown(() => resolve(index, "qwen35"))).toBe(first);
  });

  test("registering a custom model makes a remembered miss a hit", () => {
    expect(() => findModel("my-tuned-qwen")).toThrow(/Unknown model 'my-tuned-qwen'/);
    const config = findModel("qwen3-8b").record.config;
    registerCustom({ models: [customModelInput({ config, name: "My tuned Qwen", id: "my-tuned-qwen" })], gpus: [] });
    expect(findModel("my-tuned-qwen").record.name).toBe("My tuned Qwen");
  });
});

describe("prepared setups", () => {
  test("a setup that cannot be prepared throws the same FitError again without being re-prepared", () => {
    const input = { model: "qwen3-8b", quant: "q4_k_m", runtime: "vllm" };
    const first = thrown(() => prepare(input));
    expect((first as FitError).message).toMatch(/vLLM does not run 'q4_k_m' weights/);
    expect(thrown(() => prepare({ ...input }))).toBe(first);
  });

  test("a remembered failure is forgotten when custom entries change what a name means", () => {
    const input = { model: "later-model", quant: "bf16" };
    expect(() => prepare(input)).toThrow(/Unknown model 'later-model'/);
    registerCustom({ models: [customModelInput({ config: findModel("qwen3-8b").record.config, name: "Later model", id: "later-model" })], gpus: [] });
    expect(prepare(input).setup.model.record.id).toBe("later-model");
  });
});

describe("usage is remembered per (ctx, batch)", () => {
  const setups = [
    { model: "qwen3-8b", quant: "q4_k_m", runtime: "llama.cpp", gpu: "rtx 4090" },
    { model: "qwen3.5-35b-a3b", quant: "awq", runtime: "vllm", gpu: "rtx 4090" },
    { model: "gpt-oss-20b", quant: "native", runtime: "ollama", gpu: "rtx 4090" },
    { model: "llama-3.1-70b-instruct", quant: "q4_k_m", runtime: "llama.cpp", gpu: "rtx 4090", gpus: 3 },
  ];

  test.each(setups.map((s) => [`${s.model} on ${s.runtime}`, s] as const))("%s: the same answers as the engine's own usage, at every (ctx, batch) asked twice", (_name, s) => {
    const p = prepare(s);
    const fresh = profileOf(p.setup.runtime.id).prepare(p.setup);
    for (const [ctx, batch] of [[1, 1], [4096, 1], [32768, 4], [4096, 1], [131072, 2], [32768, 4]]) {
      expect(p.run.usage(ctx, batch)).toEqual(fresh.usage(ctx, batch));
      expect(totalPerGpu(p, ctx, batch)).toBe(fresh.weightsPerGpu + Object.values(fresh.usage(ctx, batch)).reduce((a, b) => a + b, 0));
    }
    expect(evaluate(p, 8192, 2)).toEqual(evaluate({ ...p, run: fresh }, 8192, 2));
  });

  test("a repeated (ctx, batch) is answered from memory, frozen; other arguments go to the engine", () => {
    let calls = 0;
    const run = rememberUsage({ ...prepare(setups[0]).run, usage: (ctx: number, batch: number) => (calls++, { kvCache: ctx * batch, state: 0, activations: 0, overhead: 0 }) });
    const a = run.usage(4096, 2);
    expect(run.usage(4096, 2)).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(run.usage(2, 4096).kvCache).toBe(8192);
    expect(calls).toBe(2);
    run.usage(4096.5, 1);
    run.usage(4096.5, 1);
    expect(calls).toBe(4);
    for (let ctx = 1; ctx <= USAGE_MEMO_SIZE + 1; ctx++) run.usage(ctx, 1);
    expect(run.usage(USAGE_MEMO_SIZE + 1, 1).kvCache).toBe(USAGE_MEMO_SIZE + 1);
  });
});
