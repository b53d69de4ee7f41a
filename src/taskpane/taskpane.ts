// The task pane: calculator, model page, GPU comparison and custom entries.
// Inside Excel it shares its runtime with the FIT functions (the page loads
// functions.js first: one copy of the core and of the catalog) and offers
// workbook inserts; in a plain browser it is a standalone calculator with
// Copy / Download CSV.
import { calculate, DEFAULT_STATE, type CalcState } from "./calculatorModel";
import { calculatorView } from "./calculatorView";
import { h, replace, uid } from "./dom";
import type { ExcelLike } from "./excelAdapter";
import { gpuTable, gpuView } from "./gpuView";
import { renderModelPage } from "./modelView";
import { modelPage } from "./calculatorModel";
import { CSV_BOM, csvFileName, toCsv, toTsv, type ExportCell } from "./tableExport";
import { insert, type InsertKind } from "./workbookActions";
import { modelLabel } from "./workbookPlan";
import { customView } from "./customView";
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
  document.documentElement.dataset.theme = dark ? "dark" : "light";
}

/** Wires the tabs; returns a function that shows one by its tab id. */
function tabs(onShow: (panel: string) => void): (tabId: string) => void {
  const list = Array.from(document.querySelectorAll<HTMLButtonElement>("[role=tab]"));
  const show = (tab: HTMLButtonElement, focus: boolean) => {
    for (const t of list) {
      const selected = t === tab;
      t.setAttribute("aria-selected", String(selected));
      t.tabIndex = selected ? 0 : -1;
      (document.getElementById(t.getAttribute("aria-controls") as string) as HTMLElement).hidden = !selected;
    }
    if (focus) tab.focus();
    onShow(tab.getAttribute("aria-controls") as string);
  };
  list.forEach((tab, i) => {
    tab.addEventListener("click", () => show(tab, false));
    tab.addEventListener("keydown", (e) => {
      const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
      if (step) show(list[(i + step + list.length) % list.length], true);
      else if (e.key === "Home") show(list[0], true);
      else if (e.key === "End") show(list[list.length - 1], true);
    });
  });
  return (tabId) => {
    const tab = list.find((t) => t.id === tabId);
    if (tab) show(tab, false);
  };
}

function exportButtons(title: string, rows: () => ExportCell[][]): HTMLElement {
  const copy = h("button", { type: "button", class: "btn", onclick: async () => {
    try {
      await navigator.clipboard.writeText(toTsv(rows()));
      toast(`${title}: copied. Paste into any spreadsheet.`);
    } catch {
      toast("The browser did not allow copying; use Download CSV.");
    }
  } }, "Copy");
  const download = h("button", { type: "button", class: "btn", onclick: () => {
    const blob = new Blob([CSV_BOM + toCsv(rows())], { type: "text/csv;charset=utf-8" });
    const a = h("a", { href: URL.createObjectURL(blob), download: csvFileName(title) });
    document.body.append(a);
    a.click();
    a.remove();
    window.setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  } }, "Download CSV");
  return h("div", { class: "actions", role: "group", "aria-label": `${title} export` }, copy, download);
}

function insertButtons(host: Host, kinds: Array<[InsertKind, string]>, gpus: () => string[]): HTMLElement {
  const atSelection = h("input", { type: "checkbox", id: uid(`at-sel-${kinds[0][0]}`) });
  const run = async (kind: InsertKind, label: string, button: HTMLButtonElement, forceNewSheet = false) => {
    if (!host.excel) return;
    button.disabled = true;
    const models = basket.length ? [...basket] : [state.model];
    const out = await insert(host.excel, { kind, models, gpus: gpus(), state, atSelection: atSelection.checked && !forceNewSheet });
    button.disabled = false;
    if (!out.ok && out.offerNewSheet) {
      const again = h("button", { type: "button", class: "btn", onclick: () => { again.remove(); void run(kind, label, button, true); } }, `Insert ${label} on a new sheet instead`);
      group.append(again);
    }
    toast(out.message);
  };
  const group = h(
    "div",
    { class: "actions", role: "group", "aria-label": "Insert into the workbook" },
    ...kinds.map(([kind, label]) => {
      const b: HTMLButtonElement = h("button", { type: "button", class: "btn primary", onclick: () => void run(kind, label, b) }, `Insert ${label}`);
      return b;
    }),
    h("label", {}, atSelection, "At the selected cell (only if empty)"),
  );
  return group;
}

