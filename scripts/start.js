// npm start: builds the add-in in memory and serves it on https://localhost:3000
// (task pane, functions.js, functions.json, manifest.xml). It uses the
// office-addin-dev-certs certificate when that is trusted; otherwise it makes
// one without admin rights, serves with it, and says how to trust it.
//   node scripts/start.js           serve until Ctrl+C
//   node scripts/start.js --smoke   serve, fetch every add-in file once, stop (CI)
const fs = require("fs");
const https = require("https");
const path = require("path");
const webpack = require("webpack");
const WebpackDevServer = require("webpack-dev-server");
const devCerts = require("office-addin-dev-certs");
const defaults = require("office-addin-dev-certs/lib/defaults");
const makeConfig = require("../webpack.config.js");

const ROOT = path.resolve(__dirname, "..");
const PORT = Number(process.env.PORT || 3000);
const smoke = process.argv.includes("--smoke");

/** The dev certificate, and whether the system trusts its CA. Never calls sudo. */
async function certificate() {
  const files = [defaults.caCertificatePath, defaults.localhostCertificatePath, defaults.localhostKeyPath];
  let trusted = false;
  try {
    trusted = devCerts.verifyCertificates();
  } catch {
    trusted = false;
  }
  if (!trusted && !files.every((f) => fs.existsSync(f))) {
    // Generating works offline and needs no admin rights; only trusting does.
    await devCerts.generateCertificates(...files, defaults.daysUntilCertificateExpires, defaults.domain);
  }
  const [ca, cert, key] = files.map((f) => fs.readFileSync(f));
  return { trusted, options: { ca, cert, key } };
}

function get(url) {
  return new Promise((resolve, reject) => {
    https.get(url, { rejectUnauthorized: false }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode, body }));
    }).on("error", reject);
  });
}

async function main() {
  const { trusted, options } = await certificate();
  const config = makeConfig({ WEBPACK_SERVE: true }, { mode: "development" });
  config.stats = "errors-warnings";
  config.infrastructureLogging = { level: "warn" };
  const compiler = webpack(config);
  const server = new WebpackDevServer({ ...config.devServer, port: PORT, host: "localhost", server: { type: "https", options }, open: false }, compiler);
  try {
    await server.start();
  } catch (e) {
    console.error(e.code === "EADDRINUSE" ? `Port ${PORT} is in use. Stop the other server, or run PORT=3001 npm start (then sideload a manifest pointing at that port).` : e.message);
    process.exit(1);
  }
  const base = `https://localhost:${PORT}/`;
  await new Promise((resolve) => compiler.hooks.done.tap("start", resolve));
  console.log("");
  console.log("FitMyGPU for Excel is being served:");
  console.log(`  manifest to sideload:    ${path.join(ROOT, "manifest.xml")}`);
  console.log(`  standalone calculator:   ${base}taskpane.html`);
  console.log(`  custom functions:        ${base}functions.json`);
  if (!trusted) {
    console.log("");
    console.log("The development certificate is not trusted by this machine yet, so Excel will not load the add-in and");
    console.log("browsers show a warning. To trust it (asks for admin rights once):  npx office-addin-dev-certs install");
    console.log(`The calculator still works in a browser: open ${base}taskpane.html and accept the warning.`);
  }
  console.log("");
  console.log("Sideload: see README › Sideloading (Excel on the web: Home › Add-ins › More settings › Upload My Add-in).");
  if (!smoke) {
    console.log("Press Ctrl+C to stop.");
    return;
  }
  let failed = false;
  for (const file of ["taskpane.html", "taskpane.js", "functions.js", "functions.json", "catalog.json", "manifest.xml", "taskpane.css", "assets/icon-32.png"]) {
    const r = await get(base + file);
    const ok = r.status === 200 && r.body.length > 0;
    console.log(`  ${ok ? "ok  " : "FAIL"} ${base}${file} (${r.status})`);
    failed ||= !ok;
  }
  await server.stop();
  if (failed) {
    console.error("npm start smoke check failed");
    process.exit(1);
  }
  console.log("npm start smoke check passed");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
