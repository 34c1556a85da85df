// What the public pages do to cases, independent of HTTP: open a web case with its receipt code, show a
// case to the complainant, and take their message, appeal and satisfaction answer.

import { createHash } from "node:crypto";
import { keepsDetailsPrivate } from "../domain/access.ts";
import { complainantRoute } from "../domain/complainant-channel.ts";
import type { CaseContent, CaseRecord, DeadlineStep } from "../domain/complaint.ts";
import { labelIn } from "../domain/config-schema.ts";
import { offersExplanations } from "../domain/procedure.ts";
import { categoryOf, languageOf, staffMember } from "../domain/routing.ts";
import { openCase } from "../intake/open-case.ts";
import { log } from "../lib/logger.ts";
import type { Runtime } from "../lib/runtime.ts";
import { caseEmailBase } from "../mail/case-email.ts";
import { MailRejectedError, sendOnce } from "../mail/mailer.ts";
import type { MessageReceivedData } from "../mail/templates.ts";
import { currentStepLink } from "../tasks/link-store.ts";
import { completeLink } from "../tasks/task-actions.ts";
import type { Submission } from "./forms.ts";
import { newReceiptCode, storeReceipt } from "./receipt.ts";

export const WEB_ACTOR = "web";
export const COMPLAINANT_ACTOR = "complainant";

/**
 * A lost confirmation page (a dropped 2G connection) may be asked for again by re-sending the same form:
 * within this time the case gets a fresh receipt code, shown once. Later, a replayed form gets nothing.
 */
export const REISSUE_MS = 60 * 60 * 1000;

export type OpenResult =
  | { kind: "opened"; reference: string; receipt: string; record: CaseRecord }
  | { kind: "replayed" };

/** Opens the case exactly as email does (same open-case path), channel `web`, then stores its receipt. */
export async function openWebCase(rt: Runtime, submissionId: string, s: Submission): Promise<OpenResult> {
  const receivedAt = rt.now().toISOString();
  const person = {
    ...(s.name ? { name: s.name } : {}),
    ...(s.email ? { email: s.email } : {}),
    ...(s.phone ? { phone: s.phone } : {}),
  };
  const { reference, created } = await openCase(rt, {
    sourceId: `web:${submissionId}`,
    kind: s.kind,
    channel: "web",
    language: s.language,
    anonymous: s.anonymous,
    receivedAt,
    actor: WEB_ACTOR,
    followUp: true,
    content: {
      complainant: Object.keys(person).length ? person : null,
      representative: s.representative ?? null,
      description: s.description,
      factsDate: s.factsDate ?? null,
      place: s.place ?? null,
      service: s.service ?? null,
      personsConcerned: s.personsConcerned ?? null,
      expectations: s.expectations ?? null,
      consentToShare: s.consentToShare,
    },
  });
  const record = await rt.store.require(reference);
  if (!created && rt.now().getTime() - Date.parse(record.receivedAt) > REISSUE_MS)
    return { kind: "replayed" };
  const receipt = newReceiptCode();
  await storeReceipt(rt, reference, receipt);
  return { kind: "opened", reference, receipt, record };
}

/** The deadlines the complainant was promised, in the order they come. */
export const PROMISED: readonly DeadlineStep[] = [
  "acknowledge",
  "contact",
  "respond",
  "appealWindowEnds",
  "appealDecision",
];

export interface FollowUpView {
  record: CaseRecord;
  /** The answer given (H-D3, T-9), once the case is answered. */
  answer: string | null;
  /** A decision without investigation (T-4 inadmissible, H-C3 (e) referral) and its written reason. */
  decisionReason: string | null;
  appeal: { outcome: "upheld" | "revised"; reasoning: string | null } | null;
  /** Open while the appeal window runs and the appeal step waits for the complainant. */
  appealOpenUntil: string | null;
  /**
   * H-D4: explanations may be asked for first (where the procedure offers them), while the appeal is open, when
   * the complainant can be written to: an anonymous person would have no way to receive them.
   */
  explanationsOpen: boolean;
  /** Asked once the case is closed, until answered. */
  satisfactionOpen: boolean;
}

const ANSWERED = new Set(["responded", "appeal", "closed"]);

export async function followUpView(rt: Runtime, record: CaseRecord): Promise<FollowUpView> {
  const content = await rt.store.getContent(record.reference);
  // H-D1: the text for the complainant of a sensitive case is kept in its private details.
  const response = ANSWERED.has(record.status)
    ? (content.response ??
      (keepsDetailsPrivate(record) ? (await rt.store.getDetails(record.reference)).response : null))
    : null;
  const open = await appealOpenUntil(rt, record);
  return {
    record,
    answer: response ?? null,
    decisionReason:
      record.closure === "inadmissible" || record.closure === "referred"
        ? (content.triageReason ?? null)
        : null,
    appeal: record.appealOutcome
      ? { outcome: record.appealOutcome, reasoning: content.appealReasoning ?? null }
      : null,
    appealOpenUntil: open,
    explanationsOpen:
      open !== null &&
      offersExplanations(rt.config, record) &&
      complainantRoute(rt.config, record, content) !== null,
    satisfactionOpen: record.status === "closed" && !record.satisfaction,
  };
}

