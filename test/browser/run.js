#!/usr/bin/env node
// Browser tests for the task pane: serve dist/ locally, drive headless Chromium
// (playwright-core + Debian's chromium, offline) through the pane, and check
// what a user sees. Three scenarios, each in a fresh browser context:
//   1. standalone calculator (real office.js from node_modules, no host);
//      saves docs/images/pane.png
//   2. custom model and GPU (standalone)
//   3. inside Excel: office.js replaced by test/browser/officeStub.ts (bundled here), a fake
//      Office + recording fake Excel object model; saves docs/images/grid.png,
//      the recorded GPU grid with its FIT formulas evaluated by the page
//   4. Add from Hugging Face (inside the fake Excel): the pane's requests to
//      https://huggingface.co are proxied to the mock Hub of the jest suites
//      (test/browser/hubFixtures.ts, bundled here for Node), so the real CSP
//      and the real endpoint are exercised; a GGUF picked from disk too
//   5. inside Excel, a workbook whose stored custom entries are hostile (issue 11): the
//      pane opens, the good entries load, the bad one is listed and kept on save
// Every scenario also asserts: no page errors, no CSP violations (office.js's
// own blocked telemetry frame aside), no console errors, no duplicate ids, and
// no request leaving the box (office.js is served locally; the other scenarios
// make no Hub request at all).
//
// Usage: npm run build && npm run test:browser
// Env: CHROMIUM_PATH (default /usr/bin/chromium).
"use strict";

const fs = require("fs");
const http = require("http");
const path = require("path");

const ROOT = path.resolve(__dirname, "..", "..");
const DIST = path.join(ROOT, "dist");
const OFFICE_DIST = path.join(ROOT, "node_modules", "@microsoft", "office-js", "dist");
const STUB = path.join(__dirname, "officeStub.ts");
/** The stub bundled for the browser, filled in by main(). */
let stubScript = "";

/** Bundles officeStub.ts (and the fake Excel it shares with the jest tests) into one browser script. */
function bundleStub() {
  return bundle(STUB, "web").then(({ js }) => js);
}

/** Bundles hubFixtures.ts (the jest suites' mock Hub and GGUF writer) for Node and loads it. */
async function loadHubFixtures() {
  const { js } = await bundle(path.join(__dirname, "hubFixtures.ts"), "node");
  const file = path.join(fs.mkdtempSync(path.join(require("os").tmpdir(), "fitmygpu-hub-")), "hubFixtures.js");
  fs.writeFileSync(file, js);
  return require(file);
}

/** One TypeScript entry bundled with webpack for `target` ("web" or "node"). */
function bundle(entry, target) {
  const webpack = require("webpack");
  const out = fs.mkdtempSync(path.join(require("os").tmpdir(), "fitmygpu-stub-"));
  const compiler = webpack({
    mode: "development",
    devtool: false,
    target,
    entry,
    output: { path: out, filename: "bundle.js", ...(target === "node" ? { library: { type: "commonjs2" } } : {}) },
    resolve: { extensions: [".ts", ".js", ".json"] },
    module: { rules: [{ test: /\.ts$/, loader: "ts-loader", options: { transpileOnly: true }, exclude: /node_modules/ }] },
    performance: { hints: false },
  });
  return new Promise((resolve, reject) =>
    compiler.run((err, stats) => {
      if (err || stats.hasErrors()) return reject(err ?? new Error(stats.toString("errors-only")));
      const js = fs.readFileSync(path.join(out, "bundle.js"), "utf8");
      fs.rmSync(out, { recursive: true, force: true });
      compiler.close(() => resolve({ js }));
    }),
  );
}
const IMAGES = path.join(ROOT, "docs", "images");
const CDN = "https://appsforoffice.microsoft.com/lib/1/hosted/";
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const VIEWPORT = { width: 350, height: 900 };
const STEP_TIMEOUT = 5000;

// ------------------------------------------------------------------ reporting

let passed = 0;
let failed = 0;
const failures = [];
/** Navigation → first verdict, per scenario, printed at the end (issue 17). */
const timings = [];

function fatal(message) {
  console.error(message);
  console.log(`0 passed, 1 failed`);
  process.exit(1);
}

/** Runs one named check; a thrown error fails it and the run continues. */
async function check(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`  ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    const msg = e && e.message ? e.message.split("\n").slice(0, 6).join("\n       ") : String(e);
    failures.push(`${name}: ${msg}`);
    console.log(`  FAIL ${name}\n       ${msg}`);
  }
}

// ------------------------------------------------------------------ assertions

class AssertionError extends Error {}

function assert(cond, message) {
  if (!cond) throw new AssertionError(message);
}

const show = (v) => (typeof v === "string" ? JSON.stringify(v.length > 300 ? v.slice(0, 300) + "…" : v) : JSON.stringify(v));

function equal(actual, expected, what) {
  assert(actual === expected, `${what}: expected ${show(expected)}, saw ${show(actual)}`);
}

function matches(actual, re, what) {
  assert(typeof actual === "string" && re.test(actual), `${what}: expected to match ${re}, saw ${show(actual)}`);
}

/** Polls `read` until `ok(value)` holds; fails with the last value seen. */
async function until(what, read, ok = Boolean, timeout = STEP_TIMEOUT) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await read();
      if (ok(last)) return last;
    } catch (e) {
      last = `(error: ${e.message.split("\n")[0]})`;
    }
    if (Date.now() > end) throw new AssertionError(`${what}: timed out after ${timeout} ms; last saw ${show(last)}`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

const untilMatches = (what, read, re) => until(`${what} (expected to match ${re})`, read, (v) => typeof v === "string" && re.test(v));

// ------------------------------------------------------------------ static server

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

function serveDist() {
  const server = http.createServer((req, res) => {
    let file;
    try {
      const pathname = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
      file = path.normalize(path.join(DIST, pathname === "/" ? "taskpane.html" : pathname));
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (!file.startsWith(DIST + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("Not found");
      return;
    }
    res.writeHead(200, { "Content-Type": TYPES[path.extname(file).toLowerCase()] || "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

// ------------------------------------------------------------------ pages

/**
 * A fresh context and page on the pane. `office` is "real" (office.js from
 * node_modules: a plain browser, no host) or "stub" (fake Office + Excel).
 */
/** The Hub the pane knows (its build's default endpoint); scenario 4 proxies it to the mock Hub. */
const HUB = "https://huggingface.co";

async function openPane(browser, base, office, seedSettings, mockHubUrl, viewport = VIEWPORT) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  if (seedSettings) await context.addInitScript((seed) => { window.__seedSettings = seed; }, seedSettings);
  context.setDefaultTimeout(STEP_TIMEOUT);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
  const log = { consoleErrors: [], pageErrors: [], blocked: [], officeFiles: [], hub: [], scripts: [] };
  await context.route("**/*", async (route) => {
    const url = route.request().url();
    if (url.startsWith(base + "/")) {
      // The add-in's own scripts, in the order asked for (issue 17: what opening the pane loads).
      const file = new URL(url).pathname.slice(1);
      if (file.endsWith(".js")) log.scripts.push(file);
      return route.continue();
    }
    if (mockHubUrl && url.startsWith(HUB + "/")) {
      const u = new URL(url);
      const headers = route.request().headers();
      log.hub.push({ method: route.request().method(), path: u.pathname + u.search, range: headers.range, authorization: headers.authorization });
      const response = await route.fetch({ url: mockHubUrl + u.pathname + u.search });
      return route.fulfill({ response });
    }
    if (url.startsWith(CDN)) {
      const rest = new URL(url).pathname.slice(new URL(CDN).pathname.length);
      log.officeFiles.push(rest);
      if (office === "stub") {
        if (rest === "office.js") return route.fulfill({ status: 200, contentType: "text/javascript; charset=utf-8", body: stubScript });
      } else {
        const file = path.normalize(path.join(OFFICE_DIST, rest));
        if (file.startsWith(OFFICE_DIST + path.sep) && fs.existsSync(file)) return route.fulfill({ status: 200, contentType: "text/javascript; charset=utf-8", path: file });
      }
      log.blocked.push(url);
      return route.fulfill({ status: 404, body: "" });
    }
    log.blocked.push(url);
    return route.abort("blockedbyclient");
  });
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__cspViolations.push({ directive: e.violatedDirective, blockedURI: e.blockedURI, sample: e.sample, source: `${e.sourceFile}:${e.lineNumber}` });
    });
  });
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") log.consoleErrors.push({ text: m.text(), url: m.location().url || "" });
  });
  page.on("pageerror", (e) => log.pageErrors.push(e.message));
  await page.goto(`${base}/taskpane.html`);
  await until("the host badge leaves 'Loading…'", () => page.textContent("#host-badge"), (t) => t && t !== "Loading…", 10000);
  return { context, page, log, office };
}


/**
 * office.js itself (outside Office and in it) loads a hidden telemetry proxy
 * iframe from telemetryservice.firstpartyapps.oaspapps.com 3 s after it starts
 * (OSF.Logger's ULS endpoint in o15apptofilemappingtable.js), with an inline
 * style attribute. The pane's CSP blocks both, which is what we want: the pane
 * works without it. These two violations (and Chromium's console line for the
 * blocked frame) are the only ones tolerated, and only when office.js is the
 * real one.
 */
const TELEMETRY_FRAME = "https://telemetryservice.firstpartyapps.oaspapps.com";
const isOfficeTelemetryViolation = (v) =>
  (v.directive === "frame-src" && v.blockedURI.startsWith(TELEMETRY_FRAME)) ||
  (v.directive === "style-src-attr" && v.blockedURI === "inline" && v.source.startsWith(`${CDN}o15apptofilemappingtable.js:`));
const isOfficeTelemetryConsole = (m) => /Content Security Policy/.test(m.text) && (m.text.includes(TELEMETRY_FRAME) || m.url.startsWith(`${CDN}o15apptofilemappingtable.js`));

/** The checks every scenario ends with. */
async function hygiene(name, { page, log, office }) {
  const officeFiles = office === "real" ? ["office.js", "o15apptofilemappingtable.js"] : ["office.js"];
  await check(`${name}: no page errors, console errors, CSP violations or duplicate ids; nothing leaves the box`, async () => {
    const real = office === "real";
    const allCsp = await page.evaluate(() => window.__cspViolations);
    const csp = allCsp.filter((v) => !(real && isOfficeTelemetryViolation(v)));
    const consoleErrors = log.consoleErrors.filter((m) => !(real && isOfficeTelemetryConsole(m))).map((m) => `${m.text} (${m.url})`);
    if (allCsp.length > csp.length) console.log(`       (office.js's telemetry frame was blocked by the CSP, as expected: ${allCsp.length - csp.length} violation(s) from office.js itself)`);
    assert(log.pageErrors.length === 0, `page errors: expected none, saw ${show(log.pageErrors)}`);
    assert(csp.length === 0, `CSP violations: expected none, saw ${show(csp)}`);
    assert(consoleErrors.length === 0, `console errors: expected none, saw ${show(consoleErrors)}`);
    const dupIds = await page.evaluate(() => {
      const seen = new Map();
      for (const el of document.querySelectorAll("[id]")) seen.set(el.id, (seen.get(el.id) || 0) + 1);
      return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
    });
    assert(dupIds.length === 0, `element ids should be unique (labels and aria refs rely on them), saw duplicates ${show(dupIds)}`);
    assert(log.blocked.length === 0, `requests outside the local server: expected only office.js from its CDN, saw ${show(log.blocked)}`);
    for (const f of log.officeFiles) assert(officeFiles.includes(f), `office.js CDN requests: expected only ${show(officeFiles)}, saw ${show(log.officeFiles)}`);
    assert(log.officeFiles.includes("office.js"), `office.js was not requested (saw ${show(log.officeFiles)})`);
  });
}

// Locators and readers ------------------------------------------------------
// The pane's controls are Fluent web components: their <input>/<textarea> sit in
// shadow roots (Playwright's CSS pierces them) and their roles live in
// ElementInternals, which getByRole does not see (toolchain.md P10), so controls
// are found by data-testid and Fluent buttons by tag and text.

