// Issue 17: the Kobo mapping (pure) and the example form in docs/ that matches the example config.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadConfigText } from "../../functions/domain/config.ts";
import { koboSubmissionSchema, mapKoboSubmission } from "../../functions/hooks/kobo-mapping.ts";

const CONFIG = loadConfigText(
  readFileSync("config/humanitarian.example.yaml", "utf8"),
  "config/humanitarian.example.yaml",
);
const FORM = CONFIG.channels.kobo?.forms.example;
const UUID = "6f1c2e0a-4b1d-4c7e-9a51-2f0e3b6d8c11";

function parse(extra: Record<string, unknown>) {
  return koboSubmissionSchema.parse({ _uuid: UUID, description: "Le forage est en panne", ...extra });
}

/** The rows of a markdown table under a heading, as objects keyed by the header. */
function table(markdown: string, heading: string): Array<Record<string, string>> {
  const section = markdown.split(`## ${heading}`)[1]?.split("\n## ")[0] ?? "";
  const lines = section.split("\n").filter((l) => l.startsWith("|"));
  const cells = (l: string) =>
    l
      .split("|")
      .slice(1, -1)
      .map((c) => c.trim());
  const header = cells(lines[0] ?? "");
  return lines.slice(2).map((l) => Object.fromEntries(cells(l).map((c, i) => [header[i] ?? "", c])));
}

describe("Kobo submission mapping (config channels.kobo.forms)", () => {
  it("maps each configured field, with the form's defaults for what is left empty", () => {
    if (!FORM) throw new Error("the example config has no Kobo form");
    const result = mapKoboSubmission(
      CONFIG,
      "example",
      FORM,
      parse({ "complainant/phone": "00223 76 12 34 56" }),
    );
    expect(result).toEqual({
      ok: true,
      value: expect.objectContaining({
        sourceId: `kobo:example:${UUID}`,
        replaces: null,
        kind: "complaint",
        channel: "suggestion-box",
        language: "fr",
        anonymous: false,
        complainant: { phone: "+22376123456" },
      }),
    });
  });

  it("keys an edited submission on its root UUID and names the instance it replaces", () => {
    if (!FORM) throw new Error("the example config has no Kobo form");
    const edited = parse({
      _uuid: "0a0a0a0a-1111-2222-3333-444444444444",
      "meta/rootUuid": `uuid:${UUID.toUpperCase()}`,
      "meta/deprecatedID": "uuid:9b9b9b9b-1111-2222-3333-444444444444",
    });
    const result = mapKoboSubmission(CONFIG, "example", FORM, edited);
    expect(result.ok && result.value.sourceId).toBe(`kobo:example:${UUID}`);
    expect(result.ok && result.value.replaces).toBe("kobo:example:9b9b9b9b-1111-2222-3333-444444444444");
  });

  it("keeps no name or number of an anonymous person, and ignores an unknown category hint", () => {
    if (!FORM) throw new Error("the example config has no Kobo form");
    const result = mapKoboSubmission(
      CONFIG,
      "example",
      FORM,
      parse({ "complainant/anonymous": "yes", "complainant/name": "Awa", category_hint: "rumours" }),
    );
    expect(result.ok && result.value.complainant).toBeNull();
    expect(result.ok && result.value.anonymous).toBe(true);
    expect(result.ok && result.value.categoryHint).toBeNull();
  });

  it("names every answer that does not fit, by its XPath, never by its value", () => {
    if (!FORM) throw new Error("the example config has no Kobo form");
    const result = mapKoboSubmission(
      CONFIG,
      "example",
      FORM,
      parse({
        description: " ",
        kind: "rumour",
        language: "bm",
        facts_date: "hier",
        "complainant/phone": "76",
      }),
    );
    expect(result).toEqual({
      ok: false,
      problems: [
        "description: required (the description)",
        "kind: must be one of complaint, suggestion, information-request, positive",
        "language: must be one of fr, en",
        "complainant/phone: not a phone number with its country code",
        "facts_date: must be a date (YYYY-MM-DD)",
      ],
    });
  });
});

describe("docs/kobo-example-form.md matches the example mapping", () => {
  const markdown = readFileSync("docs/kobo-example-form.md", "utf8");
  const survey = table(markdown, "Sheet `survey`");
  const choices = table(markdown, "Sheet `choices`");

  it("has a question at every XPath the example config maps", () => {
    const paths: string[] = [];
    const groups: string[] = [];
    for (const row of survey) {
      if (row.type === "begin_group") groups.push(row.name ?? "");
      else if (row.type === "end_group") groups.pop();
      else if (row.name) paths.push([...groups, row.name].join("/"));
    }
    for (const path of Object.values(FORM?.fields ?? {})) expect(paths).toContain(path);
  });

  it("offers as choices exactly the ids cfm accepts", () => {
    const list = (name: string) => choices.filter((c) => c.list_name === name).map((c) => c.name);
    expect(list("kind")).toEqual(["complaint", "suggestion", "information-request", "positive"]);
    expect(list("category")).toEqual(CONFIG.categories.map((c) => c.id));
    expect(list("language")).toEqual(CONFIG.organisation.languages);
    for (const channel of list("channel"))
      expect(["kobo", "in-person", "suggestion-box", "letter", "hotline", "phone"]).toContain(channel);
  });
});

describe("docs/kobo-example-form.xlsx (the workbook Kobo imports)", () => {
  it("holds exactly the sheets of docs/kobo-example-form.md (regenerate: npx tsx bin/kobo-form-xlsx.ts)", async () => {
    const { default: ExcelJS } = await import("exceljs");
    const { markdownSheet } = await import("../../bin/kobo-form-xlsx.ts");
    const markdown = readFileSync("docs/kobo-example-form.md", "utf8");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile("docs/kobo-example-form.xlsx");
    for (const name of ["survey", "choices", "settings"]) {
      const sheet = workbook.getWorksheet(name);
      const rows: string[][] = [];
      sheet?.eachRow({ includeEmpty: true }, (row) => {
        const values = (row.values as unknown[]).slice(1).map((v) => (v == null ? "" : String(v)));
        rows.push(values);
      });
      const expected = markdownSheet(markdown, name).map((r) => {
        const trimmed = [...r];
        while (trimmed.length > 0 && trimmed.at(-1) === "") trimmed.pop();
        return trimmed;
      });
      expect(
        rows.map((r) => {
          const trimmed = [...r];
          while (trimmed.length > 0 && trimmed.at(-1) === "") trimmed.pop();
          return trimmed;
        }),
      ).toEqual(expected);
    }
  });
});