/** Until when the complainant may still appeal (ISO), or null: not answered, window passed, already appealed. */
export async function appealOpenUntil(rt: Runtime, record: CaseRecord): Promise<string | null> {
  if (record.status !== "responded" || !record.deadlines.appealWindowEnds) return null;
  const link = await currentStepLink(rt, record.reference, "appeal");
  if (link?.status !== "active" || rt.now().toISOString() > link.expiresAt) return null;
  return record.deadlines.appealWindowEnds;
}

/**
 * The outcome reached the complainant: recorded the first time they open an answered case (reports: the
 * share of cases whose outcome was communicated, CHS commitment 5).
 */
export async function markOutcomeSeen(rt: Runtime, record: CaseRecord): Promise<void> {
  if (!ANSWERED.has(record.status) || record.outcomeSeenAt) return;
  const at = rt.now().toISOString();
  await rt.store.update(record.reference, (r) =>
    r.outcomeSeenAt ? null : { record: { outcomeSeenAt: at } },
  );
}

/** A message from the follow-up page: added to the case (timeline `message`); the assignee is told. */
export async function addMessage(
  rt: Runtime,
  reference: string,
  text: string,
  session: string,
): Promise<void> {
  // The same text sent twice in one session (a double tap, a resent form) is one message.
  const id = `message:web:${createHash("sha256").update(`${session}\n${text}`).digest("hex").slice(0, 24)}`;
  const at = rt.now().toISOString();
  const { record } = await rt.store.update(
    reference,
    (_r, content) => {
      if (!content || content.messages.some((m) => m.rawMessageKey === id)) return null;
      return {
        content: { messages: [...content.messages, { at, from: null, text, rawMessageKey: id }] },
        event: { id, at, type: "message", actor: COMPLAINANT_ACTOR, detail: "follow-up" },
      };
    },
    { withContent: true },
  );
  await notifyAssignee(rt, record, id, at, text);
}

async function notifyAssignee(rt: Runtime, record: CaseRecord, key: string, at: string, text: string) {
  const to = record.assignee ?? record.responsible ?? rt.config.organisation.coordinator;
  const language = languageOf(rt.config, to);
  const common = {
    ...caseEmailBase(rt.config, record),
    receivedAt: at,
    recipientName: staffMember(rt.config, to)?.name,
  };
  // Never the text (nor the category) of a sensitive case in an email (H-D1).
  const data: MessageReceivedData = record.sensitive
    ? { ...common, sensitive: true }
    : {
        ...common,
        sensitive: false,
        ...(record.category
          ? { categoryLabel: labelIn(categoryOf(rt.config, record.category).label, language) }
          : {}),
        message: text,
      };
  try {
    await sendOnce(rt, {
      reference: record.reference,
      key,
      to,
      template: "message-received",
      language,
      data,
    });
  } catch (error) {
    // The message is in the case; a rejected notification is recorded on its outbox item.
    if (!(error instanceof MailRejectedError)) throw error;
    log("WARN", "follow-up: message notification rejected", { reference: record.reference });
  }
}

export type AppealResult = "done" | "closed";

/** The complainant's appeal from the follow-up page: the same step, through the same link, as the email's. */
export async function fileAppeal(rt: Runtime, record: CaseRecord, reason: string): Promise<AppealResult> {
  if (!(await appealOpenUntil(rt, record))) return "closed";
  const link = await currentStepLink(rt, record.reference, "appeal");
  if (!link) return "closed";
  const result = await completeLink(rt, link, { reason });
  return result.kind === "done" ? "done" : "closed";
}

export type SatisfactionResult = "done" | "already" | "not-closed";

/** Closing the loop: one answer per case, kept on the status record (score) and the content (comment). */
export async function recordSatisfaction(
  rt: Runtime,
  reference: string,
  answer: { score: number; comment?: string },
): Promise<SatisfactionResult> {
  const at = rt.now().toISOString();
  let outcome: SatisfactionResult = "done";
  await rt.store.update(
    reference,
    (r) => {
      if (r.status !== "closed") {
        outcome = "not-closed";
        return null;
      }
      if (r.satisfaction) {
        outcome = "already";
        return null;
      }
      outcome = "done";
      const content: Partial<CaseContent> = { satisfactionComment: answer.comment ?? null };
      return { record: { satisfaction: { score: answer.score, at } }, content };
    },
    { withContent: true },
  );
  return outcome;
}