const text = (page, selector) => page.locator(selector).first().innerText();
const verdict = (page) => text(page, "#panel-calc [data-testid=verdict]");
/** "Qwen3 8B on GeForce RTX 4090" beside the verdict. */
const resultTitle = (page) => text(page, "#panel-calc [data-testid=result-title]");
const combo = (page, name) => page.locator("#panel-calc").getByRole("combobox", { name, exact: true });
const byTestId = (page, id) => page.locator(`[data-testid="${id}"]`).first();
/** The native input (or textarea) inside a Fluent text field. */
const inner = (page, id) => page.locator(`[data-testid="${id}"] input, [data-testid="${id}"] textarea`).first();
const fill = (page, id, value) => inner(page, id).fill(value);
/** A Fluent control's value (text input, text area, dropdown). */
const valueOf = (page, id) => byTestId(page, id).evaluate((el) => el.value);
/** A Fluent button by its exact text inside `scope`. */
const fluentButton = (page, scope, label) => page.locator(scope).locator("fluent-button", { hasText: new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*$`) }).first();

/** Picks an option of a Fluent dropdown with the mouse: open it, click the option. */
async function choose(page, id, value) {
  await byTestId(page, id).click();
  await page.locator(`[data-testid="${id}"] fluent-option[value="${value}"]`).click();
  await until(`${id} = ${value}`, () => valueOf(page, id), (v) => v === value);
}
/** The option values of a Fluent dropdown. */
/** Whether a Fluent control is disabled (its state is not an ARIA role Playwright reads). */
const isDisabled = (locator) => locator.evaluate((el) => el.disabled === true || el.hasAttribute("disabled"));
const optionsOf = (page, id) => page.locator(`[data-testid="${id}"] fluent-option`).evaluateAll((os) => os.map((o) => o.getAttribute("value")));

async function metrics(page) {
  return page.evaluate(() => {
    const out = {};
    for (const el of document.querySelectorAll("#panel-calc .metrics [data-testid]")) out[el.getAttribute("data-testid")] = el.textContent;
    return out;
  });
}

/** The option labels a combobox lists for a query (typed after clearing it). */
async function comboOptions(page, input, query) {
  await input.focus();
  await input.fill("");
  await page.keyboard.type(query);
  const listId = await input.getAttribute("aria-controls");
  return until(`options for '${query}'`, () => page.locator(`#${listId} [role=option]`).allInnerTexts(), (o) => o.length > 0);
}

const AXE = path.join(ROOT, "node_modules", "axe-core", "axe.min.js");

/** axe-core's WCAG checks on every tab of the pane; returns "tab: rule (n nodes)" per violation. */
async function accessibilityViolations(page) {
  // Evaluated over the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(fs.readFileSync(AXE, "utf8"));
  const found = [];
  for (const tab of ["tab-calc", "tab-model", "tab-gpus", "tab-custom"]) {
    await showTab(page, tab);
    const v = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ["violations"] })).violations.map((x) => `${x.id} (${x.impact}, ${x.nodes.length} node(s): ${x.nodes[0].target.join(" ")})`));
    for (const x of v) found.push(`${tab}: ${x}`);
  }
  await showTab(page, "tab-calc");
  return found;
}

async function showTab(page, id) {
  await page.click(`#${id}`);
  await until(`#${id} selected`, () => page.getAttribute(`#${id}`, "aria-selected"), (v) => v === "true");
}

/** Picks an option in a combobox by keyboard: focus, type, ArrowDown, Enter. */
async function pickByKeyboard(page, input, query) {
  await input.focus();
  await page.keyboard.type(query);
  await until(`the ${query} listbox opens`, () => input.getAttribute("aria-expanded"), (v) => v === "true");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
}

async function clearToast(page) {
  await page.evaluate(() => {
    document.getElementById("toast").textContent = "";
  });
}
const toast = (page) => page.textContent("#toast");

const gpuRows = (page) => page.locator("#panel-gpus [data-testid=gpu-table] tbody tr").count();
/** The GPU names the comparison lists, in order. */
const gpuNames = (page) => page.$$eval("#panel-gpus [data-testid=pick-gpu]", (bs) => bs.map((b) => b.textContent));
/** One column of the comparison by its header (hidden columns included). */
const gpuColumn = (page, header) =>
  page.$eval("#panel-gpus [data-testid=gpu-table]", (table, h) => {
    const i = Array.from(table.tHead.rows[0].cells).findIndex((th) => th.textContent.replace(/ [↑↓]$/, "") === h);
    return Array.from(table.tBodies[0].rows).map((tr) => tr.cells[i].textContent);
  }, header);

function qwenConfig() {
  const family = JSON.parse(fs.readFileSync(path.join(ROOT, "catalog", "models", "qwen.json"), "utf8"));
  const first = family.models.find((m) => m.config && m.config.model_type === "qwen3");
  assert(first, "catalog/models/qwen.json has no qwen3 model");
  return first.config;
}

/** A catalog model's config.json, from its family file. */
function catalogConfig(file, id) {
  const family = JSON.parse(fs.readFileSync(path.join(ROOT, "catalog", "models", file), "utf8"));
  const model = family.models.find((m) => m.id === id);
  assert(model, `catalog/models/${file} has no model '${id}'`);
  return JSON.parse(JSON.stringify(model.config));
}

// ------------------------------------------------------------------ scenario 1

