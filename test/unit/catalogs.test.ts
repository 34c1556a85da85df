// R-12: French plus local languages. Every shipped catalog is complete against fr, and the check itself
// fails on the mistakes a translator makes (a missing message, a plural form, a renamed variable).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ACTIONS } from "../../functions/domain/actions.ts";
import { parseConfig } from "../../functions/domain/config.ts";
import { EVENT_TYPES, FLAGS, HUMAN_STEPS, TASK_STEPS } from "../../functions/domain/vocabulary.ts";
import { MissingMessageError } from "../../functions/errors.ts";
import { CATALOGS, readCatalogs } from "../../functions/i18n/catalogs.ts";
import { catalogProblems, flatten } from "../../functions/i18n/check.ts";
import { createMessages, translate } from "../../functions/i18n/i18n.ts";
import { LANGUAGES } from "../../functions/i18n/languages.ts";

describe("the shipped catalogs (R-12)", () => {
  it("ships French first and English", () => {
    expect(LANGUAGES[0]).toBe("fr");
    expect(LANGUAGES).toContain("en");
  });

  it.each(LANGUAGES.filter((l) => l !== "fr"))("%s has every message of fr, with the same variables", (l) => {
    expect(catalogProblems(CATALOGS.fr, CATALOGS[l] ?? {}, l)).toEqual([]);
  });

  it("fr has every plural form French needs", () => {
    expect(catalogProblems(CATALOGS.fr, CATALOGS.fr, "fr")).toEqual([]);
  });
});

