// Ollama before v0.30 chose its GPU layers itself (src/core/runtimes/ollamaLegacyPlacement.ts).
// The measured cases in calibration/ollama.json must come out exactly as Ollama's log says, through
// the CLI; the placement functions are checked against logged sizes and for their basic properties.
import { loadRuns, runCli } from "../scripts/accuracyCases";
import { findModel, findQuant } from "../src/core/catalog";
import { parseEngineVersion } from "../src/core/engineVersion";
import { estimate, prepare } from "../src/core/estimate";
import { placeLayers } from "../src/core/runtimes/llamacpp";
import {
  assignLayers,
  chooseEstimate,
  estimateGpuLayers,
  layoutGpuLayers,
  ollamaLegacyRules,
  ollamaModelSizes,
  pooledGpuLayers,
  runsOnOllamaEngine,
  type LegacyGpu,
  type OllamaModelSizes,
} from "../src/core/runtimes/ollamaLegacyPlacement";
import { GiB, MiB } from "../src/core/units";

const v = (text: string) => parseEngineVersion(text, "ollama");
const gpu = (freeGiB: number): LegacyGpu => ({ free: Math.round(freeGiB * GiB), minimum: 457 * MiB });
const viewOf = (model: string, quant: string, release: string, numCtx: number, parallel = 1) => {
  const context = numCtx * parallel;
  return ollamaModelSizes({ model: findModel(model), quant: findQuant(quant), version: v(release), context, batch: Math.min(context, 512), parallel, kvType: "f16", flashAttention: false });
};

describe("Ollama's layer counts from its logs, through the CLI", () => {
  const legacy = loadRuns().filter((r) => r.engine === "ollama" && r.measured.gpuLayers !== undefined && /--engine-version 0\.(\d|[12]\d)\.\d/.test(r.cli));
  // The --tensor-split Ollama passed (or logged as layers.split), where the source shows it.
  const splits: Record<string, string> = {
    "ollama-gh10810-qwen3-235b-a22b-q4km-5x4090d-v070": "13,13,13,13,13",
    "ollama-gh10458-qwen3-30b-a3b-3090-4090-split-v090": "25,24",
    "ollama-gh9181-llama3-70b-q8-4x22gib-64k-fa-v0512": "11,11,11,11",
  };
  test("the set has cases from v0.1.x to v0.20.x, with none, some and all layers on the GPUs", () => {
    expect(legacy.length).toBeGreaterThanOrEqual(10);
    const layers = legacy.map((r) => r.measured.gpuLayers!);
    expect(layers).toContain(0);
    expect(legacy.some((r) => /--gpus [2-9]/.test(r.cli))).toBe(true);
  });
  test.each(legacy.map((r) => [r.id, r] as const))("%s", (id, r) => {
    const e = runCli(r.cli) as ReturnType<typeof runCli> & { engineSettings: Record<string, unknown>; maxGpuLayers?: number };
    expect(e.gpuLayers).toBe(r.measured.gpuLayers);
    // FIT.GPULAYERS and --json's maxGpuLayers give Ollama's own choice too, when the run names its GPU or memory
    // (a run without one places every layer, as a full offload on an unnamed card logs).
    if (/--gpu |--vram-gib /.test(r.cli)) expect(e.maxGpuLayers).toBe(r.measured.gpuLayers);
    else expect(e.maxGpuLayers).toBeUndefined();
    if (splits[id]) expect(e.engineSettings.tensor_split).toBe(splits[id]);
  });
});

