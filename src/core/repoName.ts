// The shape of a Hugging Face repo id, apart from the Hub client (hub.ts), so
// the calculator can offer a lookup for a typed id without loading the client.

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?$/;

/** True when `text` has the shape of a Hub repo id, owner/name. */
export function looksLikeRepoId(text: string): boolean {
  const parts = text.trim().split("/");
  return parts.length === 2 && parts.every((p) => NAME.test(p) && !p.includes("--") && !p.includes(".."));
}
