// The GPU comparison: every catalog GPU for the current setup, searchable by
// name, filterable by vendor and class, sortable by any column; clicking a row
// (or its name) picks that GPU for the calculator. "Usable GiB" is the engine's
// budget on that GPU, the same figure the calculator shows as "Engine budget"
// (on Apple silicon under MLX, Metal's working set rather than all unified memory).
import { formatCount } from "../core/units";
import { h, replace } from "./dom";
import { gpuComparison, gpuFacets, type CalcState, type GpuFilter, type GpuRow, type GpuSortKey } from "./calculatorModel";
import { select, textInput } from "./fluent";

type Column = { key: GpuSortKey | "budgetGiB"; label: string; cell: (r: GpuRow) => string; title?: string; narrow: boolean };

// The pane's columns: the core's comparison plus the usable memory; at task-pane width the wide-only ones are hidden.
const COLUMNS: Column[] = [
  { key: "name", label: "GPU", cell: (r) => r.name, narrow: true },
  { key: "vramGiB", label: "VRAM GiB", cell: (r) => r.vramGiB.toFixed(1), title: "Memory as the driver reports it", narrow: false },
  { key: "budgetGiB", label: "Usable GiB", cell: (r) => (r.budgetGiB ?? r.vramGiB).toFixed(1), title: "What the engine may use: its budget (the calculator's Engine budget); on Apple silicon under MLX, Metal's working set", narrow: true },
  { key: "requiredGiB", label: "Required GiB", cell: (r) => (r.requiredGiB === null ? "—" : r.requiredGiB.toFixed(2)), narrow: false },
  { key: "status", label: "Status", cell: (r) => r.status, narrow: false },
  { key: "headroomGiB", label: "Headroom GiB", cell: (r) => (r.headroomGiB === null ? "—" : r.headroomGiB.toFixed(2)), narrow: true },
  { key: "maxConcurrency", label: "Max concurrency", cell: (r) => (r.maxConcurrency === null ? "—" : r.maxConcurrency.toFixed(1)), narrow: false },
  { key: "tokensPerSecond", label: "Tokens/s", cell: (r) => (r.tokensPerSecond === null ? "—" : formatCount(r.tokensPerSecond)), narrow: true },
];

/** The comparison rows as a plain table (header + rows) for Copy / CSV: every column, wide or not. */
export function gpuTable(rows: GpuRow[]): string[][] {
  return [COLUMNS.map((c) => c.label), ...rows.map((r) => COLUMNS.map((c) => c.cell(r)))];
}

export interface GpuView {
  root: HTMLElement;
  refresh(): void;
  rows(): GpuRow[];
}

