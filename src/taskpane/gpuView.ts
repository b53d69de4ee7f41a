// The GPU comparison: every catalog GPU for the current setup, filterable by
// vendor and class, sortable by any column.
import { COMPARISON_COLUMNS } from "../core/comparison";
import { formatCount } from "../core/units";
import { h, replace, uid } from "./dom";
import { gpuComparison, gpuFacets, type CalcState, type GpuRow, type GpuSortKey } from "./calculatorModel";

// How each column reads in the pane (the headers come from the core's column list).
const CELL: Record<GpuSortKey, (r: GpuRow) => string> = {
  name: (r) => r.name,
  vramGiB: (r) => r.vramGiB.toFixed(1),
  requiredGiB: (r) => (r.requiredGiB === null ? "—" : r.requiredGiB.toFixed(2)),
  status: (r) => r.status,
  headroomGiB: (r) => (r.headroomGiB === null ? "—" : r.headroomGiB.toFixed(2)),
  maxConcurrency: (r) => (r.maxConcurrency === null ? "—" : r.maxConcurrency.toFixed(1)),
  tokensPerSecond: (r) => (r.tokensPerSecond === null ? "—" : formatCount(r.tokensPerSecond)),
};
const COLUMNS = COMPARISON_COLUMNS.map((c) => ({ ...c, cell: CELL[c.key] }));

/** The comparison rows as a plain table (header + rows) for Copy / CSV. */
export function gpuTable(rows: GpuRow[]): string[][] {
  return [COLUMNS.map((c) => c.label), ...rows.map((r) => COLUMNS.map((c) => c.cell(r)))];
}

export interface GpuView {
  root: HTMLElement;
  refresh(): void;
  rows(): GpuRow[];
}

/** The comparison panel for the shared form state. */
export function gpuView(state: CalcState, actions: HTMLElement): GpuView {
  const facets = gpuFacets();
  const filter: { vendor?: string; class?: string } = {};
  let sort: { key: GpuSortKey; descending: boolean } = { key: "headroomGiB", descending: true };
  const vendorId = uid("vendor");
  const classId = uid("class");
  const vendor = h("select", { id: vendorId, onchange: () => { filter.vendor = vendor.value || undefined; refresh(); } }, h("option", { value: "" }, "All vendors"), ...facets.vendors.map((v) => h("option", { value: v }, v)));
  const cls = h("select", { id: classId, onchange: () => { filter.class = cls.value || undefined; refresh(); } }, h("option", { value: "" }, "All classes"), ...facets.classes.map((v) => h("option", { value: v }, v)));
  const summary = h("p", { class: "hint", "aria-live": "polite" });
  const table = h("table", { class: "grid", "data-testid": "gpu-table" });
  const refresh = () => {
    const rows = gpuComparison(state, filter, sort);
    if (!Array.isArray(rows)) {
      replace(table);
      replace(summary, h("span", { class: "error", role: "alert" }, rows.error));
      return;
    }
    const fits = rows.filter((r) => r.status === "Fits" || r.status === "Tight").length;
    summary.textContent = `${state.model} · ${state.quant} · ${state.runtime} · ${formatCount(state.ctx)} tokens × ${state.batch}${state.gpus > 1 ? ` · ${state.gpus} GPUs each` : ""}: ${fits} of ${rows.length} GPUs fit.`;
    const head = h(
      "tr",
      {},
      ...COLUMNS.map((c) =>
        h(
          "th",
          { scope: "col", "aria-sort": sort.key === c.key ? (sort.descending ? "descending" : "ascending") : "none" },
          h("button", { type: "button", onclick: () => { sort = { key: c.key, descending: sort.key === c.key ? !sort.descending : c.key !== "name" && c.key !== "status" }; refresh(); } }, c.label, sort.key === c.key ? (sort.descending ? " ↓" : " ↑") : ""),
        ),
      ),
    );
    replace(
      table,
      h("caption", { class: "visually-hidden" }, "GPU comparison for the current setup"),
      h("thead", {}, head),
      h("tbody", {}, ...rows.map((r) => h("tr", { title: r.reason ?? undefined }, ...COLUMNS.map((c) => (c.key === "status" ? h("td", {}, h("span", { class: `verdict ${r.status}` }, r.status)) : h("td", {}, c.cell(r))))))),
    );
  };
  const root = h(
    "div",
    {},
    h("h2", {}, "GPU comparison"),
    h("div", { class: "filters" }, h("label", { class: "visually-hidden", for: vendorId }, "Vendor"), vendor, h("label", { class: "visually-hidden", for: classId }, "Class"), cls),
    summary,
    actions,
    h("div", { class: "table-wrap" }, table),
  );
  // Computed afresh: the calculator's "Insert GPU grid" asks for the rows while this panel may never have been shown (or is stale).
  return { root, refresh, rows: () => { const rows = gpuComparison(state, filter, sort); return Array.isArray(rows) ? rows : []; } };
}
