// Custom models and GPUs kept in the workbook: a thin adapter between the
// document's settings (Office.context.document.settings, or anything shaped
// like it) and the core's storage format. No Office globals: the caller passes
// the settings object in, so tests use a plain fake.
import { clearCustomEntries, setCustomEntries, type CustomEntries } from "../core/catalog";
import { buildCustomEntries, parseCustom, serializeCustom, type CustomInputs } from "../core/customStore";
import { isFitError } from "../core/errors";

/** The part of Office.Settings this adapter uses. */
export interface SettingsLike {
  // Office.Settings.get returns whatever was stored; parseCustom validates it.
  get(name: string): any;
  set(name: string, value: any): void;
  saveAsync(callback?: (result: { status: string; error?: { message: string } }) => void): void;
}

/** The document setting that holds the custom entries. */
export const CUSTOM_SETTING = "fitmygpu.custom";

export interface LoadedCustom {
  /** The inputs read from the workbook (empty when none or on error). */
  inputs: CustomInputs;
  /** The entries now registered (empty when none or on error). */
  entries: CustomEntries;
  /** Why the stored entries were not loaded; the registry is then left as it was. */
  error?: string;
}

const empty = (): CustomInputs => ({ models: [], gpus: [] });

/** Reads the workbook's custom entries and registers them; a workbook without any clears the registry. */
export function loadCustom(settings: SettingsLike): LoadedCustom {
  try {
    const stored = settings.get(CUSTOM_SETTING);
    if (stored === null || stored === undefined || stored === "") {
      clearCustomEntries();
      return { inputs: empty(), entries: { models: [], gpus: [] } };
    }
    const inputs = parseCustom(stored);
    const entries = buildCustomEntries(inputs);
    setCustomEntries(entries);
    return { inputs, entries };
  } catch (e) {
    if (!isFitError(e)) throw e;
    return { inputs: empty(), entries: { models: [], gpus: [] }, error: `Custom models and GPUs in this workbook were not loaded: ${e.message}` };
  }
}

/**
 * Validates and registers the entries, writes them to the workbook and saves
 * the settings. Rejects (registering nothing) when an entry is invalid or
 * collides with a catalog name, and when the save itself fails.
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
