// Every catalog file passes its zod schema, and ids are unique.
import * as fs from "fs";
import * as path from "path";
import { gpuFileSchema, modelFileSchema } from "../src/core/catalogSchema";

const dir = path.join(__dirname, "..", "catalog");
const modelFiles = fs.readdirSync(path.join(dir, "models")).filter((f) => f.endsWith(".json"));

describe("catalog files pass their schemas", () => {
  test.each(modelFiles)("models/%s", (file) => {
    const raw = JSON.parse(fs.readFileSync(path.join(dir, "models", file), "utf8"));
    const parsed = modelFileSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`${file}: ${parsed.error.message}`);
  });
  test("gpus.json", () => {
    const file = path.join(dir, "gpus.json");
    const parsed = gpuFileSchema.safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
    if (!parsed.success) throw new Error(parsed.error.message);
  });
  test("dense FP8 is never below dense BF16 (catches a sparse or FP16-accumulate figure in bf16Tflops)", () => {
    const gpus = JSON.parse(fs.readFileSync(path.join(dir, "gpus.json"), "utf8")).gpus as Array<{ id: string; bf16Tflops: number | null; fp8Tflops: number | null }>;
    const bad = gpus.filter((g) => g.bf16Tflops !== null && g.fp8Tflops !== null && g.fp8Tflops < g.bf16Tflops).map((g) => g.id);
    expect(bad).toEqual([]);
  });
  test("every compute-unit count is stated in one of the GPU's sources (the count, or the CUDA cores it is divided from)", () => {
    const gpus = JSON.parse(fs.readFileSync(path.join(dir, "gpus.json"), "utf8")).gpus as Array<{ id: string; computeUnits: number | null; sources: Array<{ what: string }> }>;
    const unstated = gpus.filter((g) => g.computeUnits !== null && !g.sources.some((s) => new RegExp(`(?<![\\d.,])0*${g.computeUnits}(?![\\d.])`).test(s.what)));
    expect(unstated.map((g) => g.id)).toEqual([]);
  });
  test("model ids are unique", () => {
    const ids = modelFiles.flatMap((f) => JSON.parse(fs.readFileSync(path.join(dir, "models", f), "utf8")).models.map((m: { id: string }) => m.id));
    expect(ids.length).toBe(new Set(ids).size);
  });
});

describe("runtime defaults", () => {
  const runtimes = JSON.parse(fs.readFileSync(path.join(dir, "runtimes.json"), "utf8")).runtimes as Array<{ id: string; defaults: Record<string, unknown>; estimates: Record<string, string> }>;
  test.each(runtimes.map((r) => [r.id, r] as const))("%s: every labelled estimate names a real default", (_id, r) => {
    for (const key of Object.keys(r.estimates)) expect(Object.keys(r.defaults)).toContain(key);
  });
});
