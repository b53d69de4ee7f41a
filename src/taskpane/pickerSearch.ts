// Forgiving matching for the pickers: what people type ("qwen35", "quen3.5",
// "rtx4090", "gtx 4090") should still find the model or GPU they mean. Spaces
// and punctuation are ignored, and a small typo (one edit, two in long
// queries) still matches, ranked below exact, prefix and substring hits.

/** Lower case, letters and digits only: "Qwen3.5-35B-A3B" → "qwen3535ba3b". */
export const squash = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, "");

const isDigit = (c: string) => c >= "0" && c <= "9";
/** An edit touching a digit costs two: "4090" is never "5090" or "4080" by typo, while "gtx" can be "rtx". */
const cost = (c: string) => (isDigit(c) ? 2 : 1);

/**
 * The fewest edits (insert, delete, substitute; see `cost`) that turn `q` into
 * some substring of `text`: 0 when `q` occurs in `text`. Sellers' algorithm, O(|q|·|text|).
 */
export function substringDistance(q: string, text: string): number {
  if (q.length === 0) return 0;
  let prev = new Array<number>(q.length + 1);
  prev[0] = 0;
  for (let i = 1; i <= q.length; i++) prev[i] = prev[i - 1] + cost(q[i - 1]);
  let best = prev[q.length];
  for (let j = 1; j <= text.length; j++) {
    const t = text[j - 1];
    const cur = new Array<number>(q.length + 1);
    cur[0] = 0; // a match may start anywhere in the text
    for (let i = 1; i <= q.length; i++) {
      const c = q[i - 1];
      cur[i] = Math.min(prev[i] + cost(t), cur[i - 1] + cost(c), prev[i - 1] + (c === t ? 0 : Math.max(cost(c), cost(t))));
    }
    best = Math.min(best, cur[q.length]);
    prev = cur;
  }
  return best;
}

/** Typos forgiven for a query of this many letters and digits (none below five). */
const allowedEdits = (n: number): number => (n < 5 ? 0 : n <= 8 ? 1 : 2);

/**
 * How well `query` names an item known by `fields` (best first: its name,
 * then ids and aliases): 0 for no match, higher for better. Field order
 * breaks ties, so a hit on the name beats the same hit on an alias.
 */
export function matchScore(query: string, fields: readonly string[]): number {
  const q = squash(query);
  if (!q) return 1;
  const words = query.toLowerCase().split(/[\s,/]+/).map(squash).filter(Boolean);
  const edits = allowedEdits(q.length);
  let best = 0;
  fields.forEach((field, i) => {
    const v = squash(field);
    if (!v) return;
    let s = 0;
    if (v === q) s = 100;
    else if (v.startsWith(q)) s = 80;
    else if (v.includes(q)) s = 60;
    else if (words.length > 1 && words.every((w) => v.includes(w))) s = 40;
    else {
      const d = substringDistance(q, v);
      if (d <= edits) s = 30 - 5 * d;
      // Words given in another order, each within its own small typo budget ("4090 gtx").
      else if (words.length > 1 && words.every((w) => substringDistance(w, v) <= allowedEdits(w.length))) s = 15;
    }
    if (s > 0) best = Math.max(best, s - Math.min(i, 9) * 0.1);
  });
  return best;
}
