// Custom models and GPUs kept in the workbook: a thin adapter between the
// document's settings (Office.context.document.settings, or anything shaped
// like it) and the core's storage format. No Office globals: the caller passes
// the settings object in, so tests use a plain fake. Loading never throws and
// never blocks the pane: what does not load is listed, and kept on save.
import { clearCustomEntries, setCustomEntries, type CustomEntries } from "../core/catalog";
import { buildCustomEntries, readCustom, serializeCustom, type CustomInputs, type ReadLimits } from "../core/customStore";
import { CUSTOM_SETTING, type SettingsLike } from "./workbookSettings";

export { CUSTOM_SETTING, type SettingsLike } from "./workbookSettings";

export interface LoadedCustom {
  /** The inputs read from the workbook, with the entries that did not load (kept for the next save). */
  inputs: CustomInputs;
  /** The entries now registered. */
  entries: CustomEntries;
  /** What did not load, in one sentence for a notice; absent when everything loaded. */
  error?: string;
}

/**
 * Reads the workbook's custom entries and registers those that load (a workbook
 * without any clears the registry). Never throws: a hostile or broken setting
 * must not keep the pane or the FIT functions from starting.
 */
export function loadCustom(settings: SettingsLike, limits?: ReadLimits): LoadedCustom {
  let stored: unknown;
  try {
    stored = settings.get(CUSTOM_SETTING);
  } catch (e) {
    const reason = `the workbook's settings could not be read: ${e instanceof Error ? e.message : String(e)}`;
    return { inputs: { models: [], gpus: [], unloaded: [{ kind: "store", raw: undefined, label: "All custom entries stored in this workbook", reason }] }, entries: { models: [], gpus: [] }, error: `Custom models and GPUs in this workbook were not loaded: ${reason}.` };
  }
  const { inputs, entries } = readCustom(stored, limits);
  const unloaded = inputs.unloaded ?? [];
  // Unreadable as a whole: nothing of it registers, and the registry is left as it was.
  if (unloaded[0]?.kind === "store") return { inputs, entries, error: `Custom models and GPUs in this workbook were not loaded: ${unloaded[0].reason}. They are kept; see Add › In this workbook.` };
  try {
    if (entries.models.length || entries.gpus.length) setCustomEntries(entries);
    else clearCustomEntries();
  } catch (e) {
    // readCustom checked the names entry by entry, so this is not expected; the pane still opens.
    return { inputs, entries: { models: [], gpus: [] }, error: `Custom models and GPUs in this workbook were not loaded: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!unloaded.length) return { inputs, entries };
  const first = unloaded[0];
  const error = `${unloaded.length} custom ${unloaded.length === 1 ? "entry" : "entries"} in this workbook did not load (${first.label}: ${first.reason}${unloaded.length > 1 ? "; …" : ""}). ${unloaded.length === 1 ? "It is" : "They are"} kept; see Add › In this workbook.`;
  return { inputs, entries, error };
}

/**
 * Validates and registers the entries, writes them (and, unchanged, those that
 * did not load) to the workbook and saves the settings. Rejects (registering
 * nothing) when an entry is invalid or collides with a catalog name, and when
 * the save itself fails.
 */
export function saveCustom(settings: SettingsLike, inputs: CustomInputs): Promise<CustomEntries> {
  let entries: CustomEntries;
  let stored: string;
  try {
    stored = serializeCustom(inputs);
    entries = buildCustomEntries(inputs);
    setCustomEntries(entries);
  } catch (e) {
    return Promise.reject(e);
  }
  settings.set(CUSTOM_SETTING, stored);
  return new Promise((resolve, reject) => {
    settings.saveAsync((result) => {
      if (result.status === "succeeded") resolve(entries);
      else reject(new Error(`Could not save custom models and GPUs to the workbook: ${result.error?.message ?? result.status}`));
    });
  });
}
