// The languages cfm can speak: exactly those with a catalog in locales/ (R-12). The config accepts these only.
import { CATALOGS } from "./catalogs.ts";

/** A language code with a catalog ("fr", "en", "bm", …). */
export type Language = string;

/** Every language with a catalog, French first. */
export const LANGUAGES = Object.keys(CATALOGS) as [Language, ...Language[]];

/** French first in everything a user reads: the last fallback of every lookup. */
export const DEFAULT_LANGUAGE: Language = "fr";

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && Object.hasOwn(CATALOGS, value);
}