describe("the estimate reproduces logged figures", () => {
  test("Qwen2-72B Q4_K_S at v0.2.8: KV 640 MiB, graph 313.0 MiB full and 1.3 GiB partial, 43 layers in 24.0 GiB, 23.7 GiB allocated", () => {
    const { sizes } = viewOf("qwen2.5-72b-instruct", "q4_k_s", "0.2.8", 2048);
    expect(sizes.kv.reduce((s, x) => s + x, 0) / MiB).toBeCloseTo(640, 6);
    expect(sizes.graphFull / MiB).toBeCloseTo(313.0, 1);
    expect(sizes.graphPartial / GiB).toBeCloseTo(1.3, 1);
    const e = chooseEstimate(ollamaLegacyRules(v("0.2.8"), "qwen2"), sizes, [gpu(24.0)], "rocm", 0);
    expect(e.layers).toBe(43);
    expect(e.allocations[0] / GiB).toBeCloseTo(23.7, 1);
  });
  test("Qwen3-235B Q4_K_M at v0.7.0: KV 752 MiB, the fallback graph (64/4 × KV / 6 ≈ 2.0 GiB), 13 blocks on each of five cards", () => {
    const { sizes } = viewOf("qwen3-235b-a22b", "q4_k_m", "0.7.0", 4096);
    expect(sizes.kv.reduce((s, x) => s + x, 0) / MiB).toBeCloseTo(752, 6);
    expect(sizes.graphPartial).toBe(sizes.graphFull);
    expect(sizes.graphPartial / GiB).toBeCloseTo(2.0, 1);
    const e = chooseEstimate(ollamaLegacyRules(v("0.7.0"), "qwen3moe"), sizes, [23.2, 23.2, 23.2, 23.2, 23.2].map(gpu), "cuda", 0);
    expect(e.layers).toBe(65);
    expect(e.split).toEqual([13, 13, 13, 13, 13]);
  });
  // Gemma 3 27B QAT (ollama#10823): two loads of one model at different free memory. The file keeps its token
  // embedding in F16 (2.6 GiB, logged as weights.nonrepeating), which no catalog quant reproduces, so that one
  // size is taken from the log; blocks (13.4 GiB), KV (944 MiB), graphs and the vision tower are our own view.
  const gemmaQat = (): OllamaModelSizes => {
    const { sizes } = viewOf("gemma-3-27b-it", "q4_0", "0.7.0", 4096);
    const embd = 262144 * 5376 * 2;
    return { ...sizes, output: embd + 5376 * 4, largestGroup: embd, projector: { ...sizes.projector, weights: Math.round(806.2 * MiB) } };
  };
  test("Gemma 3 27B at v0.7.0: our view gives the logged KV, graphs and vision graph", () => {
    const { sizes } = viewOf("gemma-3-27b-it", "q4_0", "0.7.0", 4096);
    expect(sizes.kv.reduce((s, x) => s + x, 0) / MiB).toBeCloseTo(944, 6);
    expect(sizes.graphFull / MiB).toBeCloseTo(522.5, 0);
    expect(sizes.graphPartial / GiB).toBeCloseTo(1.6, 1);
    expect(sizes.projector.graph / GiB).toBeCloseTo(1.0, 1);
    expect(sizes.blocks.reduce((s, x) => s + x, 0) / GiB).toBeCloseTo(13.4, 1);
  });
  test("Gemma 3 27B QAT at v0.7.0: 49 layers with 17.8 GiB free (17.8 GiB allocated), 62 with 21.7 GiB; v0.7.1's rules would not give these", () => {
    const s = gemmaQat();
    const at = (release: string, free: number) => chooseEstimate(ollamaLegacyRules(v(release), "gemma3"), s, [gpu(free)], "cuda", 0);
    expect(at("0.7.0", 17.8).layers).toBe(49);
    expect(at("0.7.0", 17.8).allocations[0] / GiB).toBeCloseTo(17.8, 1);
    expect(at("0.7.0", 21.7).layers).toBe(62);
    expect(at("0.7.1", 17.8).layers).not.toBe(49);
  });
  test("Gemma 3 27B F16 on two RTX 5090s at v0.9.2: num_gpu=256 caps nothing, the estimate gives 62 layers split 31,31 (the runner is still told 256)", () => {
    const { sizes } = viewOf("gemma-3-27b-it", "fp16", "0.9.2", 4096);
    const rules = ollamaLegacyRules(v("0.9.2"), "gemma3");
    const e = chooseEstimate(rules, sizes, [gpu(30.9), gpu(30.8)], "cuda", 0, 256);
    expect(e.layers).toBe(62);
    expect(e.split).toEqual([31, 31]);
    // What reaches the runner is num_gpu itself: the CLI with num_gpu=256 puts all 63 layers on the GPUs.
    const cli = estimate({ model: "gemma-3-27b-it", quant: "fp16", runtime: "ollama", engineVersion: "0.9.2", vramGiB: 30.9, gpus: 2, engineArgs: "num_gpu=256" });
    expect(cli.gpuLayers).toBe(63);
  });
});

