// "Add from Hugging Face" and "Pick a .gguf file": models beyond the catalog
// without copying JSON. The Hub is asked only when the user clicks (Look up,
// Read header), through paneHub; a local GGUF is read with Blob.slice, header
// only. Both preview in an import card and save as custom models are saved.
import { findModel } from "../core/catalog";
import type { ConfigImportInput } from "../core/configImport";
import { isFitError } from "../core/errors";
import type { ByteSource } from "../core/gguf";
import { readGgufModel } from "../core/ggufModel";
import { hubConfigInput, hubGgufInput, hubRepo, looksLikeRepoId, type HubRepo } from "../core/hub";
import { formatBytes } from "../core/units";
import { h, replace } from "./dom";
import { button, filePicker, textInput } from "./fluent";
import { HUB_ENDPOINTS, paneHub } from "./hubClient";
import { importCard } from "./importCard";

/** A labelled control (its label is inside it) with a hint below. */
function field(control: HTMLElement, hint?: string): HTMLElement {
  return h("div", { class: "field wide" }, control, hint ? h("span", { class: "hint" }, hint) : null);
}

const messageOf = (e: unknown): string => (isFitError(e) || e instanceof Error ? e.message : String(e));

/** A picked file read on demand: the GGUF reader asks only for its header. */
export function blobSource(file: File): ByteSource {
  return { name: file.name, size: file.size, read: async (offset, length) => new Uint8Array(await file.slice(offset, offset + length).arrayBuffer()) };
}

export interface HubView {
  root: HTMLElement;
  /** Fills the repo field and looks it up (the model picker's "Look up … on Hugging Face"). */
  lookUp(repo: string): Promise<void>;
}

