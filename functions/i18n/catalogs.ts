// The message catalogs, one i18next JSON v4 file per language in locales/ (R-12: French plus local languages).
// Adding a language is adding locales/<code>.json and the code in the config (README "Languages"): the
// catalogs are discovered, never listed or imported here. From source (local stack, tests, CLI, synth) they
// are read from locales/; in a Lambda they are compiled in at synth (cfmBundling injects CFM_CATALOGS), so that
// a Lambda reads nothing from disk. Issue 18: a Lambda carries only the groups of messages it can render
// (CATALOG_GROUPS in infra/constructs/cfm-function.ts: a workflow step's emails and texts, not the console's
// pages), in every language.
import { readdirSync, readFileSync } from "node:fs";
// Type only: the shape of the reference catalog, for code that names its keys (reports/render.ts).
import type fr from "./locales/fr.json";

/** A catalog: nested groups of messages (i18next JSON v4). */
export interface Catalog {
  [key: string]: string | Catalog;
}

/** The French catalog's shape: the reference every catalog is checked against, and the last fallback. */
export type FrenchCatalog = typeof fr;

/**
 * A top-level group of messages, by audience: `mail`, `sms`, `labels` and `format` (what a message to a person
 * is made of), `pages` (task pages and forms), `public` (public pages), `console`, `reports`.
 */
export type CatalogGroup = keyof FrenchCatalog;

/** A catalog's file name: an ISO 639 code, optionally with a region (`bm.json`, `ff.json`, `pt-BR.json`). */
const CATALOG_FILE = /^([a-z]{2,3}(?:-[A-Z]{2})?)\.json$/;

/**
 * Every catalog in `dir` by language code, French first, then in code order; with `groups`, each keeps only
 * those top-level groups (what one Lambda bundles).
 */
export function readCatalogs(dir: string | URL, groups?: readonly string[]): Record<string, Catalog> {
  const codes = readdirSync(dir)
    .map((file) => CATALOG_FILE.exec(file)?.[1])
    .filter((code): code is string => code !== undefined)
    .sort((a, b) => (a === "fr" ? -1 : b === "fr" ? 1 : a < b ? -1 : a > b ? 1 : 0));
  const out: Record<string, Catalog> = {};
  for (const code of codes) {
    const catalog: Catalog = JSON.parse(
      readFileSync(new URL(`${code}.json`, dir instanceof URL ? dir : `file://${dir}/`), "utf8"),
    );
    out[code] = groups
      ? Object.fromEntries(groups.flatMap((g) => (g in catalog ? [[g, catalog[g]!]] : [])))
      : catalog;
  }
  return out;
}

/** Where the catalogs are, in the source tree. */
export const LOCALES_DIR = new URL("./locales/", import.meta.url);

// Replaced by the catalogs themselves in a Lambda bundle (esbuild `inject`, catalogModule in
// infra/constructs/cfm-function.ts).
declare const CFM_CATALOGS: Record<string, Catalog>;

/** The compiled-in catalogs, or undefined from source. Named once, so a bundle holds them once. */
function compiledCatalogs(): Record<string, Catalog> | undefined {
  try {
    return CFM_CATALOGS;
  } catch {
    return undefined; // ReferenceError: not bundled
  }
}

const catalogs = compiledCatalogs() ?? readCatalogs(LOCALES_DIR);
if (!catalogs.fr) throw new Error("cfm: no French catalog (functions/i18n/locales/fr.json)");

/**
 * Every catalog, French first. In a Lambda, each holds only that Lambda's groups (the French type names every
 * key, for code checked against the reference).
 */
export const CATALOGS = catalogs as { readonly fr: FrenchCatalog } & Readonly<Record<string, Catalog>>;
