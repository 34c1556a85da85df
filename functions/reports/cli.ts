// `npx cfm report --from 2026-01-01 --to 2026-03-31 [--format csv|xlsx|json] [--out FILE] [--api URL]
// [--lang fr|en] [--delimiter ";"|","]`: asks the local stack's staff API for a report, as the coordinator
// (Authorization: Bearer local-coordinator), and writes it to FILE or standard output.
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";

export const REPORT_USAGE = `usage: cfm report --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|xlsx|json] [--out FILE]
                  [--api http://127.0.0.1:3000] [--lang fr|en] [--delimiter ";"|","]
  Dates are local to the organisation and both inclusive. Without --out, CSV and JSON go to standard
  output and XLSX to cfm-report-FROM_TO.xlsx in the current directory.`;

const FORMATS = ["csv", "xlsx", "json"] as const;

export async function reportCommand(
  args: string[],
  out: (text: string) => void,
  err: (text: string) => void,
): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        from: { type: "string" },
        to: { type: "string" },
        format: { type: "string", default: "csv" },
        out: { type: "string" },
        api: { type: "string" },
        lang: { type: "string" },
        delimiter: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    err(`${(error as Error).message}\n${REPORT_USAGE}`);
    return 2;
  }
  if (values.help) {
    out(REPORT_USAGE);
    return 0;
  }
  const from = values.from as string | undefined;
  const to = values.to as string | undefined;
  const format = values.format as string;
  if (!from || !to) {
    err(`--from and --to are required\n${REPORT_USAGE}`);
    return 2;
  }
  if (!(FORMATS as readonly string[]).includes(format)) {
    err(`--format must be one of ${FORMATS.join(", ")}\n${REPORT_USAGE}`);
    return 2;
  }
  const api = (values.api as string | undefined) ?? `http://127.0.0.1:${process.env.CFM_HTTP_PORT ?? "3000"}`;
  let url: URL;
  try {
    url = new URL("/api/reports", api);
  } catch {
    err(`--api: not a URL: ${api}`);
    return 2;
  }
  url.search = new URLSearchParams({
    from,
    to,
    format,
    ...(values.lang ? { lang: values.lang as string } : {}),
    ...(values.delimiter ? { delimiter: values.delimiter as string } : {}),
  }).toString();

  let response: Response;
  try {
    response = await fetch(url, { headers: { authorization: "Bearer local-coordinator" } });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    err(`cannot reach the staff API at ${url.origin} (${cause}); is the local stack running (npm start)?`);
    return 1;
  }
  if (!response.ok) {
    const text = await response.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // not JSON: print as is
    }
    err(`report failed: HTTP ${response.status}: ${message}`);
    return 1;
  }
  const body = Buffer.from(await response.arrayBuffer());
  const target =
    (values.out as string | undefined) ?? (format === "xlsx" ? `cfm-report-${from}_${to}.xlsx` : undefined);
  if (target) {
    await writeFile(target, body);
    out(`${target}: ${body.length} bytes`);
  } else
    out(
      body
        .toString("utf8")
        .replace(/^\ufeff/, "")
        .replace(/\r?\n$/, ""),
    );
  return 0;
}
