// catalog.json, built from catalog/ when webpack builds: the files go through
// the core's zod schemas and catalog assembly (src/core/catalogBuild.ts, run
// here with the project's own TypeScript), so a bad record fails the build and
// the runtimes only parse the result.
//   - The add-in build emits dist/catalog.json and defines __CATALOG_URL__, the
//     URL the runtime fetches: catalog.json?v=<content hash>, so browsers may
//     cache it for as long as a host allows and never mix it with another build.
//   - The Node build defines __CATALOG_JSON__, the same text, bundled into
//     dist/cli.js and the scripts, which read it synchronously.
"use strict";

const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const CATALOG = path.join(ROOT, "catalog");
const NAME = "CatalogAssetPlugin";

/** require() of a TypeScript module of this repository, transpiled by the pinned typescript (types are tsc's job). */
function requireTs(file) {
  const ts = require("typescript");
  const previous = require.extensions[".ts"];
  require.extensions[".ts"] = (module, filename) => {
    if (!filename.startsWith(path.join(ROOT, "src") + path.sep)) throw new Error(`${filename}: only src/ is loaded at build time`);
    const { outputText } = ts.transpileModule(fs.readFileSync(filename, "utf8"), {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true, resolveJsonModule: true },
    });
    module._compile(outputText, filename);
  };
  try {
    return require(file);
  } finally {
    if (previous) require.extensions[".ts"] = previous;
    else delete require.extensions[".ts"];
  }
}

let memo;

/** The validated catalog.json text, its hash, and the files it was built from; rebuilt only when a file changes. */
function buildCatalogAsset() {
  const folder = { list: (d) => fs.readdirSync(path.join(CATALOG, d)), read: (f) => fs.readFileSync(path.join(CATALOG, f), "utf8") };
  const { buildCatalogData, catalogFiles } = requireTs(path.join(ROOT, "src/core/catalogBuild.ts"));
  const files = catalogFiles(folder).map((f) => path.join(CATALOG, f));
  const signature = files.map((f) => `${f}:${fs.statSync(f).mtimeMs}:${fs.statSync(f).size}`).join("|");
  if (memo && memo.signature === signature) return memo.asset;
  const text = JSON.stringify(buildCatalogData(folder));
  const hash = crypto.createHash("sha256").update(text).digest("hex").slice(0, 16);
  const asset = { text, hash, url: `catalog.json?v=${hash}`, files };
  memo = { signature, asset };
  return asset;
}

/**
 * Builds catalog.json in every compilation (a failure is a compilation error naming the file).
 * `emit`: write it beside the add-in and define __CATALOG_URL__; otherwise define __CATALOG_JSON__ (Node).
 */
class CatalogAssetPlugin {
  constructor({ emit }) {
    this.emit = emit;
    this.asset = undefined;
  }

  /** The URL the runtime fetches, for the page's preload hint. */
  get url() {
    return this.asset ? this.asset.url : "catalog.json";
  }

  apply(compiler) {
    const { webpack } = compiler;
    const value = () => JSON.stringify(this.emit ? this.url : this.asset ? this.asset.text : "{}");
    new webpack.DefinePlugin({ [this.emit ? "__CATALOG_URL__" : "__CATALOG_JSON__"]: webpack.DefinePlugin.runtimeValue(value, true) }).apply(compiler);
    compiler.hooks.thisCompilation.tap(NAME, (compilation) => {
      try {
        this.asset = buildCatalogAsset();
      } catch (e) {
        this.asset = undefined;
        compilation.errors.push(new webpack.WebpackError(`catalog.json: ${e.message}`));
      }
      compilation.hooks.processAssets.tap({ name: NAME, stage: webpack.Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL }, () => {
        // Rebuild when a catalog file changes or one is added (npm start).
        compilation.contextDependencies.add(CATALOG);
        compilation.contextDependencies.add(path.join(CATALOG, "models"));
        if (this.asset) for (const f of this.asset.files) compilation.fileDependencies.add(f);
        if (this.emit && this.asset) compilation.emitAsset("catalog.json", new webpack.sources.RawSource(this.asset.text));
      });
    });
  }
}

module.exports = { CatalogAssetPlugin, buildCatalogAsset };
