// A scheduled report (EventBridge Scheduler → reports Lambda with `{ kind }`): the period that just ended
// for that kind, in the organisation's time zone, emailed once per kind and period to every recipient the
// config lists for that kind (R-3, R-5, H-G1, T-14), with the CSV and XLSX attached.
import type { Language } from "../domain/config.ts";
import { buildReport } from "./load.ts";
import { type ScheduledKind, scheduledPeriod } from "./periods.ts";
import {
  emailSubject,
  renderCsv,
  renderHtmlSummary,
  renderTextSummary,
  renderXlsx,
  reportFileName,
} from "./render.ts";
import { type MailRuntime, sendReportOnce } from "./send.ts";

export type ScheduledRuntime = MailRuntime &
  Parameters<typeof buildReport>[0] & {
    /** The task links' base; the console (its pending page) is served beside it. */
    taskBaseUrl?: string;
  };

export interface ScheduledResult {
  kind: ScheduledKind;
  period: string;
  result: "sent" | "already-sent" | "no-recipients";
  recipients: number;
}

export async function runScheduledReport(
  rt: ScheduledRuntime,
  kind: ScheduledKind,
): Promise<ScheduledResult> {
  const config = rt.config;
  const period = scheduledPeriod(kind, rt.now(), config.organisation.timeZone);
  // Two schedules of one kind (e.g. two audiences) share the period: one email to all their recipients.
  const to = [...new Set(config.reports.filter((r) => r.kind === kind).flatMap((r) => r.to))];
  if (to.length === 0) return { kind, period: period.key, result: "no-recipients", recipients: 0 };
  // Scheduled reports go to a list of staff: no justification text (that is in the coordinator's export).
  const report = await buildReport(rt, period, { includeJustificationText: false });
  const language: Language = config.organisation.languages[0] ?? "fr";
  // the report holds the first page of the pending list; every officer reaches the whole in a click.
  const pendingUrl = rt.taskBaseUrl ? new URL("../console/pending", rt.taskBaseUrl).toString() : undefined;
  const result = await sendReportOnce(rt, {
    kind,
    period: period.key,
    to,
    subject: emailSubject(report, language),
    html: renderHtmlSummary(report, { language, config, pendingUrl }),
    text: renderTextSummary(report, { language, config, pendingUrl }),
    attachments: [
      {
        fileName: reportFileName(report, "csv"),
        contentType: "text/csv; charset=utf-8",
        content: Buffer.from(renderCsv(report, { language, config, pendingUrl }), "utf8"),
      },
      {
        fileName: reportFileName(report, "xlsx"),
        contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        content: await renderXlsx(report, { language, config, pendingUrl }),
      },
    ],
  });
  return { kind, period: period.key, result, recipients: to.length };
}
