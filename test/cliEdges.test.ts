// The CLI's edges (issue 11): unknown options and stray arguments are errors
// on every command, numeric options are bounded, nothing prints NaN, control
// characters in echoed input come out escaped, files are read only up to the
// cap, and a reader that goes away (| head) ends the run quietly.
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { exitQuietlyOnClosedPipe, main } from "../src/cli/cli";
import { catalog, findModel } from "../src/core/catalog";

function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(args, (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** Exit 2 with one line on stderr matching `message`, and nothing on stdout. */
function refused(args: string[], message: RegExp): void {
  const r = run(args);
  expect({ code: r.code, err: r.err, out: r.out }).toEqual({ code: 2, err: expect.stringMatching(message), out: "" });
  expect(r.err.split("\n")).toHaveLength(1);
}

describe("unknown options and stray arguments are errors", () => {
  test.each([
    [["estimate", "qwen3-8b", "-ctx", "99999999"], /Unknown option '-ctx': options start with --/],
    [["estimate", "qwen3-8b", "99999999"], /Unexpected argument '99999999': estimate takes one name/],
    [["fit", "qwen3-8b", "extra", "more"], /Unexpected arguments 'extra' 'more'/],
    [["model", "qwen3-8b", "--quant", "q4_k_m"], /Unknown option --quant for model/],
    [["models", "--bogus"], /Unknown option --bogus\./],
    [["models", "--bogus", "1"], /Unknown option --bogus for models/],
    [["models", "qwen", "--ctx", "5"], /Unknown option --ctx for models/],
    [["gpus", "--runtime", "vllm"], /Unknown option --runtime for gpus/],
    [["quants", "--gpu", "rtx 4090"], /Unknown option --gpu for quants/],
    [["runtimes", "vllm"], /Unexpected argument 'vllm': runtimes takes no arguments/],
    [["runtimes", "--explain"], /Unknown option --explain for runtimes/],
    [["estimate", "qwen3-8b", "--ctx", "4096", "--ctx", "8192"], /--ctx is given twice/],
    [["estimate", "qwen3-8b", "--__proto__", "x"], /Unknown option --__proto__/],
    [["estimate", "qwen3-8b", "--constructor", "x"], /Unknown option --constructor/],
    [["constructor"], /Unknown command 'constructor'/],
  ])("%j", (args, message) => refused(args, message));

  test.each([["--json=false"], ["--json=true"], ["--json="], ["--explain=no"]])("a switch with a value (%s) is refused, not read as on", (flag) => {
    refused(["estimate", "qwen3-8b", flag], /takes no value/);
  });

  test("--flag=value still works for options that take one", () => {
    expect(JSON.parse(run(["estimate", "qwen3-8b", "--ctx=8192", "--json"]).out).ctx).toBe(8192);
  });
});

describe("numeric options are bounded", () => {
  test.each([
    [["--vram-gib", "1e-300"], /--vram-gib must be at least 0.25, got 1e-300/],
    [["--vram-gib", "1e300"], /--vram-gib must be at most 100,000/],
    [["--gpu-util", "0"], /--gpu-util must be more than 0/],
    [["--gpu-util", "1.5"], /--gpu-util must be at most 1/],
    [["--ctx", "1e308"], /--ctx must be at most 10,000,000/],
    [["--ctx", "0.5"], /--ctx must be a whole number/],
    [["--batch", "-1"], /--batch must be at least 1/],
    [["--gpus", "Infinity"], /--gpus must be a number/],
    [["--speculative-tokens", "1e9"], /--speculative-tokens must be at most 64/],
  ])("estimate %j", (flags, message) => refused(["estimate", "qwen3-8b", ...flags], message));

  test.each([
    [["--params", "1e-300"], /--params must be at least 1/],
    [["--context-window", "1e12"], /--context-window must be at most 1,000,000,000/],
  ])("model --config %j", (flags, message) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fitmygpu-num-"));
    const file = path.join(dir, "config.json");
    fs.writeFileSync(file, JSON.stringify(findModel("qwen3-8b").record.config));
    try {
      refused(["model", "--config", file, ...flags], message);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("no NaN in any output", () => {
  const noTflops = catalog().gpus.filter((g) => g.bf16Tflops === null);
  test("29 catalog GPUs have no BF16 TFLOPS figure", () => expect(noTflops.length).toBeGreaterThan(0));

  test.each(noTflops.map((g) => g.id))("estimate on %s says the time to first token is unknown", (gpu) => {
    const r = run(["estimate", "qwen3-8b", "--gpu", gpu, "--runtime", "llama.cpp", "--quant", "q4_k_m"]);
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/NaN/);
    expect(r.out).toMatch(/time to first token unknown \(no BF16 TFLOPS figure for this GPU\)/);
  });

  test("fit, models, gpus and model tables print no NaN", () => {
    for (const args of [["fit", "qwen3-8b"], ["fit", "qwen3.5-35b-a3b", "--runtime", "llama.cpp", "--quant", "q4_k_m"], ["models"], ["gpus"], ["model", "deepseek-v3"]]) {
      const r = run(args);
      expect({ args, code: r.code }).toEqual({ args, code: 0 });
      expect(r.out).not.toMatch(/NaN/);
    }
  });
});

describe("control characters in echoed input are escaped", () => {
  test.each([
    ["an ANSI escape", "qwen\u001b[2J\u001b[31m", /Unknown model 'qwen\\u001b\[2J\\u001b\[31m'/],
    ["a newline", "qwen\nerror: forged", /Unknown model 'qwen\\u000aerror: forged'/],
    ["a bidi override", "qwen\u202e8b", /Unknown model 'qwen\\u202e8b'/],
  ])("%s in a model name", (_what, name, message) => {
    const r = run(["estimate", name]);
    refused(["estimate", name], message);
    expect(r.err).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
  });

  test("in an option name and a number", () => {
    refused(["estimate", "qwen3-8b", "--ctx", "1\u001b[0m"], /--ctx must be a number, got '1\\u001b\[0m'/);
    refused(["estimate", "qwen3-8b", "--c\u0007tx", "1"], /Unknown option --c\\u0007tx/);
  });

  test("a custom model's name may not hold them", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fitmygpu-name-"));
    const file = path.join(dir, "config.json");
    fs.writeFileSync(file, JSON.stringify(findModel("qwen3-8b").record.config));
    try {
      refused(["model", "--config", file, "--name", "Mine\u001b[2J"], /The model name must not contain control characters/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("hostile configs through --config exit 2 at once, never 1 or a hang", () => {
  const withConfig = (config: Record<string, any>, args: string[], message: RegExp) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fitmygpu-hostile-"));
    const file = path.join(dir, "config.json");
    fs.writeFileSync(file, JSON.stringify(config));
    try {
      const t0 = Date.now();
      refused(["model", "--config", file, ...args], message);
      expect(Date.now() - t0).toBeLessThan(3000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  const copy = (id: string) => JSON.parse(JSON.stringify(findModel(id).record.config));

  test.each(["constructor", "__proto__", "toString"])("text_config.model_type %s", (type) => {
    const c = copy("qwen3.5-9b");
    c.text_config.model_type = type;
    withConfig(c, [], new RegExp(`Unsupported text_config.model_type '${type}'`));
  });

  test("ReDoS patterns in quantization_config.ignore, with a lookahead refused by name", () => {
    const c = copy("kimi-k2.5");
    for (const q of [c.quantization_config, c.text_config.quantization_config]) q.ignore.push("re:(.|.)*Z", "re:" + ".*".repeat(20) + "Z", "re:(?!x)y");
    withConfig(c, [], /lookaround assertion/);
  });
});

describe("--config and --index are read only up to the cap", () => {
  test("/dev/zero stops at the cap, fast", () => {
    const t0 = Date.now();
    refused(["model", "--config", "/dev/zero"], /Cannot read the --config file '\/dev\/zero': it is larger than 8 MiB/);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  test("an index from /dev/zero too; a directory is a clear error", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fitmygpu-cap-"));
    const file = path.join(dir, "config.json");
    fs.writeFileSync(file, JSON.stringify(findModel("qwen3-8b").record.config));
    try {
      refused(["model", "--config", file, "--index", "/dev/zero"], /--index file '\/dev\/zero': it is larger than 8 MiB/);
      refused(["model", "--config", dir], /Cannot read the --config file '.*': EISDIR/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a config.json with a UTF-8 byte-order mark reads like one without", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fitmygpu-bom-"));
    const file = path.join(dir, "config.json");
    fs.writeFileSync(file, "\uFEFF" + JSON.stringify(findModel("qwen3-8b").record.config, null, 2));
    try {
      const r = run(["model", "--config", file, "--json"]);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out).totalParams).toBe(findModel("qwen3-8b").params.total);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

test("a reader that goes away (| head -c 1) ends the run quietly with exit 0", async () => {
  // A real pipe (a FIFO read by head, which leaves after one byte), so further writes fail with EPIPE.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fitmygpu-pipe-"));
  const fifo = path.join(dir, "out");
  execFileSync("mkfifo", [fifo]);
  const head = spawn("sh", ["-c", 'head -c 1 < "$0" > /dev/null', fifo]);
  const stream = fs.createWriteStream(fifo);
  try {
    const exited = new Promise<number>((resolve) => exitQuietlyOnClosedPipe(stream, resolve));
    const models = JSON.stringify(catalog().models.map((m) => m.record.config));
    for (let i = 0; i < 20; i++) stream.write(models);
    await expect(exited).resolves.toBe(0);
  } finally {
    head.kill();
    stream.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
