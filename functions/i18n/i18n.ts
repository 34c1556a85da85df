// Translations: i18next over the catalogs in locales/, one file per language. Pure: no AWS, no I/O.
// Texts live in the catalogs; code picks a key, passes values and formats dates. Values are inserted as
// given (no HTML escaping here): the HTML renderers escape everything they output.
import { createInstance, type TOptions } from "i18next";
import { MissingMessageError } from "../errors.ts";
import { CATALOGS } from "./catalogs.ts";
import { DEFAULT_LANGUAGE } from "./languages.ts";

export { DEFAULT_LANGUAGE, isLanguage, LANGUAGES, type Language } from "./languages.ts";

/** A catalog: nested groups of messages (i18next JSON v4). */
export interface Catalog {
  [key: string]: string | Catalog;
}

/** Interpolation values; a group ({{noun.the}}) lets each language pick the form it needs. */
export type Values = Record<string, string | number | Readonly<Record<string, string>>>;

export interface Messages {
  /** The lookup order for a message: the language asked for, the organisation's first one, then French. */
  fallbackChain(language: string, organisationLanguage?: string): string[];
  /**
   * The message `key` in `language`, interpolated with `values` (`{{name}}`; `count` picks the plural form
   * by Intl.PluralRules: fr "0 jour", "1 jour", "2 jours"). A message missing in that language falls back to
   * the organisation's first language, then French. A key in no catalog throws MissingMessageError.
   */
  translate(language: string, key: string, values?: Values, organisationLanguage?: string): string;
}

/** An i18next instance over `catalogs`; `catalogs[DEFAULT_LANGUAGE]` is the last fallback. */
export function createMessages(catalogs: Readonly<Record<string, Catalog>>): Messages {
  const languages = Object.keys(catalogs);
  const i18n = createInstance();
  void i18n.init({
    resources: Object.fromEntries(
      Object.entries(catalogs).map(([l, catalog]) => [l, { translation: catalog }]),
    ),
    lng: DEFAULT_LANGUAGE,
    fallbackLng: DEFAULT_LANGUAGE,
    supportedLngs: languages,
    // Keys are plain paths ("reports.title.monthly"): no namespace prefix.
    nsSeparator: false,
    // Synchronous: the resources are in memory, so t() works as soon as this module is loaded.
    initAsync: false,
    // Values are inserted verbatim, never read as {{…}} or $t(…) themselves (user text stays user text).
    interpolation: { escapeValue: false, skipOnVariables: true },
    returnNull: false,
    // An empty message counts as missing, so it falls back rather than showing nothing.
    returnEmptyString: false,
    returnedObjectHandler: (key) => {
      throw new MissingMessageError(`${key} is a group of messages, not a message`);
    },
  });

  // `{{label, lowercase}}`: a label ("Tri", "En partie fondée") inside a sentence.
  i18n.services.formatter?.add("lowercase", (value, lng) => String(value).toLocaleLowerCase(lng));

  const fallbackChain = (language: string, organisationLanguage?: string): string[] => {
    const chain: string[] = [];
    for (const l of [language, organisationLanguage, DEFAULT_LANGUAGE])
      if (l !== undefined && Object.hasOwn(catalogs, l) && !chain.includes(l)) chain.push(l);
    return chain;
  };

  return {
    fallbackChain,
    translate(language, key, values, organisationLanguage) {
      const [lng, ...fallbackLng] = fallbackChain(language, organisationLanguage);
      const options: TOptions = { ...values, lng, fallbackLng };
      if (!i18n.exists(key, options)) {
        // Issue 18: a Lambda bundles only the groups it can render (CATALOG_GROUPS, cfm-function.ts).
        const group = key.split(".", 1)[0] ?? key;
        const absent = catalogs[DEFAULT_LANGUAGE]?.[group] === undefined ? ` (no group "${group}" here)` : "";
        throw new MissingMessageError(`no message ${key} in ${[lng, ...fallbackLng].join(", ")}${absent}`);
      }
      const text = i18n.t(key, options);
      if (typeof text !== "string") throw new MissingMessageError(`${key} is not a message`);
      return text;
    },
  };
}

const messages = createMessages(CATALOGS);

/** The message `key` in `language` from the shipped catalogs (see Messages.translate). */
export const translate: Messages["translate"] = messages.translate;
export const fallbackChain: Messages["fallbackChain"] = messages.fallbackChain;

/** `translate` bound to one language (and the organisation's first one, for fallback). */
export type Translator = (key: string, values?: Values) => string;

export function translator(language: string, organisationLanguage?: string): Translator {
  return (key, values) => messages.translate(language, key, values, organisationLanguage);
}
