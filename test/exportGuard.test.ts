// The CSV/TSV export's formula-injection guard (issue 11): leading whitespace,
// its Unicode relatives and the full-width and small-form = + - @ no longer
// slip past it; ordinary text is left alone.
import fc from "fast-check";
import { guardFormula, toCsv, toTsv } from "../src/taskpane/tableExport";

describe("guarded: text a spreadsheet could read as a formula", () => {
  test.each([
    ["a leading space", " =1+1"],
    ["spaces and a plus", "   +cmd"],
    ["a non-breaking space", "\u00a0=HYPERLINK(\"http://x\")"],
    ["an ideographic space", "\u3000@SUM(A1)"],
    ["a zero-width space", "\u200b=1"],
    ["a byte-order mark", "\ufeff-1+1"],
    ["a full-width equals", "＝1+1"],
    ["a full-width plus", "＋1"],
    ["a full-width minus", "－1"],
    ["a full-width at", "＠SUM(A1)"],
    ["a small-form equals", "\ufe66cmd"],
    ["a minus sign", "\u22121"],
    ["a line feed", "\n=1+1"],
    ["a carriage return", "\r=1"],
    ["a tab", "\tcmd"],
    ["a line feed before text", "\nplain"],
    ["a space then a line break then =", " \r\n=1"],
  ])("%s", (_what, text) => {
    expect(guardFormula(text)).toBe(`'${text}`);
  });

  test("in a CSV download and a TSV copy", () => {
    expect(toCsv([["\u00a0=1+1", "＝2"]])).toBe("'\u00a0=1+1,'＝2\r\n");
    expect(toTsv([[" =1", "＠x"]])).toBe("' =1\t'＠x");
  });
});

describe("left alone: ordinary text", () => {
  test.each(["qwen3-8b", " leading space", "\u00a0text", "a=b", "x-1", "RTX 4090", "", "Model: GPT-OSS 20B", "(=)"])("%j", (text) => {
    expect(guardFormula(text)).toBe(text);
  });
});

test("whatever the text, an unguarded export never starts a formula after skipped characters or in its compatibility form", () => {
  const unit = fc.oneof(fc.constantFrom(" ", "\u00a0", "\u3000", "\u200b", "\ufeff", "\t", "\n", "=", "+", "-", "@", "＝", "＋", "－", "＠", "\ufe66", "\u2212", "a", "1"), fc.string({ maxLength: 1 }));
  fc.assert(
    fc.property(fc.array(unit, { maxLength: 6 }).map((u) => u.join("")), (s) => {
      const out = guardFormula(s);
      if (out === `'${s}`) return true;
      const visible = s.normalize("NFKC").replace(/^[\s\p{Cc}\p{Cf}]*/u, "");
      return out === s && !/^[=+\-@\u2212]/.test(visible) && !/^[\t\r\n]/.test(s);
    }),
    { numRuns: 3000 },
  );
});
