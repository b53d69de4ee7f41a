// Unit tests of the pure workbook-plan builders: addresses, values, formulas
// (parsed: every FIT call has a known name and arity, and its arguments point
// at the right input cells), number formats, validation lists, CF and charts.
import * as path from "path";
import { generateCustomFunctionsMetadata } from "custom-functions-metadata";
import { catalog, findGpu, findModel } from "../src/core/catalog";
import { MODEL_FIELDS } from "../src/core/spec";
import { gpuGridLayout, gpuGridPlan } from "../src/taskpane/plans/gpuGrid";
import { contextSteps, memoryChartPlan } from "../src/taskpane/plans/memoryChart";
import { DEFAULT_WORKLOAD, HELPER_COL, PLAN_COLUMNS, PLAN_FORMULAS, WORKLOAD_ROWS, planningLists, planningSheetPlan, thisRow } from "../src/taskpane/plans/planningSheet";
import { plan as plan_ } from "../src/core/capacityPlan";
import { DATE_FORMAT, MONTH_FORMAT, PARAMS_FORMAT, excelDateSerial, gpuSpecTablePlan, isValidTableName, modelSpecTablePlan, tableNameFrom } from "../src/taskpane/plans/specTable";
import { CSV_BOM, csvFileName, guardFormula, toCsv, toTsv } from "../src/taskpane/tableExport";
import {
  FIT_SIGNATURES,
  REQUEST_LIMIT_BYTES,
  cellAddress,
  columnIndex,
  columnLetters,
  estimatePayloadBytes,
  fitCall,
  offsetPlan,
  parseRange,
  planCells,
  planExtent,
  planProblems,
  rangeAddress,
  shapeOf,
  shiftAddress,
  shiftFormula,
  type WorkbookPlan,
} from "../src/taskpane/workbookPlan";

// ---------------------------------------------------------------- formula parsing (test-only)

export interface FitCallText {
  name: string;
  args: string[];
}

function skipString(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j++) {
    if (s[j] === '"') {
      if (s[j + 1] === '"') j++;
      else return j + 1;
    }
  }
  throw new Error(`Unterminated string in ${s}`);
}

function skipBracket(s: string, i: number): number {
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    if (s[j] === "'") j++;
    else if (s[j] === "[") depth++;
    else if (s[j] === "]" && --depth === 0) return j + 1;
  }
  throw new Error(`Unbalanced [ in ${s}`);
}

/** Splits "a,(b,c),"x,y"" at top-level commas. */
export function splitArgs(s: string): string[] {
  if (s.trim() === "") return [];
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; ) {
    const ch = s[i];
    if (ch === '"') i = skipString(s, i);
    else if (ch === "[") i = skipBracket(s, i);
    else {
      if (ch === "(") depth++;
      else if (ch === ")") depth--;
      else if (ch === "," && depth === 0) {
        out.push(s.slice(start, i));
        start = i + 1;
      }
      i++;
    }
  }
  out.push(s.slice(start));
  return out;
}

/** Index just past the ")" matching the "(" at `open`. */
function closeParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; ) {
    const ch = s[i];
    if (ch === '"') i = skipString(s, i);
    else if (ch === "[") i = skipBracket(s, i);
    else {
      if (ch === "(") depth++;
      else if (ch === ")" && --depth === 0) return i + 1;
      i++;
    }
  }
  throw new Error(`Unbalanced ( in ${s}`);
}