/** The Hub and GGUF-file sections; `save` stores a model as the Add tab stores every custom model. */
export function hubView(save: (input: ConfigImportInput) => Promise<boolean>, saveLabel: string): HubView {
  const repo = textInput("Repo id", { spellcheck: "false", autocomplete: "off", placeholder: "owner/name, e.g. Qwen/Qwen2.5-VL-72B-Instruct", "data-testid": "hub-repo" });
  const endpoint = textInput("Endpoint (as HF_ENDPOINT)", { spellcheck: "false", value: HUB_ENDPOINTS[0], "data-testid": "hub-endpoint" });
  // A password field: the token is not shown, not autofilled, and kept only in this field.
  const token = textInput("Access token (gated repos)", { type: "password", autocomplete: "off", spellcheck: "false", placeholder: "hf_… (only for gated repos)", "data-testid": "hub-token" });
  const status = h("p", { role: "status", "aria-live": "polite", "data-testid": "hub-status" });
  const files = h("div", { "data-testid": "hub-files" });
  // A successful save clears what this section showed; the Add tab's status says what was added.
  const card = importCard("hub", saveLabel, async (input) => {
    const ok = await save(input);
    if (ok) {
      setStatus("");
      replace(files);
    }
    return ok;
  });
  const lookUpButton = button("Look up", { appearance: "primary", "data-testid": "hub-lookup" });
  const settings = h(
    "details",
    { "data-testid": "hub-settings" },
    h("summary", {}, "Hub settings"),
    field(endpoint, `This add-in may connect to ${HUB_ENDPOINTS.join(" and ")}.`),
    field(token, "Sent only to this endpoint with your lookups; never stored in the workbook."),
  );
  let busy = false;

  const setStatus = (text: string, kind: "error" | "info" | "busy" = "info") => {
    status.className = kind === "error" ? "error" : "";
    status.setAttribute("role", kind === "error" ? "alert" : "status");
    status.textContent = text;
  };

  /** Runs one Hub request the user asked for, one at a time. */
  const guarded = async (what: string, task: () => Promise<void>) => {
    if (busy) return;
    busy = true;
    lookUpButton.disabled = true;
    setStatus(`${what}…`, "busy");
    try {
      await task();
    } catch (e) {
      if (!isFitError(e) && !(e instanceof Error)) throw e;
      card.clear();
      setStatus(messageOf(e), "error");
      // A gated repo needs the token field, which sits in the settings.
      if (/^gated repo/.test(messageOf(e))) settings.open = true;
    } finally {
      busy = false;
      lookUpButton.disabled = false;
    }
  };

  const ggufList = (info: HubRepo) => {
    if (!info.ggufs.length) return replace(files);
    replace(
      files,
      h("h3", {}, `GGUF files in ${info.repo}`),
      h(
        "ul",
        { class: "notes" },
        ...info.ggufs.map((g) =>
          h(
            "li",
            {},
            `${g.path}${g.parts.length > 1 ? ` (${g.parts.length} parts)` : ""}${g.size !== undefined ? `, ${formatBytes(g.size)}` : ""} `,
            button("Read header", { size: "small", "data-testid": "hub-gguf", "aria-label": `Read the header of ${g.path}`, onclick: () => void readHubGguf(info, g.path) }),
          ),
        ),
      ),
    );
  };

  const readHubGguf = (info: HubRepo, path: string) =>
    guarded(`Reading the header of ${path}`, async () => {
      const hub = paneHub(endpoint.value, token.value);
      card.show(await hubGgufInput(hub, info, path));
      setStatus(`Read the header of ${path} (byte ranges only). Check the preview, then save.`);
    });

  const lookUp = (raw: string) =>
    guarded(`Looking up ${raw.trim()} on the Hub`, async () => {
      card.clear();
      replace(files);
      const id = raw.trim();
      if (!looksLikeRepoId(id)) {
        setStatus(`'${id}' is not a Hugging Face repo id: expected owner/name, e.g. Qwen/Qwen3-8B.`, "error");
        return;
      }
      // A repo the catalog already has needs no lookup (and could not be saved under a catalog name).
      const known = (() => {
        try {
          return findModel(id);
        } catch {
          return undefined;
        }
      })();
      if (known && !known.record.custom) {
        setStatus(`${id} is in the catalog as ${known.record.name}: pick it in the calculator. No lookup needed.`);
        return;
      }
      const hub = paneHub(endpoint.value, token.value);
      const info = await hubRepo(hub, id);
      ggufList(info);
      if (!info.hasConfig) {
        setStatus(`no config.json in this repo (${info.repo}).${info.ggufs.length ? " Read one of its GGUF files below." : ""}`, info.ggufs.length ? "info" : "error");
        return;
      }
      card.show(await hubConfigInput(hub, info));
      setStatus(`Read config.json${info.hasIndex ? " and model.safetensors.index.json" : ""} of ${info.repo}. Check the preview, then save.`);
    });

  lookUpButton.addEventListener("click", () => void lookUp(repo.value));
  repo.addEventListener("keydown", (e) => {
    if (e.key === "Enter") void lookUp(repo.value);
  });

  // --- a local GGUF
  const ggufCard = importCard("gguf", saveLabel, save);
  const ggufStatus = h("p", { role: "status", "aria-live": "polite", "data-testid": "gguf-status" });
  const ggufFile = filePicker("Choose .gguf file(s)…", { accept: ".gguf", multiple: true, testid: "gguf-file" }, async (picked) => {
    ggufCard.clear();
    ggufStatus.className = "";
    ggufStatus.textContent = `Reading the header of ${picked.map((f) => f.name).join(", ")}…`;
    try {
      ggufCard.show(await readGgufModel(picked.map(blobSource)));
      ggufStatus.textContent = `Read the header of ${picked.length > 1 ? `${picked.length} parts` : picked[0].name} (the weights were not read).`;
    } catch (e) {
      if (!isFitError(e) && !(e instanceof Error)) throw e;
      ggufStatus.className = "error";
      ggufStatus.textContent = messageOf(e);
    }
  });

  const root = h(
    "div",
    {},
    h("h2", {}, "Add from Hugging Face"),
    h("p", { class: "hint" }, "Looks the repo up only when you click Look up: its file list, config.json and model.safetensors.index.json; for a GGUF, its header by byte ranges. Nothing else is sent."),
    field(repo),
    settings,
    h("div", { class: "actions" }, lookUpButton),
    status,
    card.root,
    files,
    h("h2", {}, "Add from a GGUF file"),
    h("p", { class: "hint" }, "Pick a .gguf (all parts of a split one): only its header is read, in this browser; the exact weight of every tensor comes from it."),
    ggufFile.root,
    ggufStatus,
    ggufCard.root,
  );
  return { root, lookUp: (r) => ((repo.value = r.trim()), lookUp(r)) };
}
