// Report files: the CSV parsed back by an RFC 4180 parser, the XLSX read back with exceljs, the
// email summary's content and escaping. Figures are those of test/unit/reports-compute.test.ts.
import { readFileSync } from "node:fs";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { loadConfigText } from "../../functions/domain/config.ts";
import { computeReport } from "../../functions/reports/compute.ts";
import {
  csvText,
  emailSubject,
  renderCsv,
  renderHtmlSummary,
  renderTextSummary,
  renderXlsx,
  reportFileName,
} from "../../functions/reports/render.ts";
import {
  HUMANITARIAN,
  HUMANITARIAN_JUSTIFICATIONS,
  HUMANITARIAN_NOW,
  PREVIOUS,
} from "../events/reports/cases.ts";

const config = loadConfigText(readFileSync("config/humanitarian.example.yaml", "utf8"), "humanitarian");

const report = computeReport(HUMANITARIAN, {
  from: "2026-01-01",
  to: "2026-03-31",
  kind: "quarterly",
  key: "2026-Q1",
  config,
  now: HUMANITARIAN_NOW,
  previous: PREVIOUS,
  justifications: HUMANITARIAN_JUSTIFICATIONS,
  includeJustificationText: true,
});

/** RFC 4180, strictly: CRLF only, quotes only around whole fields, "" for a quote. */
function parseCsv(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
        const next = text[i + 1];
        if (next !== undefined && next !== delimiter && next !== "\r")
          throw new Error(`text after a closing quote at ${i}`);
      } else field += ch;
      continue;
    }
    if (ch === '"') {
      if (field !== "" || wasQuoted) throw new Error(`quote inside an unquoted field at ${i}`);
      quoted = true;
      wasQuoted = true;
    } else if (ch === delimiter) {
      row.push(field);
      field = "";
      wasQuoted = false;
    } else if (ch === "\r") {
      if (text[i + 1] !== "\n") throw new Error(`bare CR at ${i}`);
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      wasQuoted = false;
      i++;
    } else if (ch === "\n") throw new Error(`bare LF at ${i}`);
    else field += ch;
  }
  if (quoted) throw new Error("unterminated quoted field");
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** The rows of one CSV section: after its title row, up to the next empty row. */
function section(rows: string[][], title: string): string[][] {
  const start = rows.findIndex((r) => r[0]?.startsWith(title));
  if (start < 0) throw new Error(`no section ${title}`);
  const out: string[][] = [];
  for (const r of rows.slice(start + 1)) {
    if (r.every((c) => c === "")) break;
    out.push(r);
  }
  return out;
}

describe("renderCsv", () => {
  const fr = renderCsv(report, { language: "fr", config });
  const en = renderCsv(report, { language: "en", config });

  it("R-13: UTF-8 with a BOM, CRLF line ends, rows of equal width, accents intact", () => {
    const bytes = Buffer.from(fr, "utf8");
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(fr).not.toMatch(/[^\r]\n/);
    expect(fr.endsWith("\r\n")).toBe(true);
    const rows = parseCsv(fr.slice(1), ";");
    expect(new Set(rows.map((r) => r.length)).size).toBe(1);
    expect(rows[0]?.[0]).toBe("Rapport trimestriel\u00a0: T1 2026");
    expect(rows.flat()).toContain("Accusé de réception");
    expect(rows.flat()).toContain("Exploitation et abus sexuels");
  });

  it("French: ';' between fields and ',' as decimal mark; English: ',' and '.'", () => {
    const frR11 = section(parseCsv(fr.slice(1), ";"), "Indicateur R-11");
    expect(frR11[0]?.slice(0, 6)).toEqual([
      "Étape",
      "Dans les délais",
      "Échéances évaluées",
      "%",
      "% période précédente",
      "Évolution (points)",
    ]);
    expect(frR11[1]?.slice(0, 6)).toEqual(["Ensemble (toutes étapes)", "5", "12", "41,7", "40", "1,7"]);
    expect(frR11[2]?.slice(0, 6)).toEqual(["Accusé de réception", "11", "12", "91,7", "80", "11,7"]);
    const enR11 = section(parseCsv(en.slice(1), ","), "R-11 indicator");
    expect(enR11[2]?.slice(0, 6)).toEqual(["Acknowledgement", "11", "12", "91.7", "80", "11.7"]);
    expect(enR11[4]?.slice(0, 6)).toEqual(["Response", "5", "10", "50", "60", "-10"]);
  });

  it("a chosen delimiter overrides the language's, and the decimal mark follows it", () => {
    const csv = renderCsv(report, { language: "fr", config, delimiter: "," });
    const r11 = section(parseCsv(csv.slice(1), ","), "Indicateur R-11");
    expect(r11[2]?.slice(0, 4)).toEqual(["Accusé de réception", "11", "12", "91.7"]);
  });

  it("guards text that Excel would run as a formula, and leaves negative numbers numeric", () => {
    expect(csvText("=1+2")).toBe(`"'=1+2"`);
    expect(csvText("+33 6 12")).toBe(`"'+33 6 12"`);
    expect(csvText("-cmd")).toBe(`"'-cmd"`);
    expect(csvText("@SUM(A1)")).toBe(`"'@SUM(A1)"`);
    expect(csvText('dit "oui"')).toBe(`"dit ""oui"""`);
    const late = section(parseCsv(fr.slice(1), ";"), "Dossiers traités en retard");
    const h2 = late.find((r) => r[0] === "CFM-2026-000002");
    expect(h2?.[6]).toBe(`'${HUMANITARIAN_JUSTIFICATIONS.get("CFM-2026-000002")}`);
    expect(fr).toMatch(/;-10;/);
  });

  it("H-D1: sensitive rows show the reference and step only, and counts under 3 as <3", () => {
    const rows = parseCsv(fr.slice(1), ";");
    const pending = section(rows, "Dossiers ouverts dont une échéance est dépassée");
    expect(pending.slice(1).map((r) => r.slice(0, 5))).toEqual([
      ["CFM-2026-000006", "Contact du plaignant", "", "", ""],
      ["CFM-2026-000012", "Réponse", "2026-03-16 15:00", "16", "handler@example.org"],
      ["CFM-2026-000005", "Réponse", "", "", ""],
      ["CFM-2026-000002", "Délai d’appel", "2026-04-01 10:00", "1", "programme@example.org"],
    ]);
    const categories = section(rows, "Par catégorie");
    expect(categories.find((r) => r[0] === "Exploitation et abus sexuels")?.slice(0, 5)).toEqual([
      "Exploitation et abus sexuels",
      "oui",
      "<3",
      "",
      "",
    ]);
    expect(
      categories.find((r) => r[0] === "Financement ou mise en œuvre d'un programme")?.slice(2, 12),
    ).toEqual(["7", "3", "4", "<3", "3", "<3", "<3", "x", "<3", ""]);
    const late = section(rows, "Dossiers traités en retard");
    expect(late.find((r) => r[0] === "CFM-2026-000011")?.slice(0, 7)).toEqual([
      "CFM-2026-000011",
      "",
      "",
      "",
      "",
      "oui",
      "confidentiel",
    ]);
    expect(fr).not.toContain("Témoin indisponible");
    expect(fr).not.toContain("director@example.org");
    expect(fr).not.toContain("finance@example.org");
  });
});