/** Every FIT.NAME(...) call in a formula, outermost first, nested calls included. */
export function fitCalls(formula: string): FitCallText[] {
  const out: FitCallText[] = [];
  const re = /FIT\.([A-Z]+)\(/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(formula))) {
    // Ignore matches inside string literals.
    const before = formula.slice(0, m.index);
    if ((before.match(/"/g) ?? []).length % 2 === 1) continue;
    const open = m.index + m[0].length - 1;
    const end = closeParen(formula, open);
    out.push({ name: m[1], args: splitArgs(formula.slice(open + 1, end - 1)) });
  }
  return out;
}

/** Checks parentheses, quotes and brackets balance (a cheap syntax check). */
export function balanced(formula: string): boolean {
  try {
    let depth = 0;
    for (let i = 0; i < formula.length; ) {
      const ch = formula[i];
      if (ch === '"') i = skipString(formula, i);
      else if (ch === "[") i = skipBracket(formula, i);
      else {
        if (ch === "(") depth++;
        if (ch === ")") depth--;
        if (depth < 0) return false;
        i++;
      }
    }
    return depth === 0;
  } catch {
    return false;
  }
}

/** Every formula a plan writes (blocks, CF rules), with where it is. */
function formulasOf(plan: WorkbookPlan): Array<{ at: string; formula: string }> {
  const out: Array<{ at: string; formula: string }> = [];
  for (const [at, c] of planCells(plan)) if (c.formula?.startsWith("=")) out.push({ at, formula: c.formula });
  for (const cf of plan.conditionalFormats) if (cf.kind === "custom") out.push({ at: cf.address, formula: cf.formula });
  return out;
}

/** Every FIT call in the plan is a known function with an allowed argument count, and every formula is balanced. */
function expectValidFitCalls(plan: WorkbookPlan): number {
  let n = 0;
  const bad: string[] = [];
  for (const { at, formula } of formulasOf(plan)) {
    if (!balanced(formula)) bad.push(`${at}: unbalanced ${formula}`);
    for (const call of fitCalls(formula)) {
      const sig = FIT_SIGNATURES[call.name];
      if (!sig) bad.push(`${at}: unknown FIT.${call.name}`);
      else if (call.args.length < sig.min || call.args.length > sig.max) bad.push(`${at}: FIT.${call.name} with ${call.args.length} args`);
      n++;
    }
  }
  expect(bad).toEqual([]);
  return n;
}

/** The label in the column left of an input cell ("$B$3" → "Context (tokens)"). */
function labelOf(plan: WorkbookPlan, ref: string): unknown {
  const p = parseRange(ref);
  return planCells(plan).get(cellAddress(p.top, p.left - 1))?.value;
}

describe("formula parser used by these tests", () => {
  test("splits nested calls, strings and structured references", () => {
    const calls = fitCalls('=IF($A11>FIT.MODEL(B$10,"context_window"),NA(),FIT.VRAM(B$10,"a,b",[@[KV dtype]],SUM(1,2)))');
    expect(calls.map((c) => c.name)).toEqual(["MODEL", "VRAM"]);
    expect(calls[1].args).toEqual(["B$10", '"a,b"', "[@[KV dtype]]", "SUM(1,2)"]);
    expect(balanced("=FIT.VRAM(A1")).toBe(false);
  });
});

// ---------------------------------------------------------------- A1 helpers

describe("A1 address helpers", () => {
  test("column letters beyond Z and back", () => {
    expect([0, 25, 26, 51, 52, 701, 702, 16383].map(columnLetters)).toEqual(["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD"]);
    for (let i = 0; i < 16384; i += 7) expect(columnIndex(columnLetters(i))).toBe(i);
    expect(() => columnLetters(16384)).toThrow(/outside/);
    expect(() => columnIndex("XFE")).toThrow();
  });
  test("cells, ranges and absolute refs", () => {
    expect(cellAddress(8, 0)).toBe("A9");
    expect(cellAddress(8, 0, { col: true })).toBe("$A9");
    expect(cellAddress(7, 1, { row: true })).toBe("B$8");
    expect(rangeAddress(0, 0, 2, 3)).toBe("A1:C2");
    expect(rangeAddress(4, 27, 1, 1)).toBe("AB5");
    expect(rangeAddress(1, 1, 2, 2, true)).toBe("$B$2:$C$3");
    expect(parseRange("Sheet 1!$B$2:D4")).toEqual({ top: 1, left: 1, bottom: 3, right: 3 });
    expect(parseRange("B:AY")).toMatchObject({ left: 1, right: 50, top: 0 });
    expect(shapeOf("B9:AY108")).toEqual({ rows: 100, cols: 50 });
  });
  test("shifting addresses and formulas moves every reference, absolute or not", () => {
    expect(shiftAddress("A1:C3", 4, 2)).toBe("C5:E7");
    expect(shiftAddress("$B$2", 1, 1)).toBe("$C$3");
    expect(shiftAddress("BA:BE", 10, 2)).toBe("BC:BG");
    expect(shiftFormula("=FIT.STATUS($A9,B$8,$B$2,$B$3)", 2, 3)).toBe("=FIT.STATUS($D11,E$10,$E$4,$E$5)");
    // Strings, structured references and function names are not references.
    expect(shiftFormula('=IF(A1>LOG10(2),"B2",[@[KV dtype]]&FIT.GPU(B2,"vram_gib"))', 1, 1)).toBe('=IF(B2>LOG10(2),"B2",[@[KV dtype]]&FIT.GPU(C3,"vram_gib"))');
    expect(shiftFormula("=$BA$2:$BA$99", 0, 1)).toBe("=$BB$2:$BB$99");
    expect(() => shiftAddress("XFD1", 0, 1)).toThrow(/outside/);
  });
  test("fitCall drops trailing blanks and checks arity", () => {
    expect(fitCall("VRAM", ["A1", "B1", "", ""])).toBe("FIT.VRAM(A1,B1)");
    expect(fitCall("RUNTIMES", [])).toBe("FIT.RUNTIMES()");
    expect(() => fitCall("VRAM", ["A1"])).toThrow(/2–8/);
    expect(() => fitCall("STATUS", Array(10).fill("1"))).toThrow(/3–9/);
    expect(() => fitCall("NOPE", [])).toThrow(/not a FIT function/);
  });
  test("FIT_SIGNATURES is what functions.json declares: every function, its required and its total arguments", async () => {
    const r = await generateCustomFunctionsMetadata([path.resolve(__dirname, "../src/functions/functions.ts")], false);
    const declared = (JSON.parse(r.metadataJson).functions as Array<{ id: string; parameters: Array<{ optional?: boolean }> }>).map((f) => [f.id, { min: f.parameters.filter((p) => !p.optional).length, max: f.parameters.length }]);
    expect(Object.fromEntries(declared)).toEqual(FIT_SIGNATURES);
  });
});

// ---------------------------------------------------------------- spec table

describe("model spec table", () => {
  const ids = ["command-r-08-2024", catalog().models[1].record.id, catalog().models[2].record.id];
  const plan = modelSpecTablePlan(ids);
  const cells = planCells(plan);
  const col = (key: string) => MODEL_FIELDS.findIndex((f) => f.key === key);
  const at = (row: number, key: string) => cells.get(cellAddress(row, col(key)));

  test("a named, styled table with MODEL_FIELDS labels as the header", () => {
    expect(planProblems(plan)).toEqual([]);
    expect(plan.tables).toEqual([{ address: rangeAddress(0, 0, ids.length + 1, MODEL_FIELDS.length), name: "FitModels", style: "TableStyleMedium2" }]);
    expect(MODEL_FIELDS.map((_, c) => cells.get(cellAddress(0, c))?.value)).toEqual(MODEL_FIELDS.map((f) => f.label));
    expect(at(1, "id")?.value).toBe("command-r-08-2024");
  });
  test("parameters are raw counts shown in billions", () => {
    const m = findModel("command-r-08-2024");
    expect(at(1, "total_params")).toEqual({ value: m.params.total, numberFormat: PARAMS_FORMAT });
    expect(PARAMS_FORMAT).toBe('#,##0.0,,,"B"');
    // Excel divides by 1,000 per comma after the last digit placeholder; emulate that to check "B" means billions.
    const scale = 1000 ** (PARAMS_FORMAT.replace(/"[^"]*"/g, "").match(/,+$/)?.[0].length ?? 0);
    expect(scale).toBe(1e9);
    expect(`${(m.params.total / scale).toFixed(1)}B`).toBe("32.3B");
  });
  test("context with separators, dates as serials, text as text", () => {
    expect(at(1, "context_window")).toEqual({ value: 131072, numberFormat: "#,##0" });
    // command-r-08-2024 has releaseDate "2024-08": the 1st of the month, shown as yyyy-mm.
    expect(at(1, "release_date")).toEqual({ value: excelDateSerial("2024-08-01"), numberFormat: MONTH_FORMAT });
    expect(excelDateSerial("2024-08-01")).toBe(45505);
    expect(excelDateSerial("1900-03-01")).toBe(61);
    expect(excelDateSerial("2025-01-31")).toBe(45688);
    expect(excelDateSerial("soon")).toBeUndefined();
    expect(at(1, "name")?.numberFormat).toBe("@");
    const full = catalog().models.find((m) => /^\d{4}-\d{2}-\d{2}$/.test(m.record.releaseDate))!;
    expect(planCells(modelSpecTablePlan([full.record.id])).get(cellAddress(1, col("release_date")))?.numberFormat).toBe(DATE_FORMAT);
  });
  test("every catalog model fits in one table; duplicates collapse", () => {
    const all = modelSpecTablePlan([...catalog().models.map((m) => m.record.id), "command-r-08-2024"]);
    expect(all.tables[0].address).toBe(rangeAddress(0, 0, catalog().models.length + 1, MODEL_FIELDS.length));
    expect(planProblems(all)).toEqual([]);
  });
  test("unknown models fail with suggestions; a field subset works", () => {
    expect(() => modelSpecTablePlan(["qwen35"])).toThrow(/Did you mean/);
    const sub = modelSpecTablePlan(["command-r-08-2024"], { fields: ["name", "total_params"] });
    expect(sub.blocks[0].values).toEqual([["Name", "Total parameters"]]);
    expect(() => modelSpecTablePlan(["command-r-08-2024"], { fields: ["nope"] })).toThrow(/Unknown field/);
  });
  test("GPU spec table: years are not shown as 2,024", () => {
    const g = gpuSpecTablePlan(["rtx 4090"]);
    const yearCol = g.blocks[0].values![0].indexOf("Release year");
    expect(planCells(g).get(cellAddress(1, yearCol))?.numberFormat).toBe("0");
  });
  test("table names are valid Excel names", () => {
    expect(tableNameFrom("Fit Models!")).toBe("Fit_Models");
    expect(tableNameFrom("2025 plan")).toBe("T_2025_plan");
    expect(tableNameFrom("FIT1")).toBe("FIT1_"); // FIT1 is a cell
    expect(tableNameFrom("R1C1")).toBe("R1C1_");
    for (const n of ["Fit_Models", "T_2025_plan", "FIT1_", "R1C1_", "FitModels"]) expect(isValidTableName(n)).toBe(true);
    for (const n of ["A1", "has space", "1abc", "R1C1", ""]) expect(isValidTableName(n)).toBe(false);
  });
});

// ---------------------------------------------------------------- GPU grid

describe("GPU comparison grid", () => {
  const models = ["command-r-08-2024", catalog().models[5].record.id];
  const gpus = ["rtx 4090", "h100 sxm5 80gb", "a100 80gb sxm4"];
  const plan = gpuGridPlan(models, gpus, { setup: { quant: "q4_k_m", runtime: "llama.cpp", ctx: 32768 } });
  const cells = planCells(plan);

  test("inputs block: labelled cells B2:B7 in FIT argument order", () => {
    expect(["A2", "A3", "A4", "A5", "A6", "A7"].map((a) => cells.get(a)?.value)).toEqual(["Quant", "Context (tokens)", "Batch", "Runtime", "KV dtype", "GPUs"]);
    expect(["B2", "B3", "B4", "B5", "B6", "B7"].map((a) => cells.get(a)?.value)).toEqual(["q4_k_m", 32768, 1, "llama.cpp", "auto", 1]);
  });
  test("grid cells are live formulas with absolute references to the inputs", () => {
    expect(cells.get("B9")?.formula).toBe("=FIT.STATUS($A9,B$8,$B$2,$B$3,$B$4,$B$5,$B$6,$B$7)");
    expect(cells.get("D10")?.formula).toBe("=FIT.STATUS($A10,D$8,$B$2,$B$3,$B$4,$B$5,$B$6,$B$7)");
    const call = fitCalls(cells.get("C10")!.formula!)[0];
    // Argument i must point at the input the signature expects there.
    expect(call.args.slice(2).map((ref) => labelOf(plan, ref))).toEqual(["Quant", "Context (tokens)", "Batch", "Runtime", "KV dtype", "GPUs"]);
    expect(cells.get(call.args[0].replace("$", ""))?.value).toBe(cells.get("A10")?.value);
    expect(cells.get(call.args[1].replace("$", ""))?.value).toBe(cells.get("C8")?.value);
    expect(expectValidFitCalls(plan)).toBe(2 * models.length * gpus.length);
  });
  test("row and column labels are display names that resolve to the chosen ids", () => {
    expect(cells.get("A9")?.value).toBe(findModel("command-r-08-2024").record.name);
    expect(["B8", "C8", "D8"].map((a) => findGpu(cells.get(a)?.value).id)).toEqual(gpus.map((g) => findGpu(g).id));
    // Every catalog name used as a label finds the same record again.
    for (const m of catalog().models) expect(findModel(planCells(gpuGridPlan([m.record.id], ["rtx 4090"])).get("A9")?.value).record.id).toBe(m.record.id);
  });
  test("headroom grid beside it, coloured by the matching status cell", () => {
    const L = gpuGridLayout(gpus.length);
    expect(L.headroomCol).toBe(5); // B:D status, E gap, F:H headroom
    expect(cells.get("F9")?.formula).toBe("=FIT.HEADROOM($A9,F$8,$B$2,$B$3,$B$4,$B$5,$B$6,$B$7)");
    expect(cells.get("H10")?.numberFormat).toBe("0.00");
    expect(cells.get("F8")?.value).toBe(cells.get("B8")?.value);
    const custom = plan.conditionalFormats.filter((c) => c.kind === "custom");
    expect(custom.map((c) => c.kind === "custom" && [c.address, c.formula])).toEqual([
      ["F9:H10", '=B9="Fits"'],
      ["F9:H10", '=B9="Tight"'],
      ["F9:H10", '=B9="Fits with offload"'],
      ["F9:H10", '=B9="OOM"'],
    ]);
  });
  test("status colours green / amber / blue / red by text, frozen header row and model column", () => {
    const text = plan.conditionalFormats.filter((c) => c.kind === "text");
    expect(text.map((c) => c.kind === "text" && [c.address, c.text, c.fill])).toEqual([
      ["B9:D10", "Fits", "#C6EFCE"],
      ["B9:D10", "Tight", "#FFEB9C"],
      ["B9:D10", "Fits with offload", "#DDEBF7"],
      ["B9:D10", "OOM", "#FFC7CE"],
    ]);
    expect(plan.freeze).toEqual({ rows: 8, columns: 1 });
  });
  test("headroom grid is optional", () => {
    const p = gpuGridPlan(models, gpus, { headroom: false });
    expect(planExtent(p).right).toBe(3);
    expect(p.conditionalFormats).toHaveLength(4);
  });
  test("100 models × 50 GPUs: few blocks, valid formulas, far under the 5 MB request limit", () => {
    const ms = Array.from({ length: 100 }, (_, i) => `imported-model-${i + 1}`);
    const gs = catalog().gpus.slice(0, 50).map((g) => g.id);
    const big = gpuGridPlan(ms, gs);
    expect(planProblems(big)).toEqual([]);
    expect(big.blocks.length).toBeLessThan(15);
    expect(planExtent(big)).toEqual({ top: 0, left: 0, bottom: 107, right: 101 });
    expect(planCells(big).get("AY108")?.formula).toBe("=FIT.STATUS($A108,AY$8,$B$2,$B$3,$B$4,$B$5,$B$6,$B$7)");
    expect(planCells(big).get("A108")?.value).toBe("imported-model-100"); // not in the catalog: kept as given
    expect(expectValidFitCalls(big)).toBe(10_000);
    const bytes = estimatePayloadBytes(big);
    expect(bytes).toBeLessThan(REQUEST_LIMIT_BYTES / 2);
    expect(bytes).toBeGreaterThan(JSON.stringify(big.blocks).length); // the estimate is not below the raw JSON
  });
  test("refuses empty or oversized grids", () => {
    expect(() => gpuGridPlan([], ["rtx 4090"])).toThrow(/at least one/);
    expect(() => gpuGridPlan(Array.from({ length: 300 }, (_, i) => `m${i}`), catalog().gpus.map((g) => g.id))).toThrow(/fewer/);
  });
  test("offsetting the plan keeps every formula pointing at its inputs", () => {
    const moved = offsetPlan(plan, { row: 4, col: 2 }); // to C5
    const mc = planCells(moved);
    expect(mc.get("C6")?.value).toBe("Quant");
    expect(mc.get("D13")?.formula).toBe("=FIT.STATUS($C13,D$12,$D$6,$D$7,$D$8,$D$9,$D$10,$D$11)");
    expect(moved.conditionalFormats.find((c) => c.kind === "custom")).toMatchObject({ address: "H13:J14", formula: '=D13="Fits"' });
    expect(moved.columns[0].address).toBe("D:F");
  });
});

// ---------------------------------------------------------------- planning sheet

describe("capacity-planning sheet", () => {
  const plan = planningSheetPlan(["command-r-08-2024", catalog().models[3].record.id], ["rtx 4090", "h100 sxm5 80gb", "L40S"], { setup: { quant: "fp8" } });
  const cells = planCells(plan);
  const table = plan.tables[0];
  const tb = parseRange(table.address);

  test("a workload block of inputs: model, users or requests per minute, tokens, targets, hours", () => {
    expect(WORKLOAD_ROWS.map((_, i) => cells.get(cellAddress(3 + i, 0))?.value)).toEqual([...WORKLOAD_ROWS]);
    expect(["B4", "B5", "B6", "B7", "B8", "B9", "B10", "B11"].map((a) => cells.get(a)?.value)).toEqual([findModel("command-r-08-2024").record.name, DEFAULT_WORKLOAD.users, "", DEFAULT_WORKLOAD.promptTokens, DEFAULT_WORKLOAD.outputTokens, DEFAULT_WORKLOAD.tokensPerSecondPerUser, "", 730]);
    // Input cells are styled as inputs.
    expect(plan.styles.find((st) => st.address === "B4:B11")?.fill).toBe("#FFCC99");
  });

  test("result columns are live FIT.PLAN formulas over the workload block and this row", () => {
    expect(PLAN_FORMULAS["Total GPUs"]).toBe('=FIT.PLAN($B$4,[@GPU],[@Quant],$B$5,$B$7,$B$8,"total_gpus",$B$9,$B$10,[@[Price per GPU-hour]],[@Runtime],[@[Engine flags]],$B$6,$B$11)');
    expect(PLAN_FORMULAS["Cost per month"]).toContain('"cost_per_month"');
    expect(PLAN_FORMULAS["Price source"]).toContain('"price_source"');
    expect(thisRow("Engine flags")).toBe("[@[Engine flags]]");
    expect(thisRow("a[b]#c")).toBe("[@[a'[b']'#c]]");
    // Every structured reference names a column of the table; every field is one FIT.PLAN knows.
    for (const f of Object.values(PLAN_FORMULAS)) for (const m of f!.matchAll(/\[@\[?([^\]]+)\]?\]/g)) expect(PLAN_COLUMNS).toContain(m[1]);
    expect(expectValidFitCalls(plan)).toBe(9 * 3);
  });

  test("the table: one candidate per chosen GPU with the setup's format and engine, blank flags and price", () => {
    expect(tb.top).toBe(13);
    expect(PLAN_COLUMNS.map((_, c) => cells.get(cellAddress(13, c))?.value)).toEqual([...PLAN_COLUMNS]);
    expect(isValidTableName(table.name)).toBe(true);
    expect(tb.bottom - tb.top).toBe(3);
    expect(["A15", "B15", "C15", "D15", "E15"].map((a) => cells.get(a)?.value)).toEqual([findGpu("rtx 4090").name, "fp8", "vllm", "", ""]);
    expect(cells.get("H15")).toMatchObject({ formula: PLAN_FORMULAS["Total GPUs"], numberFormat: "#,##0" });
    expect(cells.get("J17")).toMatchObject({ formula: PLAN_FORMULAS["Cost per month"], numberFormat: "$#,##0" });
    // The note on prices sits above the table.
    expect(String(cells.get("A13")?.value)).toMatch(/Your price always wins/);
  });

  test("a chart of cost per month by candidate, beside the table", () => {
    expect(plan.charts).toEqual([expect.objectContaining({ type: "ColumnClustered", seriesAddress: "J14:J17", categoriesAddress: "A15:A17", title: "Cost per month by candidate" })]);
  });

  test("dropdowns read ranges of hidden helper columns holding the lists as values", () => {
    const lists = planningLists();
    expect(lists.Models).toHaveLength(catalog().models.length);
    // Why ranges: a typed list source is capped at 255 characters.
    expect(lists.Models.join(",").length).toBeGreaterThan(255);
    const quantRule = plan.validations.find((v) => v.address === "B15:B17")!;
    expect(quantRule.rule).toEqual({ kind: "list", source: `=$${columnLetters(HELPER_COL + 2)}$2:$${columnLetters(HELPER_COL + 2)}$${lists.Quants.length + 1}` });
    expect(quantRule.errorStyle).toBe("Stop");
    const src = parseRange((quantRule.rule as { source: string }).source.slice(1));
    const listed = Array.from({ length: src.bottom - src.top + 1 }, (_, i) => cells.get(cellAddress(src.top + i, src.left))?.value);
    expect(listed).toEqual(catalog().quants.map((q) => q.id));
    expect(plan.columns.find((c) => c.hidden)?.address).toBe(`${columnLetters(HELPER_COL)}:${columnLetters(HELPER_COL + 3)}`);
    // The model dropdown warns but accepts imported names; counts are whole numbers.
    expect(plan.validations.find((v) => v.address === "B4")?.errorStyle).toBe("Warning");
    expect(plan.validations.find((v) => v.address === "B5")?.rule).toEqual({ kind: "wholeNumber", min: 1, max: 10_000_000 });
    expect(plan.validations.find((v) => v.address === "A15:A17")?.errorStyle).toBe("Warning");
    expect(planProblems(plan)).toEqual([]);
  });

  test("the sheet's formulas give the plan's own answers", () => {
    // What FIT.PLAN returns for the first row is what the core plans for that workload.
    const p = plan_({ setup: { model: "command-r-08-2024", gpu: "rtx 4090", quant: "fp8", runtime: "vllm" }, workload: { users: DEFAULT_WORKLOAD.users, promptTokens: DEFAULT_WORKLOAD.promptTokens, outputTokens: DEFAULT_WORKLOAD.outputTokens, tokensPerSecondPerUser: DEFAULT_WORKLOAD.tokensPerSecondPerUser } });
    expect(p.totalGpus).toBeGreaterThanOrEqual(1);
  });
});


// ---------------------------------------------------------------- memory chart

describe("memory vs context chart", () => {
  const plan = memoryChartPlan(["command-r-08-2024", catalog().models[7].record.id], "rtx 4090", { setup: { quant: "q4_k_m", runtime: "llama.cpp" } });
  const cells = planCells(plan);
  const maxWindow = Math.max(findModel("command-r-08-2024").record.contextWindow, catalog().models[7].record.contextWindow);

  test("context steps double from 4K up to the largest window", () => {
    expect(contextSteps(4096, 131072)).toEqual([4096, 8192, 16384, 32768, 65536, 131072]);
    expect(contextSteps(4096, 100000)).toEqual([4096, 8192, 16384, 32768, 65536, 100000]);
    expect(() => contextSteps(10, 5)).toThrow();
    const steps = contextSteps(4096, maxWindow);
    expect(steps.map((_, i) => cells.get(`A${11 + i}`)?.value)).toEqual(steps);
    expect(cells.get("A11")?.numberFormat).toBe("#,##0");
  });
  test("one VRAM column per model (gaps past its window) and the GPU's memory as a flat line", () => {
    expect(cells.get("B11")?.formula).toBe('=IF($A11>FIT.MODEL(B$10,"context_window"),NA(),FIT.VRAM(B$10,$B$3,$A11,$B$4,$B$5,$B$6,$B$7))');
    const vram = fitCalls(cells.get("C12")!.formula!).find((c) => c.name === "VRAM")!;
    expect([vram.args[1], ...vram.args.slice(3)].map((r) => labelOf(plan, r))).toEqual(["Quant", "Batch", "Runtime", "KV dtype", "GPUs"]);
    expect(cells.get("B8")?.formula).toBe('=FIT.GPU($B$2,"vram_gib")');
    expect(cells.get("D11")?.formula).toBe("=$B$8");
    expect(cells.get("D10")?.value).toBe("GPU memory (GiB)");
    expectValidFitCalls(plan);
  });
  test("a line chart spec over the block", () => {
    const steps = contextSteps(4096, maxWindow).length;
    expect(plan.charts).toEqual([
      {
        type: "Line",
        seriesAddress: `B10:D${10 + steps}`,
        categoriesAddress: `A11:A${10 + steps}`,
        title: `Memory per GPU vs context (${findGpu("rtx 4090").name})`,
        xAxisTitle: "Context (tokens)",
        yAxisTitle: "GiB",
        from: "F2",
        to: "N24",
      },
    ]);
  });
  test("a chosen max context, and limits", () => {
    const p = memoryChartPlan(["command-r-08-2024"], "rtx 4090", { maxCtx: 16384 });
    expect(p.charts[0].categoriesAddress).toBe("A11:A13");
    expect(() => memoryChartPlan([], "rtx 4090")).toThrow();
    expect(() => memoryChartPlan(catalog().models.slice(0, 13).map((m) => m.record.id), "rtx 4090")).toThrow(/at most/);
  });
});

// ---------------------------------------------------------------- export

describe("table export", () => {
  const rows = [
    ["Model", "VRAM (GiB)", "Note"],
    ["qwen3-8b", 5.25, 'says "hi", then\nleaves'],
    ["=HYPERLINK(\"http://x\")", -3.5, "@SUM(A1)"],
    ["+1", true, null],
  ];
  test("CSV per RFC 4180 with formula-injection guard", () => {
    expect(toCsv(rows)).toBe(
      'Model,VRAM (GiB),Note\r\nqwen3-8b,5.25,"says ""hi"", then\nleaves"\r\n"\'=HYPERLINK(""http://x"")",-3.5,\'@SUM(A1)\r\n\'+1,TRUE,\r\n',
    );
    expect(toCsv([])).toBe("");
    expect(toCsv([["=1"]], { guardFormulas: false })).toBe("=1\r\n");
    expect(guardFormula("-x")).toBe("'-x");
    expect(guardFormula("\tcmd")).toBe("'\tcmd");
    expect(guardFormula("ok")).toBe("ok");
  });
  test("TSV: tabs and newlines inside cells become spaces", () => {
    expect(toTsv([["a\tb", "c\r\nd", 1], ["-2", -2, NaN]])).toBe("a b\tc d\t1\n'-2\t-2\t");
  });
  test("file names and BOM", () => {
    expect(csvFileName("GPU grid: Qwen3/8B")).toBe("GPU-grid-Qwen3-8B.csv");
    expect(csvFileName("***")).toBe("fitmygpu.csv");
    expect(CSV_BOM).toBe("\uFEFF");
  });
});
