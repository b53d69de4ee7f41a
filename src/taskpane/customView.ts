// "Add model" (from the Hugging Face Hub, a GGUF file, or a pasted or picked
// config.json: preview what the estimator derives, save) and "Add GPU". In Excel the entries live in the workbook's settings, so
// everyone who opens it sees them; in a browser they last for the session.
import { setCustomEntries } from "../core/catalog";
import { importModel, type ConfigImportInput } from "../core/configImport";
import { buildCustomEntries, customModelInput, type CustomInputs } from "../core/customStore";
import { isFitError } from "../core/errors";
import { formatParams } from "../core/units";
import { saveCustom, type SettingsLike } from "./customSettings";
import { h, replace } from "./dom";
import { button, filePicker, textArea, textInput, type ValueControl } from "./fluent";
import { hubView } from "./hubView";
import { derivedLine, specTable } from "./importCard";

export interface CustomView {
  root: HTMLElement;
  /** Looks a repo up on the Hub in the "Add from Hugging Face" section. */
  lookUp(repo: string): Promise<void>;
}

/** A labelled control (its label is inside it) with a hint below. */
function field(control: HTMLElement, hint?: string, wide = true): HTMLElement {
  return h("div", { class: wide ? "field wide" : "field" }, control, hint ? h("span", { class: "hint" }, hint) : null);
}

function readFile(f: File | undefined, into: ValueControl | null, then: (text: string) => void): void {
  if (!f) return;
  // config.json is a few KiB; refuse anything that cannot be one before reading it.
  if (f.size > 8 * 1024 * 1024) {
    then("");
    return;
  }
  void f.text().then((t) => {
    if (into) into.value = t;
    then(t);
  });
}

/** A positive number from a text box, or undefined when blank; NaN marks bad input. */
function optionalNumber(el: ValueControl): number | undefined {
  const raw = el.value.replace(/[,_\s]/g, "");
  if (raw === "") return undefined;
  const m = /^(\d+(?:\.\d+)?)([bBmMtT])?$/.exec(raw);
  if (!m) return NaN;
  const scale = { b: 1e9, m: 1e6, t: 1e12 }[(m[2] ?? "").toLowerCase() as "b" | "m" | "t"] ?? 1;
  return Number(m[1]) * scale;
}

