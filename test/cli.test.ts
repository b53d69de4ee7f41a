// The CLI's machine contract (keys, exit codes) through the same main() dist/cli.js runs.
import { main } from "../src/cli/cli";

function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(args, (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("fitmygpu CLI", () => {
  test("estimate --json has the contract keys", () => {
    const r = run(["estimate", "qwen3.5-35b-a3b", "--quant", "q4_k_m", "--ctx", "32768", "--runtime", "llama.cpp", "--gpu", "nvidia-rtx-4090", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    for (const k of ["model", "quant", "runtime", "kvDtype", "ctx", "batch", "gpus", "weightsBytes", "kvCacheBytes", "stateBytes", "activationBytes", "overheadBytes", "totalBytes", "hostBytes", "perGpu", "gpu", "vramBytes", "budgetBytes", "fits", "headroomBytes", "kvCapacityTokens", "maxConcurrency", "maxContext"]) expect(j).toHaveProperty(k);
    expect(j.totalBytes).toBe(j.weightsBytes + j.kvCacheBytes + j.stateBytes + j.activationBytes + j.overheadBytes);
  });
  test("estimate --vram-gib works without a catalog GPU", () => {
    const j = JSON.parse(run(["estimate", "qwen3-8b", "--vram-gib", "24", "--json"]).out);
    expect(j.vramBytes).toBe(24 * 2 ** 30);
  });
  test("model --json has the contract keys", () => {
    const j = JSON.parse(run(["model", "Qwen/Qwen3-8B", "--json"]).out);
    for (const k of ["id", "name", "company", "family", "releaseDate", "architecture", "license", "modality", "contextWindow", "totalParams", "activeParams", "layers", "hiddenSize", "attentionHeads", "kvHeads", "headDim", "kvLayers", "vocabSize", "hfIds"]) expect(j).toHaveProperty(k);
    expect(j.id).toBe("qwen3-8b");
    expect(j.headDim).toBe(128);
  });
  test("gpus --json lists ≥ 50 GPUs with bytes", () => {
    const j = JSON.parse(run(["gpus", "--json"]).out);
    expect(j.length).toBeGreaterThanOrEqual(50);
    for (const k of ["id", "name", "vramBytes", "bandwidthGBs", "bf16Tflops", "fp8Tflops", "unifiedMemory"]) expect(j[0]).toHaveProperty(k);
  });
  test("human output is a table with units", () => {
    const r = run(["estimate", "qwen3-8b", "--gpu", "rtx 4090"]);
    expect(r.out).toMatch(/weights\s+\d+\.\d+ GiB/);
    expect(r.out).toMatch(/Fits|Tight|OOM/);
  });
  test("fit, models, quants and runtimes run", () => {
    expect(run(["fit", "qwen3-8b", "--quant", "q4_k_m", "--runtime", "llama.cpp"]).out).toMatch(/RTX 4090/);
    expect(run(["models", "qwen3"]).code).toBe(0);
    expect(JSON.parse(run(["quants", "--runtime", "mlx", "--json"]).out).map((q: { id: string }) => q.id)).toContain("mlx-4bit");
    expect(JSON.parse(run(["runtimes", "--json"]).out)).toHaveLength(6);
  });
  test.each([
    [["estimate", "qwen35"], /Unknown model 'qwen35'/],
    [["estimate", "qwen3-8b", "--ctx", "abc"], /--ctx must be a number/],
    [["estimate", "qwen3-8b", "--ctx", "-5"], /ctx must be at least 1/],
    [["estimate", "qwen3-8b", "--bogus", "1"], /Unknown option --bogus/],
    [["frobnicate"], /Unknown command/],
    [["estimate", "qwen3-8b", "--runtime", "llama.cpp", "--quant", "q4_k_m", "--kv-dtype", "fp8"], /KV cache/],
  ])("bad input %j exits 2 with one line on stderr", (args, msg) => {
    const r = run(args as string[]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg as RegExp);
    expect(r.err.split("\n")).toHaveLength(1);
  });
});
