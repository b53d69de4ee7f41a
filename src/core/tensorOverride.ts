// llama.cpp's -ot/--override-tensor: "pattern=buffer" rules, applied to each
// tensor name in order, the first rule whose pattern is found in the name
// deciding where that tensor lives (src/llama-model.cpp, tensor_buft_overrides;
// std::regex_search). FitMyGPU models the rule people use to fit MoE models on
// small GPUs: routed-expert tensors (blk.N.ffn_{gate,up,down}_exps) kept in
// system RAM. A rule that also catches the tiny router and norm tensors is
// fine; one that moves attention, dense FFN, shared experts, the embeddings or
// the output layer is refused by name rather than guessed at.
import { fail } from "./errors";
import { searchMatcher } from "./modulePattern";

export interface OverrideRule {
  pattern: string;
  device: string;
}

/** The three routed-expert projections of a MoE block, equal in size (hidden × expert width each). */
const EXPERT_TENSORS = ["ffn_gate_exps", "ffn_up_exps", "ffn_down_exps"];
/** Tensors of a block whose move to the CPU is not modelled. */
const MODELLED_ON_GPU = ["attn_q", "attn_k", "attn_v", "attn_qkv", "attn_output", "attn_q_a", "attn_q_b", "attn_kv_a_mqa", "attn_kv_b", "ffn_gate", "ffn_up", "ffn_down", "ffn_gate_shexp", "ffn_up_shexp", "ffn_down_shexp", "ssm_in", "ssm_out"];
const GLOBAL = ["token_embd", "output", "output_norm"];

const isCpu = (device: string) => /^cpu$/i.test(device.trim());

/** The share (0, 1/3, 2/3 or 1) of each block's routed-expert bytes the rules keep in system RAM. */
export function cpuExpertShares(rules: readonly OverrideRule[], nLayer: number, expertLayers: readonly boolean[], flag = "-ot"): number[] {
  if (!rules.length) return new Array<number>(nLayer).fill(0);
  const compiled = rules.map((r) => ({ ...r, found: searchMatcher(r.pattern, `${flag} pattern ${JSON.stringify(r.pattern)}`) }));
  const deviceOf = (name: string) => compiled.find((r) => r.found(name))?.device;
  const refuse = (name: string, device: string): never =>
    fail("unsupported", `${flag} "${compiled.find((r) => r.found(name))!.pattern}=${device}" moves ${name} to ${device}; FitMyGPU models ${flag} for routed experts kept on the CPU (e.g. "exps=CPU" or "blk\\.(2[0-9])\\.ffn_.*_exps=CPU").`);
  for (const g of GLOBAL) {
    const d = deviceOf(`${g}.weight`);
    if (d !== undefined) refuse(`${g}.weight`, d);
  }
  return Array.from({ length: nLayer }, (_, i) => {
    for (const t of MODELLED_ON_GPU) {
      const name = `blk.${i}.${t}.weight`;
      const d = deviceOf(name);
      if (d !== undefined) refuse(name, d);
    }
    if (!expertLayers[i]) return 0;
    let onCpu = 0;
    for (const t of EXPERT_TENSORS) {
      const name = `blk.${i}.${t}.weight`;
      const d = deviceOf(name);
      if (d === undefined) continue;
      if (!isCpu(d)) refuse(name, d);
      onCpu++;
    }
    // Norms and the router (ffn_gate_inp) may follow the experts to the CPU: their bytes are negligible.
    return onCpu / EXPERT_TENSORS.length;
  });
}
