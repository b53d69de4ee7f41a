// Every explanation is generated from the same terms as its number: each part's
// factors multiply out to its bytes, the parts of a term add up to the term the
// estimate reports, and the explanation shows those bytes.
import fc from "fast-check";
import { TERM_NAMES, termBytes } from "../src/core/breakdown";
import { explainOf, prepare, type EstimateInput } from "../src/core/estimate";
import { formatBytes } from "../src/core/units";

const SETUPS: EstimateInput[] = [
  { model: "qwen3-8b", runtime: "vllm", gpu: "h100 sxm" },
  { model: "gemma-3-27b-it", runtime: "vllm", gpu: "h100 sxm", gpus: 2 },
  { model: "qwen3.5-35b-a3b", runtime: "vllm", gpu: "rtx 4090", quant: "awq" },
  { model: "deepseek-v2-lite", runtime: "vllm", gpu: "a100 80gb sxm4", engineVersion: "0.7.2" },
  { model: "gpt-oss-20b", runtime: "vllm", gpu: "h100 sxm" },
  { model: "gemma-3-27b-it", runtime: "sglang", gpu: "h100 sxm" },
  { model: "gpt-oss-120b", runtime: "sglang", gpu: "h200 sxm" },
  { model: "qwen3.5-35b-a3b", runtime: "llama.cpp", quant: "q4_k_m", gpu: "rtx 4090" },
  { model: "mistral-7b-instruct-v0.3", runtime: "llama.cpp", quant: "q4_k_m", gpu: "rtx 4090", engineArgs: "-fa off" },
  { model: "qwen3-30b-a3b", runtime: "llama.cpp", quant: "q4_k_m", gpu: "rtx 4090", engineArgs: "-ngl 30" },
  { model: "llama-3.1-70b-instruct", runtime: "llama.cpp", quant: "q4_k_m", gpu: "rtx 4090", gpus: 2 },
  { model: "gemma-3-27b-it", runtime: "ollama", quant: "q4_k_m", gpu: "rtx 4090" },
  { model: "gemma-3-27b-it", runtime: "transformers", gpu: "h100 sxm", engineArgs: "attn_implementation=eager max_new_tokens=512" },
  { model: "jamba-1.5-mini", runtime: "transformers", gpu: "h100 sxm" },
  { model: "qwen3-8b", runtime: "mlx", quant: "mlx-4bit", gpu: "apple-m4-max-64gb" },
];

describe.each(SETUPS.map((s) => [`${s.model} on ${s.runtime}${s.engineArgs ? ` ${s.engineArgs}` : ""}`, s] as const))("%s", (_name, input) => {
  test("factors multiply out, parts add up to the reported terms, and the explanation shows the bytes", () => {
    const p = prepare(input);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 131072 }), fc.integer({ min: 1, max: 8 }), (ctx, batch) => {
        if (p.run.maxBatch && batch > p.run.maxBatch.value) return;
        const bd = p.run.breakdown(ctx, batch);
        for (const d of bd.devices)
          for (const k of TERM_NAMES)
            for (const part of d.terms[k]) {
              expect(Number.isFinite(part.bytes)).toBe(true);
              if (part.factors) {
                const product = part.factors.reduce((x, f) => x * f.value, 1);
                expect(Math.abs(product - part.bytes)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(part.bytes)));
              }
            }
        // The fullest GPU is listed first and is the one the estimate reports.
        const gpu = bd.devices[0];
        expect(gpu.kind).toBe("gpu");
        const u = p.run.usage(ctx, batch);
        const near = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(b)));
        near(termBytes(gpu.terms.weights), p.run.weightsPerGpu);
        near(termBytes(gpu.terms.kvCache), u.kvCache);
        near(termBytes(gpu.terms.state), u.state);
        near(termBytes(gpu.terms.activations), u.activations);
        near(termBytes(gpu.terms.overhead), u.overhead);
        const host = bd.devices.find((x) => x.kind === "host");
        near(host ? TERM_NAMES.reduce((s, k) => s + termBytes(host.terms[k]), 0) : 0, p.run.hostBytes(ctx, batch));
        const ex = explainOf(p, ctx, batch);
        for (const k of TERM_NAMES) if (gpu.terms[k].length) expect(ex[k]).toContain(formatBytes(termBytes(gpu.terms[k])));
      }),
      { numRuns: 25 },
    );
  });
});
