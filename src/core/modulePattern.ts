// quantization_config.ignore entries name modules left unquantized: an exact
// module name, or "re:P", which compressed-tensors and vLLM match with Python's
// re.match(P, name) (anchored at the start, not at the end). The patterns come
// from a user's file, so they never run on a backtracking engine: each is
// compiled into a Thompson NFA and simulated breadth-first, which costs at most
// (name length × pattern states) steps whatever the pattern — "(.|.)*Z" or
// ".*" twenty times then "Z" included. The syntax real ignore lists use is
// covered (literals, escapes, ., classes, groups, alternation, * + ? {m,n} and
// their lazy forms, ^ $ \A \Z \b \B); lookaround, backreferences, inline flags
// and possessive quantifiers are refused with an error naming them.
import { fail } from "./errors";

/** States one pattern may compile to; real patterns need a few dozen. */
export const MAX_PATTERN_STATES = 5_000;
/** States all patterns of one ignore list may compile to together, so matching a few names stays a few million steps. */
export const MAX_LIST_STATES = 50_000;
/** Largest {m,n} count accepted. */
const MAX_REPEAT = 1_000;

type CharTest = (c: string) => boolean;
type Assertion = "start" | "end" | "end-or-final-newline" | "word-boundary" | "not-word-boundary";

type Ast =
  | { k: "char"; test: CharTest }
  | { k: "seq"; items: Ast[] }
  | { k: "alt"; options: Ast[] }
  | { k: "rep"; item: Ast; min: number; max: number }
  | { k: "assert"; at: Assertion };

type State = { k: "char"; test: CharTest; next: number } | { k: "split"; a: number; b: number } | { k: "assert"; at: Assertion; next: number } | { k: "match" };

// Python 3 str patterns are Unicode-aware: \d is any decimal digit, \w any letter, digit or underscore.
const isDigit: CharTest = (c) => /^\p{Nd}$/u.test(c);
const isWord: CharTest = (c) => /^[\p{L}\p{N}_]$/u.test(c);
const isSpace: CharTest = (c) => /^\s$/u.test(c);
const not = (t: CharTest): CharTest => (c) => !t(c);

/** Escapes with a fixed meaning: one character, a class of characters, or an assertion (a Map: the key comes from the pattern). */
const ESCAPES = new Map<string, string | CharTest | Assertion>([
  ["n", "\n"], ["t", "\t"], ["r", "\r"], ["f", "\f"], ["v", "\v"],
  ["d", isDigit], ["D", not(isDigit)], ["w", isWord], ["W", not(isWord)], ["s", isSpace], ["S", not(isSpace)],
  ["A", "start"], ["Z", "end"], ["b", "word-boundary"], ["B", "not-word-boundary"],
]);

