// The message catalogs, one i18next JSON v4 file per language (R-12: French plus local languages).
// Imported statically so esbuild bundles them into every Lambda: nothing is read from disk at run time.
// Adding a language: add locales/<code>.json and one line below (README "Adding a language").
import en from "./locales/en.json" with { type: "json" };
import fr from "./locales/fr.json" with { type: "json" };

/** French first: the reference catalog every other one is checked against, and the last fallback. */
export const CATALOGS = { fr, en } as const;
