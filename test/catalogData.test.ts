// The catalog as data: catalog.json built from catalog/ (every file through its
// schema, every config understood, every name claimed once), and how a runtime
// that fetches it behaves while it loads: FIT calls wait for it, then answer as
// if it had always been there; a failed load is an error that says so.
import * as fs from "fs";
import * as path from "path";
import { buildCatalogData, catalogFiles, type CatalogFolder } from "../src/core/catalogBuild";
import { CATALOG_FORMAT } from "../src/core/catalogData";
import { StubError } from "../scripts/customFunctionsStub";

const DIR = path.resolve(__dirname, "../catalog");
const disk: CatalogFolder = { list: (d) => fs.readdirSync(path.join(DIR, d)), read: (f) => fs.readFileSync(path.join(DIR, f), "utf8") };

/** The catalog folder with some files replaced. */
function folderWith(changes: Record<string, (text: string) => string>, extra: Record<string, string> = {}): CatalogFolder {
  return {
    list: (d) => [...disk.list(d), ...Object.keys(extra).filter((f) => f.startsWith(`${d}/`)).map((f) => f.slice(d.length + 1))],
    read: (f) => (extra[f] !== undefined ? extra[f] : changes[f] ? changes[f](disk.read(f)) : disk.read(f)),
  };
}

const edit = (f: (j: any) => void) => (text: string) => {
  const j = JSON.parse(text);
  f(j);
  return JSON.stringify(j);
};

describe("catalog.json", () => {
  const data = buildCatalogData(disk);

  test("holds every record of catalog/, models sorted by id, with the schemas' defaults applied", () => {
    expect(data.format).toBe(CATALOG_FORMAT);
    const models = catalogFiles(disk).filter((f) => f.startsWith("models/")).flatMap((f) => JSON.parse(disk.read(f)).models as Array<{ id: string }>);
    expect(data.models.map((m) => m.id)).toEqual(models.map((m) => m.id).sort((a, b) => a.localeCompare(b)));
    expect(data.gpus).toHaveLength(JSON.parse(disk.read("gpus.json")).gpus.length);
    expect(data.runtimes.map((r) => r.id)).toEqual(["vllm", "sglang", "llama.cpp", "ollama", "transformers", "mlx"]);
    // `aliases` defaults to [] where a file leaves it out, so the runtime reads it without a schema.
    expect(data.models.every((m) => Array.isArray(m.aliases) && Array.isArray(m.hfIds.quantized))).toBe(true);
    expect(data.gpus.every((g) => Array.isArray(g.aliases))).toBe(true);
  });

  test("is plain JSON: the text a runtime parses gives back the same data", () => {
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
  });

  test.each([
    ["a file that is not JSON", folderWith({ "models/qwen.json": (t) => t.slice(0, -2) }), /catalog\/models\/qwen\.json is not JSON/],
    ["a record its schema refuses", folderWith({ "gpus.json": edit((j) => (j.gpus[0].memoryBytes = -1)) }), /catalog\/gpus\.json is invalid: .* at gpus\.0\.memoryBytes/],
    ["engine defaults the engine's schema refuses", folderWith({ "runtimes.json": edit((j) => (j.runtimes[0].defaults.blockSize = 0)) }), /catalog\/runtimes\.json is invalid: vllm defaults: .* at runtimes\.0\.defaults\.blockSize/],
    ["a quant file its schema refuses", folderWith({ "quants.json": edit((j) => (j.formats[0].kind = "magic")) }), /catalog\/quants\.json is invalid: .* at formats\.0\.kind/],
    ["a config.json field out of bounds (checked here once; runtimes trust catalog.json)", folderWith({ "models/qwen.json": edit((j) => (j.models[0].config.num_hidden_layers = 0)) }), /catalog\/models\/qwen\.json: model '.*': config\.json has an invalid num_hidden_layers \(0\): must be at least 1/],
    ["a config.json the parser does not understand", folderWith({ "models/qwen.json": edit((j) => (j.models[0].config.model_type = "no_such_arch")) }), /catalog\/models\/qwen\.json: model '.*': .*no_such_arch/],
    [
      "a name two records claim",
      folderWith({}, { "models/zz-copy.json": JSON.stringify({ models: [{ ...JSON.parse(disk.read("models/qwen.json")).models[0], id: "zz-copy" }] }) }),
      /catalog\/: Catalog error: the model name '.*' is claimed by both/,
    ],
  ])("fails the build on %s, naming the file or the records", (_what, folder, message) => {
    expect(() => buildCatalogData(folder)).toThrow(message);
  });
});

/** A fresh module registry in which the catalog has not loaded: as the Excel runtime starts. */
function freshRuntime() {
  let mods!: {
    data: typeof import("../src/core/catalogData");
    functions: typeof import("../src/functions/functions");
    asset: typeof import("../src/functions/catalogAsset");
  };
  jest.isolateModules(() => {
    mods = { data: require("../src/core/catalogData"), functions: require("../src/functions/functions"), asset: require("../src/functions/catalogAsset") };
  });
  return mods;
}