describe("placement rules", () => {
  const releases = ["0.1.41", "0.2.8", "0.5.12", "0.7.0", "0.7.1", "0.11.3", "0.12.11", "0.20.7"];
  const models: Array<[string, string, number]> = [
    ["qwen3-8b", "q4_k_m", 8192],
    ["qwen3-30b-a3b", "q4_k_m", 4096],
    ["gemma-3-27b-it", "q4_k_m", 4096],
    ["llama-3.1-70b-instruct", "q4_k_m", 2048],
  ];
  test.each(releases)("v%s: more free memory never means fewer layers (one GPU and three)", (release) => {
    for (const [model, quant] of models) {
      for (const gpus of [1, 3]) {
        let last = 0;
        for (let free = 1; free <= 48; free += 0.5) {
          const e = estimate({ model, quant, runtime: "ollama", engineVersion: release, vramGiB: free, gpus, ctx: 4096 });
          expect(e.gpuLayers!).toBeGreaterThanOrEqual(last);
          last = e.gpuLayers!;
        }
        expect(last).toBe(findModel(model).arch.layers.length + 1);
      }
    }
  });
  test("no layer goes on a GPU whose free memory does not cover the reserves", () => {
    // 0.45 GiB is below the 457 MiB minimum alone.
    for (const release of releases) expect(estimate({ model: "qwen3-8b", quant: "q4_k_m", runtime: "ollama", engineVersion: release, vramGiB: 0.45 }).gpuLayers).toBe(0);
    const { sizes } = viewOf("qwen3-8b", "q4_k_m", "0.7.1", 4096);
    const reserve = 457 * MiB + Math.max(sizes.graphPartial, sizes.graphFull) + 2 * (sizes.blocks[0] + sizes.kv[0]);
    const rules = ollamaLegacyRules(v("0.7.1"), "qwen3");
    expect(estimateGpuLayers(rules, sizes, [{ free: reserve - 1, minimum: 457 * MiB }], "cuda", 0).layers).toBe(0);
    expect(estimateGpuLayers(rules, sizes, [{ free: reserve + sizes.blocks[35] + sizes.kv[35] + 1 - (sizes.blocks[0] + sizes.kv[0]), minimum: 457 * MiB }], "cuda", 0).layers).toBe(1);
    // OLLAMA_GPU_OVERHEAD (from v0.3.10) comes off the top.
    expect(estimate({ model: "qwen3-8b", quant: "q4_k_m", runtime: "ollama", engineVersion: "0.7.1", vramGiB: 12, engineArgs: `OLLAMA_GPU_OVERHEAD=${11 * GiB}` }).gpuLayers).toBe(0);
    expect(estimate({ model: "qwen3-8b", quant: "q4_k_m", runtime: "ollama", engineVersion: "0.3.9", vramGiB: 12, engineArgs: `OLLAMA_GPU_OVERHEAD=${11 * GiB}` }).gpuLayers).toBe(37);
    // The pooled estimate (before v0.1.45) and the layout (from v0.12.11) have their own reserves.
    expect(pooledGpuLayers(sizes, [{ free: 457 * MiB + sizes.blocks[0], minimum: 457 * MiB }], "cuda").layers).toBe(0);
    const layers = [...sizes.blocks.map((x, i) => x + sizes.kv[i]), sizes.output];
    expect(layoutGpuLayers({ layers, spare: layers[0], graph: sizes.graphPartial, overhead: 0, numGpu: -1 }, [{ free: 457 * MiB + layers[0] + sizes.graphPartial, minimum: 457 * MiB }]).layers).toBe(0);
  });
  test("estimate: blocks go round-robin, so equal GPUs get equal shares; a smaller GPU drops out and the others go on", () => {
    const rules = ollamaLegacyRules(v("0.7.1"), "llama");
    const uniform: OllamaModelSizes = { blocks: new Array(40).fill(GiB), kv: new Array(40).fill(0), output: GiB, largestGroup: GiB, projector: { weights: 0, graph: 0, inModel: false }, graphPartial: GiB, graphFull: GiB };
    const equal = estimateGpuLayers(rules, uniform, [gpu(9), gpu(9), gpu(9)], "cuda", 0);
    expect(equal.split).toEqual([6, 6, 6]);
    // With Q4_K_M's heavier layers (Q6_K on some), the GPU dealt them fills first.
    const { sizes } = viewOf("llama-3.1-70b-instruct", "q4_k_m", "0.7.1", 4096);
    const even = estimateGpuLayers(rules, sizes, [gpu(16), gpu(16), gpu(16)], "cuda", 0);
    expect(Math.max(...even.split) - Math.min(...even.split)).toBeLessThanOrEqual(2);
    expect(even.split.reduce((s, x) => s + x, 0)).toBe(even.layers);
    const mixed = estimateGpuLayers(rules, sizes, [gpu(10), gpu(22), gpu(22)], "cuda", 0);
    expect(mixed.split[0]).toBeLessThan(mixed.split[1]);
    expect(mixed.layers).toBeGreaterThan(even.layers);
    // Every GPU Ollama uses gets the graph and its minimum on top of its layers.
    for (const a of mixed.allocations) expect(a).toBeLessThan(22 * GiB);
  });
  test("estimate: a model that fits one GPU stays on one (from v0.11.5 on the fewest GPUs that hold it, before then on one or on all)", () => {
    const { sizes } = viewOf("qwen3-30b-a3b", "q4_k_m", "0.9.0", 4096);
    const one = chooseEstimate(ollamaLegacyRules(v("0.9.0"), "qwen3moe"), sizes, [gpu(12), gpu(24), gpu(12)], "cuda", 0);
    expect(one.split).toEqual([0, 49, 0]);
    const two = (release: string) => chooseEstimate(ollamaLegacyRules(v(release), "qwen3moe"), sizes, [gpu(12), gpu(12), gpu(12)], "cuda", 0);
    expect(two("0.9.0").split.filter((x) => x > 0).length).toBe(3);
    expect(two("0.11.5").split.filter((x) => x > 0).length).toBe(2);
  });
  test("layout: layers fill from the output layer down; when not all fit, the output layer is dropped first", () => {
    const layers = [10, 10, 10, 10, 30];
    // 70 does not hold all five; dropping the output layer, all four blocks go on (45 holds 40).
    const part = assignLayers(layers, [45], [0], -1, 0);
    expect(part.flatMap((g) => g.layers)).toEqual([0, 1, 2, 3]);
    expect(assignLayers(layers, [35], [0], -1, 0).flatMap((g) => g.layers)).toEqual([1, 2, 3]);
    const all = assignLayers(layers, [70], [0], -1, 0);
    expect(all.flatMap((g) => g.layers)).toEqual([0, 1, 2, 3, 4]);
    // Over two GPUs the capacity search evens them out, and one GPU is used when one is enough.
    const two = layoutGpuLayers({ layers: new Array(11).fill(GiB), spare: 0, graph: 0, overhead: 0, numGpu: -1 }, [gpu(8), gpu(8)]);
    expect(two.layers).toBe(11);
    expect(Math.abs(two.split[0] - two.split[1])).toBeLessThanOrEqual(1);
    const single = layoutGpuLayers({ layers: new Array(11).fill(GiB), spare: 0, graph: 0, overhead: 0, numGpu: -1 }, [gpu(16), gpu(16)]);
    expect(single.split.filter((x) => x > 0).length).toBe(1);
  });
  test("rules by release: algorithm, spare layer, dealing order and the engine each architecture ran on", () => {
    expect(ollamaLegacyRules(v("0.1.41"), "llama").method).toBe("pooled");
    expect(ollamaLegacyRules(v("0.1.45"), "llama").method).toBe("estimate");
    expect(ollamaLegacyRules(v("0.7.0"), "llama")).toMatchObject({ spareLayer: "largest", lastBlockFirst: true, visionWithOutput: false });
    expect(ollamaLegacyRules(v("0.7.1"), "llama")).toMatchObject({ spareLayer: "blk0", lastBlockFirst: true, visionWithOutput: true });
    expect(ollamaLegacyRules(v("0.11.5"), "gptoss").method).toBe("layout");
    expect(ollamaLegacyRules(v("0.11.5"), "llama").method).toBe("estimate");
    expect(ollamaLegacyRules(v("0.12.11"), "llama").method).toBe("layout");
    expect(runsOnOllamaEngine("gemma3", v("0.5.12"))).toBe(false);
    expect(runsOnOllamaEngine("gemma3", v("0.6.0"))).toBe(true);
  });
});

