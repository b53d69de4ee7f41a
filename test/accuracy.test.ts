// Holds the accuracy of the estimator on the measured runs in calibration/.
import { median, runAccuracy } from "../scripts/accuracyCases";

const { comparisons } = runAccuracy();
const med = (pred: (c: (typeof comparisons)[number]) => boolean) => median(comparisons.filter(pred).map((c) => Math.abs(c.error)));

describe("accuracy against measured runs", () => {
  test("there are comparisons for weights, KV, capacity and compute", () => {
    for (const t of ["weights", "kvCache", "kvCapacityTokens", "maxConcurrency", "compute"]) expect(comparisons.some((c) => c.term === t)).toBe(true);
  });
  test("weights: median absolute error ≤ 2%", () => expect(med((c) => c.term === "weights")).toBeLessThanOrEqual(0.02));
  // vLLM's MXFP4 MoE layout (backend padding, fp32 biases, retained Triton scales): engine-facts §4.8.
  test("vLLM gpt-oss (MXFP4) weights within 1%", () => {
    const rows = comparisons.filter((c) => c.engine === "vllm" && c.term === "weights" && c.id.includes("gptoss"));
    expect(rows.length).toBeGreaterThan(0);
    for (const c of rows) expect(Math.abs(c.error)).toBeLessThan(0.01);
  });
  test("KV cache bytes: median absolute error ≤ 2%", () => expect(med((c) => c.term === "kvCache")).toBeLessThanOrEqual(0.02));
  test("llama.cpp KV buffers are exact to the MiB", () => {
    for (const c of comparisons.filter((c) => c.engine === "llama.cpp" && c.term === "kvCache")) expect(Math.abs(c.estimate - c.measured)).toBeLessThan(1);
  });
  test("llama.cpp compute buffer: median absolute error ≤ 15%", () => expect(med((c) => c.engine === "llama.cpp" && c.term === "compute")).toBeLessThanOrEqual(0.15));
  test("GGUF file sizes of Qwen2.5-3B within 1% for every quant", () => {
    for (const c of comparisons.filter((c) => c.id === "file-qwen25-3b-mradermacher-gguf")) expect(Math.abs(c.error)).toBeLessThan(0.01);
  });
  // Target is 5%. With each run's vLLM release modelled (V0 sampler, MLA 256-byte entries, CUDA graphs by
  // version, MTP drafter and its 1 + k state pages per recurrent layer) the median is about 1.0%; the
  // Kimi-Linear row is still off (engine-facts §4.11).
  test("vLLM KV capacity and concurrency: median absolute error ≤ 3% (target 5%, see README)", () => {
    expect(med((c) => c.engine === "vllm" && (c.term === "kvCapacityTokens" || c.term === "maxConcurrency"))).toBeLessThanOrEqual(0.03);
  });
  // MTP on a GDN hybrid: 1 + num_speculative_tokens state pages per request and layer (engine-facts §4.12): +0.8% / +1.0%.
  test("vLLM Qwen3.6-27B + MTP capacity and concurrency within 2%", () => {
    const rows = comparisons.filter((c) => c.id === "vllm-club3090-294-qwen36-27b-int4-tp2-3090" && (c.term === "kvCapacityTokens" || c.term === "maxConcurrency"));
    expect(rows.length).toBe(2);
    for (const c of rows) expect(Math.abs(c.error)).toBeLessThan(0.02);
  });
  // V0 releases v0.7.2–v0.7.x pad MLA entries to 256 B (engine-facts §4.12): DeepSeek-Coder-V2-Lite matches within 2%.
  test("vLLM MLA capacity in the 256-byte alignment window within 2%", () => {
    const rows = comparisons.filter((c) => c.id === "vllm-pr13109-dscoder-v2-lite-awq-mla" && (c.term === "kvCapacityTokens" || c.term === "maxConcurrency"));
    expect(rows.length).toBe(2);
    for (const c of rows) expect(Math.abs(c.error)).toBeLessThan(0.02);
  });
});
