// Two builds: the add-in for the browser (task pane + custom functions in one
// shared runtime, functions.json from JSDoc, the manifest with its URLs) and the
// Node entry points (CLI, accuracy report, benchmark).
const path = require("path");
const webpack = require("webpack");
const HtmlWebpackPlugin = require("html-webpack-plugin");
const CopyWebpackPlugin = require("copy-webpack-plugin");
const CustomFunctionsMetadataPlugin = require("custom-functions-metadata-plugin");
const { addinBaseUrl, DEV_BASE_URL, rewriteManifest } = require("./scripts/addinUrls");
const { connectSrc, hubEndpoints } = require("./scripts/hubPolicy");
const { CatalogAssetPlugin } = require("./scripts/catalogAsset");
const { fluentThemeCss } = require("./scripts/fluentTheme");

const dist = path.resolve(__dirname, "dist");

function addin(env, argv) {
  const serving = Boolean(env.WEBPACK_SERVE);
  const base = addinBaseUrl({ serving, release: Boolean(env.release) });
  // catalog.json beside the pages, validated here; the runtime fetches it once.
  const catalogAsset = new CatalogAssetPlugin({ emit: true });
  return {
    name: "addin",
    target: "web",
    mode: argv.mode || "production",
    // A release holds exactly what a host serves: no source maps.
    devtool: env.release ? false : "source-map",
    entry: {
      // One registration path (the yo office shared-runtime layout): the page, Excel's shared runtime,
      // loads functions.js, which registers the FIT functions and fetches the catalog, then taskpane.js,
      // which starts the pane on the same modules (dependOn: nothing is bundled twice). functions.js alone
      // is what the manifest's <Script> names.
      functions: "./src/functions/functions.ts",
      taskpane: { import: "./src/taskpane/taskpane.ts", dependOn: "functions" },
    },
    // A release starts from an empty folder, so nothing stale (or the CLI bundles) is deployed.
    // Chunks load relative to the page (taskpane.html sits beside them), so no script has to find its own URL at start.
    output: { path: dist, filename: "[name].js", chunkFilename: "[name].js", clean: Boolean(env.release), publicPath: "" },
    resolve: { extensions: [".ts", ".js", ".json"] },
    // ES modules reach webpack (tsconfig's CommonJS is for jest and tsc): it then resolves zod's ESM build
    // and drops what nothing imports, instead of bundling every CommonJS module (and zod's 40 locales) whole.
    module: { rules: [{ test: /\.ts$/, loader: "ts-loader", options: { transpileOnly: true, compilerOptions: { module: "es2020" } }, exclude: /node_modules/ }] },
    plugins: [
      catalogAsset,
      new CustomFunctionsMetadataPlugin({ output: "functions.json", input: "./src/functions/functions.ts" }),
      // The Hub endpoints the pane may ask (HF_ENDPOINT at build time): the same list in the bundle and in the CSP.
      new webpack.DefinePlugin({ __HUB_ENDPOINTS__: JSON.stringify(hubEndpoints()) }),
      new HtmlWebpackPlugin({
        filename: "taskpane.html",
        template: "./src/taskpane/taskpane.html",
        // Evaluated per compilation: the preload hint names this build's catalog.json.
        templateParameters: () => ({ connectSrc: connectSrc(), catalogUrl: catalogAsset.url }),
        chunks: ["functions", "taskpane"],
        chunksSortMode: "manual",
        scriptLoading: "defer",
        inject: "body",
        minify: false,
      }),
      new CopyWebpackPlugin({
        patterns: [
          { from: "assets/*.png", to: "assets/[name][ext]" },
          // Fluent's theme tokens first (scripts/fluentTheme.js), then the pane's own rules.
          { from: "src/taskpane/taskpane.css", to: "taskpane.css", transform: (content) => fluentThemeCss() + content.toString() },
          { from: "src/taskpane/support.html", to: "support.html" },
          { from: "manifest.xml", to: "manifest.xml", transform: (content) => rewriteManifest(content.toString(), base) },
        ],
      }),
    ],
    // The pane's on-demand code (taskpane.ts: the Add tab with its importers, the workbook writers) comes
    // in one named chunk per feature, its libraries (zod) inside it rather than split out on their own.
    optimization: { splitChunks: { cacheGroups: { defaultVendors: false } } },
    performance: { hints: false },
    devServer: {
      static: { directory: dist },
      port: Number(process.env.PORT || 3000),
      headers: { "Access-Control-Allow-Origin": "*" },
      hot: false,
      liveReload: false,
      client: false,
    },
  };
}

function node() {
  return {
    name: "node",
    target: "node20",
    mode: "production",
    entry: {
      cli: "./src/cli/index.ts",
      accuracy: "./scripts/accuracy.ts",
      bench: "./scripts/bench.ts",
      docs: "./scripts/docs.ts",
      fitSpeed: "./scripts/fitSpeed.ts",
    },
    output: { path: dist, filename: "[name].js", clean: false },
    resolve: { extensions: [".ts", ".js", ".json"] },
    module: { rules: [{ test: /\.ts$/, loader: "ts-loader", options: { transpileOnly: true }, exclude: /node_modules/ }] },
    optimization: { minimize: false },
    // catalog.json, validated here, bundled into each entry (src/cli/bundledCatalog.ts).
    plugins: [new CatalogAssetPlugin({ emit: false }), new webpack.BannerPlugin({ banner: "#!/usr/bin/env node", raw: true, entryOnly: true, include: /cli\.js$/ })],
    performance: { hints: false },
  };
}

// A release builds the add-in alone; a plain build adds the Node entry points beside it.
module.exports = (env = {}, argv = {}) => (env.WEBPACK_SERVE || env.release ? addin(env, argv) : [addin(env, argv), node()]);
module.exports.DEV_BASE_URL = DEV_BASE_URL;