describe("the Ollama profile before and after v0.30", () => {
  test("before v0.30 -ngl N means the last N blocks, and the output layer only with every block", () => {
    const p = placeLayers(10, 1, { gpuLayers: 4 }, new Array(10).fill(false), true);
    expect(p.blockDevice).toEqual([-1, -1, -1, -1, -1, -1, 0, 0, 0, 0]);
    expect(p.outputDevice).toBe(-1);
    expect(placeLayers(10, 1, { gpuLayers: 11 }, new Array(10).fill(false), true).outputDevice).toBe(0);
    // Since llama.cpp's December 2025 change -ngl N counts the output layer first.
    expect(placeLayers(10, 1, { gpuLayers: 4 }, new Array(10).fill(false)).outputDevice).toBe(0);
  });
  test("v0.30 and later still place by llama-server's --fit, with no layer choice of Ollama's own", () => {
    const p = prepare({ model: "llama-3.1-70b-instruct", quant: "q4_k_m", runtime: "ollama", gpu: "rtx 4090" });
    expect(p.run.autoPlacement).toBeUndefined();
    expect(prepare({ model: "llama-3.1-70b-instruct", quant: "q4_k_m", runtime: "ollama", gpu: "rtx 4090", engineVersion: "0.29.0" }).run.autoPlacement).toBeDefined();
    const now = estimate({ model: "llama-3.1-70b-instruct", quant: "q4_k_m", runtime: "ollama", gpu: "rtx 4090", ctx: 4096 });
    expect(now.gpuLayers).toBe(now.maxGpuLayers);
  });
  test("the notes say how --vram-gib is read, which rules apply, and when a quantized KV cache is ignored", () => {
    const e = prepare({ model: "qwen3-8b", quant: "q4_k_m", runtime: "ollama", vramGiB: 8, engineVersion: "0.7.0", engineArgs: "OLLAMA_KV_CACHE_TYPE=q8_0" });
    const notes = e.run.notes.join("\n");
    expect(notes).toMatch(/--vram-gib is the memory free on each GPU/);
    expect(notes).toMatch(/v0\.7\.0 \(llm\/memory\.go EstimateGPULayers at 0478d440f\)/);
    expect(notes).toMatch(/keeps an f16 KV cache/);
    expect(e.run.settings.cache_type_k).toBe("f16");
  });
});
