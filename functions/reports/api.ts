// GET /api/reports?from=YYYY-MM-DD&to=YYYY-MM-DD&format=json|csv|xlsx[&lang=fr|en][&delimiter=;|,]
// for the staff API (CONTRACT.md): the coordinator only (general staff get 403: a report spans sensitive
// cases, H-D1), dates local to the organisation and both inclusive. The coordinator's export carries the
// T-13 justification text of non-sensitive late cases, which the scheduled emails leave out.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import * as z from "zod";
import type { Audience } from "../domain/access.ts";
import { isValidLocalDate } from "../domain/calendar.ts";
import { runtime } from "../lib/runtime.ts";
import { buildReport, type ReportRuntime, reportListPage } from "./load.ts";
import { InvalidPeriodError, makePeriod } from "./periods.ts";
import { renderCsv, renderXlsx, reportFileName } from "./render.ts";

/** A longer span would outgrow the Lambda's time and API Gateway's 6 MB response. */
export const MAX_SPAN_DAYS = 3 * 366;

const localDate = z
  .string({ message: "is required (YYYY-MM-DD)" })
  .refine(isValidLocalDate, { message: "must be a date written YYYY-MM-DD" });

export const reportQuery = z.object({
  from: localDate,
  to: localDate,
  format: z.enum(["json", "csv", "xlsx"], { message: "must be one of json, csv, xlsx" }).default("json"),
  lang: z.enum(["fr", "en"], { message: "must be fr or en" }).optional(),
  delimiter: z.enum([";", ","], { message: "must be ; or ," }).optional(),
});
export type ReportQuery = z.output<typeof reportQuery>;

const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
  body: JSON.stringify(body),
});

/** Parses the query string; the error names the field. */
export function parseReportQuery(
  params: Record<string, string | undefined> | undefined,
): { ok: true; query: ReportQuery } | { ok: false; field: string; message: string } {
  const result = reportQuery.safeParse(params ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = String(issue?.path[0] ?? "query");
    return { ok: false, field, message: `${field}: ${issue?.message ?? "invalid"}` };
  }
  const { from, to } = result.data;
  if (to < from) return { ok: false, field: "to", message: `to: must not be before from (${from})` };
  const span = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
  if (span > MAX_SPAN_DAYS)
    return {
      ok: false,
      field: "to",
      message: `to: a report spans at most ${MAX_SPAN_DAYS} days (asked ${span})`,
    };
  return { ok: true, query: result.data };
}

export async function handleReportsRequest(
  event: APIGatewayProxyEventV2,
  audience: Audience,
  rt: ReportRuntime = runtime(),
): Promise<APIGatewayProxyStructuredResultV2> {
  if (audience !== "coordinator")
    return json(403, { error: "forbidden", message: "reports are for the coordinator only" });
  const parsed = parseReportQuery(event.queryStringParameters);
  if (!parsed.ok) return json(400, { error: "bad-request", field: parsed.field, message: parsed.message });
  const { from, to, format } = parsed.query;
  const language = parsed.query.lang ?? rt.config.organisation.languages[0] ?? "fr";
  let period: ReturnType<typeof makePeriod>;
  try {
    period = makePeriod("custom", from, to, rt.config.organisation.timeZone);
  } catch (error) {
    if (error instanceof InvalidPeriodError)
      return json(400, { error: "bad-request", field: "from", message: `from: ${error.message}` });
    throw error;
  }
  const report = await buildReport(rt, period, { includeJustificationText: true });
  const disposition = (ext: "csv" | "xlsx" | "json") =>
    `attachment; filename="${reportFileName(report, ext)}"`;
  if (format === "json") return json(200, report);
  if (format === "csv")
    return {
      statusCode: 200,
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": disposition("csv"),
        "cache-control": "no-store",
      },
      body: renderCsv(report, { language, config: rt.config, delimiter: parsed.query.delimiter }),
    };
  const xlsx = await renderXlsx(report, { language, config: rt.config });
  return {
    statusCode: 200,
    headers: {
      "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "content-disposition": disposition("xlsx"),
      "cache-control": "no-store",
    },
    body: xlsx.toString("base64"),
    isBase64Encoded: true,
  };
}

const listQuery = z.object({
  list: z.enum(["pending", "late"], { message: "must be pending or late" }),
  page: z.coerce
    .number({ message: "must be a number" })
    .int({ message: "must be a whole number" })
    .min(1, { message: "at least 1" })
    .max(10_000, { message: "at most 10000" })
    .default(1),
});

/**
 * GET /api/reports/list?from=&to=&list=pending|late&page=N (issue 18): page N of a report's list, as the report
 * of those dates lists it (a report holds the first page; `total` counts them all, `next` is the next page or
 * null). The pending list does not depend on the dates (R-5: every open case past a deadline).
 */
export async function handleReportListRequest(
  event: APIGatewayProxyEventV2,
  audience: Audience,
  rt: ReportRuntime = runtime(),
): Promise<APIGatewayProxyStructuredResultV2> {
  if (audience !== "coordinator")
    return json(403, { error: "forbidden", message: "reports are for the coordinator only" });
  const params = event.queryStringParameters ?? {};
  const parsed = parseReportQuery({ from: params.from, to: params.to });
  if (!parsed.ok) return json(400, { error: "bad-request", field: parsed.field, message: parsed.message });
  const list = listQuery.safeParse(params);
  if (!list.success) {
    const issue = list.error.issues[0];
    const field = String(issue?.path[0] ?? "query");
    return json(400, { error: "bad-request", field, message: `${field}: ${issue?.message ?? "invalid"}` });
  }
  let period: ReturnType<typeof makePeriod>;
  try {
    period = makePeriod("custom", parsed.query.from, parsed.query.to, rt.config.organisation.timeZone);
  } catch (error) {
    if (error instanceof InvalidPeriodError)
      return json(400, { error: "bad-request", field: "from", message: `from: ${error.message}` });
    throw error;
  }
  return json(
    200,
    await reportListPage(rt, period, list.data.list, list.data.page, { includeJustificationText: true }),
  );
}
