// The task pane: calculator, model page, GPU comparison and custom entries.
// Inside Excel it shares its runtime with the FIT functions (the page loads
// functions.js first: one copy of the core and of the catalog) and offers
// workbook inserts; in a plain browser it is a standalone calculator with
// Copy / Download CSV.
import { calculate, DEFAULT_STATE, type CalcState } from "./calculatorModel";
import { calculatorView } from "./calculatorView";
import { h, replace } from "./dom";
import type { ExcelLike } from "./excelAdapter";
import { gpuTable, gpuView, type GpuView } from "./gpuView";
import { renderModelPage } from "./modelView";
import { gpuComparison, modelPage } from "./calculatorModel";
import { button, checkbox, type ValueControl } from "./fluent";
import { CSV_BOM, csvFileName, toCsv, toTsv, type ExportCell } from "./tableExport";
import type { InsertKind } from "./workbookActions";
import { modelLabel } from "./labels";
import type { CustomView } from "./customView";
import { CUSTOM_SETTING, holdsCustom, type SettingsLike } from "./workbookSettings";
import type { CustomInputs } from "../core/customStore";
import { whenCatalogLoaded } from "../core/catalogData";

// Loaded on first use, so opening the pane fetches and runs only what its first verdict needs:
// the workbook writers (on the first insert), the Add tab with its importers and the
// validation of stored custom entries (when the tab opens, or the workbook holds entries).
const workbookActions = () => import(/* webpackChunkName: "inserts" */ "./workbookActions");
const addTab = () => import(/* webpackChunkName: "custom" */ "./customView");

interface Host {
  excel: ExcelLike | null;
  settings: SettingsLike | null;
  /** What the workbook held when the pane started. */
  custom: CustomInputs;
  /** Recalculates the workbook's formulas (after custom entries change). */
  recalc: () => Promise<void>;
}

const state: CalcState = { ...DEFAULT_STATE };
/** Models the workbook inserts cover (the calculator's model when empty). */
const basket: string[] = [];

function toast(message: string): void {
  const el = document.getElementById("toast") as HTMLElement;
  el.textContent = message;
  el.classList.add("show");
  window.setTimeout(() => el.classList.remove("show"), 4000);
}

/** Dark or light from the Office theme; outside Office (or where Office has no theme), from the OS. */
function theme(): void {
  const t = typeof Office !== "undefined" ? Office.context?.officeTheme : undefined;
  const dark = t ? t.isDarkTheme : window.matchMedia?.("(prefers-color-scheme: dark)").matches === true;
  // Selects the light or dark token set in taskpane.css (Fluent's and the pane's own).
  document.documentElement.dataset.theme = dark ? "dark" : "light";
}

/** Wires the Fluent tab list (it shows the panel its tab controls); returns a function that selects a tab by id. */
function tabs(onShow: (panel: string) => void): (tabId: string) => void {
  const list = document.getElementById("tabs") as HTMLElement & { activeid: string };
  list.addEventListener("change", () => {
    const tab = document.getElementById(list.activeid);
    const panel = tab?.getAttribute("aria-controls");
    if (panel) onShow(panel);
  });
  return (tabId) => {
    list.activeid = tabId;
  };
}

function exportButtons(title: string, rows: () => ExportCell[][]): HTMLElement {
  const copy = button("Copy", { onclick: async () => {
    try {
      await navigator.clipboard.writeText(toTsv(rows()));
      toast(`${title}: copied. Paste into any spreadsheet.`);
    } catch {
      toast("The browser did not allow copying; use Download CSV.");
    }
  } });
  const download = button("Download CSV", { onclick: () => {
    const blob = new Blob([CSV_BOM + toCsv(rows())], { type: "text/csv;charset=utf-8" });
    const a = h("a", { href: URL.createObjectURL(blob), download: csvFileName(title) });
    document.body.append(a);
    a.click();
    a.remove();
    window.setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  } });
  return h("div", { class: "actions", role: "group", "aria-label": `${title} export` }, copy, download);
}

