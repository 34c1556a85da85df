// The response to the complainant (H-D3, T-9), built in one place: the workflow sends it (steps.sendResponse)
// and the conclusion's task page previews exactly that message before it is submitted (issue 14). Only the
// text written for the complainant goes out; the internal record of the measures never does.

import { renderShortText } from "../channels/short-texts.ts";
import { complainantRoute } from "../domain/complainant-channel.ts";
import type { CaseContent, CaseRecord } from "../domain/complaint.ts";
import type { OrgConfig } from "../domain/config.ts";
import { offersExplanations } from "../domain/procedure.ts";
import type { Outcome } from "../domain/vocabulary.ts";
import { type AppealOffer, type ResponseData, renderEmail } from "./templates.ts";

/** The complainant's name as emails greet them: none for a sensitive or anonymous case. */
export function complainantName(
  record: Pick<CaseRecord, "sensitive" | "anonymous">,
  content: Pick<CaseContent, "complainant" | "representative">,
): string | undefined {
  if (record.sensitive || record.anonymous) return undefined;
  return content.representative?.name ?? content.complainant?.name ?? undefined;
}

export function responseData(
  config: OrgConfig,
  record: CaseRecord,
  content: Pick<CaseContent, "complainant" | "representative">,
  answer: { outcome: Outcome; response: string | null },
  appeal: AppealOffer | Record<string, never>,
): ResponseData {
  const base = {
    reference: record.reference,
    organisation: config.organisation.name,
    timeZone: config.organisation.timeZone,
    kind: record.kind,
    ...appeal,
    recipientName: complainantName(record, content),
    // H-D4: explanations first where the procedure offers them (procedure.offersExplanations).
    ...(offersExplanations(config, record) ? { explanationsFirst: true } : {}),
  };
  // H-D3: a sensitive case is told only whether it is founded and the procedure that follows.
  return record.sensitive
    ? { ...base, sensitive: true, outcome: answer.outcome, procedure: answer.response ?? undefined }
    : { ...base, sensitive: false, outcome: answer.outcome, responseText: answer.response ?? "" };
}

export type ResponsePreview =
  | { channel: "email"; subject: string; text: string }
  | { channel: "sms" | "whatsapp"; text: string }
  | { channel: "none" };

/**
 * Exactly what the complainant will receive for this answer, on the channel the workflow will use. An appeal
 * link, when one goes with the response, is shown with a placeholder address (it does not exist yet).
 */
export function previewResponse(
  config: OrgConfig,
  record: CaseRecord,
  content: Pick<CaseContent, "complainant" | "representative">,
  answer: { outcome: Outcome; response: string | null },
  appeal: AppealOffer | Record<string, never>,
): ResponsePreview {
  const route = record.reachable ? complainantRoute(config, record, content) : null;
  if (!route) return { channel: "none" };
  const data = responseData(config, record, content, answer, appeal);
  if (route.channel === "email") {
    const email = renderEmail("response", record.language, data);
    return { channel: "email", subject: email.subject, text: email.text };
  }
  const text = renderShortText("response", record.language, data as never, {
    ...(route.channel === "sms" ? { maxSegments: config.channels.sms?.maxSegments } : {}),
  });
  return { channel: route.channel, text };
}
