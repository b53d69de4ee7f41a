// The speed efficiencies in catalog/runtimes.json are what `npm run fit-speed`
// fits to calibration/speed.json today: editing a measured row or the speed
// model without refitting fails here. And the fit itself finds known answers.
import { catalog } from "../src/core/catalog";
import { fitAll, fitDecode, fitPrefill, predict, speedRows, type SpeedRow } from "../scripts/speedFit";

describe("the stored efficiencies", () => {
  const rows = speedRows();
  const fit = fitAll(rows, catalog().runtimes.map((r) => r.id));
  test.each(catalog().runtimes.map((r) => [r.id, r] as const))("%s: runtimes.json holds today's fit for every backend it fitted", (id, r) => {
    const stored = (r.defaults as { speed: Record<string, unknown> }).speed;
    const fresh = Object.fromEntries(Object.entries(fit[id] ?? {}).map(([b, f]) => [b, f!.params]));
    expect(stored).toEqual(fresh);
  });
  test("every engine has a CUDA fit, fitted or borrowed, and Ollama borrows llama.cpp's", () => {
    for (const r of catalog().runtimes) expect(fit[r.id]?.cuda).toBeDefined();
    expect(fit.ollama!.cuda!.params).toEqual(fit["llama.cpp"]!.cuda!.params);
    expect(fit.ollama!.cuda!.decodeFrom).toBe("from llama.cpp cuda");
  });
});

describe("the fit recovers efficiencies it generated", () => {
  const rows = speedRows().filter((r) => r.engine === "llama.cpp" && r.backend === "cuda");
  const truth = { bandwidthEfficiency: 0.8, layerOverheadSeconds: 40e-6, computeEfficiency: 0.45, prefillOverheadSeconds: 0.02 };
  // Measurements made by the model itself at known efficiencies: the fit must find them again.
  const synthetic: SpeedRow[] = rows.map((r) => ({ ...r, measured: predict(r, truth) }));
  test("decode: bandwidth share and per-layer time", () => {
    const d = fitDecode(synthetic.filter((r) => r.kind === "decode"));
    expect(d.bandwidthEfficiency).toBeCloseTo(truth.bandwidthEfficiency, 2);
    expect(d.layerOverheadSeconds).toBeCloseTo(truth.layerOverheadSeconds, 5);
  });
  test("prefill: compute share and first-token time", () => {
    const p = fitPrefill(synthetic.filter((r) => r.kind === "prefill" && Number.isFinite(r.terms.computeSeconds)), truth);
    expect(p.computeEfficiency).toBeCloseTo(truth.computeEfficiency, 2);
    expect(p.prefillOverheadSeconds).toBeCloseTo(truth.prefillOverheadSeconds, 3);
  });
});
