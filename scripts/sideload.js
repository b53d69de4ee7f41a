// npm run sideload: registers manifest.xml with desktop Excel where Microsoft's
// office-addin-debugging supports it (Windows, macOS). That package pulls a
// native module (keytar) and is left out of the default install, so it is used
// only when present. Elsewhere this prints how to sideload by hand.
const { spawnSync } = require("child_process");
const path = require("path");

const manifest = path.resolve(__dirname, "../manifest.xml");
const byHand = [
  "Sideload by hand while `npm start` is running:",
  "  Excel on the web: open a workbook › Home › Add-ins › More Settings › Upload My Add-in › choose",
  `    ${manifest}`,
  "  Windows: share the folder holding manifest.xml, add its \\\\server\\share path under File › Options ›",
  "    Trust Center › Trusted Add-in Catalogs (Show in Menu), restart Excel, then Home › Add-ins › Shared Folder.",
  "  Mac: copy manifest.xml to ~/Library/Containers/com.microsoft.Excel/Data/Documents/wef/ and restart Excel.",
];

if (process.platform !== "win32" && process.platform !== "darwin") {
  console.log(`Desktop Excel does not run on ${process.platform}, so there is nothing to sideload into here.`);
  console.log(byHand.join("\n"));
  process.exit(0);
}

let debugging;
try {
  debugging = require.resolve("office-addin-debugging/lib/cli.js");
} catch {
  console.log("office-addin-debugging is not installed (it needs a native module, so it is not in the default install).");
  console.log("Install it once with:  npm install --no-save office-addin-debugging@7.0.0");
  console.log("or " + byHand.join("\n"));
  process.exit(1);
}
const r = spawnSync(process.execPath, [debugging, "start", manifest, "desktop", "--app", "excel", "--no-debug"], { stdio: "inherit" });
process.exit(r.status ?? 1);