/** Parses a Python regex (the part after "re:") into an AST, refusing what a linear-time matcher cannot do. */
function parsePattern(pattern: string, entry: string): Ast {
  // By code point, as Python reads a str pattern and as the matcher reads names.
  const src = Array.from(pattern);
  const text = (from: number, to: number) => src.slice(from, to).join("");
  let i = 0;
  const refuse = (what: string): never =>
    fail("unsupported", `${entry} uses ${what}, which is not supported here (exact module names and regexes of literals, classes, groups, | and quantifiers are).`);
  const invalid = (what: string): never => fail("invalid", `${entry} is not a valid regex: ${what}.`);

  /** The escape after a "\": one character (n, t, x41, '.', …), a class test (d, w, s and negations), or an assertion (A, Z, b, B). */
  const escape = (): string | CharTest | Assertion => {
    const c = src[i++];
    if (c === undefined) return invalid("bad escape (end of pattern)");
    const known = ESCAPES.get(c);
    if (known !== undefined) return known;
    if (c === "x" || c === "u") {
      const hex = text(i, i + (c === "x" ? 2 : 4));
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== (c === "x" ? 2 : 4)) return invalid(`incomplete escape \\${c}${hex}`);
      i += hex.length;
      return String.fromCodePoint(parseInt(hex, 16));
    }
    if (/[0-9]/.test(c)) return refuse("a backreference or octal escape");
    if (/[A-Za-z]/.test(c)) return invalid(`bad escape \\${c}`);
    return c;
  };
  const isAssertion = (e: string | CharTest | Assertion): e is Assertion => typeof e === "string" && e.length > 1;
  const literal = (ch: string): CharTest => (x) => x === ch;

  const charClass = (): CharTest => {
    const negated = src[i] === "^";
    if (negated) i++;
    const tests: CharTest[] = [];
    const member = (): string | CharTest => {
      const c = src[i++];
      if (c !== "\\") return c;
      const e = escape();
      // \b inside a class is a backspace in Python; the other assertions are errors there.
      if (isAssertion(e)) return e === "word-boundary" ? "\b" : invalid(`bad escape in a character set at position ${i}`);
      return e;
    };
    for (let first = true; ; first = false) {
      if (i >= src.length) return invalid("unterminated character set");
      if (src[i] === "]" && !first) {
        i++;
        break;
      }
      const lo = member();
      if (src[i] === "-" && i + 1 < src.length && src[i + 1] !== "]") {
        i++;
        const hi = member();
        if (typeof lo !== "string" || typeof hi !== "string") return invalid("bad character range");
        const [a, b] = [lo.codePointAt(0)!, hi.codePointAt(0)!];
        if (b < a) return invalid(`bad character range ${lo}-${hi}`);
        tests.push((x) => x.codePointAt(0)! >= a && x.codePointAt(0)! <= b);
      } else tests.push(typeof lo === "string" ? literal(lo) : lo);
    }
    const any: CharTest = (x) => tests.some((t) => t(x));
    return negated ? not(any) : any;
  };

  /** A {m}, {m,}, {,n} or {m,n} quantifier at the cursor, or undefined when "{" is a literal there (as in Python). */
  const braces = (): { min: number; max: number; length: number } | undefined => {
    const m = /^\{(\d*)(,?)(\d*)\}/.exec(text(i, i + 24));
    if (!m || (m[1] === "" && m[2] === "")) return undefined;
    const min = m[1] === "" ? 0 : Number(m[1]);
    const max = m[2] === "" ? min : m[3] === "" ? Infinity : Number(m[3]);
    if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) return refuse(`a repeat count over ${MAX_REPEAT}`);
    if (max < min) return invalid(`min repeat greater than max repeat in '${m[0]}'`);
    return { min, max, length: m[0].length };
  };

  const quantifier = () => {
    const c = src[i];
    return c === "*" ? { min: 0, max: Infinity, length: 1 } : c === "+" ? { min: 1, max: Infinity, length: 1 } : c === "?" ? { min: 0, max: 1, length: 1 } : c === "{" ? braces() : undefined;
  };

  const quantified = (atom: Ast, bare: boolean): Ast => {
    const q = quantifier();
    if (!q) return atom;
    if (bare && atom.k === "assert") return invalid(`nothing to repeat at position ${i + 1}`);
    i += q.length;
    // A lazy quantifier matches the same names; only where the match ends differs, and re.match's truth does not depend on that.
    if (src[i] === "?") i++;
    else if (src[i] === "+") refuse("a possessive quantifier");
    if (quantifier()) return invalid(`multiple repeat at position ${i + 1}`);
    return { k: "rep", item: atom, min: q.min, max: q.max };
  };

  const group = (): Ast => {
    if (src[i] === "?") {
      const kind = text(i, i + 3);
      if (kind.startsWith("?:")) i += 2;
      else if (kind === "?P<") {
        const end = src.indexOf(">", i);
        if (end < 0 || !/^[A-Za-z_]\w*$/.test(text(i + 3, end))) invalid("a malformed group name");
        i = end + 1;
      } else if (kind.startsWith("?=") || kind.startsWith("?!") || kind === "?<=" || kind === "?<!") refuse("a lookaround assertion");
      else if (kind === "?P=") refuse("a backreference");
      else refuse(`the group syntax '(${kind}'`);
    }
    const inner = alternation();
    if (src[i++] !== ")") invalid("missing ), unterminated subpattern");
    return inner;
  };

  const atom = (): Ast => {
    const c = src[i++];
    if (c === "(") return group();
    if (c === "[") return { k: "char", test: charClass() };
    if (c === ".") return { k: "char", test: (x) => x !== "\n" };
    if (c === "^") return { k: "assert", at: "start" };
    if (c === "$") return { k: "assert", at: "end-or-final-newline" };
    if (c === "*" || c === "+" || c === "?") return invalid(`nothing to repeat at position ${i}`);
    if (c !== "\\") return { k: "char", test: literal(c) };
    const e = escape();
    return isAssertion(e) ? { k: "assert", at: e } : { k: "char", test: typeof e === "string" ? literal(e) : e };
  };

  const sequence = (): Ast => {
    const items: Ast[] = [];
    while (i < src.length && src[i] !== "|" && src[i] !== ")") {
      const bare = src[i] !== "(";
      items.push(quantified(atom(), bare));
    }
    return items.length === 1 ? items[0] : { k: "seq", items };
  };

  function alternation(): Ast {
    const options = [sequence()];
    while (src[i] === "|") {
      i++;
      options.push(sequence());
    }
    return options.length === 1 ? options[0] : { k: "alt", options };
  }

  const ast = alternation();
  if (i < src.length) invalid(`unbalanced parenthesis at position ${i + 1}`);
  return ast;
}

/** A compiled pattern: its states and the one matching starts from. */
interface Nfa {
  states: State[];
  start: number;
}

