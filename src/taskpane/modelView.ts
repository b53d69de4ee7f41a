// The model page: overview, spec table, how its memory behaves, and sources.
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
  replace(
    el,
    h("h2", { "data-testid": "model-title" }, page.title),
    h("p", {}, page.overview),
    h("h3", {}, "Specifications"),
    h("div", { class: "table-wrap" }, h("table", { class: "grid spec", "data-testid": "spec-table" }, h("caption", { class: "visually-hidden" }, `${page.title} specifications`), h("tbody", {}, ...page.spec.map((r) => h("tr", {}, h("th", { scope: "row" }, r.label), h("td", {}, r.value)))))),
    actions,
    h("h3", {}, "Memory behaviour"),
    h("ul", { class: "notes" }, ...page.behaviour.map((b) => h("li", {}, b))),
    h("h3", {}, "Sources"),
    h("ul", { class: "notes", "data-testid": "sources" }, ...page.sources.map((s) => h("li", {}, externalLink(s.url, s.title), s.date ? ` (read ${s.date})` : ""))),
  );
}