async function standaloneCalculator(browser, base) {
  console.log("1. Standalone calculator (office.js from node_modules, no host)");
  const s = await openPane(browser, base, "real");
  const { page } = s;

  await check("badge says Standalone calculator and a verdict appears with its numbers; time to first verdict printed", async () => {
    equal(await text(page, "#host-badge"), "Standalone calculator", "host badge");
    matches(await verdict(page), /^(Fits|Tight|Fits with offload|OOM)$/, "verdict");
    const m = await metrics(page);
    matches(m.required, /\d.*GiB/, "Required per GPU");
    matches(m.headroom, /GiB (free|short)/, "Headroom");
    matches(m["max-context"], /[\d,]+ tokens/, "Max context");
    matches(m["max-concurrency"], /\d/, "Max concurrency");
    matches(m.tokens, /[\d,.]+ tok\/s/, "Decode speed");
    assert((await page.locator("#panel-calc .bar span[class^=seg-]").count()) >= 2, "the stacked bar has at least two segments");
    const ms = await page.evaluate(() => Math.round(performance.getEntriesByName("fitmygpu:first-verdict")[0].startTime));
    timings.push(`standalone: ${ms} ms from navigation to the first verdict`);
    console.log(`       first verdict ${ms} ms after navigation (Chromium ${browser.version()}, 350 px)`);
    // Only the calculator is built before the verdict: the other panels wait for their tab.
    equal(await page.locator("#panel-gpus *").count(), 0, "GPUs panel built before first use");
    equal(await page.locator("#panel-model *").count(), 0, "Model panel built before first use");
    equal(await page.locator("#panel-custom *").count(), 0, "Add panel built before first use");
  });

  await check("memory against context: an SVG from 1K to the native window with the budget line and the max context", async () => {
    const chart = byTestId(page, "memory-chart");
    equal(await chart.getAttribute("data-window"), "32768", "chart runs to Qwen3-8B's native window");
    assert((await page.locator("#panel-calc [data-testid=chart-budget]").count()) === 1, "budget line");
    matches(await chart.getAttribute("aria-label"), /^Required memory per GPU from 1,024 to 32,768 tokens: .* engine budget 23\.64 GiB; up to 32,768 tokens fit\.$/, "chart summary");
    assert((await page.locator("#panel-calc [data-testid=chart-here]").count()) === 1, "the form's context is marked");
    // A long-context model on a small budget: the max context is marked inside the range.
    await pickByKeyboard(page, combo(page, "Model"), "qwen3.5 35b a3b");
    await untilMatches("result title", () => resultTitle(page), /Qwen3\.5-35B-A3B/);
    await until("chart window 262144", () => chart.getAttribute("data-window"), (v) => v === "262144");
    const max = Number(await chart.getAttribute("data-max-context"));
    assert(max > 32768 && max < 262144, `max context inside the range, saw ${max}`);
    equal(await page.locator("#panel-calc [data-testid=chart-max]").count(), 1, "max-context marker");
    matches(await text(page, "#panel-calc [data-testid=max-context]"), new RegExp(`^${max.toLocaleString("en-US")} tokens$`), "the metric and the marker agree");
  });

  await check("screenshot docs/images/pane.png (standalone calculator with a result)", async () => {
    fs.mkdirSync(IMAGES, { recursive: true });
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    await page.screenshot({ path: path.join(IMAGES, "pane.png"), fullPage: true });
    assert(fs.statSync(path.join(IMAGES, "pane.png")).size > 10000, "pane.png is suspiciously small");
  });

  await check("over the native window: the warning names 262,144 and the YaRN extension to 1,010,000", async () => {
    await fill(page, "ctx", "300000");
    await untilMatches("context message", () => text(page, "[data-testid=ctx-msg]"), /above Qwen3\.5-35B-A3B's native context window of 262,144\. Up to 1,010,000 needs YaRN RoPE scaling/);
    equal(await byTestId(page, "ctx").getAttribute("aria-invalid"), "false", "aria-invalid for 300000");
    await fill(page, "ctx", "32k");
    await until("message cleared", () => text(page, "[data-testid=ctx-msg]"), (t) => t === "");
  });

  await check("model combobox by keyboard: 'llama 3.1 8b', ArrowDown, Enter updates the result", async () => {
    const before = await resultTitle(page);
    const input = combo(page, "Model");
    await pickByKeyboard(page, input, "llama 3.1 8b");
    await untilMatches("result title", () => resultTitle(page), /Llama 3\.1 8B/);
    assert((await resultTitle(page)) !== before, `result title did not change from ${show(before)}`);
    matches(await input.inputValue(), /^Llama 3\.1 8B/, "model input text after Enter");
    equal(await input.getAttribute("aria-expanded"), "false", "combobox aria-expanded after Enter");
    matches(await verdict(page), /^(Fits|Tight|Fits with offload|OOM)$/, "verdict");
  });

  await check("pickers: typing after a pick replaces it; Tab commits the highlighted match; the list says how many it leaves out", async () => {
    const input = combo(page, "Model");
    // Right after the Enter above, focus is still in the box with its text selected.
    await page.keyboard.type("gemma 3 27b");
    equal(await input.inputValue(), "gemma 3 27b", "typing after a pick replaces the picked name");
    await page.keyboard.press("Tab");
    await untilMatches("result title after Tab", () => resultTitle(page), /Gemma 3 27B/i);
    matches(await input.inputValue(), /^Gemma 3 27B/i, "Tab committed the highlighted match");
    assert((await page.evaluate(() => document.activeElement && document.activeElement.id)) !== (await input.getAttribute("id")), "Tab moved focus on");
    await input.focus();
    await page.keyboard.press("ArrowDown");
    const listId = await input.getAttribute("aria-controls");
    matches(await text(page, `#${listId} ~ [data-testid=combo-more]`), /^Showing 50 of 1\d\d: type to narrow the list\.$/, "hint under the full list");
    await page.keyboard.press("Escape");
  });

  await check("pickers forgive spaces, punctuation and small typos: qwen35, quen3.5, rtx4090, gtx 4090", async () => {
    const model = combo(page, "Model");
    for (const q of ["qwen35", "quen3.5"]) {
      const o = await comboOptions(page, model, q);
      matches(o[0], /^Qwen3\.5/, `first option for '${q}' (saw ${show(o.slice(0, 4))})`);
      await page.keyboard.press("Escape");
    }
    const gpu = combo(page, "GPU");
    for (const q of ["rtx4090", "gtx 4090"]) {
      const o = await comboOptions(page, gpu, q);
      matches(o[0], /^GeForce RTX 4090/, `first GPU option for '${q}'`);
      await page.keyboard.press("Escape");
    }
  });

  await check("invalid input marks the result out of date; fractional context or concurrency is refused with a message", async () => {
    const result = byTestId(page, "result");
    const before = await verdict(page);
    for (const [id, value, message] of [["ctx", "abc", /Enter a whole number/], ["ctx", "4096.5", /whole number: 4096\.5 has a fraction/], ["batch", "2.5", /whole number: 2\.5 has a fraction/], ["batch", "0", /from 1 to/], ["batch", "-5", /Enter a whole number/]]) {
      await fill(page, id, value);
      equal(await byTestId(page, id).getAttribute("aria-invalid"), "true", `aria-invalid for ${id} '${value}'`);
      matches(await text(page, `[data-testid=${id}-msg]`), message, `message for ${id} '${value}'`);
      await untilMatches(`stale note for ${id} '${value}'`, () => text(page, "[data-testid=stale]"), /^Out of date: .* The result below is for the last valid input\.$/);
      assert(await result.evaluate((el) => el.classList.contains("stale")), "the result is marked stale");
      equal(await verdict(page), before, "the last verdict is kept, marked");
      await fill(page, id, id === "ctx" ? "32768" : "1");
    }
    await until("stale note hidden", () => byTestId(page, "stale").isHidden());
    assert(!(await result.evaluate((el) => el.classList.contains("stale"))), "not stale once valid");
  });

  await check("switching engine keeps the closest valid format and says what changed", async () => {
    await pickByKeyboard(page, combo(page, "Model"), "qwen3 8b");
    await untilMatches("result title", () => resultTitle(page), /^Qwen3-8B on /);
    equal(await valueOf(page, "quant"), "q4_k_m", "llama.cpp weights");
    await choose(page, "engine", "vllm");
    const quant = await valueOf(page, "quant");
    assert(quant !== "native" && ["awq", "gptq", "bnb-nf4", "nvfp4", "mxfp4", "w4a16-g32"].includes(quant), `a 4-bit format closest to Q4_K_M, saw ${quant}`);
    matches(await text(page, "[data-testid=switch-note]"), new RegExp(`^Weights: vLLM does not run q4_k_m; ${quant} is the closest format it runs`), "switch note");
    matches(await verdict(page), /^(Fits|Tight)$/, "still fits on vLLM");
    await choose(page, "engine", "llama.cpp");
    await choose(page, "quant", "q4_k_m");
  });

  await check("engine vllm and a quant change the numbers; the memory share field", async () => {
    const r0 = (await metrics(page)).required;
    assert(!(await byTestId(page, "util").isVisible()), "llama.cpp hides the GPU memory share field");
    await choose(page, "engine", "vllm");
    const r1 = await until("Required per GPU changes after engine → vllm", async () => (await metrics(page)).required, (v) => v && v !== r0);
    const quants = await optionsOf(page, "quant");
    assert(quants.includes("fp8"), `vLLM weight formats should include fp8, saw ${show(quants)}`);
    await choose(page, "quant", "fp8");
    await until("Required per GPU changes after quant → fp8", async () => (await metrics(page)).required, (v) => v && v !== r1);
    assert(await byTestId(page, "util").isVisible(), "vLLM shows the GPU memory share field");
    equal(await valueOf(page, "util"), "", "GPU memory share starts blank (engine default)");
    const b0 = (await metrics(page)).budget;
    await fill(page, "util", "0.5");
    const b1 = await until("budget changes at 0.5", async () => (await metrics(page)).budget, (v) => v && v !== b0);
    await fill(page, "util", "");
    await until("budget back to the default", async () => (await metrics(page)).budget, (v) => v === b0);
    assert(b1 !== b0, "budget changed");
  });

  await check("vLLM release and MTP options: a V0 release changes the estimate; junk is refused", async () => {
    const adv = byTestId(page, "vllm-advanced");
    assert(await adv.isVisible(), "the vLLM options are shown for vLLM");
    await adv.locator("summary").click();
    const before = (await metrics(page)).required;
    await fill(page, "vllm-version", "0.6.3");
    await until("Required per GPU changes for vLLM 0.6.3", async () => (await metrics(page)).required, (v) => v && v !== before);
    await fill(page, "vllm-version", "zero point six");
    equal(await byTestId(page, "vllm-version").getAttribute("aria-invalid"), "true", "aria-invalid for a junk release");
    await fill(page, "vllm-version", "");
    await until("Required per GPU back to the latest release", async () => (await metrics(page)).required, (v) => v === before);
    await fill(page, "mtp", "2");
    await untilMatches("error for MTP on a model without MTP layers", () => text(page, "[data-testid=calc-error]"), /no MTP layers/);
    await fill(page, "mtp", "");
    await until("a verdict again", () => verdict(page), (v) => /^(Fits|Tight|OOM)$/.test(v || ""));
  });

  await check("engine flags: validated by the core's parser with the error inline; valid flags reach the estimate and the command", async () => {
    await fill(page, "engine-flags", "--max-model-len 8192");
    matches(await text(page, "[data-testid=engine-flags-msg]"), /^--max-model-len sets what the Context field holds: set it there\.$/, "a flag a field holds");
    equal(await byTestId(page, "engine-flags").getAttribute("aria-invalid"), "true", "aria-invalid");
    await fill(page, "engine-flags", "--max-num-seqz 8");
    matches(await text(page, "[data-testid=engine-flags-msg]"), /vLLM flag '--max-num-seqz' is not one FitMyGPU knows/, "an unknown flag");
    await untilMatches("stale while the flags are wrong", () => text(page, "[data-testid=stale]"), /^Out of date: Engine flags:/);
    const before = (await metrics(page)).required;
    await fill(page, "engine-flags", "--max-num-seqs 512 --max-num-batched-tokens 16384");
    await until("flags accepted", () => text(page, "[data-testid=engine-flags-msg]"), (t) => t === "");
    await until("the estimate uses them", async () => (await metrics(page)).required, (v) => v && v !== before);
    matches(await text(page, "[data-testid=command]"), /^vllm serve Qwen\/Qwen3-8B(-FP8)? .*--max-model-len 32768 .*--max-num-seqs 512 --max-num-batched-tokens 16384$/, "command line");
  });

  await check("the command line is shown and copyable; pasting a command sets the calculator", async () => {
    await fluentButton(page, "#panel-calc", "Copy command").click();
    const command = await text(page, "[data-testid=command]");
    await until("clipboard holds the command", () => page.evaluate(() => navigator.clipboard.readText()), (t) => t === command);
    matches(await text(page, "[data-testid=command-notes]"), /vLLM is not told the concurrency/, "what the command cannot say");
    await fill(page, "paste-command", "llama-server -m Qwen3-8B-Q4_K_M.gguf -c 65536 -np 2 -fa on -ctk q8_0 -ctv q8_0");
    await fluentButton(page, "#panel-calc", "Set the calculator from it").click();
    await until("engine llama.cpp", () => valueOf(page, "engine"), (v) => v === "llama.cpp");
    equal(await valueOf(page, "quant"), "q4_k_m", "weights from the file name");
    equal(await valueOf(page, "ctx"), "32768", "context: -c shared by two slots");
    equal(await valueOf(page, "batch"), "2", "concurrent requests from -np");
    equal(await valueOf(page, "kv"), "q8_0", "KV cache from -ctk/-ctv");
    equal(await valueOf(page, "engine-flags"), "-fa on", "the rest stays engine flags");
    matches(await text(page, "[data-testid=command]"), /^llama-server -m Qwen3-8B-Q4_K_M\.gguf -c 65536 -np 2 -ctk q8_0 -ctv q8_0 -fa on$/, "the command reproduces what was pasted");
    await fill(page, "paste-command", "docker run something");
    await fluentButton(page, "#panel-calc", "Set the calculator from it").click();
    matches(await text(page, "[data-testid=paste-msg]"), /Cannot tell the engine from the command/, "a command the parser refuses");
    // Back to the start: one request, f16 cache, no flags.
    await fill(page, "batch", "1");
    await choose(page, "kv", "auto");
    await fill(page, "engine-flags", "");
  });

  await check("OOM shows what would help (smaller weights, more GPUs, offload) instead of a speed and 'Max context 0'", async () => {
    await pickByKeyboard(page, combo(page, "Model"), "qwen3 32b");
    await untilMatches("result title", () => resultTitle(page), /^Qwen3-32B on /);
    await until("OOM", () => verdict(page), (v) => v === "OOM");
    const m = await metrics(page);
    assert(!("tokens" in m) && !("max-context" in m), `no decode speed or max context on OOM, saw ${show(Object.keys(m))}`);
    const advice = await page.locator("[data-testid=advice] li").evaluateAll((lis) => lis.map((li) => `${li.getAttribute("data-kind")}: ${li.textContent}`));
    const kinds = advice.map((a) => a.split(":")[0]);
    for (const k of ["quant", "gpus", "context", "offload"]) assert(kinds.includes(k), `advice should include ${k}, saw ${show(advice)}`);
    matches(advice.find((a) => a.startsWith("quant")), /^quant: q\d_k_\w weights \([\d.]+ bits per weight\): [\d.]+ GiB per GPU fits\./, "smaller-weights advice");
    matches(advice.find((a) => a.startsWith("offload")), /-ngl \d+ keeps \d+ of 65 layers on the GPU/, "offload advice");
    await page.locator("[data-testid=advice] li[data-kind=gpus] fluent-button").click();
    await until("fits with more GPUs", () => verdict(page), (v) => v === "Fits" || v === "Tight");
    matches(await valueOf(page, "gpus"), /^[2-9]$/, "GPU count applied");
    await fill(page, "gpus", "1");
    await pickByKeyboard(page, combo(page, "Model"), "qwen3 8b");
    await untilMatches("result title", () => resultTitle(page), /^Qwen3-8B on /);
  });

  await check("taking the offload advice runs the model split with the CPU ('Fits with offload', the split bar); too little system RAM is OOM", async () => {
    await pickByKeyboard(page, combo(page, "Model"), "qwen3 32b");
    await until("OOM", () => verdict(page), (v) => v === "OOM");
    await page.locator("[data-testid=advice] li[data-kind=offload] fluent-button").first().click();
    await until("fits with offload", () => verdict(page), (v) => v === "Fits with offload");
    matches(await valueOf(page, "engine-flags"), /-ngl \d+/, "the -ngl flag applied");
    const m = await metrics(page);
    matches(m["gpu-layers"], /^\d+ of 65 \(\d+%\/\d+% CPU\/GPU\)$/, "layers on the GPU and the split");
    matches(m.ttft, /^[\d.]+ s \([\d,]+ prompt tok\/s\)$/, "time to first token");
    assert(await byTestId(page, "split-bar").isVisible(), "the CPU/GPU split bar");
    matches(await text(page, "[data-testid=host-ram]"), /^Also [\d.]+ GiB of system RAM\.$/, "system RAM line");
    await fill(page, "ram", "1");
    await until("OOM with 1 GiB of RAM", () => verdict(page), (v) => v === "OOM");
    await fill(page, "ram", "");
    await until("back to fits with offload", () => verdict(page), (v) => v === "Fits with offload");
    await fill(page, "engine-flags", "");
    await pickByKeyboard(page, combo(page, "Model"), "qwen3 8b");
    await untilMatches("result title", () => resultTitle(page), /^Qwen3-8B on /);
  });

  await check("'How is this computed' expands to the formulas", async () => {
    const details = page.locator("#panel-calc [data-testid=explain]");
    assert(!(await page.locator("#panel-calc .formula").first().isVisible()), "formulas are hidden before expanding");
    await details.locator("summary").click();
    await until("details open", () => details.evaluate((d) => d.open));
    const formulas = await page.locator("#panel-calc .formula").allInnerTexts();
    assert(formulas.length >= 3, `expected at least 3 formulas, saw ${formulas.length}`);
    assert(formulas.every((f) => f.trim().length > 0), "a formula is empty");
    assert(await page.locator("#panel-calc .formula").first().isVisible(), "the first formula is visible");
  });

  await check("tabs are Fluent tabs, keyboard-operable (ArrowRight moves to Model; End/Home)", async () => {
    equal(await page.locator("fluent-tablist fluent-tab").count(), 4, "Fluent tabs");
    await page.focus("#tab-calc");
    await page.keyboard.press("ArrowRight");
    await until("Model tab selected", () => page.getAttribute("#tab-model", "aria-selected"), (v) => v === "true");
    equal(await page.getAttribute("#tab-calc", "aria-selected"), "false", "Calculator tab aria-selected");
    equal(await page.evaluate(() => document.activeElement && document.activeElement.id), "tab-model", "focused element");
    assert(await page.isVisible("#panel-model"), "Model panel visible");
    assert(await page.isHidden("#panel-calc"), "Calculator panel hidden");
    await page.keyboard.press("End");
    await until("End selects the last tab", () => page.getAttribute("#tab-custom", "aria-selected"), (v) => v === "true");
    await page.keyboard.press("Home");
    await until("Home selects the first tab", () => page.getAttribute("#tab-calc", "aria-selected"), (v) => v === "true");
    await page.keyboard.press("ArrowLeft");
    await until("ArrowLeft from the first tab wraps to the last", () => page.getAttribute("#tab-custom", "aria-selected"), (v) => v === "true");
  });

  await check("Model tab (Qwen3.5-35B-A3B): native and extended windows, every written section, computed memory behaviour, the Hub repo linked, clean sources", async () => {
    await showTab(page, "tab-calc");
    await pickByKeyboard(page, combo(page, "Model"), "qwen3.5-35b-a3b");
    await untilMatches("result title", () => resultTitle(page), /Qwen3\.5-35B-A3B/);
    await showTab(page, "tab-model");
    matches(await text(page, "[data-testid=model-title]"), /^Qwen3\.5-35B-A3B$/, "model title");
    const rows = await page.$$eval("[data-testid=spec-table] tr", (trs) => Object.fromEntries(trs.map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent])));
    equal(rows["Context window (native, tokens)"], "262,144", "native window");
    equal(rows["Extended context window (tokens)"], "1,010,000", "extended window");
    equal(rows["Architecture"], "Hybrid multimodal MoE transformer (Gated DeltaNet + gated attention)", "architecture label");
    matches(rows["Modality scope of the estimate"], /vision/, "modality scope");
    assert("Head dim" in rows && !Object.keys(rows).some((k) => /MLA/.test(k)), `no MLA label on a model without MLA, saw ${show(Object.keys(rows))}`);
    equal(await page.getAttribute("[data-testid=spec-table] a[href^='https://huggingface.co/']", "href"), "https://huggingface.co/Qwen/Qwen3.5-35B-A3B", "Hub repo link");
    for (const key of ["overview", "trainingScope", "architecture", "contextDesign", "improvements", "releaseContext", "strengths"]) {
      const t = await text(page, `[data-testid=section-${key}]`);
      assert(t.length > 60 && /Sources: \[\d+\]/.test(t), `section ${key} is written and cited, saw ${show(t)}`);
    }
    const memory = await text(page, "[data-testid=section-memory]");
    matches(memory, /KV cache at 16-bit: 20\.0 KiB per token over 10 of 40 layers/, "memory behaviour: KV per token, KV layers");
    matches(memory, /30 recurrent layers .* fixed [\d.]+ MiB of state per sequence/, "memory behaviour: state per sequence");
    matches(memory, /all 35\.\d+B parameters stay resident .* 3\.\d+B are read per token/, "memory behaviour: resident vs active");
    const sources = await page.$$eval("[data-testid=sources] li", (lis) => lis.map((li) => ({ text: li.textContent, href: li.querySelector("a").getAttribute("href"), rel: li.querySelector("a").getAttribute("rel") })));
    assert(sources.length >= 3, "sources listed");
    for (const src of sources) {
      matches(src.text, /^[^:]+: .+ \(read \d{4}-\d{2}-\d{2}\)$/, "source text is publisher: title (read date)");
      assert(!/config used =|not read from|transcript/.test(src.text), `no research note in a source, saw ${show(src.text)}`);
      matches(src.href, /^https:\/\//, "source href");
      matches(src.rel || "", /\bnoopener\b/, `rel of ${src.href}`);
    }
  });

  await check("axe-core finds no accessibility violations on any tab (light theme)", async () => {
    const v = await accessibilityViolations(page);
    assert(v.length === 0, `accessibility violations: ${show(v)}`);
  });

  await check("GPUs tab: ≥ 60 rows, name search, vendor and class filters, sort with aria-sort", async () => {
    await showTab(page, "tab-gpus");
    const all = await gpuRows(page);
    assert(all >= 60, `expected at least 60 GPU rows, saw ${all}`);
    await fill(page, "gpu-search", "4090");
    const found = await until("rows for '4090'", () => gpuNames(page), (n) => n.length > 0 && n.length < 10);
    assert(found.every((n) => /4090/.test(n)), `search keeps 4090s only, saw ${show(found)}`);
    await fill(page, "gpu-search", "");
    await until("rows after clearing the search", () => gpuRows(page), (n) => n === all);
    await choose(page, "gpu-vendor", "Apple");
    const apple = await until("rows after filtering Apple", () => gpuRows(page), (n) => n > 0 && n < all);
    const names = await gpuNames(page);
    assert(names.every((n) => /Apple|M\d|Mac/i.test(n)), `Apple filter should keep Apple GPUs only, saw ${show(names)}`);
    await choose(page, "gpu-vendor", "");
    await until("rows after clearing the filter", () => gpuRows(page), (n) => n === all);
    assert(apple < all, "filter reduced rows");
    await choose(page, "gpu-class", "datacenter");
    const dcNames = await until("rows after filtering datacenter", () => gpuNames(page), (n) => n.length > 0 && n.length < all);
    assert(!dcNames.some((n) => /GeForce|Apple/.test(n)), `datacenter filter should drop consumer and Apple GPUs, saw ${show(dcNames)}`);
    await choose(page, "gpu-class", "");
    await until("rows after clearing the class filter", () => gpuRows(page), (n) => n === all);

    const th = page.locator("#panel-gpus th").filter({ hasText: "Usable GiB" });
    equal(await th.getAttribute("aria-sort"), "none", "Usable header aria-sort before sorting");
    await th.locator("button").click();
    await until("Usable header aria-sort", () => page.locator("#panel-gpus th").filter({ hasText: "Usable GiB" }).getAttribute("aria-sort"), (v) => v === "descending");
    let usable = (await gpuColumn(page, "Usable GiB")).map(Number);
    assert(usable.every((v, i) => i === 0 || usable[i - 1] >= v), `Usable column should be descending, saw ${show(usable.slice(0, 12))}…`);
    await page.locator("#panel-gpus th").filter({ hasText: "Usable GiB" }).locator("button").click();
    await until("ascending after a second click", () => page.locator("#panel-gpus th").filter({ hasText: "Usable GiB" }).getAttribute("aria-sort"), (v) => v === "ascending");
    usable = (await gpuColumn(page, "Usable GiB")).map(Number);
    assert(usable.every((v, i) => i === 0 || usable[i - 1] <= v), `Usable column should be ascending, saw ${show(usable.slice(0, 12))}…`);
  });

  await check("GPUs tab at 350 px: no sideways scroll, names on at most three lines", async () => {
    const wrap = page.locator("#panel-gpus .table-wrap");
    const [scroll, client] = await wrap.evaluate((el) => [el.scrollWidth, el.clientWidth]);
    assert(scroll <= client, `the table scrolls sideways: ${scroll} > ${client}`);
    const lines = await page.$$eval("#panel-gpus [data-testid=pick-gpu]", (bs) => bs.map((b) => ({ name: b.textContent, lines: Math.round(b.getBoundingClientRect().height / parseFloat(getComputedStyle(b).lineHeight)) })));
    const worst = lines.reduce((a, b) => (b.lines > a.lines ? b : a));
    assert(worst.lines <= 3, `names wrap to at most 3 lines, saw ${worst.lines} for ${show(worst.name)}`);
  });

  await check("GPUs tab: clicking a row picks that GPU for the calculator", async () => {
    await fill(page, "gpu-search", "a100 80");
    await until("A100 rows", () => gpuNames(page), (n) => n.length > 0);
    const row = page.locator("#panel-gpus [data-testid=gpu-table] tbody tr").first();
    const name = await row.locator("[data-testid=pick-gpu]").innerText();
    await row.locator("td").nth(2).click();
    await until("row marked as the calculator's GPU", () => row.getAttribute("aria-current"), (v) => v === "true");
    await fill(page, "gpu-search", "");
    await showTab(page, "tab-calc");
    await untilMatches("result title", () => resultTitle(page), new RegExp(` on ${name.replace(/[()]/g, ".")}$`));
    equal(await combo(page, "GPU").inputValue(), name, "GPU picker shows the picked GPU");
  });

  await check("Apple silicon: the GPU table's usable memory is the calculator's budget (Metal's working set under MLX)", async () => {
    await choose(page, "engine", "mlx");
    await pickByKeyboard(page, combo(page, "GPU"), "m3 ultra 512");
    await untilMatches("result title", () => resultTitle(page), /M3 Ultra/);
    const budget = (await metrics(page)).budget;
    const [used, total] = /^([\d.]+) GiB of ([\d.]+) GiB$/.exec(budget).slice(1).map(Number);
    assert(used < total, `MLX caps the working set: ${budget}`);
    await showTab(page, "tab-gpus");
    await fill(page, "gpu-search", "m3 ultra 512");
    const row = await until("M3 Ultra row", () => page.$$eval("#panel-gpus [data-testid=gpu-table] tbody tr[aria-current=true]", (trs) => trs.map((tr) => Array.from(tr.cells).map((c) => c.textContent))), (r) => r.length === 1);
    const headers = await page.$$eval("#panel-gpus [data-testid=gpu-table] th", (ths) => ths.map((t) => t.textContent.replace(/ [↑↓]$/, "")));
    equal(Number(row[0][headers.indexOf("Usable GiB")]).toFixed(1), used.toFixed(1), "Usable GiB in the table = the calculator's engine budget");
    await fill(page, "gpu-search", "");
    await showTab(page, "tab-calc");
    await choose(page, "engine", "llama.cpp");
    await pickByKeyboard(page, combo(page, "GPU"), "rtx 4090");
    await untilMatches("result title", () => resultTitle(page), /RTX 4090/);
  });

  await check("GPUs tab: Download CSV has a BOM and a header row", async () => {
    await showTab(page, "tab-gpus");
    const [download] = await Promise.all([page.waitForEvent("download"), fluentButton(page, "#panel-gpus", "Download CSV").click()]);
    equal(download.suggestedFilename(), "GPU-comparison.csv", "download file name");
    const csv = fs.readFileSync(await download.path(), "utf8");
    assert(csv.charCodeAt(0) === 0xfeff, `CSV should start with a UTF-8 BOM, starts with ${show(csv.slice(0, 10))}`);
    const lines = csv.slice(1).split("\r\n");
    equal(lines[0], GPU_HEADER.join(","), "CSV header row");
    assert(lines.length >= 62, `CSV should have a row per GPU, saw ${lines.length} lines`);
  });

  await check("GPUs tab: Copy puts TSV on the clipboard", async () => {
    await clearToast(page);
    await fluentButton(page, "#panel-gpus", "Copy").click();
    await untilMatches("toast after Copy", () => toast(page), /copied/);
    const tsv = await page.evaluate(() => navigator.clipboard.readText());
    const lines = tsv.split("\n");
    equal(lines[0], GPU_HEADER.join("\t"), "clipboard header row");
    assert(lines.length >= 61 && lines.every((l) => l.split("\t").length === GPU_HEADER.length), `clipboard should hold ≥ 61 rows of ${GPU_HEADER.length} tab-separated cells, saw ${lines.length} rows`);
  });

  await check("Calculator: Copy and Download CSV of the memory breakdown", async () => {
    await showTab(page, "tab-calc");
    const [download] = await Promise.all([page.waitForEvent("download"), fluentButton(page, "#panel-calc", "Download CSV").click()]);
    const csv = fs.readFileSync(await download.path(), "utf8");
    matches(csv, /^\uFEFFTerm,GiB per GPU\r\nWeights,[\d.]+\r\n/, "breakdown CSV start");
    matches(csv, /\r\nStatus,(Fits|Tight|OOM)\r\n$/, "breakdown CSV end");
    await fluentButton(page, "#panel-calc", "Copy").click();
    await untilMatches("clipboard after Copy", () => page.evaluate(() => navigator.clipboard.readText()), /^Term\tGiB per GPU\nWeights\t/);
  });

  await hygiene("standalone", s);
  await s.context.close();

  // The same page at a desktop width: form left, result right, within a maximum width.
  const wide = await openPane(browser, base, "real", undefined, undefined, { width: 1280, height: 900 });
  await check("at 1280 px: two columns (form left, result right) and a maximum width", async () => {
    const form = await wide.page.locator("#panel-calc .calc-form").boundingBox();
    const res = await wide.page.locator("#panel-calc .calc-result").boundingBox();
    assert(res.x >= form.x + form.width, `the result sits right of the form: form ${show(form)}, result ${show(res)}`);
    assert(Math.abs(res.y - form.y) < 40, `side by side, saw form y ${form.y}, result y ${res.y}`);
    const main = await wide.page.locator("main").boundingBox();
    assert(main.width <= 1200, `main is at most 1200 px wide, saw ${main.width}`);
    const ms = await wide.page.evaluate(() => Math.round(performance.getEntriesByName("fitmygpu:first-verdict")[0].startTime));
    timings.push(`standalone at 1280 px: ${ms} ms`);
    console.log(`       first verdict ${ms} ms after navigation (1280 px)`);
    await wide.page.screenshot({ path: path.join(IMAGES, "pane-wide.png") });
  });
  await hygiene("wide", wide);
  await wide.context.close();
}