// Adding a language is adding locales/<code>.json and its code in the config: nothing lists the catalogs.
describe("catalog discovery", () => {
  it("speaks exactly the languages that have a file in locales/, French first", () => {
    const files = readdirSync(join(import.meta.dirname, "../../functions/i18n/locales"))
      .filter((f) => f.endsWith(".json"))
      .map((f) => f.replace(/\.json$/, ""));
    expect(LANGUAGES[0]).toBe("fr");
    expect([...LANGUAGES].sort()).toEqual(files.sort());
  });

  it("finds a new catalog by its file name alone, and ignores what is not a catalog", () => {
    const dir = mkdtempSync(join(tmpdir(), "cfm-locales-"));
    try {
      writeFileSync(join(dir, "fr.json"), JSON.stringify({ a: "A fr" }));
      writeFileSync(join(dir, "en.json"), JSON.stringify({ a: "A en", b: "B en" }));
      writeFileSync(join(dir, "bm.json"), JSON.stringify({ a: "A bm" }));
      writeFileSync(join(dir, "README.md"), "not a catalog");
      writeFileSync(join(dir, "notes.json"), "{}");
      const found = readCatalogs(dir);
      expect(Object.keys(found)).toEqual(["fr", "bm", "en"]); // French first, the reference
      // A message the new catalog lacks falls back to the organisation's first language (here English).
      const messages = createMessages({ ...found, fr: { a: "A fr", b: "B fr" } });
      expect(messages.translate("bm", "a", undefined, "en")).toBe("A bm");
      expect(messages.translate("bm", "b", undefined, "en")).toBe("B en");
      expect(messages.translate("bm", "b", undefined, "fr")).toBe("B fr");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // Issue 18: a Lambda bundles only the groups it renders, in every language (CATALOG_GROUPS, cfm-function.ts).
  it("cuts every catalog to the groups asked for, and says which group a missing key belongs to", () => {
    const dir = mkdtempSync(join(tmpdir(), "cfm-locales-"));
    try {
      writeFileSync(join(dir, "fr.json"), JSON.stringify({ mail: { a: "A fr" }, console: { b: "B fr" } }));
      writeFileSync(join(dir, "en.json"), JSON.stringify({ mail: { a: "A en" }, console: { b: "B en" } }));
      const cut = readCatalogs(dir, ["mail", "sms"]);
      expect(cut).toEqual({ fr: { mail: { a: "A fr" } }, en: { mail: { a: "A en" } } });
      const messages = createMessages(cut);
      expect(messages.translate("en", "mail.a")).toBe("A en");
      expect(() => messages.translate("en", "console.b")).toThrow(/no group "console" here/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rejects a config whose language has no catalog, naming the file to add", () => {
    const yaml = readFileSync(join(import.meta.dirname, "../../config/humanitarian.example.yaml"), "utf8");
    const result = parseConfig(yaml.replace(/languages: \[fr, en\]/, "languages: [fr, bm]"));
    expect(result.ok ? [] : result.problems).toContain(
      "organisation.languages.1: unknown language: no catalog functions/i18n/locales/bm.json; supported: fr, en",
    );
  });
});

describe("catalogProblems", () => {
  const fr = {
    mail: {
      hello: "Bonjour {{name}}",
      days_one: "{{count}} jour",
      days_many: "{{count}} de jours",
      days_other: "{{count}} jours",
    },
  };

  it("reports a message missing from a catalog", () => {
    expect(
      catalogProblems(fr, { mail: { days_one: "{{count}} day", days_other: "{{count}} days" } }, "en"),
    ).toEqual(["en: missing mail.hello"]);
  });

  it("reports a variable renamed or dropped by the translation", () => {
    const en = { mail: { hello: "Hello {{nom}}", days_one: "one day", days_other: "{{count}} days" } };
    expect(catalogProblems(fr, en, "en")).toEqual(["en: mail.hello uses {{nom}}, fr uses {{name}}"]);
  });

  it("reports a plural form the language needs (Intl.PluralRules) and a message fr does not have", () => {
    const en = { mail: { hello: "Hello {{name}}", days_other: "{{count}} days", extra: "Extra" } };
    expect(catalogProblems(fr, en, "en")).toEqual([
      "en: mail.days lacks the plural forms one",
      "en: mail.extra is not in fr",
    ]);
  });
});

describe("translate", () => {
  const messages = createMessages({
    fr: {
      a: "A fr",
      b: "B fr",
      days_one: "{{count}} jour",
      days_many: "{{count}} de jours",
      days_other: "{{count}} jours",
    },
    en: { a: "A en", c: "C en" },
    bm: { a: "A bm", b: "" },
  });

  it("uses the language asked for", () => {
    expect(messages.translate("bm", "a")).toBe("A bm");
  });

  it("falls back to the organisation's first language, then French", () => {
    expect(messages.translate("bm", "c", undefined, "en")).toBe("C en");
    expect(messages.translate("bm", "b", undefined, "en")).toBe("B fr"); // empty counts as missing
    expect(messages.translate("sus", "a")).toBe("A fr"); // no catalog at all
  });

  it("throws on a key in none of the languages tried, never showing the raw key", () => {
    expect(() => messages.translate("fr", "c")).toThrow(MissingMessageError);
    expect(() => translate("fr", "labels")).toThrow(MissingMessageError);
  });

  it("picks French plurals by Intl.PluralRules: 0 jour, 1 jour, 2 jours", () => {
    expect([0, 1, 2].map((count) => messages.translate("fr", "days", { count }))).toEqual([
      "0 jour",
      "1 jour",
      "2 jours",
    ]);
  });
});

// Issue 11: every console page reads its words from the catalogs, in French and English alike.
describe("the console's messages", () => {
  const fr = flatten(CATALOGS.fr);
  const flat = new Map(LANGUAGES.map((l) => [l, flatten(CATALOGS[l] ?? {})]));
  const has = (l: (typeof LANGUAGES)[number], key: string) => {
    const messages = flat.get(l);
    return Boolean(messages?.has(key) || messages?.has(`${key}_one`));
  };
  const source = (file: string) =>
    readFileSync(join(import.meta.dirname, "../../functions/console", file), "utf8");
  const FILES = readdirSync(join(import.meta.dirname, "../../functions/console")).filter((f) =>
    f.endsWith(".ts"),
  );

  it("has every key the console's code names, in every language", () => {
    const used = new Set<string>();
    for (const file of FILES) {
      const text = source(file);
      for (const m of text.matchAll(/"(console\.[\w.-]+)"/g)) if (m[1]) used.add(m[1]);
      // The pages' short helpers: i("x") is console.intake.x, a("x") console.actions.x, optional("x", …)
      // console.case.x.
      const helpers: Array<[RegExp, string]> = [
        [/\bi\("([\w.]+)"\)/g, "console.intake."],
        [/\ba\("([\w.]+)"/g, "console.actions."],
        [/\boptional\("([\w.]+)"/g, "console.case."],
      ];
      for (const [pattern, prefix] of helpers)
        for (const m of text.matchAll(pattern)) used.add(prefix + m[1]);
    }
    expect(used.size).toBeGreaterThan(150);
    const missing = LANGUAGES.flatMap((l) => [...used].filter((k) => !has(l, k)).map((k) => `${l}: ${k}`));
    expect(missing).toEqual([]);
  });

  it("names every event type, flag, task and coordinator action of the vocabulary", () => {
    const keys = [
      ...EVENT_TYPES.map((e) => `console.event.${e}`),
      ...FLAGS.map((f) => `console.flag.${f}`),
      ...[...HUMAN_STEPS, "progress"].map((s) => `console.task.${s}`),
      ...ACTIONS.map((a) => `console.actions.done.${a}`),
      ...LANGUAGES.map((l) => `console.languageName.${l}`),
      // Issue 13: one step vocabulary; emails and pages name a task step by its own id, no translation table.
      ...TASK_STEPS.map((s) => `labels.taskStep.${s}`),
      ...TASK_STEPS.map((s) => `pages.task.title.${s}`),
      ...TASK_STEPS.filter((s) => s !== "appeal").flatMap((s) => [
        `mail.action.${s}`,
        `mail.instructions.${s}`,
      ]),
    ];
    const missing = LANGUAGES.flatMap((l) => keys.filter((k) => !has(l, k)).map((k) => `${l}: ${k}`));
    expect(missing).toEqual([]);
  });

  it("leaves no French sentence in the console's code: its words are in the catalogs", () => {
    const french = /["'`>][^"'`<>]*\b(le|la|les|du|des|une|est|pas|dossier|plainte)\b[^"'`<>]*[.:]?["'`<]/i;
    const offending = FILES.flatMap((file) =>
      source(file)
        .split("\n")
        .filter((line) => !/^\s*(\/\/|\*|\/\*\*)/.test(line) && /[éèàêç’]/.test(line) && french.test(line))
        .map((line) => `${file}: ${line.trim().slice(0, 100)}`),
    );
    expect(offending).toEqual([]);
  });

  it("keeps French typography on the pages (console, public form, task pages): ’ and a non-breaking space before : ; ? ! »", () => {
    // A plain space lets a narrow phone screen put the "?" or ":" alone at the start of a line.
    const bad = [...fr]
      .filter(([key]) => /^(console|public|pages)\./.test(key))
      .filter(([, text]) =>
        /'|[^\u00a0\u202f][;?!»]|«(?![\u00a0\u202f])|[^\u00a0\u202f\d]:(?!\/)/.test(
          text.replace(/\{\{[^}]*\}\}/g, "x"),
        ),
      )
      .map(([key, text]) => `${key}: ${text}`);
    expect(bad).toEqual([]);
  });
});
