// What a model import looks like before it is saved: the derived parameters,
// the spec table, and for a GGUF its exact weights and quant mix. One card for
// every source (a Hub lookup, a GGUF header, a pasted config.json), so they
// preview and save alike; nothing is stored until Save succeeds.
import type { ModelEntry } from "../core/catalog";
import { importModel, type ConfigImportInput } from "../core/configImport";
import { isFitError } from "../core/errors";
import { MODEL_FIELDS } from "../core/spec";
import { formatBytes, formatParams } from "../core/units";
import { formatField } from "./calculatorModel";
import { h, replace } from "./dom";
import { button as fluentButton, textInput } from "./fluent";

/** "Derived: 73.4B parameters (…), 80 layers." */
export function derivedLine(m: ModelEntry): string {
  return `Derived: ${formatParams(m.params.total)} parameters (${formatParams(m.params.active)} active), ${m.arch.layers.length} layers.`;
}

/** For a model read from a GGUF: its exact weights and quant mix, and which engines run it. */
export function ggufLine(m: ModelEntry): string | null {
  const w = m.fileWeights;
  if (!w) return null;
  const mix = Object.entries(w.types)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([t, b]) => `${t} ${Math.round((100 * b) / w.totalBytes)}%`)
    .join(", ");
  return `GGUF: ${w.tensors.toLocaleString("en-US")} tensors, ${formatBytes(w.totalBytes)} exactly (${mix}); llama.cpp and Ollama run it as the file.`;
}

/** The model's spec table. */
export function specTable(m: ModelEntry): HTMLElement {
  return h("div", { class: "table-wrap" }, h("table", { class: "grid spec" }, h("tbody", {}, ...MODEL_FIELDS.map((f) => h("tr", {}, h("th", { scope: "row" }, f.labelFor?.(m) ?? f.label), h("td", {}, formatField(f.format, f.value(m))))))));
}

export interface ImportCard {
  root: HTMLElement;
  /** Previews an import (or its error); the name field starts at the import's name. */
  show(input: ConfigImportInput): void;
  /** Shows a message in place of a preview (an error, or what to do next). */
  message(text: string, kind: "error" | "info"): void;
  clear(): void;
}

/** A preview with a name field and a save button; `save` stores the import and reports success. */
export function importCard(testId: string, saveLabel: string, save: (input: ConfigImportInput) => Promise<boolean>): ImportCard {
  const body = h("div", { "data-testid": `${testId}-preview` });
  const name = textInput("Name", { autocomplete: "off", "data-testid": `${testId}-name` });
  const nameField = h("div", { class: "field wide", hidden: true }, name, h("span", { class: "hint" }, "How you will refer to it in FIT formulas; must not clash with a catalog model."));
  const button = fluentButton(saveLabel, { appearance: "primary", disabled: true, hidden: true, "data-testid": `${testId}-save` });
  let pending: ConfigImportInput | undefined;

  const render = () => {
    if (!pending) return;
    button.disabled = true;
    try {
      const m = importModel({ ...pending, name: name.value.trim() || pending.name });
      const gguf = ggufLine(m);
      replace(body, h("p", {}, derivedLine(m)), gguf ? h("p", {}, gguf) : null, specTable(m));
      button.disabled = false;
    } catch (e) {
      if (!isFitError(e)) throw e;
      replace(body, h("p", { class: "error", role: "alert" }, e.message));
    }
  };
  name.addEventListener("input", render);
  button.addEventListener("click", async () => {
    if (!pending) return;
    button.disabled = true;
    const ok = await save({ ...pending, name: name.value.trim() || pending.name });
    if (ok) card.clear();
    else button.disabled = false;
  });

  const card: ImportCard = {
    root: h("div", {}, body, nameField, h("div", { class: "actions" }, button)),
    show(input) {
      pending = input;
      name.value = input.name ?? "";
      nameField.hidden = false;
      button.hidden = false;
      render();
    },
    message(text, kind) {
      card.clear();
      replace(body, h("p", kind === "error" ? { class: "error", role: "alert" } : {}, text));
    },
    clear() {
      pending = undefined;
      replace(body);
      name.value = "";
      nameField.hidden = true;
      button.hidden = true;
      button.disabled = true;
    },
  };
  return card;
}
