// The one name resolver: catalog id, display name, Hugging Face repo id or alias,
// case-insensitive; unknown names get the closest matches in the error. Each
// distinct text is resolved once per index, misses too: a column of a misspelt
// name costs one search for suggestions, not one per cell and recalculation.
import { fail, FitError } from "./errors";

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
  /** Texts already looked up, as given: what each names, or the not-found error it raised. */
  resolved: Map<string, T | FitError>;
}

/** Texts remembered per index; past this the memory starts over. */
export const RESOLVED_MEMO_SIZE = 10_000;

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
  return { kind, map, ids: items.map(id), resolved: new Map() };
}

/** Characters of a query compared for suggestions: one 32-bit word for the distance below; the longest catalog id folds to under 32. */
export const MAX_SUGGEST_CHARS = 32;
/** Distinct texts whose suggestions are remembered per index: a column of one typo costs one search. */
const MAX_CACHED_QUERIES = 2_000;
/** Characters of an unknown name an error message echoes (Excel cells hold up to 32,767). */
const MAX_ECHOED_CHARS = 80;

const squash = (s: string) => s.replace(/[^a-z0-9]/g, "");

/** Per index, computed once: its ids folded, its longest name, and the suggestions already made by query. */
const indexState = new WeakMap<NameIndex<unknown>, { ids: Array<{ id: string; folded: string }>; longest: number; cache: Map<string, string[]> }>();

function stateOf<T>(index: NameIndex<T>) {
  let state = indexState.get(index);
  if (!state) {
    state = { ids: index.ids.map((id) => ({ id, folded: squash(normalizeName(id)) })), longest: Math.max(0, ...[...index.map.keys()].map((k) => k.length)), cache: new Map() };
    indexState.set(index, state);
  }
  return state;
}

/** The characters normalizeName turns into separators (JavaScript's \s, and "_"). */
const isSeparator = (c: number) => c === 95 || (c >= 9 && c <= 13) || c === 32 || c === 160 || c === 5760 || (c >= 8192 && c <= 8202) || c === 8232 || c === 8233 || c === 8239 || c === 8287 || c === 12288 || c === 65279;

/** True when folding `s` gives more than `max` characters (each non-separator character keeps at least one), found without folding all of a 32,767-character cell. */
function foldsLongerThan(s: string, max: number): boolean {
  let kept = 0;
  for (let i = 0; i < s.length; i++) if (!isSeparator(s.charCodeAt(i)) && ++kept > max) return true;
  return false;
}

/**
 * Levenshtein distance from `pattern` (at most 32 characters, one machine word)
 * to any text, bit-parallel (Myers 1999, in Hyyrö's edit-distance form): one
 * pass over the text with a few word operations per character, so comparing a
 * query with every catalog id costs microseconds.
 */
export function distanceFrom(pattern: string): (text: string) => number {
  const m = pattern.length;
  if (m > 32) throw new RangeError("distanceFrom takes a pattern of at most 32 characters.");
  // Per character, the bit mask of the pattern positions that hold it (a table for ASCII, which folded names are).
  const ascii = new Int32Array(128);
  const other = new Map<number, number>();
  for (let i = 0; i < m; i++) {
    const c = pattern.charCodeAt(i);
    if (c < 128) ascii[c] |= 1 << i;
    else other.set(c, (other.get(c) ?? 0) | (1 << i));
  }
  const last = m === 0 ? 0 : 1 << (m - 1);
  return (text) => {
    if (m === 0) return text.length;
    let pv = -1;
    let mv = 0;
    let score = m;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const eq = c < 128 ? ascii[c] : other.get(c) ?? 0;
      const xv = eq | mv;
      const xh = ((((eq & pv) + pv) | 0) ^ pv) | eq;
      let ph = mv | ~(xh | pv);
      let mh = pv & xh;
      if (ph & last) score++;
      else if (mh & last) score--;
      ph = (ph << 1) | 1;
      mh <<= 1;
      pv = mh | ~(xv | ph);
      mv = ph & xv;
    }
    return score;
  };
}

/**
 * Up to `n` known names closest to `query`. Bounded and cached: only the first
 * MAX_SUGGEST_CHARS characters are compared, and each distinct text is compared
 * once per index, so 10,000 cells of one long unknown name cost one search.
 */
export function suggest<T>(index: NameIndex<T>, query: string, n = 3): string[] {
  const state = stateOf(index);
  // Cut before folding, so a 32,767-character cell costs no more than a short one.
  const qs = squash(normalizeName(query.slice(0, 4 * MAX_SUGGEST_CHARS))).slice(0, MAX_SUGGEST_CHARS);
  const key = `${n}:${qs}`;
  const hit = state.cache.get(key);
  if (hit) return [...hit];
  const distance = distanceFrom(qs);
  const scored = state.ids.map(({ id, folded }) => {
    const contains = qs.length >= 3 && (folded.includes(qs) || qs.includes(folded));
    return { id, score: distance(folded) - (contains ? 100 : 0) - (folded.startsWith(qs.slice(0, 4)) ? 2 : 0) };
  });
  scored.sort((a, b) => a.score - b.score || a.id.length - b.id.length);
  const out = scored.slice(0, n).map((s) => s.id);
  if (state.cache.size >= MAX_CACHED_QUERIES) state.cache.clear();
  state.cache.set(key, out);
  return [...out];
}

/** A name quoted as an error message echoes it: cut short when very long (the full text is in the user's own cell). */
export function quoteName(s: string): string {
  return s.length > MAX_ECHOED_CHARS ? `'${s.slice(0, MAX_ECHOED_CHARS - 1)}…' (${s.length.toLocaleString("en-US")} characters)` : `'${s}'`;
}

/** Looks a name up, or throws a not-found FitError with suggestions. */
export function resolve<T>(index: NameIndex<T>, query: unknown): T {
  if (typeof query !== "string" || !query.trim()) fail("invalid", `A ${index.kind} name is required.`);
  const seen = index.resolved.get(query);
  if (seen !== undefined) {
    if (seen instanceof FitError) throw seen;
    return seen;
  }
  if (index.resolved.size >= RESOLVED_MEMO_SIZE) index.resolved.clear();
  const hit = foldsLongerThan(query, stateOf(index).longest) ? undefined : index.map.get(normalizeName(query));
  if (hit !== undefined) {
    index.resolved.set(query, hit);
    return hit;
  }
  const close = suggest(index, query);
  const hint = close.length === 1 ? ` Did you mean '${close[0]}'?` : close.length ? ` Did you mean ${close.map((c) => `'${c}'`).join(", ")}?` : "";
  const miss = new FitError("not-found", `Unknown ${index.kind} ${quoteName(query)}.${hint}`);
  index.resolved.set(query, miss);
  throw miss;
}
