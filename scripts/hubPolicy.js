// Which Hugging Face Hub endpoints the task pane may connect to. The pane's
// Content-Security-Policy is static (a meta tag written at build time), so the
// endpoints are fixed when the add-in is built: huggingface.co always, plus the
// endpoint HF_ENDPOINT names at build time (a mirror), with the same meaning as
// for the CLI. The pane's endpoint setting accepts only these; the CSP lets the
// browser connect to nothing else. Files stored with Git LFS (GGUFs) are served
// by redirects to Hugging Face's CDN hosts under hf.co (cas-bridge.xethub.hf.co,
// us.aws.cdn.hf.co, cdn-lfs-us-1.hf.co, … — the names change), and a CSP applies
// to redirect targets, so that one domain is allowed by a host wildcard.
const DEFAULT_HUB_ENDPOINT = "https://huggingface.co";
const HUB_CDN = "https://*.hf.co";
const OFFICE_CDN = "https://appsforoffice.microsoft.com";

/** HF_ENDPOINT as the build sees it: an https URL (http only on this machine), trailing slash dropped. */
function buildEndpoint(raw) {
  if (!raw) return undefined;
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`HF_ENDPOINT is not a URL: '${raw}'.`);
  }
  const local = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && local)) throw new Error(`HF_ENDPOINT must be an https URL (http only on this machine), got '${raw}'.`);
  if (url.username || url.password || url.search || url.hash) throw new Error(`HF_ENDPOINT must not carry credentials, a query or a fragment: '${raw}'.`);
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/** The endpoints the pane offers, the build's HF_ENDPOINT (the default) first. */
function hubEndpoints(env = process.env) {
  const configured = buildEndpoint(env.HF_ENDPOINT);
  return configured && configured !== DEFAULT_HUB_ENDPOINT ? [configured, DEFAULT_HUB_ENDPOINT] : [DEFAULT_HUB_ENDPOINT];
}

/** connect-src: the page itself, Office's CDN (office.js), the Hub endpoints and the Hub's file CDN. */
function connectSrc(env = process.env) {
  const origins = [...new Set(hubEndpoints(env).map((e) => new URL(e).origin))];
  return ["'self'", OFFICE_CDN, ...origins, HUB_CDN].join(" ");
}

module.exports = { DEFAULT_HUB_ENDPOINT, HUB_CDN, hubEndpoints, connectSrc };
