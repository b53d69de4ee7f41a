// The will-it-fit calculator: the form, the live verdict, the stacked bar
// against the GPU budget, and "How is this computed".
import { catalog } from "../core/catalog";
import { parseEngineVersion } from "../core/runtimes/vllmVersion";
import { formatBytes as gib, formatCount } from "../core/units";
import { combobox } from "./combobox";
import { CONTEXT_PRESETS, calculate, contextWarning, hasGpuUtil, HUB_OPTION_PREFIX, hubLookupOption, isVllm, kvDtypesFor, quantsFor, searchGpus, searchModels, setupFor, type CalcResult, type CalcState } from "./calculatorModel";
import { h, replace, uid } from "./dom";
import { gpuLabel, modelLabel } from "./workbookPlan";

export interface CalculatorView {
  root: HTMLElement;
  /** Re-reads the catalog (after custom models or GPUs change) and recomputes. */
  refresh(): void;
}

function select(label: string, values: string[], value: string, onChange: (v: string) => void, hint?: string): { root: HTMLElement; el: HTMLSelectElement; setOptions(v: string[], keep: string): void } {
  const id = uid("sel");
  const el = h("select", { id, onchange: () => onChange(el.value) });
  const setOptions = (vals: string[], keep: string) => {
    replace(el, ...vals.map((v) => h("option", { value: v }, v)));
    el.value = vals.includes(keep) ? keep : vals[0];
  };
  setOptions(values, value);
  return { root: h("div", { class: "field" }, h("label", { for: id }, label), el, hint ? h("span", { class: "hint" }, hint) : null), el, setOptions };
}

function numberField(label: string, value: number | null, min: number, max: number, onChange: (v: number | null) => void, opts: { list?: string; step?: string; hint?: string; blank?: string } = {}): { root: HTMLElement; el: HTMLInputElement; message: HTMLElement } {
  const id = uid("num");
  const message = h("span", { class: "warn", id: `${id}-msg`, "aria-live": "polite" });
  const el = h("input", { id, type: "text", inputmode: "numeric", value: value === null ? "" : String(value), placeholder: opts.blank, list: opts.list, "aria-describedby": `${id}-msg` });
  el.addEventListener("input", () => {
    const raw = el.value.replace(/[,_\s]/g, "");
    // Fields with a `blank` meaning (the engine's default) accept an empty box as null.
    if (raw === "" && opts.blank !== undefined) {
      el.setAttribute("aria-invalid", "false");
      message.textContent = "";
      onChange(null);
      return;
    }
    const k = /^(\d+(?:\.\d+)?)([kKmM])$/.exec(raw);
    // "32k" and "1M" mean 32,768 and 1,048,576 tokens, as context sizes are quoted.
    const n = k ? Math.round(Number(k[1]) * (k[2].toLowerCase() === "k" ? 1024 : 1048576)) : opts.step === "any" ? Number(raw) : Number.parseInt(raw, 10);
    const ok = raw !== "" && Number.isFinite(n) && n >= min && n <= max && (opts.step === "any" || Number.isInteger(n)) && (k !== null || /^\d+(\.\d+)?$/.test(raw));
    el.setAttribute("aria-invalid", String(!ok));
    message.textContent = ok ? "" : `Enter a number from ${min} to ${formatCount(max)}.`;
    if (ok) onChange(n);
  });
  return { root: h("div", { class: "field" }, h("label", { for: id }, label), el, message, opts.hint ? h("span", { class: "hint" }, opts.hint) : null), el, message };
}

