// quantization_config.ignore patterns run on a linear-time matcher: they agree
// with Python's re.match on the patterns real ignore lists use, patterns that
// make a backtracking engine hang answer at once, and syntax the matcher cannot
// honour is refused by name.
import fc from "fast-check";
import { FitError } from "../src/core/errors";
import { ignoreMatcher, MAX_LIST_STATES } from "../src/core/modulePattern";

const matches = (pattern: string, name: string) => ignoreMatcher([`re:${pattern}`])(name);

describe("agrees with Python's re.match", () => {
  // Expected values from CPython 3 re.match(pattern, name).
  test.each([
    [".*self_attn.*", ["model.layers.0.self_attn.q_a_proj", "lm_head", "model.layers.1.mlp.experts.0.gate_proj"], [true, false, false]],
    [".*mlp\\.(gate|up|gate_up|down)_proj.*", ["model.layers.0.mlp.gate_proj", "model.layers.1.mlp.experts.0.gate_proj", "model.layers.0.mlp.down_proj"], [true, false, true]],
    [".*lm_head", ["lm_head", "model.lm_head.x", "lm_hea"], [true, true, false]],
    ["vision_tower.*", ["vision_tower.blocks.0", "model.vision_tower"], [true, false]],
    [".*mlp.gate$", ["model.layers.3.mlp.gate", "model.layers.3.mlp.gate_proj", "model.layers.3.mlpXgate"], [true, false, true]],
    ["model\\.layers\\.\\d+\\.mlp\\.shared_experts\\..*", ["model.layers.12.mlp.shared_experts.up_proj", "model.layers.x.mlp.shared_experts.up_proj"], [true, false]],
    ["model.layers.[0-2].mlp.*", ["model.layers.1.mlp.down_proj", "model.layers.3.mlp.down_proj"], [true, false]],
    ["(?:model\\.)?layers\\.[0-9]{1,2}\\.self_attn", ["layers.10.self_attn.o", "model.layers.100.self_attn"], [true, false]],
    ["[^.]+\\.gate$", ["mlp.gate", "a.b.gate"], [true, false]],
    ["(a|aa)+$", ["a".repeat(20), "a".repeat(20) + "b"], [true, false]],
    ["\\bgate\\b", ["gate.x", "gates"], [true, false]],
    ["a{2,3}b", ["aab", "ab", "aaab", "aaaab"], [true, false, true, false]],
    ["a{,2}b", ["b", "aab", "aaab"], [true, true, false]],
    ["x{", ["x{", "x"], [true, false]],
    ["[\\w.]+_proj$", ["model.layers.0.mlp.down_proj", "a-b_proj"], [true, false]],
    ["(?P<n>mlp)\\.gate", ["mlp.gate"], [true]],
    [".*?experts", ["a.experts"], [true]],
    ["[]a]", ["]", "a", "b"], [true, true, false]],
    ["[a-]", ["-", "a"], [true, true]],
    ["a|b", ["b"], [true]],
    ["", ["x"], [true]],
    ["a$", ["a\n", "a\nb"], [true, false]],
    ["\\x41\\u0042", ["AB"], [true]],
  ])("re:%s", (pattern, names, expected) => {
    expect(names.map((n) => matches(pattern, n))).toEqual(expected);
  });

  test("an exact entry names one module; others are not patterns", () => {
    const m = ignoreMatcher(["lm_head", "model.layers.0.mlp.gate"]);
    expect([m("lm_head"), m("model.layers.0.mlp.gate"), m("lm_head.weight"), m("model.layers.0.mlp.gate_proj")]).toEqual([true, true, false, false]);
  });

  // On tiny patterns and names a backtracking engine is safe, and JavaScript's agrees with Python's on this syntax.
  const atom = fc.oneof(fc.constantFrom("a", "b", ".", "\\.", "_", "[ab]", "[^a]", "[a-b_]", "\\d", "\\w"), fc.constantFrom("(a|b)", "(?:ab|b)", "(a|)"));
  const quant = fc.constantFrom("", "", "*", "+", "?", "{2}", "{1,2}", "{0,}", "*?", "+?");
  const pattern = fc.array(fc.tuple(atom, quant).map(([a, q]) => a + q), { minLength: 1, maxLength: 5 }).chain((parts) => fc.constantFrom(parts.join(""), parts.join("") + "$", `(${parts.join("")})|b`));
  const name = fc.stringMatching(/^[ab._1]{0,8}$/);
  test("agrees with a backtracking engine on small random patterns", () => {
    fc.assert(fc.property(pattern, name, (p, n) => matches(p, n) === new RegExp(`^(?:${p})`).test(n)), { numRuns: 2000 });
  });
});

describe("no pattern makes it slow", () => {
  const hostile = ["(.|.)*Z", ".*".repeat(20) + "Z", "(a+)+$", "(a|aa)*$", "(\\w+\\.)*\\w+Z", "(x*)*y", "((a*)*)*b", "(.*a){12}Z"];
  test.each(hostile)("re:%s answers at once on a long name it does not match", (p) => {
    const name = "a".repeat(1000) + ".model.layers.0.self_attn.q_a_proj";
    const t0 = Date.now();
    expect(matches(p, name)).toBe(false);
    // A backtracking engine takes minutes or more on these; generous bound for a shared machine.
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});

describe("syntax it cannot honour is refused by name", () => {
  test.each([
    ["(?=a)b", "unsupported", /lookaround/],
    ["(?<!a)b", "unsupported", /lookaround/],
    ["(a)\\1", "unsupported", /backreference/],
    ["(?P<x>a)(?P=x)", "unsupported", /backreference/],
    ["(?i)lm_head", "unsupported", /group syntax '\(\?i\)/],
    ["a*+", "unsupported", /possessive/],
    ["a{1001}", "unsupported", /repeat count over 1000/],
    ["(a", "invalid", /missing \)/],
    ["a)", "invalid", /unbalanced parenthesis/],
    ["*a", "invalid", /nothing to repeat/],
    ["a**", "invalid", /multiple repeat/],
    ["[a", "invalid", /unterminated character set/],
    ["[z-a]", "invalid", /bad character range/],
    ["\\q", "invalid", /bad escape \\q/],
    ["a{3,2}", "invalid", /min repeat greater than max/],
  ])("re:%s", (p, kind, message) => {
    let err: unknown;
    try {
      ignoreMatcher([`re:${p}`]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FitError);
    expect((err as FitError).kind).toBe(kind);
    expect((err as FitError).message).toMatch(/quantization_config\.ignore entry/);
    expect((err as FitError).message).toMatch(message);
  });

  test("a pattern or a list too large to match cheaply is refused", () => {
    expect(() => ignoreMatcher(["re:" + "(a{1000}){1000}"])).toThrow(/too large/);
    expect(() => ignoreMatcher(Array.from({ length: 200 }, () => "re:" + "[ab]".repeat(300)))).toThrow(new RegExp(`too large together \\(over ${MAX_LIST_STATES}`));
  });
});
