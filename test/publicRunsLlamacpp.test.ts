// Guards the llama.cpp / Ollama public runs (scripts/publicRunsLlamacpp.ts): provenance of every run,
// and the accuracy the engine model earns on them. Margins are what the runs show, not targets.
import { median } from "../scripts/accuracyCases";
import { LLAMACPP_OLLAMA_RUNS, llamacppPublicComparisons } from "../scripts/publicRunsLlamacpp";

const rows = llamacppPublicComparisons();
const med = (pred: (c: (typeof rows)[number]) => boolean) => median(rows.filter(pred).map((c) => Math.abs(c.error)));

describe("llama.cpp / Ollama public runs", () => {
  test("every run has an https source, a verbatim quote and a read date", () => {
    expect(LLAMACPP_OLLAMA_RUNS.length).toBeGreaterThanOrEqual(8);
    for (const r of LLAMACPP_OLLAMA_RUNS) {
      expect(r.url).toMatch(/^https:\/\/\S+$/);
      expect(r.quote.trim().length).toBeGreaterThan(0);
      expect(r.read).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(r.compare().length).toBeGreaterThan(0);
    }
  });
  test("ids are unique", () => expect(new Set(LLAMACPP_OLLAMA_RUNS.map((r) => r.id)).size).toBe(LLAMACPP_OLLAMA_RUNS.length));
  test("KV buffers are exact to the MiB", () => {
    const kv = rows.filter((c) => c.term === "kvCache");
    expect(kv.length).toBeGreaterThan(0);
    for (const c of kv) expect(Math.abs(c.estimate - c.measured)).toBeLessThan(1);
  });
  test("weights (model buffers and GGUF file sizes): median ≤ 1%, every row ≤ 2%", () => {
    const w = rows.filter((c) => c.term === "weights");
    expect(w.length).toBeGreaterThanOrEqual(6);
    expect(med((c) => c.term === "weights")).toBeLessThanOrEqual(0.01);
    for (const c of w) expect(Math.abs(c.error)).toBeLessThanOrEqual(0.02);
  });
  // Flash attention off: F32 KQ scores + F32 mask + KQV + residual (engine-facts §2.9). 0.6% at 32K, 7.3% at 2K.
  test("compute buffers: median ≤ 10%, every row ≤ 15%", () => {
    const c = rows.filter((r) => r.term === "compute");
    expect(c.length).toBeGreaterThanOrEqual(2);
    expect(med((r) => r.term === "compute")).toBeLessThanOrEqual(0.1);
    for (const r of c) expect(Math.abs(r.error)).toBeLessThanOrEqual(0.15);
  });
});
