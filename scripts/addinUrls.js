// Where the add-in is served from. manifest.xml is written for the dev server
// (https://localhost:3000/); a build for hosting replaces every such URL with
// ADDIN_BASE_URL, and a release build refuses to run without it.
const DEV_BASE_URL = "https://localhost:3000/";

/** The base URL the manifest points at, from ADDIN_BASE_URL (validated) or the dev server. */
function addinBaseUrl({ serving = false, release = false } = {}) {
  const raw = process.env.ADDIN_BASE_URL;
  if (!raw) {
    if (release) {
      throw new Error(
        "Release build needs ADDIN_BASE_URL, the HTTPS address the add-in will be hosted at, e.g.\n" +
          "  ADDIN_BASE_URL=https://example.org/fitmygpu/ npm run release",
      );
    }
    return DEV_BASE_URL;
  }
  if (serving) return DEV_BASE_URL;
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`ADDIN_BASE_URL is not a URL: '${raw}'.`);
  }
  if (url.protocol !== "https:") throw new Error(`ADDIN_BASE_URL must be https:// (Office loads add-ins over HTTPS only), got '${raw}'.`);
  if (/^(localhost|127\.0\.0\.1)$/.test(url.hostname)) throw new Error(`ADDIN_BASE_URL must be the public host, not ${url.hostname}.`);
  return url.href.endsWith("/") ? url.href : `${url.href}/`;
}

/** The manifest with every dev-server URL replaced by `base`. */
function rewriteManifest(xml, base) {
  if (base === DEV_BASE_URL) return xml;
  // Full URLs first, then bare origins (AppDomain holds the origin only).
  return xml.split(DEV_BASE_URL).join(base).split(new URL(DEV_BASE_URL).origin).join(new URL(base).origin);
}

module.exports = { DEV_BASE_URL, addinBaseUrl, rewriteManifest };