function insertButtons(host: Host, kinds: Array<[InsertKind, string]>, gpus: () => string[]): HTMLElement {
  const atSelection = checkbox("At the selected cell (only if empty)", { "data-testid": `at-selection-${kinds[0][0]}` });
  const run = async (kind: InsertKind, label: string, b: ValueControl, forceNewSheet = false) => {
    if (!host.excel) return;
    b.disabled = true;
    const models = basket.length ? [...basket] : [state.model];
    const out = await workbookActions().then(
      ({ insert }) => insert(host.excel!, { kind, models, gpus: gpus(), state, atSelection: atSelection.box.checked && !forceNewSheet }),
      (e: Error) => ({ ok: false, message: `The workbook inserts could not be loaded: ${e.message}`, offerNewSheet: false }),
    );
    b.disabled = false;
    if (!out.ok && out.offerNewSheet) {
      const again: ValueControl = button(`Insert ${label} on a new sheet instead`, { onclick: () => { again.remove(); void run(kind, label, b, true); } });
      group.append(again);
    }
    toast(out.message);
  };
  const group = h(
    "div",
    { class: "actions", role: "group", "aria-label": "Insert into the workbook" },
    ...kinds.map(([kind, label]) => {
      const b: ValueControl = button(`Insert ${label}`, { appearance: "primary", onclick: () => void run(kind, label, b) });
      return b;
    }),
    atSelection.root,
  );
  return group;
}

/** The models the workbook inserts cover: the picked list, or the calculator's current model while the list is empty. */
function basketView(): { root: HTMLElement; render(): void } {
  const list = h("ul", { class: "legend", "aria-label": "Models for workbook inserts" });
  const render = () => {
    replace(list, ...(basket.length ? basket : [state.model]).map((m) => h("li", {}, modelLabel(m), basket.length ? button("×", { appearance: "subtle", size: "small", "aria-label": `Remove ${modelLabel(m)}`, onclick: () => { basket.splice(basket.indexOf(m), 1); render(); } }) : " (current model)")));
  };
  render();
  const add = button("Add current model to the list", { onclick: () => { if (!basket.includes(state.model)) basket.push(state.model); render(); } });
  return { root: h("div", {}, h("h3", {}, "Models for inserts"), list, h("div", { class: "actions" }, add)), render };
}

/** Marks the first verdict for the browser tests' timing (and anyone profiling the pane). */
function markFirstVerdict(): void {
  performance.mark("fitmygpu:first-verdict");
  document.documentElement.dataset.firstVerdictMs = performance.now().toFixed(0);
}

/**
 * Renders the calculator at once, from the default setup, with the OS theme;
 * returns how to finish the pane once Office says where it runs (its actions,
 * the Office theme, the other tabs). The verdict does not wait for office.js.
 */
function boot(): (host: Host) => void {
  theme();
  const calcPanel = document.getElementById("panel-calc") as HTMLElement;
  const modelPanel = document.getElementById("panel-model") as HTMLElement;
  const gpuPanel = document.getElementById("panel-gpus") as HTMLElement;
  const customPanel = document.getElementById("panel-custom") as HTMLElement;

  let host: Host | undefined;
  // Built on first use: the calculator's verdict comes first, the rest when its tab is opened.
  let gpus: GpuView | undefined;
  let custom: Promise<CustomView | undefined> | undefined;
  let basketList: ReturnType<typeof basketView> | undefined;
  let modelActions: HTMLElement | null = null;
  const gpuRows = () => {
    if (gpus) return gpus.rows();
    const rows = gpuComparison(state);
    return Array.isArray(rows) ? rows : [];
  };
  const gpuIds = () => gpuRows().filter((r) => r.status !== "Unsupported").map((r) => r.id);

  let visible = "panel-calc";
  const refreshVisible = () => {
    basketList?.render();
    // Until the host is known the other tabs stay empty; attaching it renders the one shown.
    if (!host) return;
    const h0 = host;
    if (visible === "panel-model") renderModelPage(modelPanel, state.model, modelActions);
    if (visible === "panel-gpus") {
      if (!gpus) {
        gpus = gpuView(state, h0.excel ? insertButtons(h0, [["gpu-grid", "GPU grid"]], () => gpuIds()) : exportButtons("GPU comparison", () => gpuTable(gpuRows())), (id, name) => {
          state.gpu = id;
          calc.refresh();
          toast(`${name} is now the calculator's GPU.`);
        });
        replace(gpuPanel, gpus.root);
      }
      gpus.refresh();
    }
    if (visible === "panel-custom") void customView_();
  };
  let showTab: (tabId: string) => void = () => undefined;
  const customView_ = (): Promise<CustomView | undefined> => {
    if (custom || !host) return custom ?? Promise.resolve(undefined);
    const h0 = host;
    replace(customPanel, h("p", { role: "status" }, "Loading…"));
    custom = addTab().then(
      ({ customView }) => {
        const view = customView(h0.settings, h0.custom, () => {
          calc.refresh();
          refreshVisible();
        }, h0.recalc);
        replace(customPanel, view.root);
        return view;
      },
      (e: Error) => {
        custom = undefined; // opening the tab again retries
        replace(customPanel, h("p", { role: "alert" }, `This tab could not be loaded: ${e.message}`));
        return undefined;
      },
    );
    return custom;
  };
  const actions = h("div", {});
  // The model picker's "Look up owner/name on Hugging Face" runs the lookup in the Add tab.
  const calc = calculatorView(state, refreshVisible, actions, (repo) => {
    showTab("tab-custom");
    void customView_().then((view) => view?.lookUp(repo));
  }, markFirstVerdict);
  replace(calcPanel, calc.root);
  showTab = tabs((panel) => {
    visible = panel;
    refreshVisible();
  });

  return (attached: Host) => {
    host = attached;
    const inExcel = attached.excel !== null;
    (document.getElementById("host-badge") as HTMLElement).textContent = inExcel ? "In Excel" : "Standalone calculator";
    theme();
    if (inExcel) {
      basketList = basketView();
      replace(actions, h("h2", {}, "Workbook"), basketList.root, insertButtons(attached, [["gpu-grid", "GPU grid"], ["planning-sheet", "planning sheet"], ["chart", "chart"]], () => [state.gpu, ...gpuIds().filter((g) => g !== state.gpu)]));
      modelActions = insertButtons(attached, [["spec-table", "spec table"]], () => [state.gpu]);
    } else {
      replace(
        actions,
        exportButtons("Memory breakdown", () => {
          const r = calculate(state);
          if (!r.ok) return [["Error", r.error]];
          return [["Term", "GiB per GPU"], ...r.terms.map((t) => [t.label, t.bytes / 2 ** 30]), ["Total", r.requiredBytes / 2 ** 30], ["Engine budget", r.budgetBytes / 2 ** 30], ["Status", r.status]];
        }),
      );
      modelActions = exportButtons("Model spec", () => {
        const p = modelPage(state.model);
        return [["Field", "Value"], ...p.spec.map((s) => [s.label, s.value])];
      });
    }
    // The workbook's custom models are registered now: recompute, and render whatever tab is open.
    calc.refresh();
  };
}