/** The calculator panel over a shared, mutable form state; `onHubLookup` takes a repo the user asked to look up. */
export function calculatorView(state: CalcState, onStateChange: () => void, actions: HTMLElement, onHubLookup: (repo: string) => void = () => undefined): CalculatorView {
  const result = h("div", { class: "result", "aria-live": "polite", "aria-atomic": "false" });
  const recompute = () => {
    render(result, calculate(state), state);
    onStateChange();
  };

  const model = combobox("Model", (q) => {
    const hub = hubLookupOption(q);
    return hub ? [...searchModels(q), hub] : searchModels(q);
  }, (id) => {
    if (id.startsWith(HUB_OPTION_PREFIX)) {
      // Not a model yet: keep the current one and hand the repo to the Add tab.
      model.set(modelLabel(state.model));
      onHubLookup(id.slice(HUB_OPTION_PREFIX.length));
      return;
    }
    state.model = id;
    const setup = setupFor(id, state);
    if (setup.runtime !== state.runtime || setup.quant !== state.quant) {
      state.runtime = runtime.el.value = setup.runtime;
      quant.setOptions(quantsFor(setup.runtime), setup.quant);
      state.quant = quant.el.value;
      kv.setOptions(kvDtypesFor(setup.runtime), state.kvDtype);
      state.kvDtype = kv.el.value;
      util.root.hidden = !hasGpuUtil(setup.runtime);
      advanced.hidden = !isVllm(setup.runtime);
    }
    ctxWarn();
    recompute();
  }, "Search by name, company or Hugging Face id; an owner/name not listed can be looked up on the Hub.");
  const gpu = combobox("GPU", (q) => searchGpus(q), (id) => {
    state.gpu = id;
    recompute();
  });
  const runtime = select("Engine", catalog().runtimes.map((r) => r.id), state.runtime, (v) => {
    state.runtime = v;
    quant.setOptions(quantsFor(v), state.quant);
    state.quant = quant.el.value;
    kv.setOptions(kvDtypesFor(v), state.kvDtype);
    state.kvDtype = kv.el.value;
    util.root.hidden = !hasGpuUtil(v);
    advanced.hidden = !isVllm(v);
    recompute();
  });
  const quant = select("Weights", quantsFor(state.runtime), state.quant, (v) => {
    state.quant = v;
    recompute();
  }, "native = the checkpoint's own format");
  const kv = select("KV cache", kvDtypesFor(state.runtime), state.kvDtype, (v) => {
    state.kvDtype = v;
    recompute();
  });
  const presetsId = uid("ctx-presets");
  const presets = h("datalist", { id: presetsId }, ...CONTEXT_PRESETS.map((c) => h("option", { value: String(c) }, `${c >= 1048576 ? c / 1048576 + "M" : c / 1024 + "K"}`)));
  const ctx = numberField("Context (tokens per request)", state.ctx, 1, 10_000_000, (v) => {
    if (v === null) return;
    state.ctx = v;
    ctxWarn();
    recompute();
  }, { list: presetsId, hint: "Presets 4K … 1M, or type e.g. 200000 or 48k." });
  const ctxWarn = () => {
    const w = contextWarning(state.model, state.ctx);
    if (ctx.el.getAttribute("aria-invalid") !== "true") ctx.message.textContent = w ?? "";
  };
  const batch = numberField("Concurrent requests", state.batch, 1, 100_000, (v) => {
    if (v === null) return;
    state.batch = v;
    recompute();
  });
  const gpus = numberField("GPU count (tensor parallel)", state.gpus, 1, 1024, (v) => {
    if (v === null) return;
    state.gpus = v;
    recompute();
  });
  const util = numberField("GPU memory share", state.gpuUtil, 0.05, 1, (v) => {
    state.gpuUtil = v;
    recompute();
  }, { step: "any", blank: "engine default", hint: "vLLM gpu_memory_utilization (default 0.9) or SGLang mem_fraction_static (default from GPU size). Blank = the engine's default." });
  util.el.setAttribute("inputmode", "decimal");
  util.root.hidden = !hasGpuUtil(state.runtime);

  // vLLM's memory behaviour changed between releases (V0 sampler, MLA padding, CUDA graphs).
  const versionId = uid("vllm-version");
  const versionMsg = h("span", { class: "warn", id: `${versionId}-msg`, "aria-live": "polite" });
  const version = h("input", { id: versionId, type: "text", placeholder: "latest", value: state.engineVersion ?? "", spellcheck: "false", "aria-describedby": `${versionId}-msg` });
  version.addEventListener("input", () => {
    const raw = version.value.trim();
    let ok = true;
    try {
      if (raw) parseEngineVersion(raw);
    } catch (e) {
      ok = false;
      versionMsg.textContent = (e as Error).message;
    }
    version.setAttribute("aria-invalid", String(!ok));
    if (!ok) return;
    versionMsg.textContent = "";
    state.engineVersion = raw || null;
    recompute();
  });
  const spec = numberField("MTP speculative tokens", state.speculativeTokens, 1, 64, (v) => {
    state.speculativeTokens = v;
    recompute();
  }, { blank: "off", hint: "vLLM --speculative-config with method mtp; models with MTP layers only." });
  const advanced = h(
    "details",
    { class: "field wide", "data-testid": "vllm-advanced" },
    h("summary", {}, "vLLM release and speculative decoding"),
    h("div", { class: "form" }, h("div", { class: "field" }, h("label", { for: versionId }, "vLLM release"), version, versionMsg, h("span", { class: "hint" }, "e.g. 0.6.3; blank = the latest release.")), spec.root),
  );
  advanced.hidden = !isVllm(state.runtime);

  const form = h("div", { class: "form", role: "group", "aria-label": "Setup" }, model.root, runtime.root, quant.root, ctx.root, presets, batch.root, kv.root, gpu.root, gpus.root, util.root, advanced);
  const root = h("div", {}, h("h2", { class: "visually-hidden" }, "Will it fit?"), form, result, actions);

  const sync = () => {
    model.set(modelLabel(state.model));
    gpu.set(gpuLabel(state.gpu));
    ctxWarn();
    recompute();
  };
  sync();
  return { root, refresh: sync };
}