const GPU_HEADER = ["GPU", "VRAM GiB", "Usable GiB", "Required GiB", "Status", "Headroom GiB", "Max concurrency", "Tokens/s"];

// ------------------------------------------------------------------ scenario 2

async function customModelAndGpu(browser, base) {
  console.log("2. Add a custom model and GPU (standalone)");
  const s = await openPane(browser, base, "real");
  const { page } = s;
  const config = JSON.stringify(qwenConfig(), null, 2);

  await check("Add tab: pasting a config.json previews the derived parameters; save registers it", async () => {
    await showTab(page, "tab-custom");
    const save = page.locator("[data-testid=custom-save]");
    assert(await isDisabled(save), "save is disabled before a config is pasted");
    equal(await save.innerText(), "Use this model", "save button label outside Excel");
    await fill(page, "config-text", config);
    await fill(page, "custom-name", "My Qwen test");
    const preview = await untilMatches("preview", () => text(page, "[data-testid=custom-preview]"), /Derived: [\d.]+[MB] parameters .* \d+ layers/);
    for (const label of ["Total parameters", "KV heads", "Layers"]) assert(preview.includes(label), `preview should show '${label}', saw ${show(preview)}`);
    assert(!(await isDisabled(save)), "save is enabled for a valid config");
    await save.click();
    await untilMatches("status after saving", () => text(page, "[data-testid=custom-status]"), /Added My Qwen test.*until you close this page/);
    matches(await text(page, "[data-testid=custom-list]"), /Model: My Qwen test/, "session list");
    equal(await valueOf(page, "config-text"), "", "config box cleared after saving");
  });

  await check("the calculator finds 'My Qwen test' in the model combobox and shows a verdict", async () => {
    await showTab(page, "tab-calc");
    await pickByKeyboard(page, combo(page, "Model"), "My Qwen test");
    await untilMatches("result title", () => resultTitle(page), /My Qwen test on /);
    matches(await verdict(page), /^(Fits|Tight|OOM)$/, "verdict for the custom model");
    matches((await metrics(page)).required, /GiB/, "required for the custom model");
  });

  await check("a config with __proto__ is refused with a message; save stays disabled", async () => {
    await showTab(page, "tab-custom");
    await fill(page, "config-text", '{"model_type":"qwen3","__proto__":{"x":1}}');
    const err = await untilMatches("error in the preview", () => page.locator("[data-testid=custom-preview] .error").first().innerText(), /\S/);
    matches(err, /__proto__|key|not allowed|invalid/i, "error message");
    assert(await isDisabled(page.locator("[data-testid=custom-save]")), "save is disabled for the bad config");
    equal(await page.evaluate(() => ({}).x), undefined, "Object.prototype was not polluted");
  });

  await check("Add a GPU: it appears in the GPU combobox search and can be picked", async () => {
    await fill(page, "gpu-name", "Lab GPU 48");
    await fill(page, "gpu-mem", "44.5");
    await fill(page, "gpu-bw", "768");
    await page.click("[data-testid=gpu-save]");
    await untilMatches("status after adding a GPU", () => text(page, "[data-testid=custom-status]"), /Added GPU Lab GPU 48/);
    await showTab(page, "tab-calc");
    const gpu = combo(page, "GPU");
    await gpu.focus();
    await page.keyboard.type("lab gpu");
    const listId = await gpu.getAttribute("aria-controls");
    const options = await until("GPU listbox options", () => page.locator(`#${listId} [role=option]`).allInnerTexts(), (o) => o.length > 0);
    assert(options[0].startsWith("Lab GPU 48"), `first GPU option for 'lab gpu' should be Lab GPU 48, saw ${show(options)}`);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await untilMatches("result title", () => resultTitle(page), /My Qwen test on Lab GPU 48/);
    matches(await verdict(page), /^(Fits|Tight|OOM)$/, "verdict on the custom GPU");
  });

  await check("Escape in the combobox restores the last pick", async () => {
    const input = combo(page, "Model");
    await input.focus();
    await page.keyboard.type("llama");
    await page.keyboard.press("Escape");
    equal(await input.inputValue(), "My Qwen test", "model input after Escape");
    equal(await input.getAttribute("aria-expanded"), "false", "aria-expanded after Escape");
  });

  await check("Add tab: picking config.json and model.safetensors.index.json files previews the model", async () => {
    await showTab(page, "tab-custom");
    await byTestId(page, "config-file").setInputFiles({ name: "config.json", mimeType: "application/json", buffer: Buffer.from(config) });
    await untilMatches("config box filled from the file", () => valueOf(page, "config-text"), /"model_type"/);
    await byTestId(page, "index-file").setInputFiles({ name: "model.safetensors.index.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify({ metadata: { total_size: 1_192_099_840 }, weight_map: {} })) });
    await fill(page, "custom-name", "Picked Qwen");
    await untilMatches("preview from the picked files", () => text(page, "[data-testid=custom-preview]"), /Derived: [\d.]+[MB] parameters/);
    assert(!(await isDisabled(page.locator("[data-testid=custom-save]"))), "save enabled for the picked config");
    await page.click("[data-testid=custom-save]");
    await untilMatches("status after saving the picked model", () => text(page, "[data-testid=custom-status]"), /Added Picked Qwen/);
  });

  await check("Remove: a removed custom model is gone from the list and the pickers", async () => {
    await page.locator('fluent-button[aria-label="Remove Model: Picked Qwen"]').click();
    await untilMatches("status after removing", () => text(page, "[data-testid=custom-status]"), /Removed Model: Picked Qwen/);
    const list = await text(page, "[data-testid=custom-list]");
    assert(!/Picked Qwen/.test(list), `the list should not show Picked Qwen any more, saw ${show(list)}`);
    await showTab(page, "tab-calc");
    const input = combo(page, "Model");
    await input.focus();
    await page.keyboard.type("Picked Qwen");
    const listId = await input.getAttribute("aria-controls");
    const options = await until("model options", () => page.locator(`#${listId} [role=option]`).allInnerTexts(), (o) => o.length > 0);
    assert(!options.some((o) => o.startsWith("Picked Qwen")), `Picked Qwen should not be offered, saw ${show(options.slice(0, 5))}`);
    await page.keyboard.press("Escape");
  });

  await hygiene("custom", s);
  await s.context.close();
}

// ------------------------------------------------------------------ scenario 3 (+ grid.png)

const fake = (page) => page.evaluate(() => window.__fakeExcel.snapshot());

async function insertAndWait(page, scope, label, expect) {
  await clearToast(page);
  const button = fluentButton(page, scope, label);
  await button.click();
  return untilMatches(`toast after '${label}'`, () => toast(page), expect);
}

async function insideExcel(browser, base) {
  console.log("3. Inside Excel (fake Office + recording Excel object model)");
  let saved = null;
  const s = await openPane(browser, base, "stub");
  const { page } = s;

  await check("badge says In Excel and the dark Office theme is applied", async () => {
    equal(await text(page, "#host-badge"), "In Excel", "host badge");
    equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark", "html data-theme");
    equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), "rgb(41, 41, 41)", "body background in the dark theme");
    assert((await page.locator("#panel-calc fluent-button", { hasText: "Download CSV" }).count()) === 0, "no Download CSV inside Excel");
    // Every function of the built functions.json, no more, no less.
    const declared = JSON.parse(fs.readFileSync(path.join(DIST, "functions.json"), "utf8")).functions.length;
    equal(await page.evaluate(() => Object.keys(window.__fit).length), declared, "FIT functions registered through CustomFunctions.associate");
    await until("a verdict", () => verdict(page), (v) => /^(Fits|Tight|Fits with offload|OOM)$/.test(v || ""));
    const ms = await page.evaluate(() => Math.round(performance.getEntriesByName("fitmygpu:first-verdict")[0].startTime));
    timings.push(`in Excel (stub office.js, dark theme): ${ms} ms`);
    console.log(`       first verdict ${ms} ms after navigation (in Excel)`);
    // Fluent's own components take the dark theme too.
    equal(await byTestId(page, "engine").evaluate((el) => getComputedStyle(el).getPropertyValue("--colorNeutralBackground1").trim()), "#292929", "Fluent token in the dark theme");
  });

  await check("opening the pane loads functions.js and taskpane.js only; the Add tab's code comes when the tab opens", async () => {
    equal(JSON.stringify(s.log.scripts), JSON.stringify(["functions.js", "taskpane.js"]), "scripts loaded by a workbook without custom entries");
    await page.click("#tab-custom");
    await until("the Add tab", () => page.locator("#panel-custom fluent-button").count(), (n) => n > 0);
    equal(JSON.stringify(s.log.scripts), JSON.stringify(["functions.js", "taskpane.js", "custom.js"]), "scripts after opening the Add tab");
    await page.click("#tab-calc");
  });

  await check("axe-core finds no accessibility violations on any tab (dark Office theme, in Excel)", async () => {
    const v = await accessibilityViolations(page);
    assert(v.length === 0, `accessibility violations: ${show(v)}`);
  });

  await check("'Models for inserts' follows the chosen model until models are added to it", async () => {
    const items = () => page.locator("#panel-calc ul[aria-label='Models for workbook inserts'] li").allInnerTexts();
    matches((await items()).join(" | "), /^Qwen3-8B \(current model\)$/, "the start model");
    await pickByKeyboard(page, combo(page, "Model"), "gemma 3 4b");
    await untilMatches("the list follows the pick", async () => (await items()).join(" | "), /^Gemma 3 4B.* \(current model\)$/i);
    await pickByKeyboard(page, combo(page, "Model"), "qwen3 8b");
    await untilMatches("and back", async () => (await items()).join(" | "), /^Qwen3-8B \(current model\)$/);
  });

  await check("basket: add three models for the workbook inserts", async () => {
    await fluentButton(page, "#panel-calc", "Add current model to the list").click();
    for (const q of ["llama 3.1 70b", "qwen3 32b", "gpt-oss-20b"]) {
      const before = await page.locator("#panel-calc ul[aria-label='Models for workbook inserts'] li").count();
      await pickByKeyboard(page, combo(page, "Model"), q);
      await fluentButton(page, "#panel-calc", "Add current model to the list").click();
      await until(`basket grows after ${q}`, () => page.locator("#panel-calc ul[aria-label='Models for workbook inserts'] li").count(), (n) => n === before + 1);
    }
    const items = await page.locator("#panel-calc ul[aria-label='Models for workbook inserts'] li").allInnerTexts();
    equal(items.length, 4, "basket size");
    matches(items.join(" | "), /Qwen3-8B.*Llama 3\.1 70B.*Qwen3-32B.*gpt-oss-20b/, "basket items");
    await pickByKeyboard(page, combo(page, "Model"), "qwen3 8b");
    await untilMatches("result title", () => resultTitle(page), /\bQwen3-8B on /);
  });

  let gridSheet;
  await check("Insert GPU grid: a new sheet with =FIT.STATUS formulas in ≤ 3 syncs", async () => {
    const before = await fake(page);
    const msg = await insertAndWait(page, "#panel-calc", "Insert GPU grid", /inserted|could not|not empty|malformed/i);
    matches(msg, /^GPU comparison grid inserted at FitMyGPU grid!A1:[A-Z]+\d+\./, "toast");
    const after = await fake(page);
    const added = after.sheets.filter((x) => !before.sheets.some((b) => b.name === x.name)).map((x) => x.name);
    equal(JSON.stringify(added), JSON.stringify(["FitMyGPU grid"]), "new worksheets");
    const syncs = after.syncCount - before.syncCount;
    assert(syncs >= 1 && syncs <= 3, `context.sync calls for the insert: expected 1–3, saw ${syncs}`);
    equal(after.runCount - before.runCount, 1, "Excel.run calls for the insert");
    equal(after.activeSheet, "FitMyGPU grid", "active sheet after the insert");
    gridSheet = after.sheets.find((x) => x.name === "FitMyGPU grid");
    const formulas = Object.entries(gridSheet.cells).filter(([, c]) => c.formula).map(([, c]) => c.formula);
    const status = formulas.filter((f) => f.startsWith("=FIT.STATUS("));
    assert(status.length >= 4 * 12, `expected ≥ 48 =FIT.STATUS( formulas (4 models × ≥ 12 GPUs), saw ${status.length}`);
    equal(gridSheet.cells.B9.formula, "=FIT.STATUS($A9,B$8,$B$2,$B$3,$B$4,$B$5,$B$6,$B$7)", "B9 formula");
    equal(gridSheet.cells.A9.value, "Qwen3-8B", "A9 (first model)");
    assert(gridSheet.conditionalFormats.length >= 3, `expected ≥ 3 conditional formats, saw ${gridSheet.conditionalFormats.length}`);
    assert(gridSheet.frozen && gridSheet.frozen.rows === 8 && gridSheet.frozen.columns === 1, `frozen panes: expected 8 rows × 1 column, saw ${show(gridSheet.frozen)}`);
    assert(after.suspendScreenUpdating > before.suspendScreenUpdating, "screen updating suspended for the write");
    // The workbook writers arrived with this first insert, once.
    equal(JSON.stringify(s.log.scripts.filter((f) => f === "inserts.js")), JSON.stringify(["inserts.js"]), "inserts.js loaded on the first insert");
  });

  await check("grid.png: the recorded grid rendered with the statuses the FIT functions compute", async () => {
    assert(gridSheet, "no grid sheet recorded");
    const calcVerdict = await verdict(page);
    const full = await page.evaluate(computeGrid, { sheetName: "FitMyGPU grid" });
    assert(full.rows.length === 4 && full.gpus.length >= 12, `grid: expected 4 models × ≥ 12 GPUs, saw ${full.rows.length} × ${full.gpus.length}`);
    matches(full.headroomTitle || "", /^Headroom/, "title above the headroom grid");
    const cells = full.rows.flatMap((r) => r.cells.map((c) => ({ ...c, model: r.model })));
    const bad = cells.filter((c) => !/^(Fits|Tight|OOM)$/.test(c.status) || typeof c.headroom !== "number").map((c) => `${c.model} × ${c.gpu}: ${c.status} / ${c.headroom}`);
    assert(bad.length === 0, `every grid cell should compute Fits/Tight/OOM and a headroom number, saw ${show(bad.slice(0, 5))}`);
    const disagree = cells.filter((c) => (c.status === "OOM") !== (c.headroom < 0)).map((c) => `${c.model} × ${c.gpu}: ${c.status} / ${c.headroom}`);
    assert(disagree.length === 0, `FIT.STATUS is OOM exactly where FIT.HEADROOM < 0, saw ${show(disagree.slice(0, 5))}`);
    equal(full.rows[0].cells[0].status, calcVerdict, `the grid's ${full.rows[0].model} × ${full.gpus[0]} status and the calculator's verdict`);
    const statuses = new Set(cells.map((c) => c.status));
    assert(statuses.has("Fits") && statuses.has("OOM"), `expected both Fits and OOM in the grid, saw ${show([...statuses])}`);
    const grid = sampleColumns(full, 12);
    const shot = await s.context.newPage();
    await shot.setViewportSize({ width: 1200, height: 400 });
    await shot.setContent(gridHtml(grid));
    await shot.screenshot({ path: path.join(IMAGES, "grid.png"), fullPage: true });
    await shot.close();
  });

  await check("Insert at a non-empty selection is refused, nothing is written, and 'on a new sheet instead' works", async () => {
    await page.evaluate(() => {
      window.__fakeExcel.prepare("Sheet1", "C3", "E12", "someone's data");
    });
    const before = await fake(page);
    await byTestId(page, "at-selection-gpu-grid").click();
    await until("checked", () => byTestId(page, "at-selection-gpu-grid").evaluate((el) => el.checked));
    const msg = await insertAndWait(page, "#panel-calc", "Insert GPU grid", /inserted|could not|not empty/i);
    matches(msg, /not empty \(Sheet1!E12 has data\)\. Nothing was written\./, "refusal toast");
    const after = await fake(page);
    equal(JSON.stringify(after.sheets), JSON.stringify(before.sheets), "workbook after the refused insert");
    equal(after.log.slice(before.log.length).filter((l) => l !== "sync").length, 0, `writes after the refused insert (log: ${show(after.log.slice(before.log.length))})`);
    const instead = fluentButton(page, "#panel-calc", "Insert GPU grid on a new sheet instead");
    await instead.waitFor();
    await clearToast(page);
    await instead.click();
    const ok = await untilMatches("toast after 'on a new sheet instead'", () => toast(page), /inserted|could not/);
    matches(ok, /^GPU comparison grid inserted at FitMyGPU grid \(2\)!A1:/, "toast");
    const done = await fake(page);
    equal(JSON.stringify(done.sheets.find((x) => x.name === "Sheet1")), JSON.stringify(before.sheets.find((x) => x.name === "Sheet1")), "Sheet1 untouched");
    equal(await instead.count(), 0, "the 'instead' button is removed after use");
    await byTestId(page, "at-selection-gpu-grid").click();
    await until("unchecked", () => byTestId(page, "at-selection-gpu-grid").evaluate((el) => !el.checked));
  });

  await check("Insert planning sheet and chart succeed", async () => {
    let msg = await insertAndWait(page, "#panel-calc", "Insert planning sheet", /inserted|could not|malformed/i);
    matches(msg, /^Capacity-planning sheet inserted at /, "planning sheet toast");
    msg = await insertAndWait(page, "#panel-calc", "Insert chart", /inserted|could not|malformed/i);
    matches(msg, /^Memory vs context chart inserted at /, "chart toast");
    const st = await fake(page);
    const charts = st.sheets.flatMap((x) => x.charts);
    equal(charts.length, 2, "charts recorded (cost per month on the planning sheet, memory vs context)");
    for (const c of charts) assert(c.title && c.position, `chart has a title and position: ${show(c)}`);
    assert(charts.some((c) => /Cost per month by candidate/.test(JSON.stringify(c))), "the planning sheet's cost chart");
    assert(st.sheets.some((x) => x.tables.length > 0), "the planning sheet added a table");
  });

  await check("the planning sheet's formulas, run through the registered FIT functions, give one deployment", async () => {
    const out = await page.evaluate(() => {
      const sheet = window.__fakeExcel.snapshot().sheets.find((x) => /^FitMyGPU plan/.test(x.name));
      const cell = (a) => sheet.cells[a] || {};
      const plain = (v) => (typeof v === "string" && v.startsWith("'") ? v.slice(1) : v ?? "");
      const headers = {};
      for (let c = 0; c < 26; c++) {
        const letter = String.fromCharCode(65 + c);
        const v = plain(cell(`${letter}14`).value);
        if (v) headers[v] = letter;
      }
      // Evaluate one FIT.PLAN formula of row 15 as Excel would: each argument a 1×1 range.
      const evalAt = (addr) => {
        const f = cell(addr).formula;
        const m = /^=FIT\.PLAN\((.*)\)$/.exec(f || "");
        if (!m) return `no FIT.PLAN in ${addr}: ${f}`;
        const args = m[1].split(",").map((a) => {
          if (a === "") return null;
          if (/^".*"$/.test(a)) return [[a.slice(1, -1)]];
          const ref = /^\[@\[?([^\]]+)\]?\]$/.exec(a);
          if (ref) return [[plain(cell(`${headers[ref[1]]}15`).value)]];
          return [[plain(cell(a.replace(/\$/g, "")).value)]];
        });
        const r = window.__fit.PLAN(...args)[0][0];
        return r && typeof r === "object" ? r.code : r;
      };
      return { labels: ["A4", "A5", "A7", "A8", "A9"].map((a) => plain(cell(a).value)), total: evalAt(`${headers["Total GPUs"]}15`), replicas: evalAt(`${headers.Replicas}15`), perReplica: evalAt(`${headers["GPUs per replica"]}15`), limit: evalAt(`${headers["Limited by"]}15`), source: evalAt(`${headers["Price source"]}15`) };
    });
    equal(JSON.stringify(out.labels), JSON.stringify(["Model", "Concurrent users", "Prompt tokens", "Output tokens", "Speed target (tokens/s per user)"]), "workload block labels");
    assert(Number.isInteger(out.total) && out.total >= 1, `total GPUs is a count: ${show(out)}`);
    equal(out.total, out.replicas * out.perReplica, "total GPUs = replicas × GPUs per replica");
    matches(String(out.limit), /^(memory|throughput|latency)$/, "limited by");
    matches(String(out.source), /^(catalog: median of \d+ on-demand quotes|none)/, "price source");
  });

  await check("Model tab: Insert spec table succeeds", async () => {
    await showTab(page, "tab-model");
    const before = await fake(page);
    const msg = await insertAndWait(page, "#panel-model", "Insert spec table", /inserted|could not|malformed/i);
    matches(msg, /^Model spec table inserted at /, "spec table toast");
    const after = await fake(page);
    const added = after.sheets.filter((x) => !before.sheets.some((b) => b.name === x.name));
    equal(added.length, 1, "new sheets for the spec table");
    matches(JSON.stringify(added[0].cells), /Total parameters/, "spec table content");
    // Each model's page below the table, as wrapped text merged over B:H.
    const cells = added[0].cells;
    const headings = Object.entries(cells).filter(([k]) => /^A\d+$/.test(k)).map(([, c]) => c.value);
    for (const h of ["Overview", "Training scope", "Architecture and layout", "Context design", "What improved", "Release context", "Where it is strong", "Memory behaviour", "Sources"]) assert(headings.includes(h), `section '${h}' below the table, saw ${show(headings.slice(0, 12))}`);
    const overviewRow = Object.entries(cells).find(([k, c]) => /^A\d+$/.test(k) && c.value === "Overview")[0].slice(1);
    assert(added[0].merges.includes(`B${overviewRow}:H${overviewRow}`), `the Overview text is merged over B:H, saw ${show(added[0].merges.slice(0, 3))}`);
    assert(added[0].styles.some((x) => x.address === `B${overviewRow}:H${overviewRow}` && x.prop === "wrapText" && x.value === true), "and wrapped");
  });

  await check("GPUs tab: Insert GPU grid uses the filtered rows", async () => {
    await showTab(page, "tab-gpus");
    await choose(page, "gpu-vendor", "AMD");
    const shown = await until("AMD rows", () => gpuRows(page), (n) => n > 0);
    const msg = await insertAndWait(page, "#panel-gpus", "Insert GPU grid", /inserted|could not|malformed/i);
    matches(msg, /^GPU comparison grid inserted at FitMyGPU grid \(3\)!/, "toast");
    const st = await fake(page);
    const sheet = st.sheets.find((x) => x.name === "FitMyGPU grid (3)");
    const headers = Object.keys(sheet.cells).filter((k) => /^[B-Z]8$|^[A-Z]{2}8$/.test(k)).length;
    assert(headers >= shown, `the grid should have a column per shown GPU (${shown}), saw ${headers} header cells`);
  });

  await check("Add tab inside Excel: saving a model writes fitmygpu.custom and saves the settings", async () => {
    await showTab(page, "tab-custom");
    equal(await page.innerText("[data-testid=custom-save]"), "Save to workbook", "save button label in Excel");
    await fill(page, "config-text", JSON.stringify(qwenConfig()));
    await fill(page, "custom-name", "Workbook Qwen");
    await until("save enabled", async () => !(await isDisabled(page.locator("[data-testid=custom-save]"))));
    const calcBefore = (await fake(page)).calculations.length;
    await page.click("[data-testid=custom-save]");
    await untilMatches("status", () => text(page, "[data-testid=custom-status]"), /Added Workbook Qwen.*Saved in this workbook/);
    const settings = await page.evaluate(() => JSON.parse(JSON.stringify(window.__fakeSettings)));
    assert(settings.log.set.includes("fitmygpu.custom"), `settings.set calls: expected fitmygpu.custom, saw ${show(settings.log.set)}`);
    assert(settings.log.saveAsync >= 1, `settings.saveAsync calls: expected ≥ 1, saw ${settings.log.saveAsync}`);
    matches(String(settings.store["fitmygpu.custom"]), /Workbook Qwen/, "stored setting");
    const st = await fake(page);
    assert(st.calculations.length > calcBefore, "the workbook was recalculated after saving");
    saved = settings.store;
  });

  await hygiene("in Excel", s);
  await s.context.close();

  // Reopening the workbook: another session starts with the saved settings.
  const again = await openPane(browser, base, "stub", saved);
  await check("reopened workbook: the saved custom model is registered for FIT formulas and the pane, and formulas are recalculated", async () => {
    const p = again.page;
    const vram = await until("FIT.VRAM of the custom model", () => p.evaluate(() => {
      const r = window.__fit.VRAM([["Workbook Qwen"]], [["bf16"]], [[8192]], null, null, null, null)[0][0];
      return typeof r === "number" ? r : null;
    }), (v) => typeof v === "number" && v > 0);
    assert(vram > 1, `FIT.VRAM("Workbook Qwen") = ${vram}`);
    const st = await fake(p);
    assert(st.calculations.length >= 1, "a full recalculation ran after the custom entries loaded");
    await showTab(p, "tab-custom");
    await untilMatches("custom list", () => text(p, "[data-testid=custom-list]"), /Workbook Qwen/);
    await showTab(p, "tab-calc");
    const input = combo(p, "Model");
    await pickByKeyboard(p, input, "Workbook Qwen");
    await untilMatches("result title", () => resultTitle(p), /Workbook Qwen/);
  });
  await hygiene("reopened workbook", again);
  await again.context.close();
}

