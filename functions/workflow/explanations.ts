// H-D4: a complainant not satisfied with the answer asks for explanations before deciding to appeal (through
// their link's page, or by SMS/WhatsApp: EXPLICATIONS …). Nothing waits for this (non-blocking): the question
// is kept with the case and on the timeline, the handler and the responsible person are emailed it with the
// case page, and the appeal stays open until the window ends (unchanged).
import type { CaseContent, CaseRecord } from "../domain/complaint.ts";
import { explainers, neverTold } from "../domain/procedure.ts";
import { languageOf, staffMember } from "../domain/routing.ts";
import { caseConsoleUrl } from "../lib/console-url.ts";
import type { Runtime } from "../lib/runtime.ts";
import { caseEmailBase } from "../mail/case-email.ts";
import { sendOnce } from "../mail/mailer.ts";

/** Records the question under `id` (one per form or message: a replay records once) and emails the explainers. */
export async function requestExplanations(
  rt: Runtime,
  reference: string,
  question: string,
  id: string,
): Promise<CaseRecord> {
  const at = rt.now().toISOString();
  // The content the update reads is kept for the emails (who is named, the complainant's name): no second read.
  let content: CaseContent | undefined;
  const { record } = await rt.store.update(
    reference,
    (_current, read) => {
      content = read;
      return {
        content: { explanationRequests: [...(read?.explanationRequests ?? []), { at, text: question }] },
        event: { id, at, type: "message", actor: "complainant", detail: "explanations" },
      };
    },
    { withContent: true },
  );
  if (!content) content = await rt.store.getContent(record.reference);
  const named = neverTold(content);
  for (const to of explainers(rt.config, record).filter((a) => !named.includes(a))) {
    await sendOnce(rt, {
      reference: record.reference,
      key: `${id}:${to}`,
      to,
      template: "explanation-request",
      language: languageOf(rt.config, to),
      data: {
        ...caseEmailBase(rt.config, record),
        sensitive: false,
        recipientName: staffMember(rt.config, to)?.name,
        ...(!record.anonymous && content.complainant?.name
          ? { complainantName: content.complainant.name }
          : {}),
        question,
        ...(record.deadlines.appealWindowEnds ? { appealDeadline: record.deadlines.appealWindowEnds } : {}),
        caseUrl: caseConsoleUrl(rt.taskBaseUrl, record.reference),
      },
    });
  }
  return record;
}
