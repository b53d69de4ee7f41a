// The sections of a model page, in the order the pane shows them (the page
// schema, pageSchema.ts, requires each one).
export const PAGE_SECTIONS = [
  { key: "overview", heading: "Overview" },
  { key: "trainingScope", heading: "Training scope" },
  { key: "architecture", heading: "Architecture and layout" },
  { key: "contextDesign", heading: "Context design" },
  { key: "improvements", heading: "What improved" },
  { key: "releaseContext", heading: "Release context" },
  { key: "strengths", heading: "Where it is strong" },
] as const;

export type SectionKey = (typeof PAGE_SECTIONS)[number]["key"];