/** The custom models and GPUs panel; `initial` is what the workbook already holds. */
export function customView(settings: SettingsLike | null, initial: CustomInputs, onChange: () => void, recalc: () => Promise<void>): CustomView {
  let current: CustomInputs = { models: [...initial.models], gpus: [...initial.gpus], unloaded: [...(initial.unloaded ?? [])] };
  const status = h("p", { role: "status", "aria-live": "polite", "data-testid": "custom-status" });
  const list = h("ul", { class: "notes", "data-testid": "custom-list" });

  const persist = async (next: CustomInputs, done: string): Promise<boolean> => {
    try {
      if (settings) {
        await saveCustom(settings, next);
        await recalc();
      } else setCustomEntries(buildCustomEntries(next));
      current = next;
      status.className = "";
      status.textContent = settings ? `${done} Saved in this workbook.` : `${done} Available until you close this page (no workbook to save it in).`;
      renderList();
      onChange();
      return true;
    } catch (e) {
      status.className = "error";
      status.textContent = isFitError(e) || e instanceof Error ? e.message : String(e);
      return false;
    }
  };

  const renderList = () => {
    const items = [
      ...current.models.map((m, i) => ({ label: `Model: ${m.name ?? m.id ?? String(m.config.model_type)}`, reason: undefined as string | undefined, remove: () => ({ ...current, models: current.models.filter((_, j) => j !== i) }) })),
      ...current.gpus.map((g, i) => ({ label: `GPU: ${g.name} (${g.memoryGiB} GiB)`, reason: undefined as string | undefined, remove: () => ({ ...current, gpus: current.gpus.filter((_, j) => j !== i) }) })),
      // Stored entries that did not load stay in the workbook (a save writes them back) until removed here.
      ...(current.unloaded ?? []).map((u, i) => ({ label: u.label, reason: u.reason, remove: () => ({ ...current, unloaded: (current.unloaded ?? []).filter((_, j) => j !== i) }) })),
    ];
    const row = (it: (typeof items)[number]) =>
      h(
        "li",
        it.reason ? { "data-testid": "custom-unloaded" } : {},
        it.label,
        it.reason ? h("span", { class: "error" }, ` — not loaded: ${it.reason}`) : null,
        " ",
        button("Remove", { size: "small", "aria-label": `Remove ${it.label}`, onclick: () => void persist(it.remove(), `Removed ${it.label}.`) }),
      );
    replace(list, ...(items.length ? items.map(row) : [h("li", {}, "No custom models or GPUs yet.")]));
  };

  /** Stores an import as every custom model is stored; false (nothing stored) when it does not validate or save. */
  const saveImport = async (inp: ConfigImportInput): Promise<boolean> => {
    let entry;
    try {
      entry = customModelInput(inp);
    } catch (e) {
      status.className = "error";
      status.textContent = (e as Error).message;
      return false;
    }
    return persist({ ...current, models: [...current.models.filter((m) => (m.name ?? m.id) !== (entry.name ?? entry.id)), entry] }, `Added ${entry.name ?? entry.id ?? "the model"}; FIT functions and the calculator know it by that name.`);
  };
  const saveLabel = settings ? "Save to workbook" : "Use this model";
  const hub = hubView(saveImport, saveLabel);

  // --- Add model from config.json
  const config = textArea("config.json", { spellcheck: "false", placeholder: '{ "model_type": "qwen3", "hidden_size": 4096, … }', "data-testid": "config-text" });
  let indexText: string | undefined;
  const configFile = filePicker("Pick config.json…", { accept: ".json,application/json", testid: "config-file" }, (files) => readFile(files[0], config, () => preview()));
  const indexFile = filePicker("Pick model.safetensors.index.json (optional)…", { accept: ".json,application/json", testid: "index-file" }, (files) => readFile(files[0], null, (t) => {
    indexText = t || undefined;
    preview();
  }));
  const name = textInput("Name", { placeholder: "e.g. My fine-tune 8B", autocomplete: "off", "data-testid": "custom-name" });
  const stated = textInput("Stated parameters (optional)", { inputmode: "decimal", placeholder: "e.g. 8.2B (optional)", autocomplete: "off", "data-testid": "custom-stated" });
  const previewEl = h("div", { "data-testid": "custom-preview" });
  const save = button(saveLabel, { appearance: "primary", disabled: true, "data-testid": "custom-save" });

  const input = () => ({ config: config.value, index: indexText, name: name.value.trim() || undefined, statedParams: optionalNumber(stated) });
  function preview(): void {
    save.disabled = true;
    if (!config.value.trim()) {
      replace(previewEl);
      return;
    }
    const inp = input();
    if (Number.isNaN(inp.statedParams)) {
      replace(previewEl, h("p", { class: "error" }, "Stated parameters must be a number such as 8.2B or 8200000000."));
      return;
    }
    try {
      const m = importModel(inp);
      const warn = inp.statedParams && Math.abs(m.params.total / inp.statedParams - 1) > 0.02 ? `The derived ${formatParams(m.params.total)} parameters differ from the stated ${formatParams(inp.statedParams)} by ${((m.params.total / inp.statedParams - 1) * 100).toFixed(1)}%: check the config (a vision tower or MTP layers may be counted differently).` : null;
      replace(previewEl, h("p", {}, derivedLine(m)), warn ? h("p", { class: "warn", role: "alert" }, warn) : null, specTable(m));
      save.disabled = false;
    } catch (e) {
      // Whatever a pasted config does, the pane says so and carries on.
      replace(previewEl, h("p", { class: "error", role: "alert" }, isFitError(e) ? e.message : `Internal error: ${e instanceof Error ? e.message : String(e)}`));
    }
  }
  for (const el of [config, name, stated]) el.addEventListener("input", preview);
  save.addEventListener("click", async () => {
    const ok = await saveImport(input());
    if (ok) {
      config.value = "";
      replace(previewEl);
      save.disabled = true;
    }
  });

  // --- Add GPU
  const gName = textInput("Name", { placeholder: "e.g. Lab A6000 48GB", autocomplete: "off", "data-testid": "gpu-name" });
  const gMem = textInput("Memory (GiB, as the driver reports it)", { inputmode: "decimal", placeholder: "GiB as nvidia-smi reports ÷ 1024", autocomplete: "off", "data-testid": "gpu-mem" });
  const gBw = textInput("Bandwidth (GB/s)", { inputmode: "decimal", placeholder: "GB/s", autocomplete: "off", "data-testid": "gpu-bw" });
  const gTf = textInput("BF16 dense TFLOPS", { inputmode: "decimal", placeholder: "optional", autocomplete: "off", "data-testid": "gpu-tf" });
  const addGpu = button(settings ? "Save GPU to workbook" : "Use this GPU", { appearance: "primary", "data-testid": "gpu-save" });
  addGpu.addEventListener("click", () => {
    const mem = Number(gMem.value);
    const bw = Number(gBw.value);
    const tf = gTf.value.trim() === "" ? null : Number(gTf.value);
    if (!gName.value.trim() || !(mem > 0) || !(bw > 0) || (tf !== null && !(tf > 0))) {
      status.className = "error";
      status.textContent = "A GPU needs a name, its memory in GiB and its bandwidth in GB/s (positive numbers).";
      return;
    }
    const gpu = { name: gName.value.trim(), memoryGiB: mem, bandwidthGBs: bw, bf16Tflops: tf };
    void persist({ ...current, gpus: [...current.gpus.filter((g) => g.name !== gpu.name), gpu] }, `Added GPU ${gpu.name}.`).then((ok) => {
      if (ok) for (const el of [gName, gMem, gBw, gTf]) el.value = "";
    });
  });

  renderList();
  const root = h(
    "div",
    {},
    hub.root,
    h("h2", {}, "Add a model from its config.json"),
    h("p", { class: "hint" }, "Paste the model's config.json from Hugging Face (or pick the file). The estimator derives every layer from it; nothing is guessed. Optionally add model.safetensors.index.json to pin the exact weight size."),
    field(config),
    h("div", { class: "actions" }, configFile.root, indexFile.root),
    field(name, "How you will refer to it in FIT formulas; must not clash with a catalog model."),
    field(stated, "From the model card, to check the derived count."),
    previewEl,
    h("div", { class: "actions" }, save),
    h("h2", {}, "Add a GPU"),
    h("div", { class: "form" }, field(gName, undefined, false), field(gMem, undefined, false), field(gBw, undefined, false), field(gTf, undefined, false)),
    h("div", { class: "actions" }, addGpu),
    status,
    h("h2", {}, settings ? "In this workbook" : "In this session"),
    list,
  );
  return { root, lookUp: hub.lookUp };
}
