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
import { insert, type InsertKind } from "./workbookActions";
import { modelLabel } from "./workbookPlan";
import { customView, type CustomView } from "./customView";
import { loadCustom, type SettingsLike } from "./customSettings";
import type { CustomInputs } from "../core/customStore";
import { whenCatalogLoaded } from "../core/catalogData";

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
    const out = await insert(host.excel, { kind, models, gpus: gpus(), state, atSelection: atSelection.box.checked && !forceNewSheet });
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
  let custom: CustomView | undefined;
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
    if (visible === "panel-custom") customView_();
  };
  let showTab: (tabId: string) => void = () => undefined;
  const customView_ = (): CustomView | undefined => {
    if (!custom && host) {
      custom = customView(host.settings, host.custom, () => {
        calc.refresh();
        refreshVisible();
      }, host.recalc);
      replace(customPanel, custom.root);
    }
    return custom;
  };
  const actions = h("div", {});
  // The model picker's "Look up owner/name on Hugging Face" runs the lookup in the Add tab.
  const calc = calculatorView(state, refreshVisible, actions, (repo) => {
    showTab("tab-custom");
    void customView_()?.lookUp(repo);
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
  void Office.onReady((info) => {
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
    // throw; this guard covers reaching the settings at all).
    let settings: SettingsLike | null = null;
    let custom: CustomInputs = { models: [], gpus: [] };
    try {
      settings = Office.context.document.settings as unknown as SettingsLike;
      const loaded = loadCustom(settings);
      custom = loaded.inputs;
      if (loaded.error) toast(loaded.error);
      if (loaded.entries.models.length || loaded.entries.gpus.length) void recalc().catch(() => undefined);
    } catch (e) {
      toast(`Custom models and GPUs in this workbook were not loaded: ${e instanceof Error ? e.message : String(e)}`);
    }
    attach({ excel: Excel as unknown as ExcelLike, settings, custom, recalc });
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