describe("a runtime that fetches catalog.json", () => {
  const text = JSON.stringify(buildCatalogData(disk));
  const realFetch = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  test("FIT calls made before it loads wait for it and give the answers of a loaded catalog; later calls answer at once", async () => {
    const { data, functions } = freshRuntime();
    expect(data.catalogPending()).toBe(true);
    const early = functions.vram([["qwen3-8b"]], [["q4_k_m"]], [[32768]], null as never, [["llama.cpp"]]) as unknown;
    const earlyFits = functions.fits([["qwen3-8b"], ["no-such-model"]], [["rtx 4090"]], [["bf16"]]) as unknown;
    const earlyList = functions.runtimes() as unknown;
    expect(early).toBeInstanceOf(Promise);
    expect(earlyList).toBeInstanceOf(Promise);
    data.installCatalog(JSON.parse(text));
    const now = functions.vram([["qwen3-8b"]], [["q4_k_m"]], [[32768]], null as never, [["llama.cpp"]]);
    expect(Array.isArray(now)).toBe(true);
    expect(await early).toEqual(now);
    const fitsNow = functions.fits([["qwen3-8b"], ["no-such-model"]], [["rtx 4090"]], [["bf16"]]);
    const fitsEarly = (await earlyFits) as unknown[][];
    expect(fitsEarly[0]).toEqual(fitsNow[0]);
    expect((fitsEarly[1][0] as StubError).message).toBe((fitsNow[1][0] as StubError).message);
    expect(await earlyList).toEqual([["vllm"], ["sglang"], ["llama.cpp"], ["ollama"], ["transformers"], ["mlx"]]);
  });

  test("an error in a waiting call is the Excel error it would have been", async () => {
    const { data, functions } = freshRuntime();
    const early = functions.vram([["qwen35"]], [["q4_k_m"]]) as unknown as Promise<unknown>;
    data.installCatalog(JSON.parse(text));
    await expect(early).rejects.toMatchObject({ code: "#N/A", message: expect.stringMatching(/Unknown model 'qwen35'/) });
  });

  test("loadCatalog fetches the URL once, parses it, and the runtime is ready", async () => {
    const { data, asset, functions } = freshRuntime();
    const fetch = jest.fn(async () => ({ ok: true, status: 200, text: async () => text }));
    globalThis.fetch = fetch as never;
    const waiting = functions.gpu([["rtx 4090"]], [["vram_gib"]]) as unknown as Promise<unknown[][]>;
    await asset.loadCatalog("catalog.json?v=1");
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledWith("catalog.json?v=1");
    expect(data.catalogPending()).toBe(false);
    expect((await waiting)[0][0]).toBeCloseTo(23.64, 2);
  });

  test("a failed load turns waiting and later calls into #VALUE! saying the catalog could not be loaded", async () => {
    const { asset, functions } = freshRuntime();
    globalThis.fetch = (async () => ({ ok: false, status: 404, text: async () => "" })) as never;
    const waiting = functions.vram([["qwen3-8b"]], [["bf16"]]) as unknown as Promise<unknown>;
    await asset.loadCatalog("catalog.json?v=1");
    await expect(waiting).rejects.toMatchObject({ code: "#VALUE!", message: expect.stringMatching(/catalog could not be loaded \(catalog\.json\?v=1: HTTP 404\)/) });
    let thrown: unknown;
    try {
      functions.vram([["qwen3-8b"]], [["bf16"]]);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toMatchObject({ code: "#VALUE!", message: expect.stringMatching(/could not be loaded/) });
  });

  test("a runtime indexes names when it starts; a model's layers are derived when first asked for, once", () => {
    let mods!: { data: typeof import("../src/core/catalogData"); catalog: typeof import("../src/core/catalog"); arch: typeof import("../src/core/architecture") };
    jest.isolateModules(() => {
      mods = { data: require("../src/core/catalogData"), catalog: require("../src/core/catalog"), arch: require("../src/core/architecture") };
    });
    mods.data.installCatalog(JSON.parse(text));
    const parse = jest.spyOn(mods.arch, "architectureFromConfig");
    const c = mods.catalog.catalog();
    expect(c.index.model.map.get("qwen3-8b")).toBeDefined();
    expect(parse).not.toHaveBeenCalled();
    const m = mods.catalog.findModel("qwen3-8b");
    expect(m.params.total).toBeGreaterThan(8e9);
    expect(m.arch).toEqual(mods.catalog.modelEntry(m.record).arch);
    expect(parse).toHaveBeenCalledTimes(2);
    expect(m.arch).toBe(m.arch);
    expect(parse).toHaveBeenCalledTimes(2);
  });

  test("an asset of another format is refused, not half-read", async () => {
    const { asset, functions } = freshRuntime();
    globalThis.fetch = (async () => ({ ok: true, status: 200, text: async () => JSON.stringify({ ...JSON.parse(text), format: CATALOG_FORMAT + 1 }) })) as never;
    await asset.loadCatalog("catalog.json?v=1");
    expect(() => functions.runtimes()).toThrow(StubError);
  });
});
