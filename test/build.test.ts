// The production build for hosting: `ADDIN_BASE_URL=… npm run release` writes
// an add-in with no localhost left, the CSP on the pages (connect-src: the Hub,
// plus the HF_ENDPOINT the build was given), functions.json that matches the
// source, and the manifest still readable. Without ADDIN_BASE_URL a release
// build refuses to run.
import { execFileSync, spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { generateCustomFunctionsMetadata } from "custom-functions-metadata";
import { buildCatalogData } from "../src/core/catalogBuild";

const ROOT = path.resolve(__dirname, "..");
const WEBPACK = path.join(ROOT, "node_modules/webpack-cli/bin/cli.js");
const BASE = "https://example.org/fitmygpu/";
/** A Hub mirror the release is built for (HF_ENDPOINT at build time). */
const MIRROR = "https://hub.example.org";
let out: string;
/** webpack's stats of the release build (which module went into which chunk), written beside the folder. */
let statsFile: string;

beforeAll(() => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), "fitmygpu-dist-"));
  statsFile = `${out}.stats.json`;
  // Left over from an earlier build: a release must not deploy it.
  fs.writeFileSync(path.join(out, "cli.js"), "stale");
  execFileSync(process.execPath, [WEBPACK, "--mode", "production", "--config-name", "addin", "--env", "release", "--output-path", out, "--json", statsFile], {
    cwd: ROOT,
    env: { ...process.env, ADDIN_BASE_URL: BASE, HF_ENDPOINT: MIRROR },
    stdio: "pipe",
  });
}, 300_000);

afterAll(() => {
  fs.rmSync(out, { recursive: true, force: true });
  fs.rmSync(statsFile, { force: true });
});

const read = (f: string) => fs.readFileSync(path.join(out, f), "utf8");
/** Every script of the add-in: the two the page loads, and the pane's chunks loaded on first use. */
const SCRIPTS = ["functions.js", "taskpane.js", "custom.js", "inserts.js"];

