// Fluent UI web components (v3) for the pane's controls, so it looks like
// Office: buttons, text inputs, text areas, selects, checkboxes and tabs. Each
// is registered once here, and built through the helpers below, which add what
// the components leave out for accessibility (a select's label, its listbox
// id and collapsed state on first render) so axe stays green. The components' styles are
// constructed stylesheets in their shadow DOM, which the pane's CSP allows: no inline style attributes, no eval. Fluent's theme tokens are
// CSS, written into taskpane.css at build time (scripts/fluentTheme.js); the
// pane picks light or dark with data-theme on <html>.
import "@fluentui/web-components/button.js";
import "@fluentui/web-components/checkbox.js";
import "@fluentui/web-components/dropdown.js";
import "@fluentui/web-components/listbox.js";
import "@fluentui/web-components/option.js";
import "@fluentui/web-components/tab.js";
import "@fluentui/web-components/tablist.js";
import "@fluentui/web-components/text-input.js";
import "@fluentui/web-components/textarea.js";
import { h, uid } from "./dom";

/** The value-bearing controls as the views use them. */
export interface ValueControl extends HTMLElement {
  value: string;
  disabled: boolean;
}

type Attrs = Record<string, string | number | boolean | null | undefined | ((e: Event) => void)>;

/** A Fluent button: "primary" for the main action, "secondary" (default) or "subtle". */
export function button(label: string | Node, attrs: Attrs & { appearance?: "primary" | "secondary" | "subtle" | "outline" } = {}): ValueControl {
  const b = h("fluent-button", { size: "medium", ...attrs }, label) as unknown as ValueControl;
  // The component keeps its disabled state in ElementInternals, which checkers such as axe do not read: mirror it as aria-disabled.
  const mirror = () => (b.hasAttribute("disabled") ? b.setAttribute("aria-disabled", "true") : b.removeAttribute("aria-disabled"));
  mirror();
  new MutationObserver(mirror).observe(b, { attributes: true, attributeFilter: ["disabled"] });
  return b;
}

/** A Fluent text input whose label is its own (slotted), so the inner input is named. */
export function textInput(label: string, attrs: Attrs = {}): ValueControl {
  // Without a value attribute the component's value stays undefined until typed in.
  return h("fluent-text-input", { appearance: "outline", value: "", ...attrs }, label) as unknown as ValueControl;
}

/** A Fluent text area with its label. */
export function textArea(label: string, attrs: Attrs = {}): ValueControl {
  return h("fluent-textarea", { resize: "vertical", ...attrs }, h("span", { slot: "label" }, label)) as unknown as ValueControl;
}

/** A Fluent checkbox with a visible label beside it. */
export function checkbox(label: string, attrs: Attrs = {}): { root: HTMLElement; box: HTMLElement & { checked: boolean } } {
  const id = uid("cb");
  const box = h("fluent-checkbox", { id, ...attrs }) as unknown as HTMLElement & { checked: boolean };
  return { root: h("span", { class: "check" }, box, h("label", { for: id }, label)), box };
}

export interface Select {
  root: HTMLElement;
  el: HTMLElement;
  /** The selected value (kept here: the component reads its options asynchronously). */
  readonly value: string;
  /** Replaces the options and selects `keep` (or the first); returns the selected value. */
  setOptions(values: Array<string | { value: string; label: string }>, keep: string): string;
  /** Selects a value already among the options. */
  set(value: string): void;
}

/**
 * A Fluent dropdown with a visible label. The component names its combobox
 * button by the selected text only and leaves aria-expanded unset until first
 * opened; the label and the collapsed state are added to the button when the
 * component renders it.
 */
export function select(label: string, values: Array<string | { value: string; label: string }>, value: string, onChange: (v: string) => void, attrs: Attrs = {}): Select {
  const id = uid("dd");
  const labelEl = h("label", { id: `${id}-label`, class: "field-label" }, label);
  const listbox = h("fluent-listbox", { id: `${id}-list` });
  const el = h("fluent-dropdown", { id, "aria-labelledby": `${id}-label`, appearance: "outline", ...attrs }, listbox) as HTMLElement & { value: string | null };
  let current = value;
  const patch = (control: Element) => {
    if (!control.getAttribute("aria-labelledby")?.startsWith(`${id}-label`)) control.setAttribute("aria-labelledby", `${id}-label ${control.id}`);
    if (!control.hasAttribute("aria-expanded")) control.setAttribute("aria-expanded", "false");
  };
  new MutationObserver(() => {
    const control = el.querySelector("[slot=control]");
    if (control) patch(control);
  }).observe(el, { childList: true, subtree: true, attributes: true, attributeFilter: ["aria-labelledby", "aria-expanded"] });
  el.addEventListener("change", () => {
    const v = el.value;
    if (v !== null && v !== current) {
      current = v;
      onChange(v);
    }
  });
  const setOptions = (vals: Array<string | { value: string; label: string }>, keep: string): string => {
    const items = vals.map((v) => (typeof v === "string" ? { value: v, label: v } : v));
    current = items.some((v) => v.value === keep) ? keep : (items[0]?.value ?? "");
    listbox.replaceChildren(...items.map((v) => h("fluent-option", { value: v.value, selected: v.value === current }, v.label)));
    return current;
  };
  setOptions(values, value);
  return {
    root: h("div", { class: "field" }, labelEl, el),
    el,
    get value() {
      return current;
    },
    setOptions,
    set(v: string) {
      current = v;
      for (const o of Array.from(listbox.children)) o.toggleAttribute("selected", o.getAttribute("value") === v);
      // Before the component has found its listbox, the selected attribute is what it will read.
      if ((el as unknown as { listbox?: unknown }).listbox && el.value !== v) el.value = v;
    },
  };
}

/** A file picker that looks like the pane's other buttons: a Fluent button opening a hidden file input (which tests and keyboards can still reach through the button). */
export function filePicker(label: string, attrs: { accept: string; multiple?: boolean; testid?: string }, onFiles: (files: File[]) => void): { root: HTMLElement; input: HTMLInputElement } {
  const input = h("input", { type: "file", accept: attrs.accept, multiple: attrs.multiple ?? false, hidden: true, "aria-hidden": "true", tabindex: "-1", "data-testid": attrs.testid });
  const chosen = h("span", { class: "hint", "aria-live": "polite" });
  const open = button(label, { onclick: () => input.click() });
  input.addEventListener("change", () => {
    const files = Array.from(input.files ?? []);
    chosen.textContent = files.length ? files.map((f) => f.name).join(", ") : "";
    if (files.length) onFiles(files);
  });
  return { root: h("div", { class: "file-picker" }, open, chosen, input), input };
}
