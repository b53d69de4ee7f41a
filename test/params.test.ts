// Derived total and active parameters match each catalog model's published
// figures within 2% (plus the rounding of the published figure, which the
// record states — "7B" is a figure rounded to 1e9; a total published more
// coarsely than the active count, "1T" beside "32B", states its own).
import { catalog } from "../src/core/catalog";

const models = catalog().models;

const within = (derived: number, published: number, roundedTo = 0) =>
  derived >= (published - roundedTo / 2) * 0.98 && derived <= (published + roundedTo / 2) * 1.02;

describe("derived parameter counts match published figures", () => {
  test.each(models.map((m) => [m.record.id, m] as const))("%s", (_id, m) => {
    const p = m.record.params;
    const derivedTotal = m.params.text + (p.includesVision ?? true ? m.params.vision : 0) + (p.includesMtp ? m.params.mtp : 0);
    expect({ id: m.record.id, derivedTotal, published: p.total, ok: within(derivedTotal, p.total, p.totalRoundedTo ?? p.roundedTo) }).toMatchObject({ ok: true });
    if (p.active !== null) {
      const embed = m.params.byGroup.embed;
      const excluded = p.activeExcludes === "input-embedding" ? embed : p.activeExcludes === "embeddings" ? embed + (m.arch.tiedEmbeddings ? 0 : m.params.byGroup.head) : 0;
      const derivedActive = m.params.active - excluded;
      expect({ id: m.record.id, derivedActive, published: p.active, ok: within(derivedActive, p.active, p.roundedTo) }).toMatchObject({ ok: true });
    }
  });
  test("the catalog holds at least 80 models", () => expect(models.length).toBeGreaterThanOrEqual(80));
});