// ------------------------------------------------------------------ scenario 4

/**
 * The crafted workbook settings of issue 11, each stored beside a good model and GPU.
 * Before, each left the pane at "Loading…" (and the ReDoS pattern froze the runtime).
 */
function hostileEntries() {
  const ctor = catalogConfig("qwen-hybrid.json", "qwen3.5-9b");
  ctor.text_config.model_type = "constructor";
  const kda = catalogConfig("moonshot.json", "kimi-linear-48b-a3b-instruct");
  kda.linear_attn_config.kda_layers = "1,2";
  const pattern = catalogConfig("nvidia.json", "nemotron-h-8b");
  pattern.hybrid_override_pattern = "M-".repeat(75_000);
  const redos = catalogConfig("moonshot.json", "kimi-k2.5");
  for (const q of [redos.quantization_config, redos.text_config.quantization_config]) q.ignore.push("re:(.|.)*Z", "re:" + ".*".repeat(20) + "Z");
  return [
    ["text_config.model_type 'constructor'", { config: ctor, name: "Hostile ctor" }, /Unsupported text_config\.model_type 'constructor'/],
    ["Kimi-Linear kda_layers \"1,2\"", { config: kda, name: "Hostile KDA" }, /kda_layers .*must be a list/],
    ["a 150,000-character hybrid_override_pattern", { config: pattern, name: "Hostile pattern" }, /hybrid_override_pattern .*at most 1,000 characters/],
    // Its patterns match in linear time now, so this one imports; it is refused for another reason: a lookahead.
    ["ReDoS ignore patterns", { config: { ...redos, quantization_config: { ...redos.quantization_config, ignore: [...redos.quantization_config.ignore, "re:(?=a)b"] } }, name: "Hostile ReDoS" }, /lookaround/],
  ];
}

