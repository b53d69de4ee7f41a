// KV cache element types and their bytes per element (block scales included).

export type KvDtypeId = "auto" | "bf16" | "fp16" | "fp8" | "fp8_e5m2" | "q8_0" | "q4_0";

export interface KvDtype {
  id: KvDtypeId;
  name: string;
  /** Bytes per element; `auto` takes the model's activation dtype. */
  bytes: (modelDtypeBytes: number) => number;
  /** Block-quantized types (llama.cpp q8_0/q4_0, MLX kv_bits) need flash attention on llama.cpp. */
  blockQuantized: boolean;
}

export const KV_DTYPES: readonly KvDtype[] = [
  { id: "auto", name: "Model dtype (bf16/fp16)", bytes: (m) => m, blockQuantized: false },
  { id: "bf16", name: "BF16", bytes: () => 2, blockQuantized: false },
  { id: "fp16", name: "FP16", bytes: () => 2, blockQuantized: false },
  { id: "fp8", name: "FP8 e4m3", bytes: () => 1, blockQuantized: false },
  { id: "fp8_e5m2", name: "FP8 e5m2", bytes: () => 1, blockQuantized: false },
  // 32 values share one fp16 scale: 34 / 32 and 18 / 32 bytes per element.
  { id: "q8_0", name: "Q8_0 (8.5 bits)", bytes: () => 34 / 32, blockQuantized: true },
  { id: "q4_0", name: "Q4_0 (4.5 bits)", bytes: () => 18 / 32, blockQuantized: true },
];

/** Aliases people use for KV dtypes. */
export const KV_ALIASES: Record<string, KvDtypeId> = {
  f16: "fp16",
  float16: "fp16",
  bfloat16: "bf16",
  fp8_e4m3: "fp8",
  e4m3: "fp8",
  e5m2: "fp8_e5m2",
  q8: "q8_0",
  q4: "q4_0",
};
