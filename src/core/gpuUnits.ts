// How many parallel units (NVIDIA streaming multiprocessors, AMD compute units,
// Apple GPU cores, Intel Xe cores) each catalog GPU has. The speed model needs
// them because a decode kernel keeps a bounded number of loads in flight per
// unit, so by Little's law (bandwidth = bytes in flight / memory latency) it
// cannot stream faster than units × a per-unit rate, whatever the memory's
// peak: a GPU with much bandwidth per unit (A100, H100, MI300X) reaches a
// smaller share of its peak than one with little (RTX 4090, L40S).
//
// Counts are the vendors' published configurations: NVIDIA's architecture
// whitepapers (GV100, TU10x, GA100, GA10x, AD10x, GH100, GB20x/GB100) and product
// pages, AMD's CDNA/RDNA product pages, Apple's chip pages; for Apple chips sold
// with two GPU bins, the bin the catalog's bf16Tflops uses (catalog/gpus.json
// sources). A GPU missing here (or a user-defined one) has no unit limit.
// Kept beside the catalog rather than in gpus.json until the catalog schema
// gains the field.

/** GPU id → parallel units (SMs, CUs, GPU cores, Xe cores). */
const UNITS: Readonly<Record<string, number>> = {
  // NVIDIA datacenter: GV100 80 SMs; T4 (TU104) 40; A10 (GA102) 72; A30 56; A40 (GA102) 84;
  // A100 (GA100) 108; L4 (AD104) 58; L40/L40S (AD102) 142; H100 PCIe 114, SXM5/NVL 132; H200 and
  // GH200 132; H20 78; B200/GB200 148; B300/GB300 160.
  "nvidia-v100-sxm2-16gb": 80,
  "nvidia-v100-sxm2-32gb": 80,
  "nvidia-v100-pcie-16gb": 80,
  "nvidia-v100-pcie-32gb": 80,
  "nvidia-t4": 40,
  "nvidia-a10": 72,
  "nvidia-a30": 56,
  "nvidia-a40": 84,
  "nvidia-a100-pcie-40gb": 108,
  "nvidia-a100-sxm-40gb": 108,
  "nvidia-a100-pcie-80gb": 108,
  "nvidia-a100-sxm-80gb": 108,
  "nvidia-l4": 58,
  "nvidia-l40": 142,
  "nvidia-l40s": 142,
  "nvidia-h100-pcie-80gb": 114,
  "nvidia-h100-sxm-80gb": 132,
  "nvidia-h100-nvl-94gb": 132,
  "nvidia-h200-sxm-141gb": 132,
  "nvidia-h200-nvl-141gb": 132,
  "nvidia-h20-96gb": 78,
  "nvidia-gh200-96gb": 132,
  "nvidia-gh200-144gb": 132,
  "nvidia-b200-180gb": 148,
  "nvidia-gb200": 148,
  "nvidia-b300": 160,
  "nvidia-gb300": 160,
  // NVIDIA workstation and GeForce (CUDA cores / 128 per SM from Ampere on, / 64 on Turing).
  "nvidia-rtx-a6000": 84,
  "nvidia-rtx-6000-ada": 142,
  "nvidia-rtx-pro-6000-blackwell": 188,
  "nvidia-rtx-pro-6000-blackwell-server": 188,
  "nvidia-rtx-2060-6gb": 30,
  "nvidia-rtx-3060-12gb": 28,
  "nvidia-rtx-3080-10gb": 68,
  "nvidia-rtx-3080-12gb": 70,
  "nvidia-rtx-3090": 82,
  "nvidia-rtx-3090-ti": 84,
  "nvidia-rtx-4060-ti-16gb": 34,
  "nvidia-rtx-4070-ti-super": 66,
  "nvidia-rtx-4080": 76,
  "nvidia-rtx-4080-super": 80,
  "nvidia-rtx-4090": 128,
  "nvidia-rtx-5060-ti-16gb": 36,
  "nvidia-rtx-5070-ti": 70,
  "nvidia-rtx-5080": 84,
  "nvidia-rtx-5090": 170,
  // GB10 (DGX Spark) 6144 CUDA cores; Jetson AGX Orin 64GB 2048; Jetson AGX Thor 2560.
  "nvidia-dgx-spark": 48,
  "nvidia-jetson-agx-orin-64gb": 16,
  "nvidia-jetson-agx-thor": 20,
  // AMD compute units: MI210 104, MI250X 220 over two GCDs, MI300X/MI325X 304, MI355X 256,
  // RX 7900 XTX 96, Radeon AI PRO R9700 64, Radeon 8060S (Strix Halo) 40.
  "amd-mi210": 104,
  "amd-mi250x-gcd": 110,
  "amd-mi300x": 304,
  "amd-mi325x": 304,
  "amd-mi355x": 256,
  "amd-radeon-rx-7900-xtx": 96,
  "amd-radeon-ai-pro-r9700": 64,
  "amd-ryzen-ai-max-plus-395-128gb": 40,
  // Apple GPU cores, the bin each record's bf16Tflops is computed for (M4 Pro and M5 Max have no such figure).
  "apple-m1-8gb": 7,
  "apple-m1-max-64gb": 32,
  "apple-m1-ultra-64gb": 48,
  "apple-m1-ultra-128gb": 48,
  "apple-m2-max-96gb": 38,
  "apple-m3-pro-18gb": 14,
  "apple-m3-max-64gb": 40,
  "apple-m2-ultra-192gb": 60,
  "apple-m3-max-128gb": 40,
  "apple-m3-ultra-512gb": 80,
  "apple-m3-ultra-256gb": 60,
  "apple-m3-ultra-96gb": 60,
  "apple-m4-max-128gb": 40,
  "apple-m4-max-64gb": 40,
  "apple-m4-max-36gb": 32,
  // Intel Xe2 cores.
  "intel-arc-b580": 20,
  "intel-arc-pro-b60": 20,
};

/** A GPU's parallel units (SMs, CUs, GPU cores), or null when not known. */
export function computeUnitsOf(gpuId: string): number | null {
  return Object.prototype.hasOwnProperty.call(UNITS, gpuId) ? UNITS[gpuId] : null;
}
