// The pane's view model: what the calculator, the model page and the GPU
// comparison show, computed without a browser.
import { estimate, maxBatch, maxContext } from "../src/core/estimate";
import { catalog } from "../src/core/catalog";
import { calculate, contextWarning, DEFAULT_STATE, gpuComparison, hasGpuUtil, kvDtypesFor, modelPage, quantsFor, searchGpus, searchModels, type CalcState } from "../src/taskpane/calculatorModel";

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

  test("a context above the model's window is warned about", () => {
    expect(contextWarning("qwen3-8b", 4096)).toBeNull();
    expect(contextWarning("qwen3-8b", 2_000_000)).toMatch(/above Qwen3-8B's context window/);
    expect(contextWarning("not-a-model", 2_000_000)).toBeNull();
  });
});

describe("pickers", () => {
  test("search by name, company and Hugging Face id, best first", () => {
    expect(searchModels("llama 3.1 8b")[0].id).toMatch(/^llama-3\.1-8b/);
    expect(searchModels("Qwen/Qwen3-8B")[0].id).toBe("qwen3-8b");
    expect(searchModels("deepseek").every((o) => /deepseek/i.test(o.label + o.detail))).toBe(true);
    expect(searchModels("").length).toBeGreaterThan(10);
    expect(searchModels("zzzz-nothing")).toEqual([]);
    expect(searchGpus("4090")[0].label).toMatch(/4090/);
    expect(searchGpus("apple").every((o) => /Apple/.test(o.detail))).toBe(true);
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
