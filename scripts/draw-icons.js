// Renders assets/icon.svg to the PNG sizes Office asks for (16, 32, 64, 80, 128)
// with the system Chromium. Run by hand after changing the artwork:
//   node scripts/draw-icons.js
const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");

(async () => {
  const svg = fs.readFileSync(path.join(__dirname, "../assets/icon.svg"), "utf8");
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  const page = await browser.newPage();
  for (const size of [16, 32, 64, 80, 128]) {
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace("<svg ", `<svg width="${size}" height="${size}" `)}</body></html>`);
    await page.screenshot({ path: path.join(__dirname, `../assets/icon-${size}.png`), omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
  }
  await browser.close();
  console.log("wrote assets/icon-{16,32,64,80,128}.png");
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
