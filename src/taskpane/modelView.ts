// The model page: spec table, the written sections (each citing its sources),
// memory behaviour from the core's own numbers, and the numbered sources.
import { externalLink, h, replace } from "./dom";
import { modelPage } from "./calculatorModel";
import { isFitError } from "../core/errors";

/** Renders the page of `model` into `el` (an error line when the name does not resolve). */
export function renderModelPage(el: HTMLElement, model: string, actions: HTMLElement | null): void {
  let page;
  try {
    page = modelPage(model);
  } catch (e) {
    if (!isFitError(e)) throw e;
    replace(el, h("p", { class: "error", role: "alert" }, e.message));
    return;
  }
  const sourceId = (n: number) => `src-${page.id.replace(/[^a-z0-9-]/g, "-")}-${n}`;
  replace(
    el,
    h("h2", { "data-testid": "model-title" }, page.title),
    h("h3", {}, "Specifications"),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "grid spec", "data-testid": "spec-table" },
        h("caption", { class: "visually-hidden" }, `${page.title} specifications`),
        h("tbody", {}, ...page.spec.map((r) => h("tr", {}, h("th", { scope: "row" }, r.label), h("td", {}, r.link ? externalLink(r.link, r.value) : r.value)))),
      ),
    ),
    actions,
    ...page.sections.flatMap((s) => [
      h("h3", {}, s.heading),
      h(
        "div",
        { class: "section", "data-testid": `section-${s.key}` },
        ...(s.key === "memory" ? [h("ul", { class: "notes" }, ...s.paragraphs.map((p) => h("li", {}, p)))] : s.paragraphs.map((p) => h("p", {}, p))),
        s.cites.length ? h("p", { class: "cites" }, "Sources: ", ...s.cites.flatMap((n, i) => [i ? ", " : "", h("a", { href: `#${sourceId(n)}` }, `[${n}]`)])) : null,
      ),
    ]),
    h("h3", {}, "Sources"),
    h("ol", { class: "notes sources", "data-testid": "sources" }, ...page.sources.map((s) => h("li", { id: sourceId(s.n) }, externalLink(s.url, `${s.publisher}: ${s.title}`), ` (read ${s.date})`))),
  );
}
