// The pane's side of Hub lookups, without a browser: when the model picker
// offers a lookup, which engine and format a GGUF model switches the form to,
// and which endpoints the pane may ask (the same list its CSP allows).
import { clearCustomEntries, setCustomEntries } from "../src/core/catalog";
import { importModel } from "../src/core/configImport";
import { bytesSource } from "../src/core/gguf";
import { readGgufModel } from "../src/core/ggufModel";
import { DEFAULT_STATE, hubLookupOption, setupFor } from "../src/taskpane/calculatorModel";
import { HUB_ENDPOINTS, paneHub } from "../src/taskpane/hubClient";
import { fileOf, tinyQwen3 } from "./support/tinyGguf";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const policy = require("../scripts/hubPolicy") as { hubEndpoints: (env: Record<string, string>) => string[]; connectSrc: (env: Record<string, string>) => string };

afterEach(() => clearCustomEntries());

describe("the model picker's Hub lookup", () => {
  test("offered for an owner/name no model answers to, never for catalog names or other text", () => {
    expect(hubLookupOption(" ibm-granite/granite-3.0-8b-instruct ")).toEqual({ id: "hub:ibm-granite/granite-3.0-8b-instruct", label: "Look up ibm-granite/granite-3.0-8b-instruct on Hugging Face", detail: expect.stringMatching(/nothing is sent before you pick this/) });
    expect(hubLookupOption("Qwen/Qwen3-8B")).toBeNull();
    expect(hubLookupOption("qwen/qwen3-8b")).toBeNull();
    expect(hubLookupOption("qwen3 8b")).toBeNull();
    expect(hubLookupOption("a/b/c")).toBeNull();
  });

  test("a GGUF model switches the form to llama.cpp (or keeps Ollama) and its native format; others keep the form", async () => {
    const m = importModel(await readGgufModel([bytesSource("pane-tiny.gguf", fileOf(tinyQwen3()))]));
    setCustomEntries({ models: [m] });
    expect(setupFor("pane-tiny", { runtime: "vllm", quant: "awq" })).toEqual({ runtime: "llama.cpp", quant: "native" });
    expect(setupFor("pane-tiny", { runtime: "ollama", quant: "q4_k_m" })).toEqual({ runtime: "ollama", quant: "native" });
    expect(setupFor("qwen3-8b", { runtime: "vllm", quant: "awq" })).toEqual({ runtime: "vllm", quant: "awq" });
    expect(setupFor("no such model", DEFAULT_STATE)).toEqual(DEFAULT_STATE);
  });
});

describe("endpoints the pane may ask", () => {
  test("outside a webpack build only huggingface.co; another endpoint is refused with how to allow it", () => {
    expect(HUB_ENDPOINTS).toEqual(["https://huggingface.co"]);
    expect(paneHub("https://huggingface.co/", "").endpoint).toBe("https://huggingface.co");
    expect(paneHub("", " hf_x ").token).toBe("hf_x");
    expect(() => paneHub("https://hf-mirror.com", "")).toThrow(/may connect only to https:\/\/huggingface\.co .* build the add-in with HF_ENDPOINT=https:\/\/hf-mirror\.com/);
    expect(() => paneHub("http://hf-mirror.com", "")).toThrow(/https URL/);
  });

  test("the build's list and CSP: huggingface.co, the HF_ENDPOINT it was built with, and the Hub's file CDN", () => {
    expect(policy.hubEndpoints({})).toEqual(["https://huggingface.co"]);
    expect(policy.hubEndpoints({ HF_ENDPOINT: "https://hf-mirror.com/" })).toEqual(["https://hf-mirror.com", "https://huggingface.co"]);
    expect(policy.connectSrc({})).toBe("'self' https://appsforoffice.microsoft.com https://huggingface.co https://*.hf.co");
    expect(policy.connectSrc({ HF_ENDPOINT: "https://hub.corp.example/hf" })).toBe("'self' https://appsforoffice.microsoft.com https://hub.corp.example https://huggingface.co https://*.hf.co");
    expect(() => policy.hubEndpoints({ HF_ENDPOINT: "http://hub.corp.example" })).toThrow(/https URL/);
    expect(() => policy.hubEndpoints({ HF_ENDPOINT: "not a url" })).toThrow(/not a URL/);
  });
});