async function hostileSettings(browser, base) {
  console.log("4. Hostile stored settings (inside Excel)");
  const good = { config: qwenConfig(), name: "Good Qwen" };
  const goodGpu = { name: "Good Card", memoryGiB: 48, bandwidthGBs: 900 };
  for (const [what, entry, reason] of hostileEntries()) {
    const stored = JSON.stringify({ version: 1, models: [good, entry], gpus: [goodGpu] });
    const s = await openPane(browser, base, "stub", { "fitmygpu.custom": stored });
    const { page } = s;
    await check(`${what}: the pane opens with a verdict, and FIT functions know the good entries`, async () => {
      equal(await text(page, "#host-badge"), "In Excel", "host badge");
      matches(await verdict(page), /^(Fits|Tight|Fits with offload|OOM)$/, "verdict");
      const status = await until("FIT.STATUS of the good model on the good GPU", () => page.evaluate(() => window.__fit.STATUS([["Good Qwen"]], [["Good Card"]], [["q4_k_m"]], null, null, [["llama.cpp"]], null, null)[0][0]), (v) => typeof v === "string");
      matches(status, /^(Fits|Tight|OOM)$/, "FIT.STATUS");
      // A single FIT call fails by throwing its Excel error.
      const bad = await page.evaluate((name) => {
        try {
          return window.__fit.VRAM([[name]], [["bf16"]], null, null, null, null, null)[0][0];
        } catch (e) {
          return e.code;
        }
      }, entry.name);
      equal(bad, "#N/A", "FIT.VRAM of the bad entry (not registered)");
    });
    await check(`${what}: the Add tab lists it as not loaded, with its reason and a Remove button`, async () => {
      await showTab(page, "tab-custom");
      const list = await untilMatches("custom list", () => text(page, "[data-testid=custom-list]"), /Good Qwen/);
      matches(list, /GPU: Good Card/, "the good GPU is listed");
      const item = page.locator("[data-testid=custom-unloaded]");
      equal(await item.count(), 1, "not-loaded entries");
      matches(await item.innerText(), new RegExp(`Model '${entry.name}' — not loaded: `), "not-loaded label");
      matches(await item.innerText(), reason, "not-loaded reason");
      assert(await item.locator(`fluent-button[aria-label="Remove Model '${entry.name}'"]`).isVisible(), "a Remove button for the bad entry");
    });
    await check(`${what}: saving a new GPU keeps the bad entry verbatim; Remove then drops it alone`, async () => {
      await fill(page, "gpu-name", "Added Card");
      await fill(page, "gpu-mem", "24");
      await fill(page, "gpu-bw", "1000");
      await byTestId(page, "gpu-save").click();
      await untilMatches("status after adding a GPU", () => text(page, "[data-testid=custom-status]"), /Added GPU Added Card.*Saved in this workbook/);
      const after = JSON.parse(await page.evaluate(() => window.__fakeSettings.store["fitmygpu.custom"]));
      const before = JSON.parse(stored);
      equal(JSON.stringify(after.models), JSON.stringify(before.models), "stored models after the save (good and bad, verbatim)");
      equal(JSON.stringify(after.gpus.map((g) => g.name)), JSON.stringify(["Good Card", "Added Card"]), "stored GPUs after the save");
      await page.locator(`fluent-button[aria-label="Remove Model '${entry.name}'"]`).click();
      await untilMatches("status after removing", () => text(page, "[data-testid=custom-status]"), /Removed Model/);
      const removed = JSON.parse(await page.evaluate(() => window.__fakeSettings.store["fitmygpu.custom"]));
      equal(JSON.stringify(removed.models.map((m) => m.name)), JSON.stringify(["Good Qwen"]), "stored models after Remove");
      equal(await page.locator("[data-testid=custom-unloaded]").count(), 0, "not-loaded entries after Remove");
    });
    await hygiene(`hostile setting (${what})`, s);
    await s.context.close();
  }

  const unreadable = await openPane(browser, base, "stub", { "fitmygpu.custom": '{"version":2,"models":[]}' });
  await check("a setting from a newer version: the pane opens, lists it, and will not overwrite it", async () => {
    const { page } = unreadable;
    await showTab(page, "tab-custom");
    matches(await page.locator("[data-testid=custom-unloaded]").innerText(), /All custom entries stored in this workbook — not loaded: they have version 2/, "not-loaded item");
    await fill(page, "gpu-name", "Added Card");
    await fill(page, "gpu-mem", "24");
    await fill(page, "gpu-bw", "1000");
    await byTestId(page, "gpu-save").click();
    await untilMatches("status after a refused save", () => text(page, "[data-testid=custom-status]"), /could not be read .*saving would overwrite them/);
    equal(await page.evaluate(() => window.__fakeSettings.store["fitmygpu.custom"]), '{"version":2,"models":[]}', "the stored setting is untouched");
  });
  await hygiene("unreadable setting", unreadable);
  await unreadable.context.close();
}

