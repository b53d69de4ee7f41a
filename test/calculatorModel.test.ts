// The pane's view model: what the calculator, the model page and the GPU
// comparison show, computed without a browser.
import { estimate, maxBatch, maxContext } from "../src/core/estimate";
import { catalog } from "../src/core/catalog";
import { calculate, commandFor, contextWarning, DEFAULT_STATE, engineFlagsError, gpuComparison, hasGpuUtil, kvDtypesFor, modelPage, quantsFor, searchGpus, searchModels, stateFromCommand, switchEngine, type CalcState } from "../src/taskpane/calculatorModel";
import { fitAdvice } from "../src/taskpane/fitAdvice";
import { notCarried } from "../src/taskpane/workbookActions";
import { memoryCurve } from "../src/taskpane/memoryCurve";

const state = (over: Partial<CalcState> = {}): CalcState => ({ ...DEFAULT_STATE, ...over });

describe("calculator", () => {
  test("the verdict and every figure agree with the core", () => {
    const s = state({ model: "qwen3-8b", quant: "q4_k_m", runtime: "llama.cpp", ctx: 32768, gpu: "rtx 4090" });
    const r = calculate(s);
    if (!r.ok) throw new Error(r.error);
    const input = { model: s.model, quant: s.quant, runtime: s.runtime, kvDtype: s.kvDtype, gpu: s.gpu, gpus: s.gpus, ctx: s.ctx, batch: s.batch };
    const e = estimate(input);
    expect(r.requiredBytes).toBe(e.perGpu.totalBytes);
    expect(r.headroomBytes).toBe(e.headroomBytes);
    expect(r.maxContext).toBe(maxContext(input));
    expect(r.maxConcurrency).toBe(maxBatch(input));
    expect(r.terms.reduce((t, x) => t + x.bytes, 0)).toBeCloseTo(r.requiredBytes, 0);
    expect(r.explain.map((x) => x.label)).toContain("KV cache");
    expect(r.explain.every((x) => x.formula.length > 10)).toBe(true);
    expect(["Fits", "Tight", "OOM"]).toContain(r.status);
  });

  test("bad input comes back as the core's message, not an exception", () => {
    const r = calculate(state({ model: "qwen35" }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/Unknown model 'qwen35'\. Did you mean/);
    const kv = calculate(state({ runtime: "llama.cpp", kvDtype: "fp8" }));
    expect(kv.ok).toBe(false);
  });

  test("GPU memory share only applies to vLLM and SGLang, and changes the budget there", () => {
    expect(hasGpuUtil("vllm")).toBe(true);
    expect(hasGpuUtil("sglang")).toBe(true);
    expect(hasGpuUtil("llama.cpp")).toBe(false);
    const a = calculate(state({ runtime: "vllm", quant: "bf16", gpuUtil: 0.9 }));
    const b = calculate(state({ runtime: "vllm", quant: "bf16", gpuUtil: 0.5 }));
    if (!a.ok || !b.ok) throw new Error("expected results");
    expect(b.budgetBytes).toBeLessThan(a.budgetBytes);
    const c = calculate(state({ runtime: "llama.cpp", gpuUtil: 0.5 }));
    const d = calculate(state({ runtime: "llama.cpp", gpuUtil: null }));
    if (!c.ok || !d.ok) throw new Error("expected results");
    expect(c.budgetBytes).toBe(d.budgetBytes);
  });

  test("vLLM release and MTP options reach the estimate, and only on vLLM", () => {
    const base = state({ model: "llama-3.1-8b", quant: "bf16", runtime: "vllm", gpu: "rtx 3090", ctx: 8192 });
    const latest = calculate(base);
    const v0 = calculate({ ...base, engineVersion: "0.6.3" });
    if (!latest.ok || !v0.ok) throw new Error("expected results");
    // The V0 sampler's profile holds more logits copies than V1's: more activation memory, less KV room.
    expect(v0.terms.find((t) => t.term === "activations")!.bytes).toBeGreaterThan(latest.terms.find((t) => t.term === "activations")!.bytes);
    expect(v0.notes.join(" ")).toMatch(/vLLM 0\.6\.3: V0 engine/);
    const bad = calculate({ ...base, speculativeTokens: 2 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/no MTP layers/);
    // Other engines ignore the vLLM-only options rather than failing.
    const cpp = calculate({ ...base, runtime: "llama.cpp", quant: "q4_k_m", engineVersion: "0.6.3", speculativeTokens: 2 });
    expect(cpp.ok).toBe(true);
    const rows = gpuComparison({ ...base, engineVersion: "0.6.3" });
    const rowsLatest = gpuComparison(base);
    if (!Array.isArray(rows) || !Array.isArray(rowsLatest)) throw new Error("expected rows");
    const h100 = (r: typeof rows) => r.find((x) => x.id === "nvidia-h100-sxm-80gb")!;
    expect(h100(rows).requiredGiB).not.toBe(h100(rowsLatest).requiredGiB);
  });

  test("engine choices narrow the quant and KV lists", () => {
    expect(quantsFor("llama.cpp")).toContain("q4_k_m");
    expect(quantsFor("llama.cpp")).not.toContain("awq");
    expect(quantsFor("vllm")).toContain("awq");
    expect(kvDtypesFor("llama.cpp")).not.toContain("fp8");
    expect(kvDtypesFor("vllm")).toContain("fp8");
  });

  test("a context above the model's native window is warned about, naming the extended window", () => {
    expect(contextWarning("qwen3-8b", 4096)).toBeNull();
    expect(contextWarning("qwen3-8b", 65536)).toBe("65,536 tokens is above Qwen3-8B's native context window of 32,768. Up to 131,072 needs YaRN RoPE scaling, factor 4 over 32,768, which the shipped config does not enable. The estimate is computed anyway.");
    expect(contextWarning("qwen3-8b", 2_000_000)).toMatch(/native context window of 32,768\. Even its extended window is 131,072\./);
    expect(contextWarning("llama-3.1-8b-instruct", 200_000)).toBe("200,000 tokens is above Llama 3.1 8B Instruct's native context window of 131,072. The estimate is computed anyway.");
    expect(contextWarning("not-a-model", 2_000_000)).toBeNull();
  });

  test("the max context stops at the native window, and the result says which window that is", () => {
    const r = calculate(state({ model: "qwen3-8b", quant: "q4_k_m", runtime: "llama.cpp", gpu: "h100 sxm" }));
    if (!r.ok) throw new Error(r.error);
    expect([r.maxContext, r.contextWindow, r.extendedContextWindow]).toEqual([32768, 32768, 131072]);
  });
});

describe("pickers", () => {
  test("search by name, company and Hugging Face id, best first", () => {
    expect(searchModels("llama 3.1 8b").options[0].id).toMatch(/^llama-3\.1-8b/);
    expect(searchModels("Qwen/Qwen3-8B").options[0].id).toBe("qwen3-8b");
    expect(searchModels("deepseek").options.every((o) => /deepseek/i.test(o.label + o.detail))).toBe(true);
    expect(searchModels("").options.length).toBeGreaterThan(10);
    expect(searchModels("zzzz-nothing")).toEqual({ options: [], total: 0 });
    expect(searchGpus("4090").options[0].label).toMatch(/4090/);
    // Apple parts first; a near miss ("appears" in a long AMD name) may follow them.
    const apple = searchGpus("apple").options.map((o) => /Apple/.test(o.detail));
    expect(apple.indexOf(false) === -1 || apple.slice(apple.indexOf(false)).every((x) => !x)).toBe(true);
    expect(apple.filter(Boolean).length).toBeGreaterThanOrEqual(4);
  });
});

describe("switching engine", () => {
  test("llama.cpp Q4_K_M → vLLM keeps a 4-bit format (not native) and says why", () => {
    const sw = switchEngine(state({ model: "qwen3-8b", quant: "q4_k_m", runtime: "llama.cpp" }), "vllm");
    expect(["awq", "gptq", "bnb-nf4", "nvfp4", "mxfp4", "w4a16-g32"]).toContain(sw.quant);
    expect(sw.notes[0]).toMatch(new RegExp(`^Weights: vLLM does not run q4_k_m; ${sw.quant} is the closest format it runs \\([\\d.]+ vs [\\d.]+ bits per weight\\)\\.$`));
    const after = calculate(state({ model: "qwen3-8b", quant: sw.quant, runtime: "vllm" }));
    expect(after.ok && after.status).not.toBe("OOM");
  });
  test("a format the new engine runs stays; an unsupported KV cache goes back to the default; flags are cleared", () => {
    const sw = switchEngine(state({ model: "qwen3-8b", quant: "bf16", runtime: "vllm", kvDtype: "fp8", engineArgs: "--max-num-seqs 8" }), "llama.cpp");
    expect(sw).toMatchObject({ quant: "bf16", kvDtype: "auto", engineArgs: "" });
    expect(sw.notes.join(" ")).toMatch(/KV cache: llama\.cpp has no fp8 cache; back to its default\. Engine flags cleared: they were vLLM's \(--max-num-seqs 8\)\./);
  });
  test("vLLM fp8 → llama.cpp: q8_0, the closest GGUF type", () => {
    expect(switchEngine(state({ model: "qwen3-8b", quant: "fp8", runtime: "vllm" }), "llama.cpp").quant).toBe("q8_0");
  });
});

describe("what would help an OOM setup", () => {
  const oom = state({ model: "qwen3-32b", quant: "q4_k_m", runtime: "llama.cpp", ctx: 32768, gpu: "rtx 4090" });
  test("each suggestion, applied, fits", () => {
    const r = calculate(oom);
    expect(r.ok && r.status).toBe("OOM");
    const advice = fitAdvice(oom);
    expect(advice.map((a) => a.kind)).toEqual(["quant", "gpus", "context", "offload"]);
    for (const a of advice) {
      const after = calculate({ ...oom, ...a.change });
      expect({ kind: a.kind, status: after.ok && after.status }).not.toEqual({ kind: a.kind, status: "OOM" });
    }
    // The smaller format is the best one that fits: the next one up does not.
    const q = advice[0].change.quant!;
    const better = quantsFor("llama.cpp").filter((x) => x !== "gguf" && x !== q);
    expect(better.length).toBeGreaterThan(0);
  });
  test("a setup that fits needs no help", () => {
    expect(fitAdvice(state({ model: "qwen3-8b", quant: "q4_k_m", runtime: "llama.cpp", gpu: "rtx 4090" }))).toEqual([]);
  });
});

describe("memory against context", () => {
  test("1K to the native window, the core's own totals, the budget and the max context", () => {
    const s = state({ model: "qwen3.5-35b-a3b", quant: "q4_k_m", runtime: "llama.cpp", gpu: "rtx 4090" });
    const c = memoryCurve(s)!;
    expect(c.points[0].ctx).toBe(1024);
    expect(c.points.at(-1)!.ctx).toBe(262144);
    expect(c.window).toBe(262144);
    const r = calculate({ ...s, ctx: 32768 });
    if (!r.ok) throw new Error(r.error);
    expect(c.points.find((p) => p.ctx === 32768)!.bytes).toBe(r.requiredBytes);
    expect([c.budgetBytes, c.maxContext]).toEqual([r.budgetBytes, r.maxContext]);
    for (let i = 1; i < c.points.length; i++) expect(c.points[i].bytes).toBeGreaterThanOrEqual(c.points[i - 1].bytes);
  });
});

describe("the command line in the pane", () => {
  test("the form's command, and a pasted command back into the form", () => {
    const s = state({ model: "qwen3-8b", quant: "awq", runtime: "vllm", ctx: 16384, gpus: 2, gpuUtil: 0.8, engineArgs: "--max-num-seqs 32" });
    const c = commandFor(s);
    if (!("command" in c)) throw new Error(c.error);
    expect(c.command).toBe("vllm serve Qwen/Qwen3-8B-AWQ --max-model-len 16384 -tp 2 --gpu-memory-utilization 0.8 --max-num-seqs 32");
    const back = stateFromCommand(DEFAULT_STATE, c.command);
    if ("ok" in back) throw new Error(back.error);
    expect(back).toMatchObject({ model: "qwen3-8b", runtime: "vllm", quant: "awq", ctx: 16384, gpus: 2, gpuUtil: 0.8, kvDtype: "auto", engineArgs: "--max-num-seqs 32", batch: DEFAULT_STATE.batch });
    const bad = stateFromCommand(DEFAULT_STATE, "vllm serve Qwen/Qwen3-8B --enable-lora");
    expect("ok" in bad && bad.error).toMatch(/--enable-lora is not modelled/);
  });
  test("engine flags are checked for the engine, and a flag a field holds is refused", () => {
    expect(engineFlagsError("vllm", "--max-num-seqs 8")).toBeNull();
    expect(engineFlagsError("vllm", "-tp 2")).toMatch(/-tp sets what the GPU count field holds/);
    expect(engineFlagsError("llama.cpp", "--max-num-seqs 8")).toMatch(/llama\.cpp flag '--max-num-seqs' is not one FitMyGPU knows/);
  });
  test("engine flags reach the estimate", () => {
    const a = calculate(state({ model: "qwen3-8b", quant: "bf16", runtime: "vllm", gpu: "h100 sxm" }));
    const b = calculate(state({ model: "qwen3-8b", quant: "bf16", runtime: "vllm", gpu: "h100 sxm", engineArgs: "--enforce-eager" }));
    if (!a.ok || !b.ok) throw new Error("expected results");
    expect(b.terms.find((t) => t.term === "overhead")!.bytes).toBeLessThan(a.terms.find((t) => t.term === "overhead")!.bytes);
  });
});

describe("GPU comparison", () => {
  const s = state({ model: "qwen3-32b", quant: "awq", runtime: "vllm", ctx: 8192 });

  test("one row per catalog GPU, filterable by vendor and class", () => {
    const all = gpuComparison(s);
    if (!Array.isArray(all)) throw new Error(all.error);
    expect(all.length).toBe(catalog().gpus.length);
    const amd = gpuComparison(s, { vendor: "AMD" });
    if (!Array.isArray(amd)) throw new Error(amd.error);
    expect(amd.length).toBeGreaterThan(0);
    expect(amd.every((r) => r.vendor === "AMD")).toBe(true);
    const dc = gpuComparison(s, { class: "datacenter" });
    if (!Array.isArray(dc)) throw new Error(dc.error);
    expect(dc.every((r) => r.class === "datacenter")).toBe(true);
    // vLLM does not run on Apple silicon: those rows say so, with the reason.
    const apple = all.filter((r) => r.vendor === "Apple");
    expect(apple.every((r) => r.status === "Unsupported" && /Apple silicon/.test(r.reason ?? ""))).toBe(true);
  });

  test("sorts by any column, both ways", () => {
    const up = gpuComparison(s, {}, { key: "vramGiB", descending: false });
    const down = gpuComparison(s, {}, { key: "vramGiB", descending: true });
    if (!Array.isArray(up) || !Array.isArray(down)) throw new Error("expected rows");
    for (let i = 1; i < up.length; i++) expect(up[i].vramGiB).toBeGreaterThanOrEqual(up[i - 1].vramGiB);
    for (let i = 1; i < down.length; i++) expect(down[i].vramGiB).toBeLessThanOrEqual(down[i - 1].vramGiB);
    const byStatus = gpuComparison(s, {}, { key: "status", descending: false });
    if (!Array.isArray(byStatus)) throw new Error("expected rows");
    const order = ["Fits", "Tight", "OOM", "Unsupported"];
    for (let i = 1; i < byStatus.length; i++) expect(order.indexOf(byStatus[i].status)).toBeGreaterThanOrEqual(order.indexOf(byStatus[i - 1].status));
  });

  test("a bad setup is one message, not 67 errors", () => {
    const r = gpuComparison(state({ model: "qwen35" }));
    expect(Array.isArray(r)).toBe(false);
  });
});

describe("model page", () => {
  test("overview, spec table, memory behaviour and https sources", () => {
    const p = modelPage("qwen3.5-35b-a3b");
    expect(p.title).toBe(catalog().index.model.map.get("qwen3.5-35b-a3b")!.record.name);
    const labels = p.spec.map((x) => x.label);
    for (const l of ["Company", "Family", "Release date", "Architecture", "Layout", "License", "Modality", "Context window (native, tokens)", "Extended context window (tokens)", "Total parameters", "Active parameters", "Layers", "Hidden size", "Attention heads", "KV heads", "KV-bearing layers"]) expect(labels).toContain(l);
    const value = (key: string) => p.spec.find((x) => x.key === key)!.value;
    expect([value("context_window"), value("extended_context_window"), value("architecture_label")]).toEqual(["262,144", "1,010,000", "Hybrid multimodal MoE transformer (Gated DeltaNet + gated attention)"]);
    // Not an MLA model: the plain label.
    expect(p.spec.find((x) => x.key === "head_dim")!.label).toBe("Head dim");
    expect(p.spec.find((x) => x.key === "hf_id")).toMatchObject({ value: "Qwen/Qwen3.5-35B-A3B", link: "https://huggingface.co/Qwen/Qwen3.5-35B-A3B" });
    expect(p.sections.map((s) => s.heading)).toEqual(["Overview", "Training scope", "Architecture and layout", "Context design", "What improved", "Release context", "Where it is strong", "Memory behaviour"]);
    for (const s of p.sections.slice(0, -1)) expect(s.cites.length).toBeGreaterThan(0);
    const memory = p.sections.at(-1)!.paragraphs.join(" ");
    expect(memory).toMatch(/Gated DeltaNet/);
    expect(memory).toMatch(/10 of 40 layers/);
    expect(memory).toMatch(/30 recurrent layers .* fixed .* of state per sequence/);
    expect(p.sources.length).toBeGreaterThan(0);
    for (const src of p.sources) {
      expect(src.url).toMatch(/^https?:\/\//);
      // A clean "publisher: title (read date)" label, never a research note.
      expect(src.label).toBe(`${src.publisher}: ${src.title} (read ${src.date})`);
      expect(src.label).not.toMatch(/config used =|not read from|agent transcript/);
    }
  });

  test("an MLA model labels its head dim as latent + rope", () => {
    expect(modelPage("deepseek-v3").spec.find((x) => x.key === "head_dim")).toMatchObject({ label: "Head dim (MLA: latent + rope)", value: "576" });
  });
});

describe("workbook inserts", () => {
  test("say what of the setup their formulas cannot carry", () => {
    expect(notCarried(DEFAULT_STATE)).toBeNull();
    expect(notCarried({ ...DEFAULT_STATE, runtime: "vllm", engineArgs: "--max-num-seqs 8", gpuUtil: 0.8 })).toBe("The inserted formulas do not carry engine flags (--max-num-seqs 8), the GPU memory share (0.8): the FIT functions take no such argument, so they use the engine's defaults.");
  });
});

describe("offload, system RAM and speed in the calculator", () => {
  const ollama70b: CalcState = { ...DEFAULT_STATE, model: "llama-3.1-70b-instruct", quant: "q4_k_m", runtime: "ollama", gpu: "nvidia-rtx-4090", ctx: 4096 };
  test("Ollama places its own layers: a model too big for the GPU fits with offload, split as ollama ps shows it", () => {
    const r = calculate(ollama70b);
    if (!r.ok) throw new Error(r.error);
    const e = estimate({ model: "llama-3.1-70b-instruct", quant: "q4_k_m", runtime: "ollama", gpu: "nvidia-rtx-4090", ctx: 4096 });
    expect(r.status).toBe("Fits with offload");
    expect(r.offloaded).toBe(true);
    expect(r.gpuLayers).toBe(e.gpuLayers);
    expect(r.gpuLayers! + r.cpuLayers!).toBe(81);
    expect(r.processorSplit).toBe(e.processorSplit);
    expect(r.processorSplit).toMatch(/^\d+%\/\d+% CPU\/GPU$/);
    expect(r.hostBytes).toBeGreaterThan(10 * 2 ** 30);
  });
  test("system RAM is a resource: too little, and it does not fit", () => {
    const r = calculate({ ...ollama70b, ramGiB: 8 });
    if (!r.ok) throw new Error(r.error);
    expect(r.fitsRam).toBe(false);
    expect(r.status).toBe("OOM");
    const enough = calculate({ ...ollama70b, ramGiB: 64 });
    expect(enough.ok && enough.status).toBe("Fits with offload");
  });
  test("speed: per request, in all, and the first token, as the estimate gives them", () => {
    const s: CalcState = { ...DEFAULT_STATE, batch: 4 };
    const r = calculate(s);
    if (!r.ok) throw new Error(r.error);
    const e = estimate({ model: s.model, quant: s.quant, runtime: s.runtime, gpu: s.gpu, ctx: s.ctx, batch: 4 });
    expect(r.decodePerRequest).toBeCloseTo(e.decodeTokensPerSecond!, 9);
    expect(r.tokensPerSecond).toBeCloseTo(e.decodeTokensPerSecondTotal!, 9);
    expect(r.ttftSeconds).toBeCloseTo(e.ttftSeconds!, 9);
  });
  test("an MoE model too big for the GPU on llama.cpp: the advice keeps experts in RAM (--n-cpu-moe), and it then fits", () => {
    const s: CalcState = { ...DEFAULT_STATE, model: "qwen3-30b-a3b", quant: "q8_0", runtime: "llama.cpp", gpu: "nvidia-rtx-4060-ti-16gb", ctx: 16384 };
    expect(calculate(s).ok && (calculate(s) as { status: string }).status).toBe("OOM");
    const a = fitAdvice(s).find((x) => /--n-cpu-moe/.test(x.text))!;
    expect(a.text).toMatch(/--n-cpu-moe \d+ keeps the routed experts of the first \d+ blocks in system RAM/);
    const after = calculate({ ...s, ...a.change });
    expect(after.ok && (after as { status: string }).status).toBe("Fits with offload");
    // One block fewer would not fit.
    const n = Number(/--n-cpu-moe (\d+)/.exec(a.change.engineArgs!)![1]);
    const fewer = calculate({ ...s, engineArgs: `--n-cpu-moe ${n - 1}` });
    expect(fewer.ok && (fewer as { status: string }).status).toBe("OOM");
  });
  test("vLLM too big for the GPU: the advice is the fewest GiB of --cpu-offload-gb that fit", () => {
    const s: CalcState = { ...DEFAULT_STATE, model: "llama-3.1-8b-instruct", quant: "bf16", runtime: "vllm", gpu: "nvidia-rtx-3080-10gb", ctx: 4096 };
    const a = fitAdvice(s).find((x) => /--cpu-offload-gb/.test(x.text))!;
    expect(a).toBeDefined();
    const after = calculate({ ...s, ...a.change });
    expect(after.ok && (after as { status: string }).status).toBe("Fits with offload");
  });
});
