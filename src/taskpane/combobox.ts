// A search-as-you-type picker following the ARIA combobox pattern: type to
// filter (forgivingly, see pickerSearch.ts), arrows to move, Enter or Tab to
// choose the highlighted match (the best one while none is), Escape to close and restore. After a pick the
// text is selected, so typing replaces it rather than appending. The list says
// how many matches it does not show.
import { h, replace, uid } from "./dom";
import type { Option, SearchResult } from "./calculatorModel";

export interface Combobox {
  root: HTMLElement;
  input: HTMLInputElement;
  /** Sets the shown text (an option's label). */
  set(label: string): void;
}

/** Builds a labelled combobox; `onPick` gets the chosen option's id and label. */
export function combobox(label: string, search: (q: string) => SearchResult, onPick: (id: string, label: string) => void, hint?: string): Combobox {
  const id = uid("combo");
  const listId = `${id}-list`;
  const input = h("input", { id, type: "text", class: "combo-input", role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": listId, autocomplete: "off", spellcheck: "false" });
  const list = h("ul", { id: listId, role: "listbox", "aria-label": label });
  const more = h("p", { class: "combo-more", "data-testid": "combo-more" });
  const popup = h("div", { class: "combo-popup", hidden: true }, list, more);
  let options: Option[] = [];
  let active = -1;
  let committed = "";

  const close = () => {
    popup.hidden = true;
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
    // Typing next replaces the pick instead of appending to it.
    if (document.activeElement === input) input.select();
  };
  const open = () => {
    const r = search(input.value === committed ? "" : input.value);
    options = r.options;
    replace(list, ...options.map((o, i) => h("li", { id: `${id}-opt-${i}`, role: "option", "aria-selected": "false", "data-id": o.id, onmousedown: (e: Event) => { e.preventDefault(); pick(o); } }, o.label, h("small", {}, o.detail))));
    if (options.length === 0) replace(list, h("li", { role: "option", "aria-disabled": "true", "aria-selected": "false" }, "No match"));
    more.textContent = r.total > options.length ? `Showing ${options.length} of ${r.total}: type to narrow the list.` : "";
    more.hidden = r.total <= options.length;
    popup.hidden = false;
    input.setAttribute("aria-expanded", "true");
    active = -1;
    // Typed text has a default match, the first (best) one: Enter or Tab takes it; ArrowDown moves onto it.
    if (options.length && input.value !== committed) list.firstElementChild?.classList.add("default");
  };
  /** The option Enter or Tab takes: the highlighted one, else the best match of typed text. */
  const chosen = (): Option | undefined => (active >= 0 ? options[active] : input.value !== committed ? options[0] : undefined);

  input.addEventListener("input", open);
  input.addEventListener("focus", () => input.select());
  input.addEventListener("keydown", (e: KeyboardEvent) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      if (popup.hidden) open();
      highlight(Math.min(active + 1, options.length - 1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      highlight(Math.max(active - 1, 0));
    } else if (e.key === "Enter") {
      if (!popup.hidden && options.length) {
        e.preventDefault();
        pick(chosen() ?? options[0]);
      }
    } else if (e.key === "Tab") {
      // Tab commits the highlighted (or best) match and moves on: no preventDefault.
      const o = popup.hidden ? undefined : chosen();
      if (o) pick(o);
    } else if (e.key === "Escape") {
      if (!popup.hidden) {
        e.preventDefault();
        close();
        input.value = committed;
      }
    }
  });
  input.addEventListener("blur", () => {
    if (popup.hidden) return;
    close();
    // Leaving with text that names exactly one option picks it; otherwise restore the last pick.
    const typed = input.value.trim().toLowerCase();
    const exact = search(input.value).options.filter((o) => o.label.toLowerCase() === typed || o.id === typed);
    if (exact.length === 1) pick(exact[0]);
    else input.value = committed;
  });

  const root = h("div", { class: "field wide" }, h("label", { for: id, class: "field-label" }, label), h("div", { class: "combo" }, input, popup), hint ? h("span", { class: "hint" }, hint) : null);
  return {
    root,
    input,
    set(labelText: string) {
      input.value = labelText;
      committed = labelText;
    },
  };
}
