// docs/functions.md, generated from functions.json: every function, its
// arguments, the example from its help text and the result that example gives.
// A test keeps the file in sync; `npm run docs` rewrites it.

export interface FunctionParam {
  name: string;
  description?: string;
  type?: string;
  dimensionality?: string;
  optional?: boolean;
}

export interface FunctionMeta {
  id: string;
  name: string;
  description?: string;
  parameters: FunctionParam[];
  result?: { type?: string; dimensionality?: string };
}

export type ExcelCall = (id: string, args: Array<string | number | null>) => unknown;

/** The example formula in a function's help text, split into its arguments. */
export function exampleOf(f: FunctionMeta): { formula: string; args: Array<string | number | null> } {
  const m = /Example: (=FIT\.([A-Z0-9_.]+)\((.*)\))\.?$/.exec(f.description ?? "");
  if (!m || m[2] !== f.name) throw new Error(`FIT.${f.name}'s help text has no example of itself.`);
  return { formula: m[1], args: splitArgs(m[3]) };
}

function splitArgs(s: string): Array<string | number | null> {
  const out: Array<string | number | null> = [];
  const re = /\s*(?:"([^"]*)"|(-?[0-9.]+)|())\s*(,|$)/y;
  if (s.trim() === "") return out;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) throw new Error(`Cannot read the example arguments '${s}'.`);
    out.push(m[1] !== undefined ? m[1] : m[2] !== undefined ? Number(m[2]) : null);
    pos = re.lastIndex;
    if (m[4] === "") break;
  }
  return out;
}

function cell(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? v.toLocaleString("en-US") : v.toFixed(2);
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  if (v && typeof v === "object" && "code" in v) return String((v as { code: string }).code);
  return String(v ?? "").replace(/\|/g, "\\|");
}

function renderResult(r: unknown): string {
  const rows = Array.isArray(r) ? (r as unknown[][]) : [[r]];
  if (rows.length === 1 && rows[0].length === 1) return `\`${cell(rows[0][0])}\``;
  const shown = rows.slice(0, 8);
  const width = Math.max(...rows.map((x) => x.length));
  const head = width === 1 ? ["(spilled)"] : shown[0].map(cell);
  const body = width === 1 ? shown : shown.slice(1);
  const lines = [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...body.map((x) => `| ${x.map(cell).join(" | ")} |`)];
  if (rows.length > shown.length) lines.push(`\n… ${rows.length - shown.length} more rows.`);
  return "\n\n" + lines.join("\n");
}

/** The Markdown reference for every function, with each example evaluated through `call`. */
export function renderFunctionDocs(functions: FunctionMeta[], namespace: string, call: ExcelCall): string {
  const out: string[] = [
    "# FIT function reference",
    "",
    "Generated from `functions.json` (the help text Excel shows) by `npm run docs`; a test keeps this file in sync. Memory is in GiB (2^30 bytes), per GPU. Arguments in [brackets] are optional; a blank cell or an omitted argument takes the default. Names (models, GPUs, quants, runtimes, KV dtypes) are case-insensitive and accept the catalog id, the display name or the Hugging Face id.",
    "",
    "Errors: an unknown name gives `#N/A` with a suggestion (\"Unknown model 'qwen35'. Did you mean 'qwen3.5-35b-a3b'?\"); a bad number, an unknown field or a combination the engine cannot run gives `#VALUE!` with what is allowed. An Excel error in an input cell comes back as that error (`#NAME?` and `#REF!`, which Excel takes only as inputs, as `#VALUE!` naming them). A context above the model's window is computed anyway (FIT.BREAKDOWN adds a note saying so; FIT.MAXCTX never goes past the window).",
    "",
    "Ranges: arguments marked *range* accept a column, a row or a block of cells and spill one result per cell, e.g. `=FIT.VRAM(A2:A40, \"q4_k_m\", 32768)`; a cell that fails holds its own error. A column and a row together spill a grid: `=FIT.STATUS(A5:A20, B4:F4, \"awq\", 8192)` gives one status per model and GPU. Table functions (those that already spill a table) take single cells.",
    "",
    "Filling a column: prefer one formula over the column's range to one formula per row. Excel calls a custom function once per formula, and each call is a request and a result passed between Excel and the add-in; `=FIT.VRAM(A2:A1001, B2:B1001, C2:C1001)` is one call that spills 1,000 results, where 1,000 copies of `=FIT.VRAM(A2, B2, C2)` are 1,000 calls. Inside the add-in either is quick (10,000 cells recalculate in a few milliseconds, `npm run bench`); the range formula saves Excel's traffic with the add-in. Excel tables do not allow spills: inside a table, use one formula per row.",
    "",
    "| Function | Returns |",
    "|---|---|",
    ...functions.map((f) => `| [${namespace}.${f.name}](#${(namespace + f.name).toLowerCase()}) | ${(f.description ?? "").replace(/ Example: .*$/, "").split(". ")[0].replace(/\|/g, "\\|")} |`),
    "",
  ];
  for (const f of functions) {
    const sig = f.parameters.map((p) => (p.optional ? `[${p.name}]` : p.name)).join(", ");
    const ex = exampleOf(f);
    out.push(`## ${namespace}.${f.name}`, "", `\`=${namespace}.${f.name}(${sig})\``, "", (f.description ?? "").replace(/ Example: .*$/, ""), "");
    if (f.parameters.length) {
      out.push("| Argument | | Description |", "|---|---|---|");
      for (const p of f.parameters) out.push(`| ${p.name} | ${p.optional ? "optional" : "required"}${p.dimensionality === "matrix" ? ", range" : ""} | ${(p.description ?? "").replace(/\|/g, "\\|")} |`);
      out.push("");
    }
    out.push(`Example: \`${ex.formula}\` → ${renderResult(call(f.id, ex.args))}`, "");
  }
  return out.join("\n");
}
