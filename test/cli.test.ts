// The CLI's machine contract (keys, exit codes) through the same main() dist/cli.js runs.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../src/cli/cli";
import { findModel } from "../src/core/catalog";

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
    // The contract's keys in their order, then the engine's settings, the status, the layer placement (engines that place layers), the speed and the devices.
    expect(Object.keys(j)).toEqual(["model", "quant", "runtime", "kvDtype", "ctx", "batch", "gpus", "weightsBytes", "kvCacheBytes", "stateBytes", "activationBytes", "overheadBytes", "totalBytes", "hostBytes", "perGpu", "gpu", "vramBytes", "budgetBytes", "fits", "headroomBytes", "kvCapacityTokens", "maxConcurrency", "maxContext", "engineSettings", "status", "gpuLayers", "cpuLayers", "maxGpuLayers", "processorSplit", "gpuShare", "offloaded", "decodeTokensPerSecond", "decodeTokensPerSecondTotal", "prefillTokensPerSecond", "ttftSeconds", "devices"]);
    const v = JSON.parse(run(["estimate", "qwen3-8b", "--gpu", "h100 sxm", "--json"]).out);
    expect(Object.keys(v)).toEqual(["model", "quant", "runtime", "kvDtype", "ctx", "batch", "gpus", "weightsBytes", "kvCacheBytes", "stateBytes", "activationBytes", "overheadBytes", "totalBytes", "hostBytes", "perGpu", "gpu", "vramBytes", "budgetBytes", "fits", "headroomBytes", "kvCapacityTokens", "maxConcurrency", "maxContext", "engineSettings", "kvPoolBytes", "status", "processorSplit", "gpuShare", "offloaded", "decodeTokensPerSecond", "decodeTokensPerSecondTotal", "prefillTokensPerSecond", "ttftSeconds", "devices"]);
    expect(Object.keys(j.perGpu)).toEqual(["weightsBytes", "kvCacheBytes", "stateBytes", "activationBytes", "overheadBytes", "totalBytes", "hostBytes"]);
    expect(j.totalBytes).toBe(j.weightsBytes + j.kvCacheBytes + j.stateBytes + j.activationBytes + j.overheadBytes);
  });
  test("estimate --vram-gib works without a catalog GPU", () => {
    const j = JSON.parse(run(["estimate", "qwen3-8b", "--vram-gib", "24", "--json"]).out);
    expect(j.vramBytes).toBe(24 * 2 ** 30);
  });
  test("model --json: the native window and the extended one (issue 16)", () => {
    const j = JSON.parse(run(["model", "qwen3.5-35b-a3b", "--json"]).out);
    expect([j.contextWindow, j.extendedContextWindow]).toEqual([262144, 1010000]);
    expect(JSON.parse(run(["model", "llama-3.1-8b-instruct", "--json"]).out).extendedContextWindow).toBeNull();
  });
  test("model (plain): spec, the written sections wrapped, memory behaviour and sources as publisher: title (read date)", () => {
    const out = run(["model", "qwen3.5-35b-a3b"]).out;
    for (const heading of ["Overview", "Training scope", "Architecture and layout", "Context design", "What improved", "Release context", "Where it is strong", "Memory behaviour", "Sources"]) expect(out).toMatch(new RegExp(`^${heading}\\s{2,}\\S`, "m"));
    expect(out).toMatch(/^Extended context window \(tokens\)\s+1,010,000$/m);
    const flat = out.replace(/\n\s+/g, " ");
    expect(flat).toMatch(/\[1\] GitHub \/ QwenLM: Qwen3\.5 README .* \(read 2026-12-06\) https:\/\/github\.com\/QwenLM\//);
    expect(out).not.toMatch(/config used =/);
    // Wrapped: no line is wider than the terminal width the CLI assumes (120 at most).
    expect(Math.max(...out.split("\n").filter((l) => !/https?:\/\//.test(l)).map((l) => l.length))).toBeLessThanOrEqual(120);
    expect(out).toMatch(/^Head dim\s+256$/m);
    expect(run(["model", "deepseek-v3"]).out).toMatch(/^Head dim \(MLA: latent \+ rope\)\s+576$/m);
  });
  test("model --json has the contract keys", () => {
    const j = JSON.parse(run(["model", "Qwen/Qwen3-8B", "--json"]).out);
    // The contract is exactly these keys, in this order (extendedContextWindow added beside contextWindow).
    expect(Object.keys(j)).toEqual(["id", "name", "company", "family", "releaseDate", "architecture", "license", "modality", "contextWindow", "extendedContextWindow", "totalParams", "activeParams", "layers", "hiddenSize", "attentionHeads", "kvHeads", "headDim", "kvLayers", "vocabSize", "hfIds"]);
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

describe("fitmygpu --engine-version", () => {
  const args = ["estimate", "deepseek-v2-lite", "--quant", "awq", "--ctx", "163840", "--vram-gib", "79.22", "--json"];
  test("selects the release's behaviour (MLA entries padded in v0.7.2, not in the latest)", () => {
    const old = JSON.parse(run([...args, "--engine-version", "0.7.2"]).out);
    const now = JSON.parse(run(args).out);
    expect(old.perGpu.kvCacheBytes / now.perGpu.kvCacheBytes).toBeCloseTo(1280 / 1152, 9);
    expect(old.maxConcurrency).toBeLessThan(now.maxConcurrency);
  });
  test("junk exits 2 with one line on stderr", () => {
    const r = run([...args, "--engine-version", "newest"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/engineVersion must be a release number/);
    expect(r.err.split("\n")).toHaveLength(1);
  });
});

describe("fitmygpu --config: models beyond the catalog", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fitmygpu-cli-"));
  const cat = findModel("qwen3-8b");
  const configFile = path.join(dir, "config.json");
  const indexFile = path.join(dir, "model.safetensors.index.json");
  fs.writeFileSync(configFile, JSON.stringify(cat.record.config, null, 2));
  fs.writeFileSync(indexFile, JSON.stringify({ metadata: { total_size: 16381470720 }, weight_map: { "lm_head.weight": "model-00005-of-00005.safetensors" } }));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("model --config --json has the contract keys and the catalog model's parameters", () => {
    const r = run(["model", "--config", configFile, "--index", indexFile, "--name", "My Qwen", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    const ref = JSON.parse(run(["model", "qwen3-8b", "--json"]).out);
    expect(Object.keys(j)).toEqual(Object.keys(ref));
    expect(j).toMatchObject({ id: "my-qwen", name: "My Qwen", company: "Custom", totalParams: ref.totalParams, activeParams: ref.activeParams, layers: 36, headDim: 128, kvHeads: 8 });
    expect(j.totalParams).toBe(cat.params.total);
  });
  test("estimate --config gives the catalog model's estimate", () => {
    const args = ["--quant", "q4_k_m", "--ctx", "32768", "--runtime", "llama.cpp", "--gpu", "rtx 4090", "--json"];
    // config.json declares 40,960 positions; the catalog records the card's 131,072 (YaRN).
    const mine = JSON.parse(run(["estimate", "--config", configFile, "--context-window", "32768", ...args]).out);
    const ref = JSON.parse(run(["estimate", "qwen3-8b", ...args]).out);
    expect({ ...mine, model: "qwen3-8b" }).toEqual(ref);
    expect(mine.model).toBe("custom-qwen3");
  });
  test("fit --config and human model output run", () => {
    expect(run(["fit", "--config", configFile, "--quant", "q4_k_m", "--runtime", "llama.cpp"]).out).toMatch(/RTX 4090/);
    const plain = run(["model", "--config", configFile]).out;
    expect(plain).toMatch(/^Memory behaviour +Layers: 36 × full attention/m);
    // Labels aligned, long values wrapped: no line runs past the 120-column cap.
    for (const line of plain.split("\n")) expect(line.length).toBeLessThanOrEqual(120);
  });
  test.each([
    [["estimate", "--config", "/nonexistent/config.json"], /Cannot read the --config file '\/nonexistent\/config.json': ENOENT/],
    [["estimate", "qwen3-8b", "--config", "CONFIG"], /either a model name or --config/],
    [["estimate", "qwen3-8b", "--index", "INDEX"], /--index goes with --config/],
    [["model", "--config", "BROKEN"], /config.json is not valid JSON/],
    [["model", "--config", "NO_KV"], /config.json is missing num_key_value_heads/],
    [["estimate", "--config", "GPT2"], /Unsupported model_type 'gpt2'. Supported: /],
    [["model", "--config", "CONFIG", "--index", "BROKEN"], /index.json is not valid JSON/],
  ])("bad --config input %j exits 2 with one line on stderr", (args, msg) => {
    const files: Record<string, string> = { CONFIG: configFile, INDEX: indexFile, BROKEN: path.join(dir, "broken.json"), NO_KV: path.join(dir, "nokv.json"), GPT2: path.join(dir, "gpt2.json") };
    fs.writeFileSync(files.BROKEN, "{ not json");
    const { num_key_value_heads: _drop, ...noKv } = cat.record.config as Record<string, unknown>;
    void _drop;
    fs.writeFileSync(files.NO_KV, JSON.stringify(noKv));
    fs.writeFileSync(files.GPT2, JSON.stringify({ model_type: "gpt2", n_layer: 12 }));
    const r = run((args as string[]).map((a) => files[a] ?? a));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg as RegExp);
    expect(r.err.split("\n")).toHaveLength(1);
  });
});
