// The completeness check of a catalog against the French one: every message fr has, in every
// plural form the language needs, with the same interpolation variables. Used by the unit tests (a
// missing or drifting translation fails the build) and usable on a translator's new catalog.
import type { Catalog } from "./i18n.ts";

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;
const VARIABLE = /\{\{\s*([\w.]+)\s*(?:,[^}]*)?\}\}/g;

/** Every message of a catalog by its dotted key ("mail.task.subject"). */
export function flatten(catalog: Catalog, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(catalog)) {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    if (typeof value === "string") out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

interface Message {
  /** Plural forms present (empty for a message without plural). */
  forms: Set<string>;
  variables: Set<string>;
}

/** Messages by base key: "days_one" and "days_other" are the one message "days" with two forms. */
function messages(catalog: Catalog): Map<string, Message> {
  const out = new Map<string, Message>();
  for (const [key, text] of flatten(catalog)) {
    const form = PLURAL_SUFFIX.exec(key)?.[1];
    const base = form === undefined ? key : key.slice(0, -form.length - 1);
    const message = out.get(base) ?? { forms: new Set<string>(), variables: new Set<string>() };
    if (form !== undefined) message.forms.add(form);
    // A group of values ({{noun.the}}, {{noun.ofThe}}) counts once: each language picks the form it needs.
    for (const match of text.matchAll(VARIABLE))
      if (match[1]) message.variables.add(match[1].split(".")[0] ?? "");
    out.set(base, message);
  }
  return out;
}

const sorted = (s: Set<string>) => [...s].sort().join(", ");

/** What `catalog` (in `language`) lacks or gets wrong compared with `reference` (French); [] when complete. */
export function catalogProblems(reference: Catalog, catalog: Catalog, language: string): string[] {
  const problems: string[] = [];
  const expected = messages(reference);
  const actual = messages(catalog);
  const categories = new Set<string>(new Intl.PluralRules(language).resolvedOptions().pluralCategories);
  for (const [key, ref] of expected) {
    const got = actual.get(key);
    if (!got) {
      problems.push(`${language}: missing ${key}`);
      continue;
    }
    if (ref.forms.size > 0) {
      const missing = [...categories].filter((c) => !got.forms.has(c));
      if (missing.length > 0)
        problems.push(`${language}: ${key} lacks the plural forms ${missing.join(", ")}`);
    } else if (got.forms.size > 0) problems.push(`${language}: ${key} has plural forms, fr has none`);
    if (sorted(ref.variables) !== sorted(got.variables))
      problems.push(
        `${language}: ${key} uses {{${sorted(got.variables)}}}, fr uses {{${sorted(ref.variables)}}}`,
      );
  }
  for (const key of actual.keys()) if (!expected.has(key)) problems.push(`${language}: ${key} is not in fr`);
  return problems;
}
