// The engines the estimator models, by id.

export const RUNTIME_IDS = ["vllm", "sglang", "llama.cpp", "ollama", "transformers", "mlx"] as const;
export type RuntimeId = (typeof RUNTIME_IDS)[number];
