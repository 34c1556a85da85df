// The message catalogs, one i18next JSON v4 file per language in locales/ (R-12: French plus local languages).
// Adding a language is adding locales/<code>.json and the code in the config (README "Languages"): the
// catalogs are discovered, never listed here. French is imported (the reference every catalog is checked
// against, and the last fallback); the others are read from locales/ when cfm runs from source (local stack,
// tests, CLI, synth) and compiled into each Lambda at synth (cfmBundling defines CFM_CATALOGS), so that a
// Lambda reads nothing from disk and bundles what it bundled when every catalog was imported here.
import { readdirSync, readFileSync } from "node:fs";
import fr from "./locales/fr.json" with { type: "json" };

/** A catalog: nested groups of messages (i18next JSON v4). */
export interface Catalog {
  [key: string]: string | Catalog;
}

/** A catalog's file name: an ISO 639 code, optionally with a region (`bm.json`, `ff.json`, `pt-BR.json`). */
const CATALOG_FILE = /^([a-z]{2,3}(?:-[A-Z]{2})?)\.json$/;

/** Every catalog in `dir` but French, by language code, in code order. */
export function readCatalogs(dir: string | URL): Record<string, Catalog> {
  const out: Record<string, Catalog> = {};
  for (const file of readdirSync(dir).sort()) {
    const code = CATALOG_FILE.exec(file)?.[1];
    if (!code || code === "fr") continue;
    out[code] = JSON.parse(readFileSync(new URL(file, dir instanceof URL ? dir : `file://${dir}/`), "utf8"));
  }
  return out;
}

/** Where the catalogs are, in the source tree. */
export const LOCALES_DIR = new URL("./locales/", import.meta.url);

// Replaced by the catalogs themselves in a Lambda bundle (esbuild `define`, infra/constructs/cfm-function.ts).
declare const CFM_CATALOGS: Record<string, Catalog>;

/** The compiled-in catalogs, or undefined from source. Named once, so a bundle holds them once. */
function compiledCatalogs(): Record<string, Catalog> | undefined {
  try {
    return CFM_CATALOGS;
  } catch {
    return undefined; // ReferenceError: not bundled
  }
}

const others: Record<string, Catalog> = compiledCatalogs() ?? readCatalogs(LOCALES_DIR);

/** French first: the reference catalog every other one is checked against, and the last fallback. */
export const CATALOGS: { readonly fr: typeof fr } & Readonly<Record<string, Catalog>> = { fr, ...others };
