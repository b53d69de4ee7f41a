// The schema of catalog/pages/*.json: a model's written sections, each citing
// the page's sources. Checked when catalog.json is built (catalogBuild.ts); the
// runtimes read the result as trusted data.
import "./zodConfig";
import * as z from "zod/mini";
import { citedSourceSchema } from "./catalogSchema";
import { PAGE_SECTIONS, type SectionKey } from "./pageSections";

const SECTION_KEYS = PAGE_SECTIONS.map((s) => s.key) as [SectionKey, ...SectionKey[]];

const sectionText = () => z.string().check(z.minLength(1));

export const pageSchema = z
  .strictObject({
    ...(Object.fromEntries(SECTION_KEYS.map((k) => [k, sectionText()])) as Record<SectionKey, ReturnType<typeof sectionText>>),
    sources: z.array(citedSourceSchema).check(z.minLength(1)),
    /** Indexes into `sources` for each section. */
    sectionSources: z.partialRecord(z.enum(SECTION_KEYS), z.array(z.number().check(z.int(), z.nonnegative())).check(z.minLength(1))),
    /** Sections the writers found little to say about (kept short on purpose). */
    thin: z.optional(z.array(z.enum(SECTION_KEYS))),
  })
  .check(
    z.superRefine((p, ctx) => {
      for (const [k, idx] of Object.entries(p.sectionSources)) for (const i of idx ?? []) if (i >= p.sources.length) ctx.addIssue({ code: "custom", path: ["sectionSources", k], message: `source ${i} does not exist (${p.sources.length} sources)` });
      for (const k of SECTION_KEYS) if (!p.sectionSources[k]) ctx.addIssue({ code: "custom", path: ["sectionSources", k], message: "every section cites at least one source" });
    }),
  );

export const pageFileSchema = z.strictObject({ pages: z.record(z.string(), pageSchema) });

/** One model's page as catalog.json holds it. */
export type PageRecord = z.infer<typeof pageSchema>;
