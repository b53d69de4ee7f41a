// A hand-written recording fake of the slice of the Excel object model that
// src/taskpane/excelAdapter.ts uses. Writes land in a per-sheet cell map and an
// ordered log; context.sync() is counted; loaded properties can be read only
// after load() + sync(), as in Office.js; shape mismatches, bad sheet/table
// names and ranges past the grid fail the way Excel fails.
import { MAX_COLUMNS, MAX_ROWS, cellAddress, parseRange, type Bounds } from "../src/taskpane/workbookPlan";

export interface FakeCell {
  value?: unknown;
  formula?: string;
  numberFormat?: string;
}

export interface FakeTable {
  name: string;
  address: string;
  hasHeaders: boolean;
  style?: string;
  sheet: string;
}

export interface FakeChart {
  type: string;
  source: string;
  seriesBy?: string;
  title?: string;
  xAxisTitle?: string;
  yAxisTitle?: string;
  legendPosition?: string;
  xAxisValues: Record<number, string>;
  position?: { start: string; end?: string };
}

export interface FakeSheet {
  name: string;
  cells: Map<string, FakeCell>;
  tables: FakeTable[];
  charts: FakeChart[];
  conditionalFormats: Array<{ address: string; type: string; rule?: unknown; fill?: string; fontColor?: string }>;
  validations: Array<{ address: string; rule?: unknown; errorAlert?: unknown; prompt?: unknown }>;
  styles: Array<{ address: string; prop: string; value: unknown }>;
  columnWidths: Map<number, number>;
  rowHeights: Map<number, number>;
  /** Merged ranges, as Excel keeps them (the top-left cell holds the value). */
  merges: string[];
  hiddenColumns: Set<number>;
  autofit: string[];
  frozen?: { rows: number; columns: number };
}

export interface FakeState {
  sheets: FakeSheet[];
  activeSheet: string;
  activeCell: string;
  definedNames: string[];
  syncCount: number;
  runCount: number;
  suspendScreenUpdating: number;
  suspendCalculation: number;
  /** Workbook recalculations asked for (taskpane.ts recalculates after custom entries change). */
  calculations: string[];
  /** Ordered log of writes and syncs, e.g. "values FitMyGPU grid!B9:AY108", "sync". */
  log: string[];
}

export interface FakeSeed {
  sheets?: string[];
  activeSheet?: string;
  activeCell?: string;
  /** Pre-existing cell values per sheet: { Sheet1: { C5: "x" } }. */
  cells?: Record<string, Record<string, unknown>>;
  tables?: Array<{ name: string; sheet: string; address: string }>;
  definedNames?: string[];
}

export class FakeExcelError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const newSheet = (name: string): FakeSheet => ({
  name,
  cells: new Map(),
  tables: [],
  charts: [],
  conditionalFormats: [],
  validations: [],
  styles: [],
  columnWidths: new Map(),
  rowHeights: new Map(),
  merges: [],
  hiddenColumns: new Set(),
  autofit: [],
});

const boundsText = (b: Bounds) => (b.top === b.bottom && b.left === b.right ? cellAddress(b.top, b.left) : `${cellAddress(b.top, b.left)}:${cellAddress(b.bottom, b.right)}`);

