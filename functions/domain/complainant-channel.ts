// Where the procedure's messages to the complainant go (issue 17): by email as before, or by SMS or WhatsApp
// when that is how the complainant reached the organisation. One rule, used by the workflow (who to write
// to), the intake (whether a case is reachable) and the tests. Pure: no AWS.
import type { CaseContent, CaseRecord } from "./complaint.ts";
import type { OrgConfig } from "./config.ts";
import { normalisePhone } from "./phone.ts";

export type ComplainantRoute =
  | { channel: "email"; to: string }
  | { channel: "sms"; to: string }
  | { channel: "whatsapp"; to: string };

type Person = { email?: string | undefined; phone?: string | undefined } | null | undefined;

/**
 * The complainant's route, or null when they cannot be written to:
 * 1. a case that came by SMS or WhatsApp is answered there, to the number it came from (the complainant
 *    chose that channel; an email address they also gave does not change it);
 * 2. otherwise by email, to the complainant or their representative (H-A1);
 * 3. otherwise by SMS to a phone number they gave (web form, Kobo, staff-recorded), when SMS is set up.
 * An anonymous case is never written to. A number is texted in E.164 only: one written as people write it
 * ("+223 70 00 00 00") is normalised; one that cannot be (no country code) is for staff to call back, not to text.
 */
export function complainantRoute(
  config: OrgConfig,
  record: Pick<CaseRecord, "channel" | "anonymous">,
  content: { complainant: Person; representative: Person },
): ComplainantRoute | null {
  if (record.anonymous) return null;
  const written = content.complainant?.phone ?? content.representative?.phone;
  const phone = written ? normalisePhone(written) : null;
  if (phone && record.channel === "whatsapp" && config.channels.whatsapp)
    return { channel: "whatsapp", to: phone };
  if (phone && record.channel === "sms" && config.channels.sms) return { channel: "sms", to: phone };
  const email = content.complainant?.email ?? content.representative?.email;
  if (email) return { channel: "email", to: email };
  if (phone && config.channels.sms) return { channel: "sms", to: phone };
  return null;
}

/** Whether the complainant of a new case can be written to (CaseRecord.reachable). */
export function isReachable(
  config: OrgConfig,
  record: Pick<CaseRecord, "channel" | "anonymous">,
  content: Pick<CaseContent, "complainant" | "representative">,
): boolean {
  return complainantRoute(config, record, content) !== null;
}
