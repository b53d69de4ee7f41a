// The will-it-fit calculator: the form, the live verdict (or, when the input is
// not valid, the last verdict marked out of date), the stacked bar against the
// GPU budget, memory against context, what would help when it does not fit,
// the command line that reproduces the setup, and "How is this computed".
import { catalog, findModel } from "../core/catalog";
import { parseEngineVersion } from "../core/runtimes/vllmVersion";
import { formatBytes as gib, formatCount, formatFixed } from "../core/units";
import { combobox } from "./combobox";
import {
  calculate,
  commandFor,
  contextWarning,
  engineFlagsError,
  hasGpuUtil,
  HUB_OPTION_PREFIX,
  hubLookupOption,
  isVllm,
  kvDtypesFor,
  quantsFor,
  searchGpus,
  searchModels,
  setupFor,
  stateFromCommand,
  switchEngine,
  type CalcResult,
  type CalcState,
} from "./calculatorModel";
import { h, replace } from "./dom";
import { fitAdvice } from "./fitAdvice";
import { button, select, textArea, textInput, type ValueControl } from "./fluent";
import { memoryChart, tokensLabel } from "./memoryChartView";
import { memoryCurve } from "./memoryCurve";
import { gpuLabel, modelLabel } from "./labels";

export interface CalculatorView {
  root: HTMLElement;
  /** Re-reads the state (after custom entries change, or another tab picked a GPU) and recomputes. */
  refresh(): void;
}

/** A text field for a number: whole numbers unless `decimal`; "32k" and "1M" are 32,768 and 1,048,576. */
interface NumberField {
  root: HTMLElement;
  el: ValueControl;
  message: HTMLElement;
  set(v: number | null): void;
}

/** Reads a typed number: null for blank, NaN for anything that is not a valid number of the field's kind. */
export function readNumber(text: string, decimal: boolean): number | null {
  const raw = text.replace(/[,_\s]/g, "");
  if (raw === "") return null;
  const k = /^(\d+(?:\.\d+)?)([kKmM])$/.exec(raw);
  if (k) return Number(k[1]) * (k[2].toLowerCase() === "k" ? 1024 : 1048576);
  if (!/^\d*\.?\d+$/.test(raw)) return NaN;
  const n = Number(raw);
  return decimal || Number.isInteger(n) ? n : NaN;
}

/** Validity of every field by name; the result is out of date while any is invalid. */
type Validity = (field: string, error: string | null) => void;

function numberField(label: string, value: number | null, min: number, max: number, validity: Validity, onChange: (v: number | null) => void, opts: { decimal?: boolean; hint?: string; blank?: string; testid?: string } = {}): NumberField {
  const message = h("span", { class: "warn", "aria-live": "polite", "data-testid": opts.testid ? `${opts.testid}-msg` : undefined });
  const el = textInput(label, { value: value === null ? "" : String(value), placeholder: opts.blank, inputmode: opts.decimal ? "decimal" : "numeric", "data-testid": opts.testid, autocomplete: "off" });
  const whole = opts.decimal ? "a number" : "a whole number";
  el.addEventListener("input", () => {
    const n = readNumber(el.value, Boolean(opts.decimal));
    let error: string | null = null;
    if (n === null) error = opts.blank !== undefined ? null : `Enter ${whole} from ${formatCount(min)} to ${formatCount(max)}.`;
    else if (Number.isNaN(n)) error = /\d\.\d/.test(el.value) && !opts.decimal ? `Enter a whole number: ${el.value.trim()} has a fraction.` : `Enter ${whole} from ${formatCount(min)} to ${formatCount(max)}.`;
    else if (!Number.isInteger(n) && !opts.decimal) error = `Enter a whole number: ${el.value.trim()} is ${n.toLocaleString("en-US")}.`;
    else if (n < min || n > max) error = `Enter ${whole} from ${formatCount(min)} to ${formatCount(max)}.`;
    el.setAttribute("aria-invalid", String(error !== null));
    message.textContent = error ?? "";
    validity(label, error);
    if (error === null) onChange(n);
  });
  return {
    root: h("div", { class: "field" }, el, message, opts.hint ? h("span", { class: "hint" }, opts.hint) : null),
    el,
    message,
    set(v) {
      el.value = v === null ? "" : String(v);
      el.setAttribute("aria-invalid", "false");
      message.textContent = "";
      validity(label, null);
    },
  };
}