function metric(label: string, value: string, testId: string): HTMLElement {
  return h("div", {}, h("dt", {}, label), h("dd", { "data-testid": testId }, value));
}

function render(el: HTMLElement, r: CalcResult | { ok: false; error: string }, s: CalcState): void {
  if (!r.ok) {
    replace(el, h("p", { class: "error", role: "alert", "data-testid": "calc-error" }, r.error));
    return;
  }
  const scale = Math.max(r.requiredBytes, r.budgetBytes, 1);
  const bar = h("div", { class: "bar", role: "img", "aria-label": `Memory per GPU: ${r.terms.map((t) => `${t.label} ${gib(t.bytes)}`).join(", ")}; budget ${gib(r.budgetBytes)}.` });
  for (const t of r.terms) {
    if (t.bytes <= 0) continue;
    const seg = h("span", { class: `seg-${t.term}`, title: `${t.label}: ${gib(t.bytes)}` });
    seg.style.width = `${(100 * t.bytes) / scale}%`;
    bar.append(seg);
  }
  const budget = h("span", { class: "budget", title: `Engine budget: ${gib(r.budgetBytes)}` });
  budget.style.left = `calc(${(100 * r.budgetBytes) / scale}% - 1px)`;
  bar.append(budget);
  const headroomText = r.headroomBytes >= 0 ? `${gib(r.headroomBytes)} free` : `${gib(-r.headroomBytes)} short`;
  replace(
    el,
    h("div", {}, h("span", { class: `verdict ${r.status}`, "data-testid": "verdict" }, r.status), " ", h("span", {}, `${r.modelName} on ${s.gpus > 1 ? `${s.gpus} × ` : ""}${r.gpuName}`)),
    h(
      "dl",
      { class: "metrics" },
      metric("Required per GPU", gib(r.requiredBytes), "required"),
      metric("Engine budget per GPU", `${gib(r.budgetBytes)} of ${gib(r.vramBytes)}`, "budget"),
      metric("Headroom", headroomText, "headroom"),
      metric("Max context", `${formatCount(r.maxContext)} tokens`, "max-context"),
      metric(`Max concurrency at ${formatCount(s.ctx)}`, formatCount(r.maxConcurrency), "max-concurrency"),
      metric("Decode speed", `${formatCount(r.tokensPerSecond)} tok/s`, "tokens"),
    ),
    bar,
    h("ul", { class: "legend" }, ...r.terms.filter((t) => t.bytes > 0).map((t) => h("li", {}, h("i", { class: `seg-${t.term}` }), `${t.label} ${gib(t.bytes)}`)), h("li", {}, "│ budget")),
    r.hostBytes > 0 ? h("p", { class: "hint" }, `Also ${gib(r.hostBytes)} of system RAM.`) : null,
    r.warnings.length ? h("ul", { class: "notes warn" }, ...r.warnings.map((w) => h("li", {}, w))) : null,
    h(
      "details",
      { "data-testid": "explain" },
      h("summary", {}, "How is this computed"),
      ...r.explain.flatMap((x) => [h("h3", {}, x.label), h("p", { class: "formula" }, x.formula)]),
      r.notes.length ? h("ul", { class: "notes" }, ...r.notes.map((n) => h("li", {}, n))) : null,
      h("p", { class: "hint" }, "GiB = 2^30 bytes. GPU memory is what the driver reports, not the marketing figure. Tokens/s is a bandwidth roofline estimate."),
    ),
  );
}