/** Thompson's construction, built back to front: each piece is given the state that follows it. */
function compile(ast: Ast, entry: string, budget: { states: number }): Nfa {
  const states: State[] = [{ k: "match" }];
  const add = (s: State): number => {
    if (states.length >= MAX_PATTERN_STATES) fail("unsupported", `${entry} is too large (over ${MAX_PATTERN_STATES} matcher states); real patterns are short.`);
    if (--budget.states < 0) fail("unsupported", `config.json's quantization_config.ignore patterns are too large together (over ${MAX_LIST_STATES} matcher states); real ignore lists use a few short patterns.`);
    states.push(s);
    return states.length - 1;
  };
  const emit = (node: Ast, next: number): number => {
    switch (node.k) {
      case "char":
        return add({ k: "char", test: node.test, next });
      case "assert":
        return add({ k: "assert", at: node.at, next });
      case "seq":
        for (let j = node.items.length - 1; j >= 0; j--) next = emit(node.items[j], next);
        return next;
      case "alt": {
        let start = emit(node.options[node.options.length - 1], next);
        for (let j = node.options.length - 2; j >= 0; j--) start = add({ k: "split", a: emit(node.options[j], next), b: start });
        return start;
      }
      case "rep": {
        let start = next;
        if (node.max === Infinity) {
          const loop = add({ k: "split", a: -1, b: next });
          (states[loop] as Extract<State, { k: "split" }>).a = emit(node.item, loop);
          start = loop;
        } else for (let j = node.min; j < node.max; j++) start = add({ k: "split", a: emit(node.item, start), b: start });
        for (let j = 0; j < node.min; j++) start = emit(node.item, start);
        return start;
      }
    }
  };
  return { states, start: emit(ast, 0) };
}

function holds(at: Assertion, chars: string[], pos: number): boolean {
  switch (at) {
    case "start":
      return pos === 0;
    case "end":
      return pos === chars.length;
    case "end-or-final-newline":
      return pos === chars.length || (pos === chars.length - 1 && chars[pos] === "\n");
    case "word-boundary":
    case "not-word-boundary": {
      const boundary = (pos > 0 && isWord(chars[pos - 1])) !== (pos < chars.length && isWord(chars[pos]));
      return at === "word-boundary" ? boundary : !boundary;
    }
  }
}

/**
 * Whether the NFA matches a prefix of `name` (re.match), or with `search` anywhere in it (re.search,
 * std::regex_search): one pass over the name, each state visited at most once per position.
 */
function simulate({ states, start }: Nfa, name: string, search = false): boolean {
  const chars = Array.from(name);
  const seen = new Int32Array(states.length).fill(-1);
  let current: number[] = [];
  const stack: number[] = [];
  /** Adds `from` and every state reachable from it without reading a character; true when the match state is reached. */
  const closure = (from: number, pos: number, into: number[]): boolean => {
    stack.push(from);
    while (stack.length) {
      const j = stack.pop()!;
      if (seen[j] === pos) continue;
      seen[j] = pos;
      const s = states[j];
      if (s.k === "match") {
        stack.length = 0;
        return true;
      }
      if (s.k === "split") stack.push(s.b, s.a);
      else if (s.k === "assert") {
        if (holds(s.at, chars, pos)) stack.push(s.next);
      } else into.push(j);
    }
    return false;
  };
  if (closure(start, 0, current)) return true;
  for (let pos = 0; pos < chars.length && (current.length || search); pos++) {
    const next: number[] = [];
    for (const j of current) {
      const s = states[j] as Extract<State, { k: "char" }>;
      if (s.test(chars[pos]) && closure(s.next, pos + 1, next)) return true;
    }
    // Searching, a match may also start at the next position.
    if (search && closure(start, pos + 1, next)) return true;
    current = next;
  }
  return false;
}

/**
 * A matcher that finds `pattern` anywhere in a name, as llama.cpp's --override-tensor does
 * (std::regex_search), on the same linear-time engine: the pattern comes from a user's command line.
 */
export function searchMatcher(pattern: string, label: string): (name: string) => boolean {
  const nfa = compile(parsePattern(pattern, label), label, { states: MAX_PATTERN_STATES });
  return (name) => simulate(nfa, name, true);
}

/**
 * A matcher for a quantization_config.ignore list: true when an entry names
 * the module exactly or an "re:" entry matches its start. Every pattern is
 * compiled up front, so a pattern that cannot be matched safely is an error
 * whether or not a name reaches it.
 */
export function ignoreMatcher(entries: readonly string[]): (name: string) => boolean {
  const exact = new Set<string>();
  const patterns: Nfa[] = [];
  const budget = { states: MAX_LIST_STATES };
  for (const entry of entries) {
    if (!entry.startsWith("re:")) exact.add(entry);
    else {
      const label = `config.json's quantization_config.ignore entry ${JSON.stringify(entry)}`;
      patterns.push(compile(parsePattern(entry.slice(3), label), label, budget));
    }
  }
  return (name) => exact.has(name) || patterns.some((p) => simulate(p, name));
}