/**
 * Runs in the page: the grid sheet the fake recorded, with each =FIT.STATUS /
 * =FIT.HEADROOM cell evaluated by the FIT functions the page registered.
 */
function computeGrid({ sheetName }) {
  const fx = window.__fakeExcel;
  const sheet = fx.snapshot().sheets.find((x) => x.name === sheetName);
  const valueAt = (ref) => {
    const c = sheet.cells[ref.replace(/\$/g, "")];
    const v = c ? c.value : null;
    // A leading ' marks text in Excel and is not part of the value.
    return typeof v === "string" && v.startsWith("'") ? v.slice(1) : v ?? null;
  };
  const evalCell = (addr) => {
    const c = sheet.cells[addr];
    if (!c || !c.formula) return c ? c.value : null;
    const m = /^=FIT\.([A-Z]+)\((.*)\)$/.exec(c.formula);
    if (!m) return c.formula;
    const out = window.__fit[m[1]](...m[2].split(",").map((ref) => [[valueAt(ref)]]))[0][0];
    return out && typeof out === "object" ? out.code : out;
  };
  const headerRow = 7; // 0-based: row 8 holds the GPU names, models start in row 9
  const at = (r, c) => fx.cellAddress(r, c);
  const gpus = [];
  for (let col = 1; sheet.cells[at(headerRow, col)] && /^=FIT\.STATUS\(/.test((sheet.cells[at(headerRow + 1, col)] || {}).formula || ""); col++) gpus.push(valueAt(at(headerRow, col)));
  // The headroom grid sits one blank column to the right, titled in the row above.
  const headroomCol = gpus.length + 2;
  const headroomTitle = valueAt(at(headerRow - 1, headroomCol));
  const rows = [];
  for (let r = headerRow + 1; sheet.cells[at(r, 0)]; r++) {
    rows.push({ model: valueAt(at(r, 0)), cells: gpus.map((gpu, j) => ({ gpu, status: evalCell(at(r, 1 + j)), headroom: evalCell(at(r, headroomCol + j)) })) });
  }
  const inputs = [];
  for (let r = 1; r <= 6; r++) inputs.push([valueAt(at(r, 0)), valueAt(at(r, 1))]);
  const colors = {};
  for (const cf of sheet.conditionalFormats) if (cf.rule && cf.rule.text) colors[cf.rule.text] = { fill: cf.fill, font: cf.fontColor };
  return { title: valueAt("A1"), inputs, gpus, rows, colors, headroomTitle };
}

/** The grid cut to `n` GPU columns: the first (the calculator's GPU) and the rest spread evenly, so the picture shows the range. */
function sampleColumns(grid, n) {
  if (grid.gpus.length <= n) return grid;
  const pick = [0];
  for (let i = 1; i < n; i++) pick.push(Math.round(1 + ((grid.gpus.length - 2) * (i - 1)) / (n - 2)));
  return { ...grid, total: grid.gpus.length, gpus: pick.map((j) => grid.gpus[j]), rows: grid.rows.map((r) => ({ ...r, cells: pick.map((j) => r.cells[j]) })) };
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

/** A spreadsheet-like rendering of the computed grid, coloured by the recorded conditional formats. */
function gridHtml(grid) {
  const cell = (c) => {
    const col = grid.colors[c.status] || { fill: "#fff", font: "#000" };
    const hr = typeof c.headroom === "number" ? `<small>${c.headroom >= 0 ? "+" : ""}${c.headroom.toFixed(1)} GiB</small>` : "";
    return `<td style="background:${col.fill};color:${col.font}"><b>${escapeHtml(c.status)}</b>${hr}</td>`;
  };
  return `<!doctype html><html><head><meta charset="utf-8"><style>
    body { font: 12px "Segoe UI", Roboto, Arial, sans-serif; margin: 12px; color: #222; background: #fff; }
    h1 { font-size: 14px; margin: 0 0 8px; }
    table { border-collapse: collapse; }
    td, th { border: 1px solid #d4d4d4; padding: 4px 6px; }
    .inputs td:first-child { font-weight: 600; } .inputs td:nth-child(2) { background: #fce4d6; text-align: right; }
    .grid th { background: #d9e1f2; font-weight: 600; width: 72px; white-space: normal; vertical-align: bottom; }
    .grid th:first-child { width: auto; text-align: left; }
    .grid td { text-align: center; min-width: 72px; } .grid td small { display: block; font-size: 10px; opacity: .85; }
    .grid tbody th { background: #fff; white-space: nowrap; }
    p { color: #595959; margin: 8px 0; font-style: italic; }
  </style></head><body>
  <h1>${escapeHtml(grid.title)}</h1>
  <table class="inputs">${grid.inputs.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(typeof v === "number" ? v.toLocaleString("en-US") : v)}</td></tr>`).join("")}</table>
  <p>Each cell is =FIT.STATUS(model, GPU, inputs…) — headroom from =FIT.HEADROOM below it. ${grid.total ? `${grid.gpus.length} of its ${grid.total} GPU columns shown.` : ""}</p>
  <table class="grid"><thead><tr><th>Model \\ GPU</th>${grid.gpus.map((g) => `<th>${escapeHtml(g)}</th>`).join("")}</tr></thead>
  <tbody>${grid.rows.map((r) => `<tr><th>${escapeHtml(r.model)}</th>${r.cells.map(cell).join("")}</tr>`).join("")}</tbody></table>
  </body></html>`;
}

// ------------------------------------------------------------------ scenario 4

async function addFromHub(browser, base, fixtures) {
  console.log("4. Add from Hugging Face and from a GGUF file (fake Excel; https://huggingface.co proxied to the mock Hub)");
  const s = await openPane(browser, base, "stub", undefined, fixtures.hub.url);
  const { page, log } = s;
  const hubStatus = () => text(page, "[data-testid=hub-status]");
  const lookUp = async (repo) => {
    await fill(page, "hub-repo", repo);
    await page.click("[data-testid=hub-lookup]");
  };
  const stored = () => page.evaluate(() => String(window.__fakeSettings.store["fitmygpu.custom"] ?? ""));
  const weightsGiB = (name) => page.evaluate((n) => window.__fit.WEIGHTS([[n]], [["native"]], [["llama.cpp"]])[0][0], name);

  await check("nothing is asked of the Hub until the user asks", async () => {
    await showTab(page, "tab-custom");
    equal(log.hub.length, 0, "Hub requests after opening the pane and the Add tab");
    equal(await valueOf(page, "hub-endpoint"), HUB, "endpoint setting (the build's default)");
    equal(await page.getAttribute("[data-testid=hub-token]", "type"), "password", "token field type");
  });

  await check("Look up Qwen/Qwen2.5-VL-72B-Instruct: file list, then config.json; the preview says 73.41B; Save stores it in the workbook", async () => {
    await lookUp("Qwen/Qwen2.5-VL-72B-Instruct");
    await untilMatches("hub status", hubStatus, /Read config\.json of Qwen\/Qwen2\.5-VL-72B-Instruct/);
    equal(JSON.stringify(log.hub.map((r) => r.path)), JSON.stringify(["/api/models/Qwen/Qwen2.5-VL-72B-Instruct?blobs=true", "/Qwen/Qwen2.5-VL-72B-Instruct/resolve/main/config.json"]), "Hub requests");
    const preview = await text(page, "[data-testid=hub-preview]");
    matches(preview, /Derived: 73\.41B parameters/, "preview");
    equal(await valueOf(page, "hub-name"), "Qwen2.5-VL-72B-Instruct", "name field");
    await page.click("[data-testid=hub-save]");
    await untilMatches("status after saving", () => text(page, "[data-testid=custom-status]"), /Added Qwen2\.5-VL-72B-Instruct.*Saved in this workbook/);
    matches(await stored(), /"hfId":"Qwen\/Qwen2\.5-VL-72B-Instruct"/, "fitmygpu.custom holds the config as custom models are stored");
    equal(await page.locator("[data-testid=hub-save]").isVisible(), false, "the card is cleared after saving");
  });

  await check("a gated repo: the gated message and the token field; with the token it saves, and the token is stored nowhere", async () => {
    await lookUp("meta/gated-tiny");
    await untilMatches("gated message", hubStatus, /^gated repo: accept its licence on the Hub and give a token/);
    equal(await page.getAttribute("[data-testid=hub-status]", "role"), "alert", "role of the error");
    assert(await page.locator("[data-testid=hub-settings]").evaluate((d) => d.open), "the Hub settings open for the token");
    await fill(page, "hub-token", "hf_browser_secret");
    await page.click("[data-testid=hub-lookup]");
    await untilMatches("hub status with the token", hubStatus, /Read config\.json of meta\/gated-tiny/);
    equal(log.hub.at(-1).authorization, "Bearer hf_browser_secret", "Authorization on the config request");
    await page.click("[data-testid=hub-save]");
    await untilMatches("status after saving", () => text(page, "[data-testid=custom-status]"), /Added gated-tiny/);
    const everything = await page.evaluate(() => JSON.stringify({ settings: window.__fakeSettings.store, local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie }));
    assert(!everything.includes("hf_browser_secret"), "the token is in no setting or browser storage");
    await fill(page, "hub-token", "");
  });

  await check("malformed JSON and an endpoint outside the security policy: a message, nothing saved", async () => {
    const before = await stored();
    await lookUp("owner/malformed");
    await untilMatches("malformed message", hubStatus, /config\.json of owner\/malformed is not valid JSON/);
    equal(await page.locator("[data-testid=hub-save]").isVisible(), false, "no save button after a bad answer");
    equal(await stored(), before, "workbook setting unchanged");
    await fill(page, "hub-endpoint", "https://hub.evil.example");
    const n = log.hub.length;
    await lookUp("tiny/qwen3-GGUF");
    await untilMatches("policy message", hubStatus, /may connect only to https:\/\/huggingface\.co .* build the add-in with HF_ENDPOINT=https:\/\/hub\.evil\.example/);
    equal(log.hub.length, n, "no request was made");
    await fill(page, "hub-endpoint", HUB);
    await lookUp("Qwen/Qwen3-8B");
    await untilMatches("catalog message", hubStatus, /Qwen\/Qwen3-8B is in the catalog as Qwen3-8B/);
    equal(log.hub.length, n, "no request for a catalog repo");
  });

  await check("the model picker offers a lookup for an unknown owner/name; its GGUF is read by byte ranges and saved", async () => {
    await showTab(page, "tab-calc");
    const input = combo(page, "Model");
    await input.focus();
    await page.keyboard.type("Qwen/Qwen3-8B");
    const listId = await input.getAttribute("aria-controls");
    const known = await until("options for a catalog repo", () => page.locator(`#${listId} [role=option]`).allInnerTexts(), (o) => o.length > 0);
    assert(!known.some((o) => /Look up/.test(o)), `no lookup is offered for a catalog repo, saw ${show(known)}`);
    await input.fill("");
    await page.keyboard.type("tiny/qwen3-GGUF");
    await page.locator(`#${listId} [role=option]`, { hasText: "Look up tiny/qwen3-GGUF on Hugging Face" }).click();
    await until("the Add tab", () => page.getAttribute("#tab-custom", "aria-selected"), (v) => v === "true");
    await untilMatches("no config, GGUFs listed", hubStatus, /no config\.json in this repo \(tiny\/qwen3-GGUF\)\. Read one of its GGUF files below/);
    matches(await text(page, "[data-testid=hub-files]"), /MoE\/tiny-moe-00001-of-00002\.gguf \(2 parts\)[\s\S]*tiny-qwen3-Q4_K_M\.gguf/, "GGUF list");
    const before = log.hub.length;
    await page.locator('fluent-button[aria-label="Read the header of tiny-qwen3-Q4_K_M.gguf"]').click();
    await untilMatches("header read", hubStatus, /Read the header of tiny-qwen3-Q4_K_M\.gguf/);
    const reads = log.hub.slice(before);
    assert(reads.length >= 1 && reads.every((r) => /^bytes=\d+-\d+$/.test(r.range || "")), `only range requests for the GGUF, saw ${show(reads)}`);
    matches(await text(page, "[data-testid=hub-preview]"), /GGUF: \d+ tensors, .* exactly \(Q4_K \d+%/, "GGUF preview");
    await page.click("[data-testid=hub-save]");
    await untilMatches("status after saving the GGUF", () => text(page, "[data-testid=custom-status]"), /Added tiny-qwen3-Q4_K_M/);
    const gib = await weightsGiB("tiny-qwen3-Q4_K_M");
    equal(Math.round(gib * 2 ** 30), fixtures.expected.qwen3Bytes - fixtures.expected.qwen3EmbdBytes, "FIT.WEIGHTS of the saved GGUF (bytes): the file's tensors less the input embeddings llama.cpp keeps on the host");
    await showTab(page, "tab-calc");
    await pickByKeyboard(page, combo(page, "Model"), "tiny-qwen3-Q4_K_M");
    await untilMatches("result title", () => resultTitle(page), /tiny-qwen3-Q4_K_M on /);
    equal(await valueOf(page, "engine"), "llama.cpp", "engine switched to llama.cpp for a GGUF");
    equal(await valueOf(page, "quant"), "native", "weights switched to the file's own (native)");
    matches(await verdict(page), /^(Fits|Tight|Fits with offload|OOM)$/, "verdict");
  });

  await check("Add from a GGUF file: a picked .gguf is read (header only) and saved", async () => {
    await showTab(page, "tab-custom");
    await page.locator("[data-testid=gguf-file]").setInputFiles({ name: "tiny-gemma3-Q4_K_M.gguf", mimeType: "application/octet-stream", buffer: Buffer.from(fixtures.gemmaFile) });
    await untilMatches("gguf status", () => text(page, "[data-testid=gguf-status]"), /Read the header of tiny-gemma3-Q4_K_M\.gguf/);
    matches(await text(page, "[data-testid=gguf-preview]"), /GGUF: \d+ tensors/, "GGUF file preview");
    await page.click("[data-testid=gguf-save]");
    await untilMatches("status after saving the file", () => text(page, "[data-testid=custom-status]"), /Added tiny-gemma3-Q4_K_M/);
    // Tied embeddings: llama.cpp copies them to the GPU as the output head, so the GPU holds every tensor of the file.
    equal(Math.round((await weightsGiB("tiny-gemma3-Q4_K_M")) * 2 ** 30), fixtures.expected.gemmaBytes, "FIT.WEIGHTS of the picked GGUF (bytes)");
  });

  await check("axe-core finds no accessibility violations with the Hub results shown", async () => {
    const v = await accessibilityViolations(page);
    assert(v.length === 0, `accessibility violations: ${show(v)}`);
  });

  await hygiene("hub", s);
  await s.context.close();
}

