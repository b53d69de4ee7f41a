// Offline checks of manifest.xml (the online validator needs the network): the
// XSD's element order, resource ids and limits, HTTPS, the shared runtime, the
// FIT namespace, real icons, and a Version bump whenever the manifest changes.
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parseStringPromise } from "xml2js";

const ROOT = path.resolve(__dirname, "..");
const MANIFEST = path.join(ROOT, "manifest.xml");
const xml = fs.readFileSync(MANIFEST, "utf8");

type Node = { "#name": string; $?: Record<string, string>; $$?: Node[]; _?: string };
let root: Node;

beforeAll(async () => {
  const doc = await parseStringPromise(xml, { explicitChildren: true, preserveChildrenOrder: true, explicitArray: true });
  root = doc.OfficeApp as Node;
});

const kids = (n: Node): Node[] => n.$$ ?? [];
const child = (n: Node, name: string): Node => {
  const c = kids(n).find((k) => k["#name"] === name);
  if (!c) throw new Error(`<${n["#name"]}> has no <${name}>`);
  return c;
};
function all(n: Node, out: Node[] = []): Node[] {
  out.push(n);
  for (const k of kids(n)) all(k, out);
  return out;
}

describe("manifest.xml", () => {
  test("top-level elements are in the schema's order", () => {
    expect(kids(root).map((k) => k["#name"])).toEqual([
      "Id", "Version", "ProviderName", "DefaultLocale", "DisplayName", "Description", "IconUrl", "HighResolutionIconUrl", "SupportUrl", "AppDomains", "Hosts", "Requirements", "DefaultSettings", "Permissions", "VersionOverrides",
    ]);
    expect(root.$?.["xsi:type"]).toBe("TaskPaneApp");
    expect(child(root, "Id")._).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(child(root, "Version")._).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(child(root, "Permissions")._).toBe("ReadWriteDocument");
    expect(child(child(root, "Hosts"), "Host").$?.Name).toBe("Workbook");
  });

  test("requires the shared runtime, custom-function errors with messages, and the Excel API the inserts use", () => {
    const sets = kids(child(child(root, "Requirements"), "Sets")).map((s) => `${s.$?.Name} ${s.$?.MinVersion}`);
    // ExcelApi 1.9: suspendScreenUpdatingUntilNextSync, the newest call the workbook adapter makes.
    expect(sets).toEqual(["SharedRuntime 1.1", "CustomFunctionsRuntime 1.2", "ExcelApi 1.9"]);
  });

  test("the Workbook host declares Runtimes first, then functions, then the ribbon", () => {
    const host = child(child(child(root, "VersionOverrides"), "Hosts"), "Host");
    expect(kids(host).map((k) => k["#name"])).toEqual(["Runtimes", "AllFormFactors", "DesktopFormFactor"]);
    const runtime = child(child(host, "Runtimes"), "Runtime");
    expect(runtime.$).toEqual({ resid: "Taskpane.Url", lifetime: "long" });
    const cf = child(child(host, "AllFormFactors"), "ExtensionPoint");
    expect(cf.$?.["xsi:type"]).toBe("CustomFunctions");
    expect(kids(cf).map((k) => k["#name"])).toEqual(["Script", "Page", "Metadata", "Namespace"]);
    // One runtime: Runtime, Page and FunctionFile must name the same resource.
    expect(child(child(cf, "Page"), "SourceLocation").$?.resid).toBe("Taskpane.Url");
    expect(child(child(host, "DesktopFormFactor"), "FunctionFile").$?.resid).toBe("Taskpane.Url");
    expect(all(root).some((n) => n["#name"] === "TaskpaneId")).toBe(false);
  });

  test("every resid resolves; resource ids are unique and at most 32 characters", () => {
    const resources = child(child(root, "VersionOverrides"), "Resources");
    const defined = kids(resources).flatMap((group) => kids(group).map((r) => r.$?.id as string));
    expect(new Set(defined).size).toBe(defined.length);
    for (const id of defined) expect(id.length).toBeLessThanOrEqual(32);
    const used = all(root).map((n) => n.$?.resid).filter((r): r is string => r !== undefined);
    expect(used.length).toBeGreaterThan(10);
    for (const r of used) expect(defined).toContain(r);
    // Element ids (groups, controls) share the 125-character limit of ids in the schema.
    for (const n of all(root)) if (n.$?.id && n["#name"] !== "bt:Image" && n["#name"] !== "bt:Url" && n["#name"] !== "bt:String") expect(n.$.id.length).toBeLessThanOrEqual(125);
  });

  test("strings fit their limits and the namespace is FIT", () => {
    const resources = child(child(root, "VersionOverrides"), "Resources");
    for (const s of kids(child(resources, "bt:ShortStrings"))) expect((s.$?.DefaultValue ?? "").length).toBeLessThanOrEqual(125);
    for (const s of kids(child(resources, "bt:LongStrings"))) expect((s.$?.DefaultValue ?? "").length).toBeLessThanOrEqual(250);
    expect((child(root, "DisplayName").$?.DefaultValue ?? "").length).toBeLessThanOrEqual(125);
    expect((child(root, "Description").$?.DefaultValue ?? "").length).toBeLessThanOrEqual(250);
    const ns = kids(child(resources, "bt:ShortStrings")).find((s) => s.$?.id === "Functions.Namespace");
    expect(ns?.$?.DefaultValue).toBe("FIT");
  });

  test("every URL is HTTPS, at most 2048 characters, under the add-in's own domain", () => {
    const urls = all(root).flatMap((n) => [n.$?.DefaultValue, n["#name"] === "AppDomain" ? n._ : undefined]).filter((u): u is string => typeof u === "string" && /^[a-z]+:\/\//i.test(u));
    expect(urls.length).toBeGreaterThan(8);
    for (const u of urls) {
      expect(u.startsWith("https://localhost:3000")).toBe(true);
      expect(u.length).toBeLessThanOrEqual(2048);
    }
  });

  test("icons are real PNG artwork at the sizes the manifest names", () => {
    for (const size of [16, 32, 64, 80, 128]) {
      const png = fs.readFileSync(path.join(ROOT, "assets", `icon-${size}.png`));
      expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
      expect(png.readUInt32BE(16)).toBe(size);
      expect(png.readUInt32BE(20)).toBe(size);
      // Not a flat placeholder: a compressed image of one colour would be tiny.
      expect(png.length).toBeGreaterThan(size * 20);
    }
    const refs = [...xml.matchAll(/assets\/icon-(\d+)\.png/g)].map((m) => Number(m[1]));
    for (const r of refs) expect(fs.existsSync(path.join(ROOT, "assets", `icon-${r}.png`))).toBe(true);
  });

  test("Version is bumped whenever the manifest changes (test/manifest.version.json)", () => {
    const lock = JSON.parse(fs.readFileSync(path.join(__dirname, "manifest.version.json"), "utf8")) as { version: string; sha256: string };
    const version = child(root, "Version")._ as string;
    const body = createHash("sha256").update(xml.replace(/<Version>[^<]*<\/Version>/, "")).digest("hex");
    if (body !== lock.sha256) {
      // Changed manifest: its Version must differ from the recorded one; then record both.
      expect(version).not.toBe(lock.version);
      throw new Error(`manifest.xml changed: record it in test/manifest.version.json as {"version": "${version}", "sha256": "${body}"}`);
    }
    expect(version).toBe(lock.version);
  });

  test("office-addin-manifest info reads it (offline, in a child process)", () => {
    const out = execFileSync(process.execPath, [path.join(ROOT, "node_modules/office-addin-manifest/cli.js"), "info", MANIFEST], { encoding: "utf8" });
    expect(out).toMatch(/Name: FitMyGPU for Excel/);
    expect(out).toMatch(/Hosts: Workbook/);
    expect(out).toMatch(/Permissions: ReadWriteDocument/);
  });
});
