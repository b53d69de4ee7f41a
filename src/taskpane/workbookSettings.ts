// The workbook setting that holds custom models and GPUs, and the part of
// Office.Settings the pane uses: apart from the loader (customSettings.ts), so
// the pane can see whether a workbook holds any before loading the code that
// validates them.

/** The part of Office.Settings this adapter uses. */
export interface SettingsLike {
  // Office.Settings.get returns whatever was stored; readCustom validates it.
  get(name: string): any;
  set(name: string, value: any): void;
  saveAsync(callback?: (result: { status: string; error?: { message: string } }) => void): void;
}

/** The document setting that holds the custom entries. */
export const CUSTOM_SETTING = "fitmygpu.custom";

/** True when the workbook stores custom entries (valid or not): only then does the pane load the code that reads them. */
export function holdsCustom(settings: SettingsLike): boolean {
  let stored: unknown;
  try {
    stored = settings.get(CUSTOM_SETTING);
  } catch {
    return true; // the loader reports settings it cannot read
  }
  return stored !== undefined && stored !== null;
}
