// One truth for concurrency: the requests of a context a setup holds are the
// same figure in the estimate (maxConcurrency), the inverse question (max
// batch), the batch that still fits, and the GPU comparison, on every engine —
// Ollama's single-slot families and MLX included.
import fc from "fast-check";
import { comparisonRows } from "../src/core/comparison";
import { concurrencyOf, estimate, fitsAt, maxBatchOf, prepare, type EstimateInput } from "../src/core/estimate";

const CASES: EstimateInput[] = [
  { model: "qwen3-8b", runtime: "vllm", gpu: "rtx 4090" },
  { model: "qwen3.5-9b", runtime: "vllm", gpu: "rtx 4090" },
  { model: "gemma-3-12b-it", runtime: "sglang", gpu: "h100 sxm" },
  { model: "qwen3-8b", runtime: "llama.cpp", quant: "q4_k_m", gpu: "rtx 4090" },
  { model: "qwen3.5-9b", runtime: "ollama", quant: "iq3_m", gpu: "rtx 4090" },
  { model: "qwen3-8b", runtime: "ollama", quant: "q4_k_m", gpu: "rtx 3090" },
  { model: "qwen3-8b", runtime: "transformers", gpu: "a100 80gb sxm4" },
  { model: "jamba-1.5-mini", runtime: "mlx", quant: "mlx-4bit", gpu: "apple-m4-max-64gb" },
  { model: "qwen3-8b", runtime: "mlx", quant: "mlx-4bit", gpu: "apple-m4-max-64gb" },
];

describe.each(CASES.map((c) => [`${c.model} on ${c.runtime}`, c] as const))("%s", (_name, input) => {
  test("maxConcurrency, max batch and the batch that fits agree at every context", () => {
    const p = prepare(input);
    const v = p.vramBytes!;
    fc.assert(
      fc.property(fc.integer({ min: 64, max: 65536 }), (ctx) => {
        const c = concurrencyOf(p, v, ctx);
        const b = maxBatchOf(p, v, ctx);
        expect(b).toBe(Math.min(Math.floor(c + 1e-9), p.run.maxBatch?.value ?? Infinity));
        if (b > 0) expect(fitsAt(p, v, ctx, b)).toBe(true);
        expect(fitsAt(p, v, ctx, b + 1)).toBe(false);
        expect(estimate({ ...input, ctx }).maxConcurrency).toBe(c);
      }),
      { numRuns: 30 },
    );
  });
  test("the GPU comparison shows the same concurrency", () => {
    const { gpu: _gpu, ...setup } = input;
    void _gpu;
    const row = comparisonRows({ ...setup, ctx: 512 }).find((r) => r.id === prepare(input).gpu!.id)!;
    expect(row.maxConcurrency).toBe(estimate({ ...input, ctx: 512 }).maxConcurrency);
  });
});

test("Ollama's single-slot families report one request, and a second is refused", () => {
  const e = estimate({ model: "qwen3.5-9b", runtime: "ollama", quant: "iq3_m", gpu: "rtx 4090", ctx: 512 });
  expect(e.maxConcurrency).toBe(1);
  expect(() => estimate({ model: "qwen3.5-9b", runtime: "ollama", quant: "iq3_m", gpu: "rtx 4090", ctx: 512, batch: 2 })).toThrow(/one slot/);
});