/** The calculator panel over a shared, mutable form state; `onHubLookup` takes a repo the user asked to look up. */
export function calculatorView(state: CalcState, onStateChange: () => void, actions: HTMLElement, onHubLookup: (repo: string) => void = () => undefined, onFirstVerdict: () => void = () => undefined): CalculatorView {
  const result = h("div", { class: "result", "aria-live": "polite", "aria-atomic": "false", "data-testid": "result" });
  const staleNote = h("p", { class: "stale-note", role: "status", "data-testid": "stale" });
  const invalid = new Map<string, string>();
  let firstVerdict = true;
  const recompute = () => {
    if (invalid.size) return;
    result.classList.remove("stale");
    staleNote.hidden = true;
    render(result, calculate(state), state, applyChange);
    if (firstVerdict) {
      firstVerdict = false;
      onFirstVerdict();
    }
    renderCommand();
    onStateChange();
  };
  const validity: Validity = (field, error) => {
    if (error) invalid.set(field, error);
    else invalid.delete(field);
    if (invalid.size) {
      // The last verdict stays visible but marked: it is not the answer for what the form now says.
      result.classList.add("stale");
      staleNote.hidden = false;
      staleNote.textContent = `Out of date: ${[...invalid].map(([f, e]) => `${f}: ${e}`).join(" ")} The result below is for the last valid input.`;
    }
  };

  const model = combobox(
    "Model",
    (q) => {
      const hub = hubLookupOption(q);
      const r = searchModels(q);
      return hub ? { options: [...r.options, hub], total: r.total + 1 } : r;
    },
    (id) => {
      if (id.startsWith(HUB_OPTION_PREFIX)) {
        // Not a model yet: keep the current one and hand the repo to the Add tab.
        model.set(modelLabel(state.model));
        onHubLookup(id.slice(HUB_OPTION_PREFIX.length));
        return;
      }
      state.model = id;
      const setup = setupFor(id, state);
      if (setup.runtime !== state.runtime || setup.quant !== state.quant) {
        state.runtime = setup.runtime;
        state.quant = setup.quant;
      }
      syncFields();
      recompute();
    },
    "Search by name, company or Hugging Face id (spaces, punctuation and small typos are forgiven); an owner/name not listed can be looked up on the Hub.",
  );
  const gpu = combobox("GPU", (q) => searchGpus(q), (id) => {
    state.gpu = id;
    recompute();
  });
  const switchNote = h("p", { class: "switch-note", role: "status", "data-testid": "switch-note" });
  const runtime = select("Engine", catalog().runtimes.map((r) => ({ value: r.id, label: r.name })), state.runtime, (v) => {
    const change = switchEngine(state, v);
    state.runtime = v;
    state.quant = change.quant;
    state.kvDtype = change.kvDtype;
    state.engineArgs = change.engineArgs;
    switchNote.textContent = change.notes.join(" ");
    switchNote.hidden = change.notes.length === 0;
    syncFields();
    recompute();
  }, { "data-testid": "engine" });
  const quant = select("Weights", quantsFor(state.runtime), state.quant, (v) => {
    state.quant = v;
    switchNote.hidden = true;
    recompute();
  }, { "data-testid": "quant" });
  const kv = select("KV cache", kvDtypesFor(state.runtime), state.kvDtype, (v) => {
    state.kvDtype = v;
    recompute();
  }, { "data-testid": "kv" });
  const ctxWarn = () => {
    const w = contextWarning(state.model, state.ctx);
    if (ctx.el.getAttribute("aria-invalid") !== "true") ctx.message.textContent = w ?? "";
  };
  const ctx = numberField("Context (tokens per request)", state.ctx, 1, 10_000_000, validity, (v) => {
    if (v === null) return;
    state.ctx = v;
    ctxWarn();
    recompute();
  }, { hint: "Type e.g. 200000, 48k or 1M, or pick a preset below.", testid: "ctx" });
  const presets = h("div", { class: "presets", role: "group", "aria-label": "Context presets" });
  const renderPresets = () => {
    const window = calcWindow();
    const sizes = [4096, 8192, 32768, 131072].filter((c) => c < window);
    replace(presets, ...[...sizes, window].map((c) => button(c === window ? `${tokensLabel(c)} (native)` : tokensLabel(c), { appearance: "subtle", size: "small", "data-ctx": c, onclick: () => {
      state.ctx = c;
      ctx.set(c);
      ctxWarn();
      recompute();
    } })));
  };
  const calcWindow = () => {
    try {
      return findModel(state.model).record.contextWindow;
    } catch {
      return 32768;
    }
  };
  const batch = numberField("Concurrent requests", state.batch, 1, 100_000, validity, (v) => {
    if (v === null) return;
    state.batch = v;
    recompute();
  }, { testid: "batch" });
  const gpus = numberField("GPU count (tensor parallel)", state.gpus, 1, 1024, validity, (v) => {
    if (v === null) return;
    state.gpus = v;
    recompute();
  }, { testid: "gpus" });
  const ram = numberField("System RAM (GiB)", state.ramGiB, 0.25, 100_000, validity, (v) => {
    state.ramGiB = v;
    recompute();
  }, { decimal: true, blank: "not checked", hint: "RAM the engine may use for layers and experts kept on the CPU; blank = not checked.", testid: "ram" });
  const util = numberField("GPU memory share", state.gpuUtil, 0.05, 1, validity, (v) => {
    state.gpuUtil = v;
    recompute();
  }, { decimal: true, blank: "engine default", hint: "vLLM gpu_memory_utilization (default 0.9) or SGLang mem_fraction_static (default from GPU size). Blank = the engine's default.", testid: "util" });

  // vLLM's memory behaviour changed between releases (V0 sampler, MLA padding, CUDA graphs).
  const versionMsg = h("span", { class: "warn", "aria-live": "polite" });
  const version = textInput("vLLM release", { placeholder: "latest", value: state.engineVersion ?? "", spellcheck: "false", "data-testid": "vllm-version", autocomplete: "off" });
  version.addEventListener("input", () => {
    const raw = version.value.trim();
    let error: string | null = null;
    try {
      if (raw) parseEngineVersion(raw);
    } catch (e) {
      error = (e as Error).message;
    }
    version.setAttribute("aria-invalid", String(error !== null));
    versionMsg.textContent = error ?? "";
    validity("vLLM release", error);
    if (error) return;
    state.engineVersion = raw || null;
    recompute();
  });
  const spec = numberField("MTP speculative tokens", state.speculativeTokens, 1, 64, validity, (v) => {
    state.speculativeTokens = v;
    recompute();
  }, { blank: "off", hint: "vLLM --speculative-config with method mtp; models with MTP layers only.", testid: "mtp" });
  const advanced = h(
    "details",
    { class: "field wide", "data-testid": "vllm-advanced" },
    h("summary", {}, "vLLM release and speculative decoding"),
    h("div", { class: "form" }, h("div", { class: "field" }, version, versionMsg, h("span", { class: "hint" }, "e.g. 0.6.3; blank = the latest release.")), spec.root),
  );

  // The engine's own flags, for settings no field holds (validated by the core's parser).
  const flagsMsg = h("span", { class: "warn", "aria-live": "polite", "data-testid": "engine-flags-msg" });
  const flags = textInput("Engine flags", { value: state.engineArgs, spellcheck: "false", autocomplete: "off", "data-testid": "engine-flags" });
  const flagsHint = h("span", { class: "hint" });
  const flagsPlaceholder = () => {
    const examples: Record<string, string> = { vllm: "--max-num-seqs 64 --enforce-eager", sglang: "--max-running-requests 32 --chunked-prefill-size 4096", "llama.cpp": "-ub 256 -fa on -ngl 30", ollama: "OLLAMA_FLASH_ATTENTION=1 num_gpu=30", transformers: "attn_implementation=sdpa max_new_tokens=512", mlx: "--max-kv-size 8192" };
    flags.setAttribute("placeholder", examples[state.runtime] ?? "");
    flagsHint.textContent = `${catalog().runtimes.find((r) => r.id === state.runtime)?.name ?? state.runtime}'s own flags, for what the fields above do not set.`;
  };
  flags.addEventListener("input", () => {
    const error = engineFlagsError(state.runtime, flags.value);
    flags.setAttribute("aria-invalid", String(error !== null));
    flagsMsg.textContent = error ?? "";
    validity("Engine flags", error);
    if (error) return;
    state.engineArgs = flags.value.trim();
    recompute();
  });

  // The command line that reproduces the setup, and a pasted command setting the form.
  const commandText = h("code", { "data-testid": "command" });
  const commandNotes = h("ul", { class: "notes", "data-testid": "command-notes" });
  const copyStatus = h("span", { class: "hint", role: "status" });
  const copy = button("Copy command", { "data-testid": "copy-command", onclick: async () => {
    try {
      await navigator.clipboard.writeText(commandText.textContent ?? "");
      copyStatus.textContent = "Copied.";
    } catch {
      copyStatus.textContent = "The browser did not allow copying; select the command and copy it.";
    }
  } });
  const renderCommand = () => {
    const c = commandFor(state);
    if (!("command" in c)) {
      commandText.textContent = "";
      replace(commandNotes, h("li", { class: "error" }, c.error));
      return;
    }
    commandText.textContent = c.command;
    replace(commandNotes, ...c.notes.map((n) => h("li", {}, n)));
  };
  const pasteMsg = h("p", { class: "warn", role: "status", "data-testid": "paste-msg" });
  const paste = textArea("Paste a serve command", { placeholder: "vllm serve Qwen/Qwen3-8B --max-model-len 32768 -tp 2 …", spellcheck: "false", "data-testid": "paste-command" });
  const applyPaste = button("Set the calculator from it", { "data-testid": "apply-command", onclick: () => {
    const next = stateFromCommand(state, paste.value);
    if ("ok" in next) {
      pasteMsg.className = "error";
      pasteMsg.textContent = next.error;
      return;
    }
    Object.assign(state, next);
    pasteMsg.className = "hint";
    pasteMsg.textContent = `Set from the command: ${modelLabel(state.model)} on ${catalog().runtimes.find((r) => r.id === state.runtime)?.name ?? state.runtime}.`;
    switchNote.hidden = true;
    sync();
  } });
  const commandBox = h(
    "section",
    { class: "command", "aria-label": "Command line" },
    h("h3", {}, "Command line"),
    h("p", { class: "hint" }, "The command that runs this setup; copy it, or paste your own to set the calculator from it."),
    h("pre", { class: "command-line" }, commandText),
    h("div", { class: "actions" }, copy, copyStatus),
    commandNotes,
    paste,
    h("div", { class: "actions" }, applyPaste),
    pasteMsg,
  );

  /** Sets every field from the state (after a model, engine or command changed several at once). */
  const syncFields = () => {
    runtime.set(state.runtime);
    state.quant = quant.setOptions(quantsFor(state.runtime), state.quant);
    state.kvDtype = kv.setOptions(kvDtypesFor(state.runtime), state.kvDtype);
    util.root.hidden = !hasGpuUtil(state.runtime);
    advanced.hidden = !isVllm(state.runtime);
    flags.value = state.engineArgs;
    flags.setAttribute("aria-invalid", "false");
    flagsMsg.textContent = "";
    validity("Engine flags", null);
    flagsPlaceholder();
    renderPresets();
    ctxWarn();
  };

  const form = h(
    "div",
    { class: "form", role: "group", "aria-label": "Setup" },
    model.root,
    runtime.root,
    quant.root,
    h("div", { class: "field wide" }, switchNote),
    ctx.root,
    batch.root,
    h("div", { class: "field wide" }, presets),
    kv.root,
    gpus.root,
    gpu.root,
    ram.root,
    util.root,
    advanced,
    h("div", { class: "field wide" }, flags, flagsMsg, flagsHint),
  );
  switchNote.hidden = true;
  staleNote.hidden = true;
  // Narrow: form, verdict, command line; wide: the form and the command line left of the verdict.
  const root = h("div", { class: "calc" }, h("h2", { class: "visually-hidden" }, "Will it fit?"), h("div", { class: "calc-form" }, form), h("div", { class: "calc-result" }, staleNote, result, actions), commandBox);

  function applyChange(change: Partial<CalcState>): void {
    Object.assign(state, change);
    sync();
  }

  function sync(): void {
    model.set(modelLabel(state.model));
    gpu.set(gpuLabel(state.gpu));
    ctx.set(state.ctx);
    batch.set(state.batch);
    gpus.set(state.gpus);
    util.set(state.gpuUtil);
    ram.set(state.ramGiB);
    spec.set(state.speculativeTokens);
    version.value = state.engineVersion ?? "";
    syncFields();
    recompute();
  }
  sync();
  return { root, refresh: sync };
}

