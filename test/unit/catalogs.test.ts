// French plus local languages. Every shipped catalog is complete against fr, and the check itself
// fails on the mistakes a translator makes (a missing message, a plural form, a renamed variable).
import { describe, expect, it } from "vitest";
import { MissingMessageError } from "../../functions/errors.ts";
import { CATALOGS } from "../../functions/i18n/catalogs.ts";
import { catalogProblems } from "../../functions/i18n/check.ts";
import { createMessages, translate } from "../../functions/i18n/i18n.ts";
import { LANGUAGES } from "../../functions/i18n/languages.ts";

describe("the shipped catalogs (R-12)", () => {
  it("ships French first and English", () => {
    expect(LANGUAGES.slice(0, 2)).toEqual(["fr", "en"]);
  });

  it.each(LANGUAGES.filter((l) => l !== "fr"))("%s has every message of fr, with the same variables", (l) => {
    expect(catalogProblems(CATALOGS.fr, CATALOGS[l], l)).toEqual([]);
  });

  it("fr has every plural form French needs", () => {
    expect(catalogProblems(CATALOGS.fr, CATALOGS.fr, "fr")).toEqual([]);
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
