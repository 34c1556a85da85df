// Writes docs/kobo-example-form.xlsx, the XLSForm workbook KoboToolbox imports, from the sheets written out in
// docs/kobo-example-form.md (the one source: a unit test checks that file against the example mapping).
// Run: npx tsx bin/kobo-form-xlsx.ts
import { readFileSync } from "node:fs";
import ExcelJS from "exceljs";

const SHEETS = ["survey", "choices", "settings"] as const;

/** The rows of the markdown table under "## Sheet `<name>`", the header first. */
export function markdownSheet(markdown: string, name: string): string[][] {
  const section = markdown.split(`## Sheet \`${name}\``)[1]?.split("\n## ")[0] ?? "";
  const lines = section.split("\n").filter((l) => l.startsWith("|"));
  const cells = (l: string) =>
    l
      .split("|")
      .slice(1, -1)
      .map((c) => c.trim());
  return [cells(lines[0] ?? ""), ...lines.slice(2).map(cells)];
}

export async function writeWorkbook(markdownPath: string, xlsxPath: string): Promise<void> {
  const markdown = readFileSync(markdownPath, "utf8");
  const workbook = new ExcelJS.Workbook();
  for (const name of SHEETS) {
    const sheet = workbook.addWorksheet(name);
    for (const row of markdownSheet(markdown, name)) sheet.addRow(row);
    sheet.getRow(1).font = { bold: true };
  }
  await workbook.xlsx.writeFile(xlsxPath);
}

if (import.meta.url === `file://${process.argv[1]}`)
  await writeWorkbook("docs/kobo-example-form.md", "docs/kobo-example-form.xlsx");
