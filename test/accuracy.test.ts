// Holds the accuracy of the estimator on the measured runs in calibration/, each
// run through the CLI with the arguments a user would type (scripts/accuracyCases.ts).
import { loadFiles, loadRuns, loadSpeedRuns, median, runAccuracy, type Comparison } from "../scripts/accuracyCases";
import { misses } from "../scripts/accuracyReport";
import { heldOutSpeed } from "../scripts/accuracySet";

const { comparisons, broken, notEstimated } = runAccuracy();
const SPEED = new Set(["decode", "prefill"]);
const med = (pred: (c: Comparison) => boolean) => median(comparisons.filter(pred).map((c) => Math.abs(c.error)));

describe("the accuracy set", () => {
  const runs = [...loadRuns(), ...loadSpeedRuns()];
  test.each([...runs, ...loadFiles()].map((r) => [r.id, r] as const))("%s has an https source, the quoted lines and a read date", (_id, r) => {
    expect(r.url).toMatch(/^https:\/\/\S+$/);
    expect(r.quote.length).toBeGreaterThan(0);
    expect(r.quote.every((l) => l.trim().length > 0)).toBe(true);
    expect(r.read).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
  test("ids are unique", () => {
    const ids = [...runs, ...loadFiles()].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
  test("every run goes through the CLI as a user would, and the CLI takes each one", () => {
    for (const r of runs) expect(r.cli).toMatch(/^estimate /);
    expect(broken).toEqual([]);
  });
  test("every run yields at least one comparison, or says why not", () => {
    const seen = new Set([...comparisons.map((c) => c.id), ...notEstimated.map((n) => n.id)]);
    for (const r of runs) expect(seen.has(r.id)).toBe(true);
    // Only prefill on a GPU without a compute figure goes unestimated.
    for (const n of notEstimated) expect(n.reason).toMatch(/no compute figure/);
  });
  test("at least 40 measured speeds over at least 12 GPUs from NVIDIA, AMD and Apple, dense and MoE", () => {
    const speeds = loadSpeedRuns();
    expect(speeds.length).toBeGreaterThanOrEqual(40);
    const gpus = new Set(speeds.map((r) => /--gpu (\S+)/.exec(r.cli)![1]));
    expect(gpus.size).toBeGreaterThanOrEqual(12);
    for (const v of ["nvidia-", "amd-", "apple-"]) expect([...gpus].some((g) => g.startsWith(v))).toBe(true);
    expect(speeds.some((r) => /qwen3-30b-a3b|gpt-oss/.test(r.cli))).toBe(true);
  });
});

describe("accuracy against measured runs", () => {
  test("weights: median absolute error ≤ 2% over engines and files", () => expect(med((c) => c.term === "weights")).toBeLessThanOrEqual(0.02));
  test("llama.cpp KV buffers are exact to the MiB", () => {
    for (const c of comparisons.filter((c) => c.engine === "llama.cpp" && c.term === "kvCache")) expect(Math.abs(c.estimate - c.measured)).toBeLessThan(1);
  });
  test("llama.cpp compute buffer: median ≤ 15%", () => expect(med((c) => c.engine === "llama.cpp" && c.term === "compute")).toBeLessThanOrEqual(0.15));
  test("vLLM KV pool: median ≤ 5%", () => expect(med((c) => c.engine === "vllm" && c.term === "kvPool")).toBeLessThanOrEqual(0.05));
  test("vLLM KV capacity and max concurrency: median ≤ 7% each", () => {
    expect(med((c) => c.engine === "vllm" && c.term === "kvCapacityTokens")).toBeLessThanOrEqual(0.07);
    expect(med((c) => c.engine === "vllm" && c.term === "maxConcurrency")).toBeLessThanOrEqual(0.07);
  });
  test("vLLM activation peaks: median ≤ 15%", () => expect(med((c) => c.engine === "vllm" && c.term === "activations")).toBeLessThanOrEqual(0.15));
  test("SGLang KV pool and capacity: median ≤ 10%", () => expect(med((c) => c.engine === "sglang" && (c.term === "kvPool" || c.term === "kvCapacityTokens"))).toBeLessThanOrEqual(0.1));
  test("Transformers peak (torch.cuda.max_memory_allocated): median ≤ 5%", () => expect(med((c) => c.engine === "transformers" && c.term === "peak")).toBeLessThanOrEqual(0.05));
  test("MLX peak memory: median ≤ 10%", () => expect(med((c) => c.engine === "mlx" && c.term === "peak")).toBeLessThanOrEqual(0.1));
  test("GGUF file sizes of Qwen2.5-3B within 1% for every quant", () => {
    for (const c of comparisons.filter((c) => c.id === "file-qwen25-3b-mradermacher-gguf")) expect(Math.abs(c.error)).toBeLessThan(0.01);
  });
  test("at least 85% of the memory checks are within their tolerance", () => {
    const memory = comparisons.filter((c) => !SPEED.has(c.term));
    expect(1 - misses(memory).length / memory.length).toBeGreaterThanOrEqual(0.85);
  });
  test("speed over every measured row: decode median ≤ 15%, prefill median ≤ 25%", () => {
    expect(med((c) => c.term === "decode")).toBeLessThanOrEqual(0.15);
    expect(med((c) => c.term === "prefill")).toBeLessThanOrEqual(0.25);
  });
  test("speed on GPUs held out of the fit: prefill median ≤ 25%, decode median ≤ 15%", () => {
    const held = heldOutSpeed();
    const all = (kind: string) => median(held.filter((h) => h.kind === kind).flatMap((h) => h.errors.map(Math.abs)));
    expect(all("prefill")).toBeLessThanOrEqual(0.25);
    expect(all("decode")).toBeLessThanOrEqual(0.15);
  });
});
