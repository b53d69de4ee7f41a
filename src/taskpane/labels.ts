// How the pane and the sheets it writes name a model or a GPU: the catalog name
// when that name finds the same record again, else the id.
import { findGpu, findModel } from "../core/catalog";

/** The label a sheet shows for a model: its catalog name when that name finds the same model again, else the id (or the text as given, for models not in the catalog). */
export function modelLabel(name: string): string {
  try {
    const m = findModel(name);
    return findModel(m.record.name).record.id === m.record.id ? m.record.name : m.record.id;
  } catch {
    return name;
  }
}

/** The label a sheet shows for a GPU: its catalog name when that name finds the same GPU again, else the id. */
export function gpuLabel(name: string): string {
  try {
    const g = findGpu(name);
    return findGpu(g.name).id === g.id ? g.name : g.id;
  } catch {
    return name;
  }
}
