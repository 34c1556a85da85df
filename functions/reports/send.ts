// Sends a report email at most once per kind and period, through the mailer's outbox: the item
// REPORT#<kind>#<period> / OUTBOX is claimed first, so a retried or duplicated invocation does not send again.
import { type MailRuntime as BaseMailRuntime, sendViaOutbox } from "../mail/mailer.ts";
import type { ReportRuntime } from "./load.ts";

export interface ReportEmail {
  kind: string;
  /** The period's key, e.g. 2026-Q1. */
  period: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  attachments: Array<{ fileName: string; contentType: string; content: Buffer }>;
}

export type MailRuntime = BaseMailRuntime & Pick<ReportRuntime, "config">;

export async function sendReportOnce(rt: MailRuntime, email: ReportEmail): Promise<"sent" | "already-sent"> {
  return sendViaOutbox(
    rt,
    { report: email.kind, period: email.period },
    `the ${email.kind} report for ${email.period}`,
    { kind: email.kind, period: email.period, recipients: email.to.length },
    {
      to: email.to,
      replyTo: rt.config.organisation.coordinator,
      subject: email.subject,
      text: email.text,
      html: email.html,
      attachments: email.attachments,
    },
  );
}
