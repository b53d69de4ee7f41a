// The Excel adapter against the recording fake: what lands in which cells, how
// many round trips it takes, and that an occupied selection is left untouched.
import { catalog, findGpu, findModel } from "../src/core/catalog";
import { PlanRefused, applyPlan, type ContextLike, type ExcelLike, cleanSheetName, originOf, uniqueSheetName, uniqueTableName } from "../src/taskpane/excelAdapter";
import { gpuGridPlan } from "../src/taskpane/plans/gpuGrid";
import { contextSteps, memoryChartPlan } from "../src/taskpane/plans/memoryChart";
import { HELPER_COL, PLAN_FORMULAS, planningSheetPlan } from "../src/taskpane/plans/planningSheet";
import { PARAMS_FORMAT, modelSpecTablePlan } from "../src/taskpane/plans/specTable";
import { REQUEST_LIMIT_BYTES, emptyPlan, estimatePayloadBytes, filled, planCells, valuesAt } from "../src/taskpane/workbookPlan";
import { FakeExcelError, contentOf, createFakeExcel } from "./fakeExcel";

const MODEL = "command-r-08-2024";
const gridPlan = () => gpuGridPlan([MODEL, catalog().models[4].record.id], ["rtx 4090", "h100 sxm5 80gb"]);

describe("new-sheet target", () => {
  test("writes the grid on a new, activated sheet in one run and two syncs", async () => {
    const { excel, state, sheet } = createFakeExcel();
    const result = await applyPlan(excel, gridPlan());
    expect(result).toMatchObject({ sheetName: "FitMyGPU grid", address: "A1:F10", syncs: 2 });
    expect(state.runCount).toBe(1);
    expect(state.syncCount).toBe(2);
    expect(state.activeSheet).toBe("FitMyGPU grid");
    expect(state.suspendScreenUpdating).toBe(1);
    const s = sheet("FitMyGPU grid");
    const c = contentOf(s);
    expect(c.A2).toBe("Quant");
    expect(c.B3).toBe(4096);
    expect(c.B9).toBe("=FIT.STATUS($A9,B$8,$B$2,$B$3,$B$4,$B$5,$B$6,$B$7)");
    expect(c.F10).toBe("=FIT.HEADROOM($A10,F$8,$B$2,$B$3,$B$4,$B$5,$B$6,$B$7)");
    expect(c.C8).toBe(findGpu("h100 sxm5 80gb").name);
    expect(s.cells.get("F10")?.numberFormat).toBe("0.00");
    expect(s.conditionalFormats.map((f) => [f.type, f.address, f.rule])).toEqual([
      ["ContainsText", "B9:C10", { operator: "EndsWith", text: "Fits" }],
      ["ContainsText", "B9:C10", { operator: "EndsWith", text: "Tight" }],
      ["ContainsText", "B9:C10", { operator: "EndsWith", text: "Fits with offload" }],
      ["ContainsText", "B9:C10", { operator: "EndsWith", text: "OOM" }],
      ["Custom", "E9:F10", { formula: '=B9="Fits"' }],
      ["Custom", "E9:F10", { formula: '=B9="Tight"' }],
      ["Custom", "E9:F10", { formula: '=B9="Fits with offload"' }],
      ["Custom", "E9:F10", { formula: '=B9="OOM"' }],
    ]);
    expect(s.conditionalFormats[0]).toMatchObject({ fill: "#C6EFCE", fontColor: "#006100" });
    expect(s.frozen).toEqual({ rows: 8, columns: 1 });
    expect(s.columnWidths.get(1)).toBe(72);
    expect(s.autofit).toEqual(["A8:A10"]);
    // The workbook the user had is untouched.
    expect(contentOf(sheet("Sheet1"))).toEqual({});
  });

  test("every plan cell is written exactly as planned", async () => {
    const { excel, sheet } = createFakeExcel();
    const plan = gridPlan();
    await applyPlan(excel, plan);
    const s = sheet("FitMyGPU grid");
    for (const [addr, cell] of planCells(plan)) {
      const got = s.cells.get(addr);
      expect({ addr, v: got?.formula ?? got?.value, f: got?.numberFormat }).toEqual({ addr, v: cell.formula ?? cell.value, f: cell.numberFormat });
    }
  });

  test("sheet names are unique: 'FitMyGPU grid (3)' when the first two exist", async () => {
    const { excel, state } = createFakeExcel({ sheets: ["Sheet1", "FitMyGPU grid", "fitmygpu GRID (2)"] });
    const r = await applyPlan(excel, gridPlan());
    expect(r.sheetName).toBe("FitMyGPU grid (3)");
    expect(state.sheets.map((s) => s.name)).toEqual(["Sheet1", "FitMyGPU grid", "fitmygpu GRID (2)", "FitMyGPU grid (3)"]);
  });

  test("sheet name rules: ≤ 31 characters, no []:*?/\\, suffix fits", () => {
    expect(cleanSheetName("a/b:c*d?e[f]g\\h")).toBe("a b c d e f g h");
    expect(cleanSheetName("'quoted'")).toBe("quoted");
    expect(cleanSheetName("  ")).toBe("FitMyGPU");
    expect(cleanSheetName("History")).toBe("FitMyGPU");
    const long = "A very long sheet name that goes on";
    expect(uniqueSheetName(long, [])).toHaveLength(31);
    const second = uniqueSheetName(long, [long.slice(0, 31)]);
    expect(second).toBe("A very long sheet name that (2)");
    expect(second.length).toBeLessThanOrEqual(31);
    expect(uniqueTableName("FitPlan", ["fitplan", "FitPlan_2"])).toBe("FitPlan_3");
    expect(originOf("'My sheet'!C5:D6")).toEqual({ row: 4, col: 2 });
  });

  test("100 models × 50 GPUs: ≤ 3 syncs, one write per block, under the request limit", async () => {
    const plan = gpuGridPlan(
      Array.from({ length: 100 }, (_, i) => `imported-model-${i + 1}`),
      catalog().gpus.slice(0, 50).map((g) => g.id),
    );
    expect(estimatePayloadBytes(plan)).toBeLessThan(REQUEST_LIMIT_BYTES);
    const { excel, state, sheet } = createFakeExcel();
    const r = await applyPlan(excel, plan);
    expect(state.syncCount).toBeLessThanOrEqual(3);
    expect(r.syncs).toBe(state.syncCount);
    expect(state.log.filter((l) => l === "sync")).toHaveLength(state.syncCount);
    // One 2D assignment per block and kind: 2 grids of 5,000 formulas are 2 writes.
    const writes = state.log.filter((l) => /^(values|formulas|numberFormat) /.test(l));
    expect(writes.length).toBe(plan.blocks.reduce((n, b) => n + (b.values ? 1 : 0) + (b.formulas ? 1 : 0) + (b.numberFormat ? 1 : 0), 0));
    expect(writes).toContain("formulas FitMyGPU grid!B9:AY108");
    expect(writes).toContain("formulas FitMyGPU grid!BA9:CX108");
    const c = contentOf(sheet("FitMyGPU grid"));
    expect(c.AY108).toBe("=FIT.STATUS($A108,AY$8,$B$2,$B$3,$B$4,$B$5,$B$6,$B$7)");
    expect(c.CX108).toBe("=FIT.HEADROOM($A108,CX$8,$B$2,$B$3,$B$4,$B$5,$B$6,$B$7)");
    expect(r.address).toBe("A1:CX108");
  });
});