/** Starts the pane once the catalog has loaded: the calculator shows at once, the rest when Office says where it runs (a plain browser reports no host). */
function start(): void {
  whenCatalogLoaded().then(startPane, (e: Error) => {
    (document.getElementById("host-badge") as HTMLElement).textContent = e.message;
  });
}

function startPane(): void {
  const attach = boot();
  const standalone: Host = { excel: null, settings: null, custom: { models: [], gpus: [] }, recalc: async () => undefined };
  if (typeof Office === "undefined") {
    attach(standalone);
    return;
  }
  void Office.onReady(async (info) => {
    const inExcel = info.host === Office.HostType.Excel && typeof Excel !== "undefined";
    if (!inExcel) {
      attach(standalone);
      return;
    }
    // Formulas may have run before the workbook's custom models were registered: recalculate them.
    const recalc = () => Excel.run(async (context) => {
      context.workbook.application.calculate(Excel.CalculationType.full);
      await context.sync();
    });
    // This runtime also serves the FIT functions: whatever the workbook's stored
    // settings hold, the pane opens and the functions run (loadCustom does not
    // throw; this guard covers reaching the settings, or the loader, at all).
    let settings: SettingsLike | null = null;
    let custom: CustomInputs = { models: [], gpus: [] };
    try {
      settings = Office.context.document.settings as unknown as SettingsLike;
      if (holdsCustom(settings)) {
        const s = settings;
        const { loadCustom } = await import(/* webpackChunkName: "custom" */ "./customSettings").catch((e: Error) => {
          // Kept verbatim: a later save from the Add tab writes the stored entries back unchanged.
          custom = { models: [], gpus: [], unloaded: [{ kind: "store", raw: s.get(CUSTOM_SETTING), label: "All custom entries stored in this workbook", reason: `the code that reads them could not be loaded (${e.message})` }] };
          throw e;
        });
        const loaded = loadCustom(s);
        custom = loaded.inputs;
        if (loaded.error) toast(loaded.error);
        if (loaded.entries.models.length || loaded.entries.gpus.length) void recalc().catch(() => undefined);
      }
    } catch (e) {
      toast(`Custom models and GPUs in this workbook were not loaded: ${e instanceof Error ? e.message : String(e)}`);
    }
    attach({ excel: Excel as unknown as ExcelLike, settings, custom, recalc });
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
