// GPU prices: the median accessors, the catalog's coverage and the price entries' own rules.
import { catalog, findGpu } from "../src/core/catalog";
import { gpuPriceSchema, gpuRecordSchema, type GpuPrice } from "../src/core/catalogSchema";
import { defaultPrice, median, purchasePrice } from "../src/core/prices";
import { gpuField } from "../src/core/spec";

const quote = (usd: number, asOf: string | null, kind: GpuPrice["kind"] = "cloud-hourly", unit: GpuPrice["unit"] = kind === "cloud-hourly" ? "per GPU-hour" : "per card"): GpuPrice => ({
  kind,
  usd,
  unit,
  provider: "P",
  product: "X",
  url: "https://example.com/prices",
  read: "2026-12-06",
  asOf,
  note: "test quote",
});

describe("median", () => {
  test("odd and even counts; order does not matter", () => {
    expect(median([3])).toBe(3);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow();
  });
});

describe("defaultPrice and purchasePrice", () => {
  const gpu = {
    prices: [quote(4.5, "2026-10-07"), quote(2.69, "2026-11-09"), quote(3.99, null), quote(10, "2026-04"), quote(30000, null, "purchase"), quote(25000, "2025-01", "purchase")],
  };

  test("the cloud price is the median of the on-demand quotes, with the quotes and their date range", () => {
    const p = defaultPrice(gpu)!;
    expect(p.usd).toBe((3.99 + 4.5) / 2);
    expect(p.kind).toBe("cloud-hourly");
    expect(p.unit).toBe("per GPU-hour");
    expect(p.from.map((q) => q.usd)).toEqual([2.69, 3.99, 4.5, 10]);
    expect(p.oldest).toBe("2026-04");
    expect(p.newest).toBe("2026-11-09");
    expect(p.undated).toBe(1);
  });

  test("purchase quotes are kept apart from cloud rates", () => {
    const p = purchasePrice(gpu)!;
    expect(p.usd).toBe(27500);
    expect(p.unit).toBe("per card");
    expect(p.oldest).toBe("2025-01");
    expect(p.newest).toBe("2025-01");
    expect(p.undated).toBe(1);
  });

  test("a month sorts before the days in it", () => {
    const p = defaultPrice({ prices: [quote(1, "2026-04-15"), quote(2, "2026-04"), quote(3, "2026-03-31")] })!;
    expect(p.oldest).toBe("2026-03-31");
    expect(p.newest).toBe("2026-04-15");
  });

  test("no quotes, or only undated ones", () => {
    expect(defaultPrice({ prices: [] })).toBeNull();
    expect(purchasePrice({ prices: [quote(1, "2026-01")] })).toBeNull();
    const undated = defaultPrice({ prices: [quote(1, null)] })!;
    expect([undated.usd, undated.oldest, undated.newest, undated.undated]).toEqual([1, null, null, 1]);
  });

  test("the median never leaves the quotes' range and does not depend on their order", () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    for (let i = 0; i < 200; i++) {
      const qs = Array.from({ length: 1 + Math.floor(rand() * 9) }, () => quote((1 + Math.floor(rand() * 1000)) / 100, null));
      const a = defaultPrice({ prices: qs })!;
      const b = defaultPrice({ prices: [...qs].reverse() })!;
      expect(a.usd).toBe(b.usd);
      expect(a.usd).toBeGreaterThanOrEqual(Math.min(...qs.map((q) => q.usd)));
      expect(a.usd).toBeLessThanOrEqual(Math.max(...qs.map((q) => q.usd)));
    }
  });
});

describe("price entries", () => {
  test("kind and unit agree", () => {
    expect(gpuPriceSchema.safeParse(quote(1, null)).success).toBe(true);
    expect(gpuPriceSchema.safeParse({ ...quote(1, null), unit: "per card" }).success).toBe(false);
    expect(gpuPriceSchema.safeParse({ ...quote(1, null, "purchase"), unit: "per GPU-hour" }).success).toBe(false);
    expect(gpuPriceSchema.safeParse({ ...quote(1, "2026-1-5") }).success).toBe(false);
    expect(gpuPriceSchema.safeParse({ ...quote(0, null) }).success).toBe(false);
    expect(gpuPriceSchema.safeParse({ ...quote(1, null), extra: 1 }).success).toBe(false);
  });

  test("a GPU's purchase prices share one unit", () => {
    const base = { ...findGpu("h100 sxm"), prices: [quote(1, null, "purchase", "per card"), quote(2, null, "purchase", "per system")] };
    expect(gpuRecordSchema.safeParse(base).success).toBe(false);
  });

  test("records without prices parse to an empty list", () => {
    const { prices: _omit, ...rest } = findGpu("h100 sxm");
    expect(gpuRecordSchema.parse(rest).prices).toEqual([]);
  });
});

describe("catalog prices", () => {
  const gpus = catalog().gpus;

  test("every quote was read on or after the date it is as of", () => {
    for (const g of gpus) for (const p of g.prices) if (p.asOf) expect({ id: g.id, ok: p.asOf.slice(0, 7) <= p.read.slice(0, 7) }).toEqual({ id: g.id, ok: true });
  });

  test("at least 20 GPUs have a price, and the most used data-centre and consumer GPUs have a cloud rate", () => {
    expect(gpus.filter((g) => g.prices.length > 0).length).toBeGreaterThanOrEqual(20);
    const used = ["h100 sxm", "h100 pcie", "h100 nvl", "h200", "b200", "a100 80gb sxm4", "a100 80gb pcie", "l40s", "l4", "a10", "t4", "rtx 4090", "rtx 3090", "rtx 5090", "rtx a6000", "rtx pro 6000", "mi300x", "gh200", "b300", "l40"];
    for (const name of used) expect({ name, price: defaultPrice(findGpu(name)) !== null }).toEqual({ name, price: true });
  });

  test("a GPU's cloud price stays between its cheapest and dearest quote", () => {
    for (const g of gpus) {
      const p = defaultPrice(g);
      if (!p) continue;
      expect(p.usd).toBeGreaterThanOrEqual(p.from[0].usd);
      expect(p.usd).toBeLessThanOrEqual(p.from[p.from.length - 1].usd);
    }
  });

  test("FIT.GPU fields give the median price and the oldest quote date", () => {
    const h100 = findGpu("h100 sxm");
    expect(gpuField("price_per_hour").value(h100)).toBe(defaultPrice(h100)!.usd);
    expect(gpuField("price_date").value(h100)).toBe(defaultPrice(h100)!.oldest);
    expect(gpuField("purchase_price").value(findGpu("rtx 4090"))).toBe(1599);
    const noPrice = gpus.find((g) => g.prices.length === 0)!;
    expect(gpuField("price_per_hour").value(noPrice)).toBeNull();
    expect(gpuField("purchase_price_date").value(noPrice)).toBeNull();
  });
});