describe("selection target", () => {
  test("refuses an occupied target and writes nothing", async () => {
    const { excel, state, sheet } = createFakeExcel({ activeCell: "C5", cells: { Sheet1: { F12: "my data" } } });
    const err = await applyPlan(excel, gridPlan(), { kind: "selection" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlanRefused);
    expect(err).toMatchObject({ reason: "target-not-empty", offerNewSheet: true });
    expect((err as Error).message).toMatch(/Nothing was written.*new sheet/);
    expect((err as Error).message).toContain("F12");
    expect(state.log).toEqual(["sync"]);
    expect(contentOf(sheet("Sheet1"))).toEqual({ F12: "my data" });
    expect(state.sheets).toHaveLength(1);
  });

  test("data just outside the plan's rectangle does not block it", async () => {
    // The grid from C5 covers C5:H14; H15 and I5 are outside.
    const { excel, sheet } = createFakeExcel({ activeCell: "C5", cells: { Sheet1: { H15: 1, I5: 2 } } });
    const r = await applyPlan(excel, gridPlan(), { kind: "selection" });
    expect(r).toMatchObject({ sheetName: "Sheet1", address: "C5:H14", syncs: 2 });
    const c = contentOf(sheet("Sheet1"));
    expect(c.C6).toBe("Quant");
    expect(c.D13).toBe("=FIT.STATUS($C13,D$12,$D$6,$D$7,$D$8,$D$9,$D$10,$D$11)");
    expect(c.H15).toBe(1);
    // No frozen panes away from A1, and the user is told why.
    expect(sheet("Sheet1").frozen).toBeUndefined();
    expect(r.notes.join(" ")).toMatch(/not frozen/);
  });

  test("refuses when the plan would run past the sheet's edge", async () => {
    const { excel, state } = createFakeExcel({ activeCell: "XFA1048570" });
    await expect(applyPlan(excel, gridPlan(), { kind: "selection" })).rejects.toMatchObject({ reason: "no-room", offerNewSheet: true });
    expect(state.log).toEqual(["sync"]);
  });

  test.each([
    ["GPU grid", () => gridPlan()],
    ["planning sheet", () => planningSheetPlan([MODEL], ["rtx 4090"])],
    ["spec table", () => modelSpecTablePlan([MODEL])],
  ])("%s at a selection leaves the sheet's column widths alone and says so", async (_what, plan) => {
    const { excel, sheet } = createFakeExcel({ activeCell: "B3" });
    const r = await applyPlan(excel, plan(), { kind: "selection" });
    expect(sheet("Sheet1").columnWidths.size).toBe(0);
    expect(sheet("Sheet1").autofit).toEqual([]);
    expect(r.notes.join(" ")).toMatch(/Column widths were left as they are/);
  });

  test("planning sheet at a selection keeps helper columns visible and says so", async () => {
    const { excel, sheet } = createFakeExcel({ activeCell: "B2" });
    const r = await applyPlan(excel, planningSheetPlan([MODEL], ["rtx 4090"]), { kind: "selection" });
    expect(sheet("Sheet1").hiddenColumns.size).toBe(0);
    expect(r.notes.join(" ")).toMatch(/left visible/);
    // The validation source moved with the lists (one row down, one column right).
    const quant = sheet("Sheet1").validations.find((v) => v.address === "C16"); // B15 → C16
    expect(quant?.rule).toEqual({ list: { inCellDropDown: true, source: expect.stringMatching(/^=\$BD\$3:\$BD\$\d+$/) } });
  });
});

describe("each plan on the fake", () => {
  test("spec table: named table, billions format, date serials, unique table name", async () => {
    const { excel, sheet } = createFakeExcel({ tables: [{ name: "FitModels", sheet: "Sheet1", address: "A1:B2" }] });
    const r = await applyPlan(excel, modelSpecTablePlan([MODEL, catalog().models[1].record.id]));
    expect(r.tableNames).toEqual(["FitModels_2"]);
    const s = sheet("FitMyGPU models");
    expect(s.tables[0]).toMatchObject({ name: "FitModels_2", style: "TableStyleMedium2", hasHeaders: true, address: "A1:X3" });
    const header = Object.fromEntries([...s.cells].filter(([k]) => /^[A-Z]+1$/.test(k)).map(([k, v]) => [v.value, k]));
    const col = (label: string) => header[label].replace("1", "");
    expect(s.cells.get(`${col("Total parameters")}2`)).toMatchObject({ numberFormat: PARAMS_FORMAT });
    expect(typeof s.cells.get(`${col("Total parameters")}2`)?.value).toBe("number");
    expect(s.cells.get(`${col("Release date")}2`)).toEqual({ value: 45505, numberFormat: "yyyy-mm" });
    expect(s.frozen).toEqual({ rows: 1, columns: 1 });
    // Below the table (after one blank row): each model's page as wrapped text merged over B:H, headings in A.
    expect(s.cells.get("A4")).toBeUndefined();
    expect(s.cells.get("A5")?.value).toBe(findModel(MODEL).record.name);
    expect(s.cells.get("A6")?.value).toBe("Overview");
    expect(String(s.cells.get("B6")?.value)).toMatch(/\[\d+(, \d+)*\]$/);
    expect(s.merges).toContain("B6:H6");
    expect(s.styles).toEqual(expect.arrayContaining([{ address: "B6:H6", prop: "wrapText", value: true }]));
    expect(s.rowHeights.get(5)).toBeGreaterThanOrEqual(15);
    const headings = [...s.cells].filter(([k]) => /^A\d+$/.test(k)).map(([, c]) => c.value);
    for (const h of ["Training scope", "Architecture and layout", "Context design", "What improved", "Release context", "Where it is strong", "Memory behaviour", "Sources"]) expect(headings).toContain(h);
  });

  test("table name clashing with a defined name is avoided", async () => {
    const { excel } = createFakeExcel({ definedNames: ["FitPlan"] });
    const r = await applyPlan(excel, planningSheetPlan([MODEL], ["rtx 4090"]));
    expect(r.tableNames).toEqual(["FitPlan_2"]);
  });

  test("planning sheet: workload block, table of FIT.PLAN formulas, dropdowns, hidden lists, cost chart", async () => {
    const { excel, sheet, state } = createFakeExcel();
    const result = await applyPlan(excel, planningSheetPlan([MODEL], ["rtx 4090", "a100 80gb sxm4"]));
    // One Excel.run, at most three syncs, on a new sheet.
    expect(state.runCount).toBe(1);
    expect(state.syncCount).toBeLessThanOrEqual(3);
    expect(result.syncs).toBeLessThanOrEqual(3);
    const s = sheet("FitMyGPU plan");
    expect(s.tables).toEqual([expect.objectContaining({ name: "FitPlan", address: "A14:N16" })]);
    expect(contentOf(s).H15).toBe(PLAN_FORMULAS["Total GPUs"]);
    expect(contentOf(s).B5).toBe(100);
    expect([...s.hiddenColumns].sort((a, b) => a - b)).toEqual([HELPER_COL, HELPER_COL + 1, HELPER_COL + 2, HELPER_COL + 3]);
    const runtime = s.validations.find((v) => v.address === "C15:C16")!;
    expect(runtime.rule).toEqual({ list: { inCellDropDown: true, source: `=$BD$2:$BD$${catalog().runtimes.length + 1}` } });
    expect(runtime.errorAlert).toMatchObject({ showAlert: true, style: "Stop" });
    expect(s.validations.find((v) => v.address === "B7")?.rule).toEqual({ wholeNumber: { formula1: 1, formula2: 10_000_000, operator: "Between" } });
    expect(contentOf(s).BD2).toBe(catalog().runtimes[0].id);
    expect(s.charts).toEqual([expect.objectContaining({ type: "ColumnClustered", title: "Cost per month by candidate" })]);
  });

  test("memory chart: data block and a line chart with titles and categories", async () => {
    const { excel, sheet } = createFakeExcel();
    await applyPlan(excel, memoryChartPlan([MODEL, catalog().models[6].record.id], "rtx 4090"));
    const s = sheet("FitMyGPU chart");
    const n = contextSteps(4096, Math.max(131072, catalog().models[6].record.contextWindow)).length;
    expect(s.charts).toEqual([
      {
        type: "Line",
        source: `B10:D${10 + n}`,
        seriesBy: "Columns",
        title: `Memory per GPU vs context (${findGpu("rtx 4090").name})`,
        xAxisTitle: "Context (tokens)",
        yAxisTitle: "GiB",
        legendPosition: "Bottom",
        xAxisValues: { 0: `A11:A${10 + n}`, 1: `A11:A${10 + n}`, 2: `A11:A${10 + n}` },
        position: { start: "F2", end: "N24" },
      },
    ]);
    expect(contentOf(s).B8).toBe('=FIT.GPU($B$2,"vram_gib")');
    expect(contentOf(s).A11).toBe(4096);
  });
});

describe("refusals before any Excel call", () => {
  test("a plan over the request limit is refused without a run", async () => {
    const plan = emptyPlan("Big");
    plan.blocks.push(valuesAt(0, 0, filled(2000, 100, "x".repeat(30))));
    const { excel, state } = createFakeExcel();
    await expect(applyPlan(excel, plan)).rejects.toMatchObject({ reason: "too-large" });
    expect(state.runCount).toBe(0);
  });
  test("a malformed plan is refused", async () => {
    const plan = emptyPlan("Bad");
    plan.blocks.push({ address: "A1:B2", values: [["only one"]] });
    const { excel, state } = createFakeExcel();
    await expect(applyPlan(excel, plan)).rejects.toMatchObject({ reason: "invalid-plan" });
    expect(state.runCount).toBe(0);
  });
});

describe("the adapter's Excel surface", () => {
  test("the real Office.js types satisfy the adapter's structural interfaces", () => {
    // Checked by tsc (npm run typecheck): fails to compile if the adapter uses a member Excel lacks.
    const check = (excel: typeof Excel, ctx: Excel.RequestContext): [ExcelLike, ContextLike] => [excel, ctx];
    expect(typeof check).toBe("function");
  });
});

describe("the fake itself", () => {
  test("loaded properties are unreadable until sync, and shapes are enforced", async () => {
    const { excel } = createFakeExcel();
    await excel.run(async (ctx: any) => {
      const cell = ctx.workbook.getActiveCell();
      cell.load("address");
      expect(() => cell.address).toThrow(FakeExcelError);
      await ctx.sync();
      expect(cell.address).toBe("Sheet1!A1");
      expect(() => {
        ctx.workbook.worksheets.getActiveWorksheet().getRange("A1:B2").values = [[1, 2]];
      }).toThrow(/2×2/);
      expect(() => ctx.workbook.worksheets.add("Sheet1")).toThrow(/already exists/);
      expect(() => ctx.workbook.worksheets.add("bad/name")).toThrow(/not a valid/);
      const missing = ctx.workbook.worksheets.getItemOrNullObject("Nope");
      expect(missing.isNullObject).toBe(true);
    });
  });
});