/** A fake `Excel` (just run()) and the state it records into. */
export function createFakeExcel(seed: FakeSeed = {}) {
  const state: FakeState = {
    sheets: (seed.sheets ?? ["Sheet1"]).map(newSheet),
    activeSheet: seed.activeSheet ?? seed.sheets?.[0] ?? "Sheet1",
    activeCell: seed.activeCell ?? "A1",
    definedNames: [...(seed.definedNames ?? [])],
    syncCount: 0,
    runCount: 0,
    suspendScreenUpdating: 0,
    suspendCalculation: 0,
    calculations: [],
    log: [],
  };
  for (const [sheet, cells] of Object.entries(seed.cells ?? {})) for (const [a, v] of Object.entries(cells)) sheetOf(sheet).cells.set(a, { value: v });
  for (const t of seed.tables ?? []) sheetOf(t.sheet).tables.push({ ...t, hasHeaders: true });

  function sheetOf(name: string): FakeSheet {
    const s = state.sheets.find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (!s) throw new FakeExcelError("ItemNotFound", `No sheet '${name}'.`);
    return s;
  }

  function makeContext() {
    const pendingLoads: Array<() => void> = [];
    let pendingError: FakeExcelError | undefined;

    /** Properties readable only after load(...) and a sync. */
    function loadable<T extends object>(obj: T, compute: Record<string, () => unknown>): T {
      const loaded = new Map<string, unknown>();
      for (const prop of Object.keys(compute)) {
        Object.defineProperty(obj, prop, {
          get: () => {
            if (!loaded.has(prop)) throw new FakeExcelError("PropertyNotLoaded", `The property '${prop}' is not available. Load it and call context.sync() before reading it.`);
            return loaded.get(prop);
          },
          set: (v) => {
            if (prop !== "name") throw new FakeExcelError("ReadOnly", `'${prop}' is read-only here.`);
            loaded.set(prop, v);
          },
          enumerable: true,
        });
      }
      (obj as { load: (p: string | string[]) => T }).load = (props: string | string[]) => {
        const list = (Array.isArray(props) ? props : props.split(",")).map((p) => p.trim().split("/")[0]);
        // As in Office.js, isNullObject is known after any load + sync of a *OrNullObject result.
        if ("isNullObject" in compute) list.push("isNullObject");
        for (const p of list) {
          if (!(p in compute)) throw new FakeExcelError("InvalidArgument", `The fake cannot load '${p}'.`);
          pendingLoads.push(() => loaded.set(p, compute[p]()));
        }
        return obj;
      };
      return obj;
    }

    function writeCell(cell: FakeCell, v: unknown): void {
      if (typeof v === "string" && v.startsWith("=")) {
        cell.formula = v;
        delete cell.value;
      } else {
        cell.value = v as FakeCell["value"];
        delete cell.formula;
      }
    }

    function makeRange(sheetName: string, bounds: Bounds, opts: { nullObject?: () => boolean; usedBounds?: () => Bounds | undefined } = {}) {
      const s = () => sheetOf(sheetName);
      const addr = boundsText(bounds);
      const rows = bounds.bottom - bounds.top + 1;
      const cols = bounds.right - bounds.left + 1;
      const each2d = (what: string, grid: unknown, fn: (cell: FakeCell, v: unknown) => void) => {
        if (!Array.isArray(grid) || grid.length !== rows || grid.some((r) => !Array.isArray(r) || r.length !== cols)) {
          throw new FakeExcelError("InvalidArgument", `${what} for ${addr} must be a ${rows}×${cols} 2D array.`);
        }
        // Excel rejects a structured reference ([@Column]) in a cell that is not inside a table.
        if (what !== "numberFormat" && grid.some((row: unknown[]) => row.some((v) => typeof v === "string" && v.startsWith("=") && v.includes("[@")))) {
          const inTable = s().tables.some((t) => {
            const tb = parseRange(t.address);
            return bounds.top > tb.top && bounds.bottom <= tb.bottom && bounds.left >= tb.left && bounds.right <= tb.right;
          });
          if (!inTable) throw new FakeExcelError("InvalidArgument", `The formula in ${addr} uses a structured reference outside a table.`);
        }
        state.log.push(`${what} ${sheetName}!${addr}`);
        grid.forEach((row: unknown[], r) =>
          row.forEach((v, c) => {
            const key = cellAddress(bounds.top + r, bounds.left + c);
            const cell = s().cells.get(key) ?? {};
            fn(cell, v);
            s().cells.set(key, cell);
          }),
        );
      };
      const style = (prop: string) => (value: unknown) => {
        s().styles.push({ address: addr, prop, value });
      };
      const cfKind = (type: string) => {
        const rec: FakeSheet["conditionalFormats"][number] = { address: addr, type };
        s().conditionalFormats.push(rec);
        state.log.push(`conditionalFormat ${type} ${sheetName}!${addr}`);
        const sub = {
          format: { fill: { set color(v: string) { rec.fill = v; } }, font: { set color(v: string) { rec.fontColor = v; } } },
          set rule(v: unknown) { rec.rule = v; },
          get rule(): { formula: string } {
            return { set formula(v: string) { rec.rule = { formula: v }; } } as { formula: string };
          },
        };
        return { textComparison: sub, cellValue: sub, custom: sub };
      };
      const validation: FakeSheet["validations"][number] = { address: addr };
      const range = {
        _sheet: sheetName,
        _bounds: bounds,
        // As in Excel, text starting with "=" is a formula whichever property sets it.
        set values(grid: unknown) {
          each2d("values", grid, writeCell);
        },
        set formulas(grid: unknown) {
          each2d("formulas", grid, writeCell);
        },
        set numberFormat(grid: unknown) {
          each2d("numberFormat", grid, (cell, v) => {
            cell.numberFormat = String(v);
          });
        },
        set columnHidden(v: boolean) {
          for (let c = bounds.left; c <= bounds.right; c++) (v ? s().hiddenColumns.add(c) : s().hiddenColumns.delete(c));
          state.log.push(`columnHidden ${sheetName}!${addr}`);
        },
        format: {
          font: { set bold(v: boolean) { style("bold")(v); }, set italic(v: boolean) { style("italic")(v); }, set color(v: string) { style("fontColor")(v); } },
          fill: { set color(v: string) { style("fill")(v); } },
          set wrapText(v: boolean) { style("wrapText")(v); },
          set horizontalAlignment(v: string) { style("horizontalAlignment")(v); },
          set verticalAlignment(v: string) { style("verticalAlignment")(v); },
          set columnWidth(v: number) {
            for (let c = bounds.left; c <= bounds.right; c++) s().columnWidths.set(c, v);
          },
          set rowHeight(v: number) {
            for (let r = bounds.top; r <= bounds.bottom; r++) s().rowHeights.set(r, v);
          },
          autofitColumns() {
            s().autofit.push(addr);
          },
        },
        conditionalFormats: { add: (type: string) => cfKind(type) },
        dataValidation: {
          set rule(v: unknown) {
            validation.rule = v;
            if (!s().validations.includes(validation)) s().validations.push(validation);
            const keys = Object.keys(v as object);
            if (keys.length !== 1) throw new FakeExcelError("InvalidArgument", "A data validation rule takes exactly one rule type.");
          },
          set errorAlert(v: unknown) { validation.errorAlert = v; },
          set prompt(v: unknown) { validation.prompt = v; },
        },
        merge(across = false) {
          // Excel keeps the top-left value and clears the rest of a merged range.
          const lost = [...s().cells.entries()].filter(([k, c]) => { const p = parseRange(k); return (p.top !== bounds.top || p.left !== bounds.left) && p.top >= bounds.top && p.top <= bounds.bottom && p.left >= bounds.left && p.left <= bounds.right && c.value !== undefined && c.value !== ""; });
          if (lost.length) throw new FakeExcelError("InvalidOperation", `Merging ${addr} would lose the values of ${lost.map(([k]) => k).join(", ")}.`);
          s().merges.push(across ? `${addr} (across)` : addr);
          state.log.push(`merge ${sheetName}!${addr}`);
        },
        getResizedRange(dr: number, dc: number) {
          const b = { ...bounds, bottom: bounds.bottom + dr, right: bounds.right + dc };
          if (b.bottom >= MAX_ROWS || b.right >= MAX_COLUMNS) {
            pendingError = new FakeExcelError("InvalidArgument", "The argument is invalid or missing or has an incorrect format.");
            return makeRange(sheetName, bounds);
          }
          return makeRange(sheetName, b);
        },
        getUsedRangeOrNullObject(valuesOnly = false) {
          const used = () => {
            const hits = [...s().cells.entries()]
              .filter(([, c]) => (c.value !== undefined && c.value !== "") || c.formula !== undefined || (!valuesOnly && c.numberFormat !== undefined))
              .map(([k]) => parseRange(k))
              .filter((p) => p.top >= bounds.top && p.top <= bounds.bottom && p.left >= bounds.left && p.left <= bounds.right);
            if (!hits.length) return undefined;
            return { top: Math.min(...hits.map((h) => h.top)), left: Math.min(...hits.map((h) => h.left)), bottom: Math.max(...hits.map((h) => h.bottom)), right: Math.max(...hits.map((h) => h.right)) };
          };
          return makeRange(sheetName, bounds, { nullObject: () => used() === undefined, usedBounds: used });
        },
      };
      return loadable(range, {
        // A used range reports the cells actually in use, as Excel does.
        address: () => `${/[^A-Za-z0-9_]/.test(sheetName) ? `'${sheetName}'` : sheetName}!${boundsText(opts.usedBounds?.() ?? bounds)}`,
        isNullObject: () => opts.nullObject?.() ?? false,
      });
    }

    const rangeFrom = (sheetName: string, r: unknown): ReturnType<typeof makeRange> => {
      if (typeof r === "string") return makeRange(sheetName, parseRange(r));
      return r as ReturnType<typeof makeRange>;
    };

    function makeSheet(name: string) {
      const ws = {
        getRange: (address: string) => makeRange(name, parseRange(address)),
        activate: () => {
          state.activeSheet = name;
          state.log.push(`activate ${name}`);
        },
        tables: {
          add: (address: unknown, hasHeaders: boolean) => {
            const r = rangeFrom(name, address);
            const b: Bounds = r._bounds;
            const all = state.sheets.flatMap((x) => x.tables);
            for (const t of sheetOf(name).tables) {
              const o = parseRange(t.address);
              if (!(b.right < o.left || b.left > o.right || b.bottom < o.top || b.top > o.bottom)) throw new FakeExcelError("InvalidOperation", `A table can't overlap another table (${t.name}).`);
            }
            const rec: FakeTable = { name: `Table${all.length + 1}`, address: boundsText(b), hasHeaders, sheet: name };
            sheetOf(name).tables.push(rec);
            state.log.push(`table.add ${name}!${rec.address}`);
            return {
              set name(v: string) {
                const taken = [...state.sheets.flatMap((x) => x.tables).filter((t) => t !== rec).map((t) => t.name), ...state.definedNames];
                if (!/^[A-Za-z_\\][A-Za-z0-9_.\\]*$/.test(v) || v.length > 255) throw new FakeExcelError("InvalidArgument", `'${v}' is not a valid table name.`);
                if (taken.some((t) => t.toLowerCase() === v.toLowerCase())) throw new FakeExcelError("InvalidArgument", `A table or name '${v}' already exists.`);
                rec.name = v;
              },
              get name() {
                return rec.name;
              },
              set style(v: string) { rec.style = v; },
              getHeaderRowRange: () => makeRange(name, { ...b, bottom: b.top }),
              getDataBodyRange: () => makeRange(name, { ...b, top: b.top + 1 }),
            };
          },
        },
        charts: {
          add: (type: string, source: unknown, seriesBy?: string) => {
            const r = rangeFrom(name, source);
            const rec: FakeChart = { type, source: boundsText(r._bounds), seriesBy, xAxisValues: {} };
            sheetOf(name).charts.push(rec);
            state.log.push(`chart.add ${type} ${name}!${rec.source}`);
            return {
              title: { set text(v: string) { rec.title = v; } },
              axes: {
                categoryAxis: { title: { set text(v: string) { rec.xAxisTitle = v; } } },
                valueAxis: { title: { set text(v: string) { rec.yAxisTitle = v; } } },
              },
              legend: { set position(v: string) { rec.legendPosition = v; } },
              series: {
                getItemAt: (i: number) => ({
                  setXAxisValues: (x: unknown) => {
                    rec.xAxisValues[i] = boundsText(rangeFrom(name, x)._bounds);
                  },
                }),
              },
              setPosition: (start: unknown, end?: unknown) => {
                rec.position = { start: boundsText(rangeFrom(name, start)._bounds), ...(end !== undefined ? { end: boundsText(rangeFrom(name, end)._bounds) } : {}) };
              },
            };
          },
        },
        freezePanes: {
          freezeAt: (r: unknown) => {
            const b = rangeFrom(name, r)._bounds;
            sheetOf(name).frozen = { rows: b.bottom + 1, columns: b.right + 1 };
          },
          freezeRows: (n: number) => {
            sheetOf(name).frozen = { rows: n, columns: 0 };
          },
          freezeColumns: (n: number) => {
            sheetOf(name).frozen = { rows: 0, columns: n };
          },
        },
      };
      return loadable(ws, { name: () => name });
    }

    const names = (list: () => string[]) => loadable({}, { items: () => list().map((name) => ({ name })) });
    const context = {
      workbook: {
        worksheets: Object.assign(names(() => state.sheets.map((s) => s.name)), {
          add: (name: string) => {
            if (name.length > 31 || /[[\]:*?/\\]/.test(name) || name.trim() === "") throw new FakeExcelError("InvalidArgument", `'${name}' is not a valid sheet name.`);
            if (state.sheets.some((s) => s.name.toLowerCase() === name.toLowerCase())) throw new FakeExcelError("ItemAlreadyExists", `A sheet named '${name}' already exists.`);
            state.sheets.push(newSheet(name));
            state.log.push(`worksheets.add ${name}`);
            return makeSheet(name);
          },
          getActiveWorksheet: () => makeSheet(state.activeSheet),
          getItemOrNullObject: (name: string) => {
            const found = state.sheets.find((s) => s.name.toLowerCase() === name.toLowerCase());
            return Object.assign(makeSheet(found?.name ?? name), { isNullObject: !found });
          },
        }),
        tables: names(() => state.sheets.flatMap((s) => s.tables.map((t) => t.name))),
        names: names(() => state.definedNames),
        getActiveCell: () => makeRange(state.activeSheet, parseRange(state.activeCell)),
        getSelectedRange: () => makeRange(state.activeSheet, parseRange(state.activeCell)),
        application: {
          calculate: (type: string) => {
            state.calculations.push(type);
            state.log.push(`calculate ${type}`);
          },
        },
      },
      application: {
        suspendScreenUpdatingUntilNextSync: () => {
          state.suspendScreenUpdating++;
        },
        suspendApiCalculationUntilNextSync: () => {
          state.suspendCalculation++;
        },
      },
      sync: async () => {
        state.syncCount++;
        state.log.push("sync");
        const err = pendingError;
        pendingError = undefined;
        const loads = pendingLoads.splice(0);
        if (err) throw err;
        for (const l of loads) l();
      },
    };
    return context;
  }

  const excel = {
    run: async <T>(batch: (context: any) => Promise<T>): Promise<T> => {
      state.runCount++;
      return batch(makeContext());
    },
  };
  return { excel, state, sheet: sheetOf };
}

/** The writes of a sheet as { "B9": "=FIT.STATUS(…)" | value }, for compact assertions. */
export function contentOf(sheet: FakeSheet): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, c] of sheet.cells) if (c.formula !== undefined || c.value !== undefined) out[k] = c.formula ?? c.value;
  return out;
}

/** The state as plain data (maps and sets as objects and arrays), for page.evaluate and JSON. */
export function snapshotOf(state: FakeState): unknown {
  return JSON.parse(
    JSON.stringify(state, (_k, v: unknown) => (v instanceof Map ? Object.fromEntries(v) : v instanceof Set ? [...v] : v)),
  );
}
