// The calculator's picture of memory against context: the required memory per
// GPU from 1K tokens to the model's native window (log scale), the engine's
// budget as a line, the max context and the form's context marked. SVG built
// with attributes and classes only (the CSP allows no inline styles).
import { formatBytes, formatCount, GiB } from "../core/units";
import type { MemoryCurve } from "./memoryCurve";

const NS = "http://www.w3.org/2000/svg";
const W = 320;
const H = 176;
const M = { left: 40, right: 12, top: 14, bottom: 26 };

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, ...children: Array<SVGElement | string>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(typeof c === "string" ? document.createTextNode(c) : c);
  return el;
}

/** "4K", "256K", "1M" for context ticks. */
export function tokensLabel(n: number): string {
  if (n >= 1048576 && n % 1048576 === 0) return `${n / 1048576}M`;
  if (n >= 1000000) return `${(n / 1e6).toFixed(n % 1e6 === 0 ? 0 : 1)}M`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024}K`;
  return formatCount(n);
}

/** The chart for a curve (an SVG with a text summary as its accessible name). */
export function memoryChart(c: MemoryCurve): SVGSVGElement {
  const first = c.points[0].ctx;
  const last = c.points[c.points.length - 1].ctx;
  const top = Math.max(c.budgetBytes, ...c.points.map((p) => p.bytes)) * 1.08;
  const x = (ctx: number) => M.left + (last === first ? 0 : ((Math.log2(ctx) - Math.log2(first)) / (Math.log2(last) - Math.log2(first))) * (W - M.left - M.right));
  const y = (bytes: number) => H - M.bottom - (bytes / top) * (H - M.top - M.bottom);
  const inRange = (ctx: number) => ctx >= first && ctx <= last;
  const fitsLabel = c.maxContext > 0 ? `up to ${formatCount(c.maxContext)} tokens fit` : "no context fits";
  const summary = `Required memory per GPU from ${formatCount(first)} to ${formatCount(last)} tokens: ${formatBytes(c.points[0].bytes)} to ${formatBytes(c.points[c.points.length - 1].bytes)}; engine budget ${formatBytes(c.budgetBytes)}; ${fitsLabel}.`;
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-label": summary, "data-testid": "memory-chart", "data-max-context": c.maxContext, "data-window": c.window });
  root.append(svg("title", {}, summary));

  // Axes and ticks: three memory levels; every other context step (all of them when few).
  const axis = svg("g", { class: "chart-axis" });
  for (const f of [0, 0.5, 1]) {
    const v = (top / 1.08) * f;
    axis.append(svg("line", { x1: M.left, x2: W - M.right, y1: y(v), y2: y(v), class: "chart-grid" }), svg("text", { x: M.left - 4, y: y(v) + 3, "text-anchor": "end" }, `${(v / GiB).toFixed(v / GiB >= 10 ? 0 : 1)}`));
  }
  axis.append(svg("text", { x: 2, y: M.top - 4 }, "GiB"));
  const step = c.points.length > 6 ? 2 : 1;
  c.points.forEach((p, i) => {
    if (i % step === 0 || i === c.points.length - 1) axis.append(svg("text", { x: x(p.ctx), y: H - M.bottom + 13, "text-anchor": "middle" }, tokensLabel(p.ctx)));
  });
  axis.append(svg("text", { x: W - M.right, y: H - 2, "text-anchor": "end" }, "context (tokens)"));
  root.append(axis);

  // The budget line and, where it is reached, the max context.
  root.append(svg("line", { x1: M.left, x2: W - M.right, y1: y(c.budgetBytes), y2: y(c.budgetBytes), class: "chart-budget", "data-testid": "chart-budget" }));
  root.append(svg("text", { x: W - M.right, y: y(c.budgetBytes) - 4, "text-anchor": "end", class: "chart-budget-label" }, `budget ${formatBytes(c.budgetBytes)}`));
  root.append(svg("polyline", { points: c.points.map((p) => `${x(p.ctx).toFixed(1)},${y(p.bytes).toFixed(1)}`).join(" "), class: "chart-line", "data-testid": "chart-line" }));
  if (c.maxContext > 0 && inRange(c.maxContext) && c.maxContext < last) {
    const mx = x(c.maxContext);
    // Labelled near the axis, away from the budget's label at the top right.
    root.append(svg("line", { x1: mx, x2: mx, y1: M.top, y2: H - M.bottom, class: "chart-max", "data-testid": "chart-max" }), svg("text", { x: mx + (mx > W / 2 ? -4 : 4), y: H - M.bottom - 6, "text-anchor": mx > W / 2 ? "end" : "start", class: "chart-max-label" }, `max ${tokensLabel(c.maxContext)}`));
  } else if (c.maxContext >= last) root.append(svg("text", { x: W - M.right, y: H - M.bottom - 6, "text-anchor": "end", class: "chart-max-label" }, "the whole window fits"));
  if (inRange(c.ctx)) {
    const p = c.points.reduce((a, b) => (Math.abs(Math.log2(b.ctx / c.ctx)) < Math.abs(Math.log2(a.ctx / c.ctx)) ? b : a));
    // The marker sits on the curve at the form's context (interpolated in log space between steps).
    const i = c.points.findIndex((q) => q.ctx >= c.ctx);
    const a = c.points[Math.max(0, i - 1)];
    const b = c.points[Math.max(0, i)];
    const t = b.ctx === a.ctx ? 0 : (Math.log2(c.ctx) - Math.log2(a.ctx)) / (Math.log2(b.ctx) - Math.log2(a.ctx));
    const bytes = b.ctx === c.ctx ? b.bytes : p.ctx === c.ctx ? p.bytes : a.bytes + t * (b.bytes - a.bytes);
    root.append(svg("circle", { cx: x(c.ctx), cy: y(bytes), r: 3.5, class: "chart-here", "data-testid": "chart-here" }));
  }
  return root;
}
