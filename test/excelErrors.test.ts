// An Excel error value in an input cell comes back as the same error (issue 11:
// it became "#VALUE! model must be text, got [object Object]"), in a spilled
// range cell by cell and in a single call; codes Excel accepts only as inputs
// (#NAME?, #REF!, …) come back as #VALUE! naming them.
import * as functions from "../src/functions/functions";
import { StubError } from "../scripts/customFunctionsStub";

/** An error value as Excel passes it inside a range. */
const err = (code: string, message?: string) => new StubError(code, message);

function thrown(f: () => unknown): StubError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(StubError);
    return e as StubError;
  }
  throw new Error("expected an Excel error");
}

describe("in a spilled range, each error cell comes back as itself", () => {
  test.each(["#DIV/0!", "#N/A", "#NUM!", "#NULL!", "#VALUE!"])("%s in the model column", (code) => {
    const out = functions.vram([["qwen3-8b"], [err(code)], ["qwen3-0.6b"]] as never, [["q4_k_m"]], [[4096]], null as never, [["llama.cpp"]]);
    expect(typeof out[0][0]).toBe("number");
    expect(out[1][0]).toBeInstanceOf(StubError);
    expect((out[1][0] as StubError).code).toBe(code);
    expect((out[1][0] as StubError).message).toBeUndefined();
    expect(typeof out[2][0]).toBe("number");
  });

  test("in a numeric column (ctx) and in a GPU row", () => {
    const ctx = functions.vram([["qwen3-8b"]], [["bf16"]], [[4096], [err("#NUM!")]] as never);
    expect((ctx[1][0] as StubError).code).toBe("#NUM!");
    const fits = functions.fits([["qwen3-8b"]], [["rtx 4090", err("#DIV/0!"), "h100 sxm"]] as never, [["bf16"]]);
    expect(fits[0].map((v) => (v instanceof StubError ? v.code : typeof v))).toEqual(["boolean", "#DIV/0!", "boolean"]);
  });

  test("a #N/A keeps the message it carries (a FIT cell's error feeding another FIT call)", () => {
    const out = functions.weights([["qwen3-8b"], [err("#N/A", "Unknown model 'qwen35'.")]] as never, [["bf16"]]);
    expect(out[1][0]).toMatchObject({ code: "#N/A", message: "Unknown model 'qwen35'." });
  });

  test("the first argument's error wins, as in Excel's own functions", () => {
    const out = functions.fits([[err("#NULL!")], ["qwen3-8b"]] as never, [[err("#DIV/0!")]] as never, [["bf16"]]);
    expect(out.map((r) => (r[0] as StubError).code)).toEqual(["#NULL!", "#DIV/0!"]);
  });

  test.each(["#NAME?", "#REF!", "#SPILL!", "#CALC!"])("%s, which Excel takes only as an input, comes back as #VALUE! naming it", (code) => {
    const out = functions.status([["qwen3-8b"], [err(code)]] as never, [["rtx 4090"]], [["bf16"]]);
    expect(out[1][0]).toMatchObject({ code: "#VALUE!", message: `An input cell holds ${code}.` });
  });
});

describe("a single call with an error argument fails with that error", () => {
  test("a 1×1 range", () => {
    expect(thrown(() => functions.vram([[err("#DIV/0!")]] as never, [["bf16"]])).code).toBe("#DIV/0!");
  });

  test("the table functions' single-cell arguments", () => {
    expect(thrown(() => functions.breakdown(err("#NUM!") as never, "bf16")).code).toBe("#NUM!");
    expect(thrown(() => functions.compare("qwen3-8b", "bf16", err("#DIV/0!") as never)).code).toBe("#DIV/0!");
    expect(thrown(() => functions.models(err("#N/A") as never)).code).toBe("#N/A");
    expect(thrown(() => functions.model([[err("#VALUE!")]] as never)).code).toBe("#VALUE!");
  });

  test("a value that is neither text nor an error is described, not printed as [object Object]", () => {
    const e = thrown(() => functions.vram([[{ type: "Entity", text: "Qwen" }]] as never, [["bf16"]]));
    expect(e).toMatchObject({ code: "#VALUE!", message: "model must be text, got a value that is not text." });
  });
});
