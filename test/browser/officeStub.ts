// Served in place of https://appsforoffice.microsoft.com/lib/1/hosted/office.js
// for the "inside Excel" browser scenario (run.js bundles it for the browser).
// It defines window.Office (host Excel, dark theme, document settings),
// window.CustomFunctions (associate records id → fn into window.__fit) and
// window.Excel: the same recording fake of the Excel object model the jest
// adapter tests use (test/fakeExcel.ts), not a copy of it.
import { ErrorCode, StubError } from "../../scripts/customFunctionsStub";
import { createFakeExcel, snapshotOf } from "../fakeExcel";
import { cellAddress } from "../../src/taskpane/workbookPlan";

type Fn = (...args: unknown[]) => unknown;
const w = window as unknown as Record<string, unknown>;

// ------------------------------------------------------------ Excel
const fake = createFakeExcel();
w.Excel = { run: fake.excel.run, CalculationType: { recalculate: "Recalculate", full: "Full", fullRebuild: "FullRebuild" } };
w.__fakeExcel = {
  /** Everything recorded, as plain data. */
  snapshot: () => snapshotOf(fake.state),
  /** Puts the active cell somewhere and data into a cell, as a user would before an insert. */
  prepare: (sheet: string, activeCell: string, cell: string, value: unknown) => {
    fake.state.activeSheet = sheet;
    fake.state.activeCell = activeCell;
    fake.sheet(sheet).cells.set(cell, { value });
  },
  cellAddress,
};

// ------------------------------------------------------------ document settings
// A test may seed the workbook's settings (window.__seedSettings) to reopen a saved workbook.
const store: Record<string, unknown> = w.__seedSettings ? JSON.parse(JSON.stringify(w.__seedSettings)) : {};
const settingsLog = { set: [] as string[], saveAsync: 0 };
w.__fakeSettings = { store, log: settingsLog };
const settings = {
  get: (name: string) => (Object.prototype.hasOwnProperty.call(store, name) ? store[name] : null),
  set: (name: string, value: unknown) => {
    store[name] = value;
    settingsLog.set.push(name);
  },
  remove: (name: string) => delete store[name],
  saveAsync: (options?: unknown, callback?: (r: { status: string }) => void) => {
    const cb = typeof options === "function" ? (options as (r: { status: string }) => void) : callback;
    settingsLog.saveAsync++;
    setTimeout(() => cb?.({ status: "succeeded" }), 0);
  },
};

// ------------------------------------------------------------ CustomFunctions
const fit: Record<string, Fn> = {};
w.__fit = fit;
w.CustomFunctions = { Error: StubError, ErrorCode, associate: (id: string, fn: Fn) => (fit[id] = fn) };

// ------------------------------------------------------------ Office
const info = { host: "Excel", platform: "OfficeOnline" };
w.Office = {
  HostType: { Excel: "Excel", Word: "Word", PowerPoint: "PowerPoint", Outlook: "Outlook" },
  PlatformType: { OfficeOnline: "OfficeOnline", PC: "PC", Mac: "Mac" },
  AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
  onReady: (cb?: (i: typeof info) => void) =>
    new Promise((resolve) =>
      setTimeout(() => {
        cb?.(info);
        resolve(info);
      }, 0),
    ),
  context: {
    officeTheme: { isDarkTheme: true, bodyBackgroundColor: "#292929", bodyForegroundColor: "#ffffff", controlBackgroundColor: "#1f1f1f", controlForegroundColor: "#ffffff" },
    document: { settings },
    requirements: { isSetSupported: () => true },
  },
};