describe("renderXlsx", () => {
  it("R-13: four sheets Excel reads back, with numbers, percentages and dates typed", async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await renderXlsx(report, { language: "fr", config })) as never);
    expect(workbook.worksheets.map((s) => s.name)).toEqual([
      "Synthèse",
      "Par catégorie",
      "En attente",
      "En retard",
    ]);

    const summary = workbook.getWorksheet("Synthèse")!;
    const rows: unknown[][] = [];
    summary.eachRow((row) => {
      rows.push((row.values as unknown[]).slice(1));
    });
    const overall = rows.find((r) => r[0] === "Ensemble (toutes étapes)");
    expect(overall?.slice(0, 6)).toEqual(["Ensemble (toutes étapes)", 5, 12, 5 / 12, 0.4, 1.7]);
    let percentFormat = "";
    summary.eachRow((row) => {
      if (row.getCell(1).value === "Ensemble (toutes étapes)") percentFormat = row.getCell(4).numFmt;
    });
    expect(percentFormat).toBe("0.0%");
    // Exact to the duration bin (issue 18): 37.5 and 49 days within ±2.2 %.
    expect(rows.find((r) => r[0] === "Réception → réponse")?.slice(0, 4)).toEqual([
      "Réception → réponse",
      8,
      37.48,
      49.65,
    ]);

    const pending = workbook.getWorksheet("En attente")!;
    expect(pending.getRow(3).getCell(1).value).toBe("CFM-2026-000006");
    expect(pending.getRow(3).getCell(5).value).toBeNull();
    expect(pending.getRow(4).getCell(3).value).toEqual(new Date("2026-03-16T15:00:00Z"));
    expect(pending.getRow(4).getCell(5).value).toBe("handler@example.org");
    expect(pending.views[0]).toMatchObject({ state: "frozen", ySplit: 2 });

    const categories = workbook.getWorksheet("Par catégorie")!;
    const fraud: unknown[] = [];
    categories.eachRow((row) => {
      if (row.getCell(1).value === "Détournement de fonds, fraude")
        fraud.push(...(row.values as unknown[]).slice(1));
    });
    expect(fraud.slice(0, 3)).toEqual(["Détournement de fonds, fraude", "oui", "<3"]);

    const late = workbook.getWorksheet("En retard")!;
    expect(late.getRow(2).values).toContain("Justification");
    expect(late.rowCount).toBe(2 + 5);
  });

  it("names sheets in English for an English report", async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await renderXlsx(report, { language: "en", config })) as never);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(["Summary", "By category", "Pending", "Late"]);
  });
});

