// The pane's one network path: Hub requests the user asks for (Look up, Read
// header), through the browser's fetch, to the endpoints this build's
// Content-Security-Policy allows (scripts/hubPolicy.js: huggingface.co, plus
// HF_ENDPOINT at build time). The token goes into this request only; it is
// never stored, in the workbook or anywhere else.
import { fail } from "../core/errors";
import { DEFAULT_HUB_ENDPOINT, hubEndpoint, type Hub, type HubFetch } from "../core/hub";

declare const __HUB_ENDPOINTS__: string[] | undefined;

/** Endpoints the CSP lets the pane reach, the default first (webpack's DefinePlugin fills them in). */
export const HUB_ENDPOINTS: readonly string[] = typeof __HUB_ENDPOINTS__ !== "undefined" ? __HUB_ENDPOINTS__ : [DEFAULT_HUB_ENDPOINT];

/** Seconds one Hub request may take. */
export const HUB_TIMEOUT_S = 30;

const request: HubFetch = (url, init) =>
  globalThis.fetch(url, { headers: init.headers, credentials: "omit", referrerPolicy: "no-referrer", redirect: "follow", signal: AbortSignal.timeout(HUB_TIMEOUT_S * 1000) });

/**
 * The Hub at `endpoint` (same meaning as HF_ENDPOINT) with an optional token.
 * An endpoint the add-in's security policy does not allow is refused with how to allow it.
 */
export function paneHub(endpoint: string, token: string): Hub {
  const e = hubEndpoint(endpoint);
  if (!HUB_ENDPOINTS.includes(e))
    fail("unsupported", `This add-in may connect only to ${HUB_ENDPOINTS.join(" and ")} (its security policy is fixed when it is built). To use ${e}, build the add-in with HF_ENDPOINT=${e}.`);
  return { endpoint: e, token: token.trim() || undefined, fetch: request };
}