/** The status as a CSS class ("Fits with offload" → "Fits-with-offload"). */
const statusClass = (s: string) => s.replace(/\s+/g, "-");

/** Where the model's memory sits when part of it runs from system RAM: GPU vs CPU, as `ollama ps` splits it. */
function splitBar(r: CalcResult): HTMLElement {
  const gpuAll = r.requiredBytes;
  const total = gpuAll + r.hostBytes;
  const bar = h("div", { class: "bar split", role: "img", "data-testid": "split-bar", "aria-label": `CPU/GPU split: ${r.processorSplit}; ${gib(gpuAll)} on each GPU, ${gib(r.hostBytes)} in system RAM.` });
  const gpu = h("span", { class: "seg-gpu", title: `GPU: ${gib(gpuAll)}` });
  gpu.style.width = `${(100 * gpuAll) / total}%`;
  const cpu = h("span", { class: "seg-host", title: `System RAM: ${gib(r.hostBytes)}` });
  cpu.style.width = `${(100 * r.hostBytes) / total}%`;
  bar.append(gpu, cpu);
  return h("div", {}, bar, h("ul", { class: "legend" }, h("li", {}, h("i", { class: "seg-gpu" }), `GPU ${gib(gpuAll)}`), h("li", {}, h("i", { class: "seg-host" }), `System RAM ${gib(r.hostBytes)}`), h("li", {}, r.processorSplit)));
}