function basketView(onChange: () => void): HTMLElement {
  const list = h("ul", { class: "legend", "aria-label": "Models for workbook inserts" });
  const render = () => {
    replace(list, ...(basket.length ? basket : [state.model]).map((m) => h("li", {}, modelLabel(m), basket.length ? h("button", { type: "button", class: "btn", "aria-label": `Remove ${modelLabel(m)}`, onclick: () => { basket.splice(basket.indexOf(m), 1); render(); onChange(); } }, "×") : " (current model)")));
  };
  render();
  const add = h("button", { type: "button", class: "btn", onclick: () => { if (!basket.includes(state.model)) basket.push(state.model); render(); onChange(); } }, "Add current model to the list");
  return h("div", {}, h("h3", {}, "Models for inserts"), list, h("div", { class: "actions" }, add));
}

function boot(host: Host): void {
  const inExcel = host.excel !== null;
  const badge = document.getElementById("host-badge") as HTMLElement;
  badge.textContent = inExcel ? "In Excel" : "Standalone calculator";
  theme();

  const calcPanel = document.getElementById("panel-calc") as HTMLElement;
  const modelPanel = document.getElementById("panel-model") as HTMLElement;
  const gpuPanel = document.getElementById("panel-gpus") as HTMLElement;
  const customPanel = document.getElementById("panel-custom") as HTMLElement;

  let gpus: ReturnType<typeof gpuView> | undefined;
  const gpuIds = () => (gpus ? gpus.rows().filter((r) => r.status !== "Unsupported").map((r) => r.id) : []);
  const calcActions = inExcel
    ? h("div", {}, h("h2", {}, "Workbook"), basketView(() => undefined), insertButtons(host, [["gpu-grid", "GPU grid"], ["planning-sheet", "planning sheet"], ["chart", "chart"]], () => [state.gpu, ...gpuIds().filter((g) => g !== state.gpu)]))
    : exportButtons("Memory breakdown", () => {
        const r = calculate(state);
        if (!r.ok) return [["Error", r.error]];
        return [["Term", "GiB per GPU"], ...r.terms.map((t) => [t.label, t.bytes / 2 ** 30]), ["Total", r.requiredBytes / 2 ** 30], ["Engine budget", r.budgetBytes / 2 ** 30], ["Status", r.status]];
      });
  const modelActions = inExcel
    ? insertButtons(host, [["spec-table", "spec table"]], () => [state.gpu])
    : exportButtons("Model spec", () => {
        const p = modelPage(state.model);
        return [["Field", "Value"], ...p.spec.map((s) => [s.label, s.value])];
      });
  gpus = gpuView(state, inExcel ? insertButtons(host, [["gpu-grid", "GPU grid"]], () => gpuIds()) : exportButtons("GPU comparison", () => gpuTable(gpus ? gpus.rows() : [])));

  let visible = "panel-calc";
  const refreshVisible = () => {
    if (visible === "panel-model") renderModelPage(modelPanel, state.model, modelActions);
    if (visible === "panel-gpus") gpus?.refresh();
  };
  let showTab: (tabId: string) => void = () => undefined;
  let lookUp: (repo: string) => Promise<void> = async () => undefined;
  // The model picker's "Look up owner/name on Hugging Face" runs the lookup in the Add tab.
  const calc = calculatorView(state, refreshVisible, calcActions, (repo) => {
    showTab("tab-custom");
    void lookUp(repo);
  });
  replace(calcPanel, calc.root);
  replace(gpuPanel, gpus.root);
  const custom = customView(host.settings, host.custom, () => {
    calc.refresh();
    refreshVisible();
  }, host.recalc);
  lookUp = custom.lookUp;
  replace(customPanel, custom.root);
  showTab = tabs((panel) => {
    visible = panel;
    refreshVisible();
  });
}

/** Starts the pane once the catalog has loaded and Office says where it runs (a plain browser reports no host). */
function start(): void {
  whenCatalogLoaded().then(startHost, (e: Error) => {
    (document.getElementById("host-badge") as HTMLElement).textContent = e.message;
  });
}

function startHost(): void {
  const standalone: Host = { excel: null, settings: null, custom: { models: [], gpus: [] }, recalc: async () => undefined };
  if (typeof Office === "undefined") {
    boot(standalone);
    return;
  }
  void Office.onReady((info) => {
    const inExcel = info.host === Office.HostType.Excel && typeof Excel !== "undefined";
    if (!inExcel) {
      boot(standalone);
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
    boot({ excel: Excel as unknown as ExcelLike, settings, custom, recalc });
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
