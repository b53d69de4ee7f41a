// The one name resolver: catalog id, display name, Hugging Face repo id or alias,
// case-insensitive; unknown names get the closest matches in the error.
import { fail } from "./errors";

/**
 * Characters no name may hold and no output may echo raw: C0/C1 controls, DEL,
 * line separators and bidi overrides, which could move a terminal's cursor,
 * recolour it or reorder what a reader sees.
 */
export const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** True when `s` holds a character of UNPRINTABLE. */
export const hasUnprintable = (s: string): boolean => s.search(UNPRINTABLE) >= 0;

/** Folds a name for lookup: lower case, unified separators. */
export function normalizeName(s: string): string {
  return s.trim().toLowerCase().replace(/[\s_]+/g, "-");
}

export interface NameIndex<T> {
  kind: string;
  map: Map<string, T>;
  /** Canonical ids, for suggestions and listings. */
  ids: string[];
}

/**
 * Builds an index from items and the names each answers to; a name claimed twice
 * is a catalog bug. Weak names (a base repo shared by two fine-tunes) go to the
 * first item that claims them and never override a strong name.
 */
export function buildIndex<T>(kind: string, items: T[], names: (item: T) => string[], id: (item: T) => string, weakNames: (item: T) => string[] = () => []): NameIndex<T> {
  const map = new Map<string, T>();
  for (const item of items) {
    for (const raw of names(item)) {
      const key = normalizeName(raw);
      const prev = map.get(key);
      if (prev !== undefined && prev !== item) fail("invalid", `Catalog error: the ${kind} name '${raw}' is claimed by both '${id(prev)}' and '${id(item)}'.`);
      map.set(key, item);
    }
  }
  for (const item of items) for (const raw of weakNames(item)) if (!map.has(normalizeName(raw))) map.set(normalizeName(raw), item);
  return { kind, map, ids: items.map(id) };
}

function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** Up to `n` known names closest to `query`. */
export function suggest<T>(index: NameIndex<T>, query: string, n = 3): string[] {
  const q = normalizeName(query);
  const squash = (s: string) => s.replace(/[^a-z0-9]/g, "");
  const qs = squash(q);
  const scored = index.ids.map((id) => {
    const k = normalizeName(id);
    const ks = squash(k);
    const contains = qs.length >= 3 && (ks.includes(qs) || qs.includes(ks));
    return { id, score: editDistance(qs, ks) - (contains ? 100 : 0) - (ks.startsWith(qs.slice(0, 4)) ? 2 : 0) };
  });
  scored.sort((a, b) => a.score - b.score || a.id.length - b.id.length);
  return scored.slice(0, n).map((s) => s.id);
}

/** Looks a name up, or throws a not-found FitError with suggestions. */
export function resolve<T>(index: NameIndex<T>, query: unknown): T {
  if (typeof query !== "string" || !query.trim()) fail("invalid", `A ${index.kind} name is required.`);
  const hit = index.map.get(normalizeName(query));
  if (hit !== undefined) return hit;
  const close = suggest(index, query);
  const hint = close.length === 1 ? ` Did you mean '${close[0]}'?` : close.length ? ` Did you mean ${close.map((c) => `'${c}'`).join(", ")}?` : "";
  return fail("not-found", `Unknown ${index.kind} '${query}'.${hint}`);
}
