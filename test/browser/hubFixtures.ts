// The mock Hub the browser tests put behind https://huggingface.co (run.js
// bundles this file for Node and proxies the pane's Hub requests to it): the
// same server and GGUF writer the jest suites use, with the repos the "Add from
// Hugging Face" scenario reads.
import * as fs from "fs";
import * as path from "path";
import { startMockHub, type MockHub } from "../support/mockHub";
import { fileOf, splitFiles, tinyGemma3, tinyQwen3, tinyQwen3Moe } from "../support/tinyGguf";

export interface BrowserHub {
  hub: MockHub;
  /** What the files hold, to check the pane's numbers against. */
  expected: { qwen3Bytes: number; qwen3EmbdBytes: number; moeBytes: number; gemmaBytes: number };
  /** A GGUF file to pick from disk (a tied Gemma 3: all of it stays on the GPU). */
  gemmaFile: Uint8Array;
}

export async function startBrowserHub(root: string): Promise<BrowserHub> {
  const qwen3 = tinyQwen3();
  const moe = tinyQwen3Moe();
  const gemma = tinyGemma3();
  const parts = splitFiles(moe, 2);
  const config = fs.readFileSync(path.join(root, "test/fixtures/hub/Qwen2.5-VL-72B-Instruct.config.json"), "utf8");
  const tinyConfig = JSON.stringify({ model_type: "qwen3", hidden_size: 256, num_hidden_layers: 4, num_attention_heads: 4, num_key_value_heads: 2, head_dim: 64, intermediate_size: 512, vocab_size: 512, max_position_embeddings: 8192, torch_dtype: "bfloat16" });
  const hub = await startMockHub({
    "Qwen/Qwen2.5-VL-72B-Instruct": { files: { "config.json": config } },
    "tiny/qwen3-GGUF": {
      files: {
        "tiny-qwen3-Q4_K_M.gguf": { body: fileOf(qwen3), lfs: true },
        "MoE/tiny-moe-00001-of-00002.gguf": { body: parts[0], lfs: true },
        "MoE/tiny-moe-00002-of-00002.gguf": { body: parts[1], lfs: true },
      },
    },
    "meta/gated-tiny": { gatedToken: "hf_browser_secret", files: { "config.json": tinyConfig } },
    "owner/malformed": { files: { "config.json": '{ "model_type": "qwen3", "hidden_size": ' } },
  });
  return { hub, expected: { qwen3Bytes: qwen3.tensorBytes, qwen3EmbdBytes: (256 * 512 / 256) * 144, moeBytes: moe.tensorBytes, gemmaBytes: gemma.tensorBytes }, gemmaFile: fileOf(gemma) };
}