describe("email summary", () => {
  it("shows the R-11 figure, one chart bar per month plus the previous period, and escapes text", () => {
    const named = { ...report, organisation: 'ONG <Exemple> & "Mali"' };
    const html = renderHtmlSummary(named, { language: "fr", config });
    expect(html).toContain("41,7\u00a0%");
    expect(html).toContain('data-r11="41.7"');
    expect(html.match(/data-chart-bar="/g)).toHaveLength(4);
    expect(html).toContain('data-chart-bar="40"'); // the previous period's 40 %
    expect(html).toContain("ONG &lt;Exemple&gt; &amp; &quot;Mali&quot;");
    expect(html).not.toContain("<Exemple>");
    expect(html).not.toContain("<svg");
  });

  it("H-D1: no assignee, category or text of a sensitive case; no justification text at all", () => {
    for (const text of [
      renderHtmlSummary(report, { language: "fr", config }),
      renderTextSummary(report, { language: "en", config }),
    ]) {
      expect(text).not.toContain("director@example.org");
      expect(text).not.toContain("finance@example.org");
      expect(text).not.toContain("Témoin");
      expect(text).not.toContain("HYPERLINK");
      expect(text).toContain("CFM-2026-000005");
    }
  });

  it("truncates a long pending list and points to the console's complete list (R-5: every officer, one click)", () => {
    const many = {
      ...report,
      pending: Array.from({ length: 20 }, (_, i) => ({
        reference: `CFM-2026-${String(100 + i).padStart(6, "0")}`,
        sensitive: true,
        steps: ["respond" as const],
      })),
      pendingTotal: 120,
    };
    const pendingUrl = "https://cfm.example.org/console/pending";
    const html = renderHtmlSummary(many, { language: "en", config, maxPendingRows: 5, pendingUrl });
    expect(html).toContain("CFM-2026-000104");
    expect(html).not.toContain("CFM-2026-000105");
    expect(html).toContain("Pending cases (120)");
    expect(html).toContain(`+ 115 <a href="${pendingUrl}"`);
    expect(html).toContain("more: the complete list is on the console&#39;s");
    expect(renderTextSummary(many, { language: "en", config, maxPendingRows: 5, pendingUrl })).toContain(
      `+ 115 more: the complete list is on the console's "Pending this week" page: ${pendingUrl}`,
    );
    // The attachments hold the report's first page (issue 18) and say where the rest is.
    const csv = renderCsv(many, { language: "fr", config, pendingUrl });
    expect(csv).toContain(
      `"Les 20 premiers sur 120, échéance la plus ancienne d’abord. Liste complète\u00a0: page «\u00a0En attente cette semaine\u00a0» de la console (${pendingUrl}), ou GET /api/reports/list?list=pending&page=2 et suivantes (coordinateur)."`,
    );
  });

  it("R-11 (issue 14): says that an open step past its deadline is missed and how many acknowledgements were never sent", async () => {
    const unreachable = computeReport(
      HUMANITARIAN.map((c) =>
        ["CFM-2026-000001", "CFM-2026-000003"].includes(c.reference) ? { ...c, reachable: false } : c,
      ),
      {
        from: "2026-01-01",
        to: "2026-03-31",
        kind: "quarterly",
        key: "2026-Q1",
        config,
        now: HUMANITARIAN_NOW,
      },
    );
    const method = "une étape encore ouverte après son échéance compte comme hors délai";
    const notSent =
      "2 accusés de réception jamais envoyés (plaignants joignables seulement par téléphone, ou anonymes) : sans objet";
    const html = renderHtmlSummary(unreachable, { language: "fr", config });
    expect(html).toMatch(/data-r11-notes[^>]*>[^<]*une étape encore ouverte/);
    expect(html).toContain(notSent);
    expect(renderTextSummary(unreachable, { language: "fr", config })).toContain(notSent);
    const legend = section(
      parseCsv(renderCsv(unreachable, { language: "fr", config }).slice(1), ";"),
      "Légende",
    );
    expect(legend.map((row) => row[1])).toEqual(
      expect.arrayContaining([expect.stringContaining(method), expect.stringContaining(notSent)]),
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await renderXlsx(unreachable, { language: "fr", config })) as never);
    const cells = workbook.worksheets.flatMap((sheet) =>
      sheet.getSheetValues().flatMap((row) => (Array.isArray(row) ? row.map(String) : [])),
    );
    expect(cells.some((c) => c.includes(notSent))).toBe(true);
    // Every acknowledgement sent: no count of unsent ones, the method is still said.
    const all = renderTextSummary(report, { language: "fr", config });
    expect(all).toContain(method);
    expect(all).not.toContain("jamais envoy");
  });

  it("subject and file names name the kind and the period", () => {
    expect(emailSubject(report, "fr")).toBe("Rapport trimestriel\u00a0: T1 2026 (ONG Exemple Mali)");
    expect(emailSubject(report, "en")).toBe("Quarterly report: Q1 2026 (ONG Exemple Mali)");
    expect(reportFileName(report, "xlsx")).toBe("cfm-quarterly-2026-Q1.xlsx");
  });
});
