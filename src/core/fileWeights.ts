// Exact weight bytes read from a model file (a GGUF header's tensor infos),
// split the way engines place them. A model read from a GGUF carries these
// facts, stored with it in the workbook; weightBytes uses them in place of the
// per-tensor quant rules, so any quant mix (imatrix, "dynamic", overrides) is
// sized exactly.
import "./zodConfig";
import * as z from "zod/mini";
import type { TensorGroup } from "./weights";

export const TENSOR_GROUPS = ["embed", "head", "attention", "mlp", "experts", "shared", "router", "linear", "norms", "vision", "mtp"] as const satisfies readonly TensorGroup[];

/** A whole number from 0 to max. */
const whole = (min: number, max: number) => z.number().check(z.int(), z.minimum(min), z.maximum(max));
const bytes = whole(0, 1e14);

export const fileWeightsSchema = z
  .strictObject({
    format: z.literal("gguf"),
    /** Σ bytes of every tensor in every part. */
    totalBytes: whole(1, 1e14),
    /** Σ elements of every tensor. */
    params: whole(1, 1e14),
    /** Elements of the multi-token-prediction (nextn) layers among them. */
    mtpParams: bytes,
    tensors: whole(1, 1_000_000),
    /** token_embd.weight: llama.cpp keeps it in host memory. */
    tokenEmbdBytes: bytes,
    /** output.weight (0 when the embeddings are tied and serve as the output head). */
    outputBytes: bytes,
    /** output_norm.weight: travels with the output layer. */
    outputNormBytes: z._default(bytes, 0),
    /** Tensors every tensor-parallel rank keeps whole (1-D tensors, routers, MLA down-projections). */
    replicatedBytes: bytes,
    /** Bytes of each main block, and of its routed experts (engines place layers and experts on devices). */
    perLayer: z.optional(z.array(bytes).check(z.maxLength(10_000))),
    perLayerExperts: z.optional(z.array(bytes).check(z.maxLength(10_000))),
    byGroup: z.strictObject(Object.fromEntries(TENSOR_GROUPS.map((g) => [g, bytes])) as Record<TensorGroup, typeof bytes>),
    /** Bytes per ggml type (Q4_K, Q6_K, F32, …): the file's quant mix. */
    types: z.record(z.string().check(z.regex(/^[A-Z0-9_]{1,16}$/)), bytes),
    /** The file (or split parts) the numbers were read from. */
    files: z.array(z.string().check(z.minLength(1), z.maxLength(300))).check(z.minLength(1), z.maxLength(256)),
  })
  .check(
    z.superRefine((w, ctx) => {
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      if (sum(Object.values(w.byGroup)) !== w.totalBytes) ctx.addIssue({ code: "custom", path: ["byGroup"], message: "the groups do not add up to totalBytes" });
      if (sum(Object.values(w.types)) !== w.totalBytes) ctx.addIssue({ code: "custom", path: ["types"], message: "the types do not add up to totalBytes" });
      if (w.tokenEmbdBytes > w.byGroup.embed) ctx.addIssue({ code: "custom", path: ["tokenEmbdBytes"], message: "exceeds the embedding group" });
      if (w.outputBytes > w.byGroup.head) ctx.addIssue({ code: "custom", path: ["outputBytes"], message: "exceeds the output-head group" });
      if (w.replicatedBytes > w.totalBytes || w.mtpParams > w.params) ctx.addIssue({ code: "custom", path: ["replicatedBytes"], message: "exceeds the total" });
    }),
  );

export type FileWeights = z.infer<typeof fileWeightsSchema>;
