// The written sections of a catalog model's page (overview, training scope,
// layout, context design, what improved, release context, strengths), each
// citing the sources it was written from. They live in catalog/pages/, apart
// from the model records, so the estimator's catalog stays small: only the
// surfaces that show a page (the pane's Model tab, the spec-table insert, the
// CLI's `model`) import this module, and a page file is validated on first use.
import type { CitedSource } from "./catalogSchema";
import { catalogData } from "./catalogData";
import { PAGE_SECTIONS, type SectionKey } from "./pageSections";
import type { ModelEntry } from "./catalog";
import { memoryBehaviour } from "./memoryBehaviour";

/** The written sections in reading order, with the headings every surface uses. */

/** One written section: heading, text, and the sources it cites (as indexes into the page's sources). */
export interface PageSection {
  key: SectionKey;
  heading: string;
  text: string;
  cites: number[];
}

export interface ModelPageText {
  sections: PageSection[];
  /** Every source the sections cite, in the order the citations number them (1-based in the UI). */
  sources: CitedSource[];
}

let pages: Map<string, ModelPageText> | undefined;

function load(): Map<string, ModelPageText> {
  const out = new Map<string, ModelPageText>();
  for (const [id, p] of Object.entries(catalogData().pages)) out.set(id, { sections: PAGE_SECTIONS.map((s) => ({ key: s.key, heading: s.heading, text: p[s.key], cites: p.sectionSources[s.key] ?? [] })), sources: p.sources });
  return out;
}

/** The written page of a catalog model (by record id), or undefined for custom models and models without one. */
export function pageText(id: string): ModelPageText | undefined {
  pages ??= load();
  return pages.get(id);
}

/** Ids of every model with a written page. */
export function pageIds(): string[] {
  pages ??= load();
  return [...pages.keys()];
}

/** A source as users read it: "publisher: title (read YYYY-MM-DD)". */
export function sourceLabel(s: Pick<CitedSource, "title" | "publisher" | "date">): string {
  return `${s.publisher}: ${s.title} (read ${s.date})`;
}

/** A source in a page's numbered list. */
export interface PageSource {
  /** 1-based number the sections cite. */
  n: number;
  title: string;
  publisher: string;
  url: string;
  date: string;
  /** "publisher: title (read YYYY-MM-DD)". */
  label: string;
}

/** A section of a page as every surface shows it. */
export interface PageSectionView {
  key: SectionKey | "memory";
  heading: string;
  /** Paragraph text (the memory section has one sentence per fact). */
  paragraphs: string[];
  /** Numbers of the sources cited (1-based), empty for sections computed from our own numbers. */
  cites: number[];
}

export interface ModelPageView {
  sections: PageSectionView[];
  sources: PageSource[];
}

/**
 * The page of a model as the pane, the CLI and the spec-table insert show it:
 * the written sections (catalog models), the memory behaviour `memory` (computed
 * by the caller from the core's numbers), then the sources: the page's, numbered
 * as the sections cite them, and the record's own shown sources after them (one
 * entry per URL).
 */
export function pageView(record: { id: string; sources: readonly CitedSource[] }, memory: string[]): ModelPageView {
  const text = pageText(record.id);
  const sources: PageSource[] = [];
  const numberOf = new Map<string, number>();
  const add = (s: CitedSource): number => {
    const known = numberOf.get(s.url);
    if (known !== undefined) return known;
    const n = sources.length + 1;
    sources.push({ n, title: s.title, publisher: s.publisher, url: s.url, date: s.date, label: sourceLabel(s) });
    numberOf.set(s.url, n);
    return n;
  };
  const pageNumbers = (text?.sources ?? []).map(add);
  const written: PageSectionView[] = (text?.sections ?? []).map((s) => ({ key: s.key, heading: s.heading, paragraphs: [s.text], cites: [...new Set(s.cites.map((i) => pageNumbers[i]))].sort((a, b) => a - b) }));
  for (const s of record.sources) if (s.shown !== false) add(s);
  return { sections: [...written, { key: "memory", heading: "Memory behaviour", paragraphs: memory, cites: [] }], sources };
}

/** A model's page: written sections, the memory behaviour from the core's numbers (and the record's notes), sources. */
export function modelPageView(m: ModelEntry): ModelPageView {
  return pageView(m.record, [...memoryBehaviour(m), `Notes: ${m.record.notes}`]);
}
