// Model pages: every catalog model has written sections with sources, the page
// files pass their schema, and the memory behaviour is the core's own numbers.
import * as fs from "fs";
import * as path from "path";
import { catalog, findModel } from "../src/core/catalog";
import { memoryFacts } from "../src/core/memoryBehaviour";
import { modelPageView, pageIds, pageText, sourceLabel } from "../src/core/modelPages";
import { pageFileSchema } from "../src/core/pageSchema";
import { PAGE_SECTIONS } from "../src/core/pageSections";

const dir = path.join(__dirname, "..", "catalog");
const families = fs.readdirSync(path.join(dir, "models")).filter((f) => f.endsWith(".json"));

describe("catalog/pages", () => {
  test.each(families)("pages/%s passes its schema and covers exactly the models of its family file", (file) => {
    const raw = JSON.parse(fs.readFileSync(path.join(dir, "pages", file), "utf8"));
    const parsed = pageFileSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`${file}: ${parsed.error.message}`);
    const models = JSON.parse(fs.readFileSync(path.join(dir, "models", file), "utf8")).models.map((m: { id: string }) => m.id);
    expect(Object.keys(parsed.data.pages).sort()).toEqual([...models].sort());
  });

  test("every catalog model has a page, and every page a catalog model", () => {
    expect(pageIds().sort()).toEqual(catalog().models.filter((m) => !m.record.custom).map((m) => m.record.id).sort());
  });

  test("every section is written (2+ sentences, no research notes) and cites a source", () => {
    for (const id of pageIds()) {
      const p = pageText(id)!;
      for (const s of p.sections) {
        expect({ id, key: s.key, written: s.text.length > 40 }).toEqual({ id, key: s.key, written: true });
        expect({ id, key: s.key, cites: s.cites.length > 0 }).toEqual({ id, key: s.key, cites: true });
      }
      expect(p.sections.map((s) => s.key)).toEqual(PAGE_SECTIONS.map((s) => s.key));
    }
  });
});

describe("record sources", () => {
  test("every source has a clean title and publisher; research notes stay in `note`", () => {
    for (const m of catalog().models) {
      for (const s of m.record.sources) {
        expect(s.title.length).toBeLessThan(160);
        expect(sourceLabel(s)).toBe(`${s.publisher}: ${s.title} (read ${s.date})`);
        expect(`${s.title} ${s.publisher}`).not.toMatch(/config used =|catalog research note|not read from/i);
      }
    }
  });
});

describe("context windows", () => {
  test("qwen3.5-35b-a3b: native 262,144 with a YaRN extension to 1,010,000", () => {
    const r = findModel("qwen3.5-35b-a3b").record;
    expect(r.contextWindow).toBe(262144);
    expect(r.extendedContextWindow).toMatchObject({ tokens: 1010000 });
    expect(r.extendedContextWindow!.method).toMatch(/YaRN/);
  });
  test("fixes the writers' review supports: MiniMax-M2 196,608; Qwen3-8B native 32,768 (131,072 with YaRN); Llama 4 Maverick 1,048,576", () => {
    expect(findModel("minimax-m2").record.contextWindow).toBe(196608);
    expect(findModel("qwen3-8b").record).toMatchObject({ contextWindow: 32768, extendedContextWindow: { tokens: 131072 } });
    expect(findModel("llama-4-maverick-17b-128e-instruct").record.contextWindow).toBe(1048576);
  });
  test("Qwen3.5-122B-A10B and 397B-A17B configs are Qwen's own (fp32 recurrent state declared)", () => {
    for (const id of ["qwen3.5-122b-a10b", "qwen3.5-397b-a17b"]) {
      const tc = findModel(id).record.config.text_config as Record<string, unknown>;
      expect(tc.mamba_ssm_dtype).toBe("float32");
    }
  });
});

describe("memory behaviour is computed, not written", () => {
  test("Qwen3.5-35B-A3B: 10 of 40 layers hold KV at 2 heads × (256 + 256) × 2 B; 30 Gated DeltaNet layers hold fixed fp32 state", () => {
    const m = findModel("qwen3.5-35b-a3b");
    const f = memoryFacts(m);
    expect(f.kvLayers).toBe(10);
    expect(f.kvBytesPerToken).toBe(10 * 2 * (256 + 256) * 2);
    expect(f.stateLayers).toBe(30);
    // conv (kernel 4 − 1) × (2 × 16 × 128 + 32 × 128) at bf16 + ssm 32 × 128 × 128 at fp32, per layer.
    expect(f.stateBytesPerSeq).toBe(30 * (3 * (2 * 16 * 128 + 32 * 128) * 2 + 32 * 128 * 128 * 4));
    expect(f.activeParams).toBeLessThan(f.residentParams / 5);
    const text = modelPageView(m).sections.at(-1)!.paragraphs.join(" ");
    expect(text).toContain("20.0 KiB per token over 10 of 40 layers");
    expect(text).toMatch(/Mixture of experts: all 35\.\d+B parameters stay resident/);
  });
  test("a sliding-window model says what its windowed layers hold", () => {
    const text = modelPageView(findModel("gemma-3-27b-it")).sections.at(-1)!.paragraphs.join(" ");
    expect(text).toMatch(/sliding-window layers \(window 1,024\) hold at most their window/);
  });
  test("a custom model gets a page of memory behaviour alone", () => {
    const m = findModel("qwen3-8b");
    const view = modelPageView({ ...m, record: { ...m.record, id: "not-in-catalog", sources: [] } });
    expect(view.sections.map((s) => s.key)).toEqual(["memory"]);
    expect(view.sources).toEqual([]);
  });
});