/** The comparison panel for the shared form state; `onPick` takes the GPU a row picks. */
export function gpuView(state: CalcState, actions: HTMLElement, onPick: (id: string, name: string) => void): GpuView {
  const facets = gpuFacets();
  const filter: GpuFilter = {};
  let sort: { key: GpuSortKey | "budgetGiB"; descending: boolean } = { key: "headroomGiB", descending: true };
  const search = textInput("Search GPUs", { placeholder: "e.g. 4090, H100, M3 Ultra", spellcheck: "false", autocomplete: "off", "data-testid": "gpu-search" });
  search.addEventListener("input", () => {
    filter.query = search.value;
    refresh();
  });
  const vendor = select("Vendor", [{ value: "", label: "All vendors" }, ...facets.vendors.map((v) => ({ value: v, label: v }))], "", (v) => {
    filter.vendor = v || undefined;
    refresh();
  }, { "data-testid": "gpu-vendor" });
  const cls = select("Class", [{ value: "", label: "All classes" }, ...facets.classes.map((v) => ({ value: v, label: v }))], "", (v) => {
    filter.class = v || undefined;
    refresh();
  }, { "data-testid": "gpu-class" });
  const summary = h("p", { class: "hint", "aria-live": "polite", "data-testid": "gpu-summary" });
  const table = h("table", { class: "grid gpu-table", "data-testid": "gpu-table" });
  const sorted = (): GpuRow[] | { ok: false; error: string } => {
    const rows = gpuComparison(state, filter, sort.key === "budgetGiB" ? { key: "vramGiB", descending: sort.descending } : { key: sort.key, descending: sort.descending });
    if (!Array.isArray(rows) || sort.key !== "budgetGiB") return rows;
    const v = (r: GpuRow) => r.budgetGiB ?? r.vramGiB;
    return rows.sort((a, b) => (sort.descending ? v(b) - v(a) : v(a) - v(b)) || a.name.localeCompare(b.name));
  };
  const refresh = () => {
    const rows = sorted();
    if (!Array.isArray(rows)) {
      replace(table);
      replace(summary, h("span", { class: "error", role: "alert" }, rows.error));
      return;
    }
    const fits = rows.filter((r) => r.status === "Fits" || r.status === "Tight").length;
    summary.textContent = `${state.model} · ${state.quant} · ${state.runtime} · ${formatCount(state.ctx)} tokens × ${state.batch}${state.gpus > 1 ? ` · ${state.gpus} GPUs each` : ""}: ${fits} of ${rows.length} GPUs fit. Click a GPU to use it in the calculator.`;
    const head = h(
      "tr",
      {},
      ...COLUMNS.map((c) =>
        h(
          "th",
          { scope: "col", class: c.narrow ? "" : "col-wide", title: c.title, "aria-sort": sort.key === c.key ? (sort.descending ? "descending" : "ascending") : "none" },
          h("button", { type: "button", class: "sort", onclick: () => { sort = { key: c.key, descending: sort.key === c.key ? !sort.descending : c.key !== "name" && c.key !== "status" }; refresh(); } }, c.label, sort.key === c.key ? (sort.descending ? " ↓" : " ↑") : ""),
        ),
      ),
    );
    const pick = (r: GpuRow) => {
      onPick(r.id, r.name);
      refresh();
    };
    replace(
      table,
      h("caption", { class: "visually-hidden" }, "GPU comparison for the current setup"),
      h("thead", {}, head),
      h(
        "tbody",
        {},
        ...rows.map((r) =>
          h(
            "tr",
            { title: r.reason ?? undefined, class: r.id === state.gpu ? "chosen" : "", "aria-current": r.id === state.gpu ? "true" : undefined, "data-gpu": r.id, onclick: () => pick(r) },
            ...COLUMNS.map((c) =>
              c.key === "name"
                ? h(
                    "td",
                    {},
                    h("button", { type: "button", class: "pick", "aria-label": `Use ${r.name} in the calculator`, "data-testid": "pick-gpu", onclick: (e: Event) => { e.stopPropagation(); pick(r); } }, r.name),
                    // At task-pane width the status column folds under the name.
                    h("span", { class: `verdict small ${r.status} narrow-only` }, r.status),
                  )
                : c.key === "status"
                  ? h("td", { class: "col-wide" }, h("span", { class: `verdict small ${r.status}` }, r.status))
                  : h("td", { class: c.narrow ? "" : "col-wide" }, c.cell(r)),
            ),
          ),
        ),
      ),
    );
  };
  const root = h(
    "div",
    {},
    h("h2", {}, "GPU comparison"),
    h("div", { class: "filters" }, h("div", { class: "field" }, search), vendor.root, cls.root),
    summary,
    actions,
    h("div", { class: "table-wrap" }, table),
    h("p", { class: "hint", "data-testid": "price-note" }, "Prices: FIT.GPU(gpu, \"price_per_hour\") and the capacity-planning sheet use the median of the catalog's public on-demand quotes per GPU-hour, with their date (\"price_date\"). Prices get old: a starting point, not a quote; your own price always wins."),
  );
  // Computed afresh: the calculator's "Insert GPU grid" asks for the rows while this panel may never have been shown (or is stale).
  return { root, refresh, rows: () => { const rows = sorted(); return Array.isArray(rows) ? rows : []; } };
}