describe("production build", () => {
  test("writes every file the manifest points at", () => {
    for (const f of ["manifest.xml", "taskpane.html", "taskpane.js", "functions.js", "custom.js", "inserts.js", "functions.json", "catalog.json", "taskpane.css", "support.html", "assets/icon-16.png", "assets/icon-32.png", "assets/icon-64.png", "assets/icon-80.png", "assets/icon-128.png"]) expect(fs.existsSync(path.join(out, f))).toBe(true);
    for (const m of read("manifest.xml").matchAll(/https:\/\/example\.org\/fitmygpu\/([^"<]+)/g)) expect(fs.existsSync(path.join(out, m[1]))).toBe(true);
  });

  test("the release folder holds exactly the files the README's hosting section lists: no stale files, CLI bundles or source maps", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const sentence = /writes `dist\/` for any static HTTPS host: (.+?)\. The folder is emptied first/.exec(readme)?.[1];
    expect(sentence).toBeDefined();
    const listed = [...sentence!.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    const files = (dir: string): string[] => fs.readdirSync(path.join(out, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    const actual = files("").map((f) => f.split(path.sep).join("/"));
    const expected = new Set(actual.filter((f) => listed.includes(f) || listed.some((l) => l.endsWith("/") && f.startsWith(l))));
    expect(actual.filter((f) => !expected.has(f))).toEqual([]);
    for (const l of listed) expect(actual.some((f) => f === l || (l.endsWith("/") && f.startsWith(l)))).toBe(true);
  });

  test("no localhost remains in the manifest; AppDomains and SupportUrl are the host's", () => {
    const xml = read("manifest.xml");
    expect(xml).not.toMatch(/localhost/);
    expect(xml).toMatch(/<AppDomain>https:\/\/example\.org<\/AppDomain>|<AppDomain>https:\/\/example\.org\/fitmygpu<\/AppDomain>/);
    expect(xml).toContain(`<SupportUrl DefaultValue="${BASE}support.html"/>`);
    expect(xml).toContain(`<bt:Url id="Taskpane.Url" DefaultValue="${BASE}taskpane.html"/>`);
    const info = execFileSync(process.execPath, [path.join(ROOT, "node_modules/office-addin-manifest/cli.js"), "info", path.join(out, "manifest.xml")], { encoding: "utf8" });
    expect(info).toContain(`Source Location: ${BASE}taskpane.html`);
  });

  test("the pages carry a strict Content-Security-Policy and load no inline script", () => {
    for (const page of ["taskpane.html", "support.html"]) {
      const html = read(page);
      const csp = /<meta http-equiv="?Content-Security-Policy"? content="([^"]+)"/.exec(html)?.[1];
      expect(csp).toBeDefined();
      const directives = Object.fromEntries(csp!.split(";").map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
      expect(directives["default-src"]).toEqual(["'self'"]);
      expect(directives["object-src"]).toEqual(["'none'"]);
      // The one wildcard: the Hub's file CDN, which LFS downloads (GGUF byte ranges) are redirected to.
      for (const v of Object.values(directives).flat()) expect(v).not.toMatch(/unsafe-inline|unsafe-eval|\*(?!\.hf\.co$)/);
      if (page === "taskpane.html") {
        expect(directives["script-src"]).toEqual(["'self'", "https://appsforoffice.microsoft.com"]);
        expect(directives["connect-src"]).toEqual(["'self'", "https://appsforoffice.microsoft.com", MIRROR, "https://huggingface.co", "https://*.hf.co"]);
      } else expect(directives["connect-src"]).toBeUndefined();
      // Every <script> has a src (no inline code), and only office.js comes from elsewhere.
      const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      for (const [, attrs, body] of scripts) {
        expect(body.trim()).toBe("");
        const src = /src="?([^"\s>]+)/.exec(attrs)?.[1] ?? "";
        expect(src === "https://appsforoffice.microsoft.com/lib/1/hosted/office.js" || !/^[a-z]+:/i.test(src)).toBe(true);
      }
    }
  });

  test("catalog.json is catalog/ as the build validated it, named by its hash, and no script carries the catalog", () => {
    const dir = path.join(ROOT, "catalog");
    const text = read("catalog.json");
    expect(JSON.parse(text)).toEqual(buildCatalogData({ list: (d) => fs.readdirSync(path.join(dir, d)), read: (f) => fs.readFileSync(path.join(dir, f), "utf8") }));
    // The URL the runtime fetches and the page preloads carries the content hash, so a cached copy is never another build's.
    const url = `catalog.json?v=${createHash("sha256").update(text).digest("hex").slice(0, 16)}`;
    expect(read("functions.js")).toContain(JSON.stringify(url));
    expect(read("taskpane.html")).toMatch(new RegExp(`<link rel="?preload"? href="${url.replace(/[.?]/g, "\\$&")}" as="?fetch"? crossorigin="?anonymous"?`));
    // Records' own text (a GPU's memory note, a model's notes) is in the asset only.
    const data = JSON.parse(text);
    for (const f of SCRIPTS) {
      expect(read(f)).not.toContain(JSON.stringify(data.gpus[0].memoryNote).slice(1, -1));
      expect(read(f)).not.toContain(JSON.stringify(data.models[0].notes).slice(1, -1));
    }
  });

  test("the bundles make no network calls but the catalog asset and the Hub lookup, and use no eval", () => {
    // The functions make one, for catalog.json (src/functions/catalogAsset.ts), on the add-in's own origin.
    const functions = read("functions.js");
    expect(functions.match(/(?<![\w$.])fetch\(/g)).toBeNull();
    expect(functions.match(/(?:globalThis|window|self)\.fetch\(/g)).toHaveLength(1);
    // The pane has one fetch, the Hub client's (src/taskpane/hubClient.ts, in the Add tab's chunk), run only when the user asks.
    const pane = ["taskpane.js", "custom.js", "inserts.js"].map(read).join("\n");
    // No bare fetch() anywhere; the one global fetch is the Hub client's (core calls the function it is given, hub.fetch).
    expect(pane.match(/(?<![\w$.])fetch\(/g)).toBeNull();
    const fetches = [...pane.matchAll(/(?:globalThis|window|self)\.fetch\(/g)].map((m) => pane.slice(m.index, m.index! + 200));
    expect(fetches).toHaveLength(1);
    expect(fetches[0]).toMatch(/credentials:"omit",referrerPolicy:"no-referrer"/);
    // The endpoints the pane offers are the ones the CSP allows.
    expect(read("custom.js")).toContain(JSON.stringify([MIRROR, "https://huggingface.co"]));
    for (const f of SCRIPTS) {
      const js = read(f);
      expect(js).not.toMatch(/XMLHttpRequest|new WebSocket|sendBeacon|\beval\(/);
      // zod's probe `new Function("")` is the only one, and zod is configured jitless so it never runs.
      expect(js).not.toMatch(/new Function\((?!""\))/);
    }
  });

  test("functions.json is what the source's JSDoc generates, and functions.js registers every id", async () => {
    const r = await generateCustomFunctionsMetadata([path.join(ROOT, "src/functions/functions.ts")], false);
    expect(JSON.parse(read("functions.json"))).toEqual(JSON.parse(r.metadataJson));
    const js = read("functions.js");
    for (const f of JSON.parse(r.metadataJson).functions) expect(js).toContain(`CustomFunctions.associate("${f.id}"`);
    // Registered once: the pane's own scripts register nothing.
    for (const f of SCRIPTS.filter((f) => f !== "functions.js")) expect(read(f)).not.toContain("CustomFunctions.associate(");
  });

  test("one registration path: the shared runtime's page loads functions.js (the manifest's Script) then the pane, and no module is bundled twice", () => {
    const xml = read("manifest.xml");
    expect(xml).toContain(`<bt:Url id="Functions.Script.Url" DefaultValue="${BASE}functions.js"/>`);
    expect(xml).toContain(`<bt:Url id="Taskpane.Url" DefaultValue="${BASE}taskpane.html"/>`);
    const scripts = [...read("taskpane.html").matchAll(/<script([^>]*)>/g)].map((m) => /src="?([^"\s>]+)/.exec(m[1])?.[1]);
    expect(scripts).toEqual(["https://appsforoffice.microsoft.com/lib/1/hosted/office.js", "functions.js", "taskpane.js"]);
    type Module = { name: string; chunks: Array<string | number>; modules?: Module[] };
    type Stats = { chunks: Array<{ id: string | number; files: string[] }>; modules: Module[]; children?: Stats[] };
    const all = JSON.parse(fs.readFileSync(statsFile, "utf8")) as Stats;
    const stats = all.children?.length === 1 ? all.children[0] : all;
    const file = new Map(stats.chunks.map((c) => [c.id, c.files.filter((f) => f.endsWith(".js")).join()]));
    expect([...file.values()].sort()).toEqual([...SCRIPTS].sort());
    // Each source module (concatenated ones inside their host) and its chunks.
    const where = new Map<string, string[]>();
    const visit = (m: Module, chunks: Array<string | number>) => {
      if (m.modules) for (const inner of m.modules) visit(inner, chunks);
      else if (!m.name.startsWith("webpack/")) where.set(m.name, [...(where.get(m.name) ?? []), ...chunks.map((c) => file.get(c) as string)]);
    };
    // A module in no chunk is either inside a concatenated host (counted there) or dropped whole (tree-shaken).
    for (const m of stats.modules) if (m.chunks.length) visit(m, m.chunks);
    expect([...where].filter(([, files]) => files.length !== 1)).toEqual([]);
    const inFile = (f: string) => [...where].filter(([, files]) => files[0] === f).map(([name]) => name);
    // The core and zod sit with the functions; the pane's script holds the pane.
    expect(inFile("functions.js")).toEqual(expect.arrayContaining(["./src/functions/functions.ts", "./src/core/estimate.ts", "./src/core/catalogData.ts"]));
    expect(inFile("taskpane.js")).toEqual(expect.arrayContaining(["./src/taskpane/taskpane.ts"]));
    expect(inFile("taskpane.js").filter((n) => n.startsWith("./src/functions/"))).toEqual([]);
    // Opening the pane runs no validator: zod and the importers come with the Add tab (custom.js), the
    // workbook writers with the first insert (inserts.js). A static import of either from the pane or the
    // functions would pull them back into the scripts every workbook loads.
    const opening = [...inFile("functions.js"), ...inFile("taskpane.js")];
    expect(opening.filter((n) => n.includes("node_modules/zod/") || /\/(configSchema|catalogSchema|runtimesSchema|pageSchema|customStore|configImport|hub|gguf|ggufModel)\.ts$/.test(n))).toEqual([]);
    expect(inFile("custom.js")).toEqual(expect.arrayContaining(["./src/taskpane/customView.ts", "./src/core/configSchema.ts", "./src/core/customStore.ts", "./src/core/hub.ts"]));
    expect(inFile("custom.js").some((n) => n.includes("node_modules/zod/"))).toBe(true);
    expect(inFile("inserts.js")).toEqual(expect.arrayContaining(["./src/taskpane/workbookActions.ts", "./src/taskpane/excelAdapter.ts", "./src/taskpane/plans/planningSheet.ts"]));
  });

  test("the JavaScript a workbook loads to open the pane stays within its 400 KB budget (minified)", () => {
    const size = (f: string) => fs.statSync(path.join(out, f)).size;
    expect(size("functions.js") + size("taskpane.js")).toBeLessThanOrEqual(400_000);
  });

  test("a release build without ADDIN_BASE_URL fails with a message", () => {
    const env = { ...process.env };
    delete env.ADDIN_BASE_URL;
    const r = spawnSync(process.execPath, [WEBPACK, "--mode", "production", "--config-name", "addin", "--env", "release", "--output-path", path.join(out, "never")], { cwd: ROOT, env, encoding: "utf8" });
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(/Release build needs ADDIN_BASE_URL/);
    expect(fs.existsSync(path.join(out, "never", "manifest.xml"))).toBe(false);
  });

  test("ADDIN_BASE_URL must be an https URL of a real host", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { addinBaseUrl } = require("../scripts/addinUrls") as { addinBaseUrl: (o: object) => string };
    const withEnv = (v: string) => {
      const prev = process.env.ADDIN_BASE_URL;
      process.env.ADDIN_BASE_URL = v;
      try {
        return addinBaseUrl({ release: true });
      } finally {
        if (prev === undefined) delete process.env.ADDIN_BASE_URL;
        else process.env.ADDIN_BASE_URL = prev;
      }
    };
    expect(withEnv("https://example.org/app")).toBe("https://example.org/app/");
    expect(() => withEnv("http://example.org/")).toThrow(/https/);
    expect(() => withEnv("https://localhost:3000/")).toThrow(/public host/);
    expect(() => withEnv("not a url")).toThrow(/not a URL/);
  });
});