function metric(label: string, value: string, testId: string): HTMLElement {
  return h("div", {}, h("dt", {}, label), h("dd", { "data-testid": testId }, value));
}

function render(el: HTMLElement, r: CalcResult | { ok: false; error: string }, s: CalcState, apply: (change: Partial<CalcState>) => void): void {
  if (!r.ok) {
    replace(el, h("p", { class: "error", role: "alert", "data-testid": "calc-error" }, r.error));
    return;
  }
  const oom = r.status === "OOM";
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
  const atNative = r.maxContext === r.contextWindow;
  const maxCtxText = `${formatCount(r.maxContext)} tokens${atNative ? ` (the native window${r.extendedContextWindow ? `; ${formatCount(r.extendedContextWindow)} extended` : ""})` : ""}`;
  const advice = oom ? fitAdvice(s) : [];
  const curve = memoryCurve(s);
  replace(
    el,
    h("div", {}, h("span", { class: `verdict ${statusClass(r.status)}`, "data-testid": "verdict" }, r.status), " ", h("span", { "data-testid": "result-title" }, `${r.modelName} on ${s.gpus > 1 ? `${s.gpus} × ` : ""}${r.gpuName}`)),
    h(
      "dl",
      { class: "metrics" },
      metric("Required per GPU", gib(r.requiredBytes), "required"),
      metric("Engine budget per GPU", `${gib(r.budgetBytes)} of ${gib(r.vramBytes)}`, "budget"),
      metric("Headroom", headroomText, "headroom"),
      // An OOM setup has no speed and no usable max context to report: what would help takes their place.
      oom ? null : metric("Max context", maxCtxText, "max-context"),
      oom ? null : metric(`Max concurrency at ${formatCount(s.ctx)}`, formatCount(r.maxConcurrency), "max-concurrency"),
      oom ? null : metric("Decode speed", s.batch > 1 ? `${formatFixed(r.decodePerRequest, 1)} tok/s per request, ${formatCount(r.tokensPerSecond)} tok/s in all` : `${formatFixed(r.decodePerRequest, 1)} tok/s`, "tokens"),
      oom ? null : metric(`First token (${tokensLabel(s.ctx)} prompt)`, Number.isFinite(r.ttftSeconds) ? `${formatFixed(r.ttftSeconds, 2)} s (${formatCount(r.prefillTokensPerSecond)} prompt tok/s)` : "unknown: no compute figure for this GPU", "ttft"),
      r.gpuLayers !== null ? metric("Layers on the GPU", `${r.gpuLayers} of ${r.gpuLayers + (r.cpuLayers ?? 0)} (${r.processorSplit})`, "gpu-layers") : r.offloaded ? metric("Processor split", r.processorSplit, "gpu-layers") : null,
    ),
    oom
      ? h(
          "section",
          { class: "advice", "aria-label": "What would help", "data-testid": "advice" },
          h("h3", {}, "What would help"),
          advice.length
            ? h("ul", {}, ...advice.map((a) => h("li", { "data-kind": a.kind }, h("span", {}, a.text), " ", button("Use this", { appearance: "subtle", size: "small", "aria-label": `Use this: ${a.text}`, onclick: () => apply(a.change) }))))
            : h("p", {}, "Nothing on this GPU fits this model: pick a larger GPU or a smaller model."),
        )
      : null,
    bar,
    h("ul", { class: "legend" }, ...r.terms.filter((t) => t.bytes > 0).map((t) => h("li", {}, h("i", { class: `seg-${t.term}` }), `${t.label} ${gib(t.bytes)}`)), h("li", {}, "│ budget")),
    r.offloaded ? splitBar(r) : null,
    r.hostBytes > 0 ? h("p", { class: "hint", "data-testid": "host-ram" }, `Also ${gib(r.hostBytes)} of system RAM${r.ramBytes !== null ? ` of the ${gib(r.ramBytes)} given${r.fitsRam ? "" : ": not enough"}` : ""}.`) : null,
    r.warnings.length ? h("ul", { class: "notes warn" }, ...r.warnings.map((w) => h("li", {}, w))) : null,
    curve ? h("figure", { class: "chart-figure" }, memoryChart(curve), h("figcaption", { class: "hint" }, `Required memory per GPU from ${tokensLabel(curve.points[0].ctx)} to the native window (${formatCount(curve.window)} tokens), at ${formatCount(s.batch)} concurrent request${s.batch === 1 ? "" : "s"}; the line is the engine budget.`)) : null,
    h(
      "details",
      { "data-testid": "explain" },
      h("summary", {}, "How is this computed"),
      ...r.explain.flatMap((x) => [h("h3", {}, x.label), h("p", { class: "formula" }, x.formula)]),
      r.notes.length ? h("ul", { class: "notes" }, ...r.notes.map((n) => h("li", {}, n))) : null,
      h("p", { class: "hint" }, "GiB = 2^30 bytes. GPU memory is what the driver reports, not the marketing figure. Speeds come from the bytes each step reads and the FLOPs of a prompt, with each engine's efficiencies fitted to published benchmarks (see the README's accuracy table)."),
    ),
  );
}
