// "Did you mean": the bit-parallel distance is Levenshtein's, suggestions for
// real typos are what they were, and unknown names cost bounded work (issue 11:
// 10,000 rows of one 95-character unknown name took 15 s, 1,000 rows of 32,767
// characters 491 s). Speed figures belong in `npm run bench`; the bounds here
// are generous guards against the old per-cell, full-length search.
import fc from "fast-check";
import { catalog, clearCustomEntries, findModel, setCustomEntries } from "../src/core/catalog";
import { importModel } from "../src/core/configImport";
import { distanceFrom, normalizeName, suggest, type NameIndex } from "../src/core/names";
import * as functions from "../src/functions/functions";
import { StubError } from "../scripts/customFunctionsStub";

/** The textbook dynamic programme, to check the bit-parallel version against. */
function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The suggestion ranking as it was before the bounds (full-length, uncached), for queries the bounds do not cut. */
function referenceSuggest<T>(index: NameIndex<T>, query: string, n = 3): string[] {
  const squash = (s: string) => s.replace(/[^a-z0-9]/g, "");
  const qs = squash(normalizeName(query));
  const scored = index.ids.map((id) => {
    const ks = squash(normalizeName(id));
    const contains = qs.length >= 3 && (ks.includes(qs) || qs.includes(ks));
    return { id, score: levenshtein(qs, ks) - (contains ? 100 : 0) - (ks.startsWith(qs.slice(0, 4)) ? 2 : 0) };
  });
  scored.sort((a, b) => a.score - b.score || a.id.length - b.id.length);
  return scored.slice(0, n).map((s) => s.id);
}

describe("the distance", () => {
  test("is Levenshtein's for every pattern up to 32 characters", () => {
    const str = (max: number) => fc.string({ unit: fc.constantFrom("a", "b", "c", "-", "é", "😀"), maxLength: max });
    fc.assert(fc.property(str(32), str(48), (p, t) => distanceFrom(p)(t) === levenshtein(p, t)), { numRuns: 3000 });
  });

  test("refuses a pattern longer than one word", () => {
    expect(() => distanceFrom("x".repeat(33))).toThrow(RangeError);
  });
});

describe("suggestions", () => {
  const index = () => catalog().index.model;

  test("rank real typos exactly as before", () => {
    const ids = index().ids;
    const typo = fc.tuple(fc.constantFrom(...ids), fc.nat(), fc.constantFrom("drop", "swap", "add", "case")).map(([id, at, how]) => {
      const i = at % id.length;
      if (how === "drop") return id.slice(0, i) + id.slice(i + 1);
      if (how === "swap") return id.slice(0, i) + (id[i + 1] ?? "") + id[i] + id.slice(i + 2);
      if (how === "add") return id.slice(0, i) + "x" + id.slice(i);
      return id.toUpperCase().replace(/-/g, " ");
    });
    fc.assert(fc.property(typo, (q) => JSON.stringify(suggest(index(), q)) === JSON.stringify(referenceSuggest(index(), q))), { numRuns: 200 });
    expect(suggest(index(), "qwen3-8")).toContain("qwen3-8b");
  });

  test("follow the registered names (custom models are suggested once registered)", () => {
    expect(suggest(index(), "lab-special-modl")).not.toContain("lab-special-model");
    setCustomEntries({ models: [importModel({ config: catalog().models.find((m) => m.record.id === "qwen3-8b")!.record.config, name: "Lab Special Model" })] });
    try {
      expect(suggest(index(), "lab-special-modl")[0]).toBe("lab-special-model");
    } finally {
      clearCustomEntries();
    }
  });

  test("a long cell that folds to a known name still finds it (the length check counts what folding keeps)", () => {
    expect(findModel(" ".repeat(20_000) + "Qwen3-8B" + "\u3000".repeat(10_000)).record.id).toBe("qwen3-8b");
    expect(findModel("qwen3" + "_ \t".repeat(10_000) + "8b").record.id).toBe("qwen3-8b");
  });

  test("an unknown name is echoed at most 80 characters long, with its length", () => {
    expect(() => findModel("q".repeat(32_767))).toThrow(/^Unknown model 'q{79}…' \(32,767 characters\)\.( Did you mean .*)?$/);
    expect(() => findModel("qwen-unknown")).toThrow(/^Unknown model 'qwen-unknown'\. Did you mean/);
  });
});

describe("unknown names cost bounded work", () => {
  /** FIT.VRAM over a column of names: every cell must be #N/A with the suggestion. */
  function column(names: string[]): StubError[] {
    const out = functions.vram(names.map((n) => [n]), [["q4_k_m"]], [[4096]], null as never, [["llama.cpp"]]) as unknown[][];
    expect(out).toHaveLength(names.length);
    return out.map((r) => r[0] as StubError);
  }

  test("10,000 rows of one 95-character unknown name", () => {
    const name = "my-private-finetune-of-a-model-that-is-not-in-the-catalog-" + "v".repeat(37);
    expect(name).toHaveLength(95);
    const t0 = Date.now();
    const errors = column(Array.from({ length: 10_000 }, () => name));
    expect(Date.now() - t0).toBeLessThan(5000); // was 15 s
    expect(errors[9_999]).toMatchObject({ code: "#N/A", message: expect.stringMatching(/^Unknown model 'my-private-finetune-of-a-model-that-is-not-in-the-catalog-v+…' \(95 characters\)\. Did you mean/) });
  });

  test("1,000 rows of 32,767-character names, each different", () => {
    const t0 = Date.now();
    const errors = column(Array.from({ length: 1_000 }, (_, i) => `${i}-` + "q".repeat(32_767 - String(i).length - 1)));
    expect(Date.now() - t0).toBeLessThan(5000); // was 491 s
    expect(errors[0].message).toMatch(/^Unknown model '0-q+…' \(32,767 characters\)\./);
    expect(errors[0].message!.length).toBeLessThan(250);
  });

  test("10,000 different unknown names of every length up to 32,767", () => {
    const names = Array.from({ length: 10_000 }, (_, i) => `unknown-${i}-` + "abcdefghij".repeat(1 + ((i * 7919) % 3_276)).slice(0, (i * 104_729) % 32_767));
    const t0 = Date.now();
    const errors = column(names);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(errors.every((e) => e.code === "#N/A")).toBe(true);
  });
});
