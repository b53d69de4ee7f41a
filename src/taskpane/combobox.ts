// A search-as-you-type picker following the ARIA combobox pattern: type to
// filter, arrows to move, Enter to choose, Escape to close.
import { h, replace, uid } from "./dom";
import type { Option } from "./calculatorModel";

export interface Combobox {
  root: HTMLElement;
  input: HTMLInputElement;
  /** Sets the shown text (an option's label). */
  set(label: string): void;
}

/** Builds a labelled combobox; `onPick` gets the chosen option's id, `onText` free text on change. */
export function combobox(label: string, search: (q: string) => Option[], onPick: (id: string, label: string) => void, hint?: string): Combobox {
  const id = uid("combo");
  const listId = `${id}-list`;
  const input = h("input", { id, type: "text", role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": listId, autocomplete: "off", spellcheck: "false" });
  const list = h("ul", { id: listId, role: "listbox", "aria-label": label, hidden: true });
  let options: Option[] = [];
  let active = -1;
  let committed = "";

  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const highlight = (i: number) => {
    active = i;
    list.querySelectorAll("[role=option]").forEach((el, j) => el.setAttribute("aria-selected", String(j === i)));
    const el = list.children[i] as HTMLElement | undefined;
    if (el) {
      input.setAttribute("aria-activedescendant", el.id);
      el.scrollIntoView?.({ block: "nearest" });
    }
  };
  const pick = (o: Option) => {
    input.value = o.label;
    committed = o.label;
    input.removeAttribute("aria-invalid");
    close();
    onPick(o.id, o.label);
  };
  const open = () => {
    options = search(input.value === committed ? "" : input.value);
    replace(list, ...options.map((o, i) => h("li", { id: `${id}-opt-${i}`, role: "option", "aria-selected": "false", "data-id": o.id, onmousedown: (e: Event) => { e.preventDefault(); pick(o); } }, o.label, h("small", {}, o.detail))));
    if (options.length === 0) replace(list, h("li", { role: "option", "aria-disabled": "true", "aria-selected": "false" }, "No match"));
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    active = -1;
  };

  input.addEventListener("input", open);
  input.addEventListener("focus", () => input.select());
  input.addEventListener("keydown", (e: KeyboardEvent) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      if (list.hidden) open();
      highlight(Math.min(active + 1, options.length - 1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      highlight(Math.max(active - 1, 0));
    } else if (e.key === "Enter") {
      if (!list.hidden && options.length) {
        e.preventDefault();
        pick(options[active >= 0 ? active : 0]);
      }
    } else if (e.key === "Escape") {
      if (!list.hidden) {
        e.preventDefault();
        close();
        input.value = committed;
      }
    }
  });
  input.addEventListener("blur", () => {
    if (list.hidden) return;
    close();
    // Leaving with text that names exactly one option picks it; otherwise restore the last pick.
    const exact = search(input.value).filter((o) => o.label.toLowerCase() === input.value.trim().toLowerCase() || o.id === input.value.trim().toLowerCase());
    if (exact.length === 1) pick(exact[0]);
    else input.value = committed;
  });

  const root = h("div", { class: "field wide" }, h("label", { for: id }, label), h("div", { class: "combo" }, input, list), hint ? h("span", { class: "hint" }, hint) : null);
  return {
    root,
    input,
    set(labelText: string) {
      input.value = labelText;
      committed = labelText;
    },
  };
}