// ------------------------------------------------------------------ main

async function main() {
  const t0 = Date.now();
  if (!fs.existsSync(path.join(DIST, "taskpane.html")) || !fs.existsSync(path.join(DIST, "taskpane.js"))) {
    fatal("dist/taskpane.html or dist/taskpane.js is missing: run `npm run build` first.");
  }
  if (!fs.existsSync(path.join(OFFICE_DIST, "office.js"))) fatal("node_modules/@microsoft/office-js/dist/office.js is missing: run `npm install` (the standalone scenario serves it in place of the CDN).");
  if (!fs.existsSync(CHROMIUM)) fatal(`Chromium not found at ${CHROMIUM}. Install it (apt-get install -y chromium) or set CHROMIUM_PATH.`);
  let chromium;
  try {
    ({ chromium } = require("playwright-core"));
  } catch {
    fatal("playwright-core is not installed: run `npm install`.");
  }

  try {
    stubScript = await bundleStub();
  } catch (e) {
    fatal(`Could not bundle test/browser/officeStub.ts: ${e.message}`);
  }
  const server = await serveDist();
  const base = `http://127.0.0.1:${server.address().port}`;
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
  } catch (e) {
    server.close();
    fatal(`Could not launch Chromium at ${CHROMIUM}: ${e.message.split("\n")[0]}\nInstall it (apt-get install -y chromium) or set CHROMIUM_PATH.`);
  }
  console.log(`Serving dist/ at ${base}; Chromium ${browser.version()}`);
  let fixtures;
  try {
    fixtures = await loadHubFixtures().then((m) => m.startBrowserHub(ROOT));
    for (const scenario of [standaloneCalculator, customModelAndGpu, insideExcel, addFromHub, hostileSettings]) {
      try {
        await scenario(browser, base, fixtures);
      } catch (e) {
        failed++;
        failures.push(`${scenario.name}: ${e.message}`);
        console.log(`  FAIL ${scenario.name} aborted: ${e.message}`);
      }
    }
  } finally {
    await browser.close();
    server.close();
    if (fixtures) await fixtures.hub.close();
  }
  if (timings.length) console.log(`\nTime from navigation to the first verdict:\n${timings.map((t) => `  ${t}`).join("\n")}`);
  console.log(`\n${passed} passed, ${failed} failed (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  if (failed) {
    console.log("\nFailures:\n" + failures.map((f) => `- ${f}`).join("\n"));
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(e);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
