// POST /api/complaints/{reference}/actions (CONTRACT.md "Operations") and the console's case-page forms.
// Each action is one transaction with its timeline event (who, why), idempotent: the event id comes from the
// caller and their Idempotency-Key, so a retry finds its event and changes nothing.
//   note      an internal note on the timeline
//   reassign  the current step goes to another staff member: the record's assignee changes with the event,
//             then the step's link is re-issued to the new person (the old one stops working) and emailed.
import { createHash } from "node:crypto";
import { type ActionRefusal, actionSchema, type CaseAction, refusal } from "../domain/actions.ts";
import type { CaseRecord } from "../domain/complaint.ts";
import type { Runtime } from "../lib/runtime.ts";
import { sendViaOutbox } from "../mail/mailer.ts";
import { activeLinksOf, issueLink } from "../tasks/link-store.ts";
import type { Caller } from "./auth.ts";

export type ActionResult =
  | { ok: true; applied: boolean; record: CaseRecord }
  | { ok: false; status: 400 | 403 | 404 | 409 | 422; errors: Record<string, string> };

export function actionEventId(caller: Caller, key: string): string {
  return `action-${createHash("sha256").update(`${caller.actor.toLowerCase()}\n${key}`).digest("hex").slice(0, 32)}`;
}

export function parseAction(input: unknown): { action?: CaseAction; errors: Record<string, string> } {
  const parsed = actionSchema.safeParse(input);
  if (parsed.success) return { action: parsed.data, errors: {} };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.map(String).join(".") || "action";
    errors[key] ??= issue.message;
  }
  return { errors };
}

export async function takeAction(
  rt: Runtime,
  caller: Caller,
  reference: string,
  key: string,
  action: CaseAction,
): Promise<ActionResult> {
  const record = await rt.store.get(reference);
  if (!record) return { ok: false, status: 404, errors: { reference: "no such case" } };
  const eventId = actionEventId(caller, key);
  // A replay: the event is there, the action was taken (its follow-up, below, is idempotent too).
  const done = await rt.store.event(reference, eventId);
  if (!done) {
    const refused: ActionRefusal | null = refusal(rt.config, caller.audience, record, action);
    if (refused)
      return { ok: false, status: refused.status, errors: { [refused.field ?? "action"]: refused.error } };
  }
  const at = rt.now().toISOString();
  if (action.action === "note") {
    const result = await rt.store.update(reference, () => ({
      event: { id: eventId, at, type: "note", actor: caller.actor, detail: action.reason.slice(0, 500) },
    }));
    return { ok: true, applied: result.applied, record: result.record };
  }
  const from = done ? null : record.assignee;
  const result = await rt.store.update(reference, (current) => {
    if (current.assignee !== record.assignee) return null; // moved meanwhile: the caller sees the new state
    return {
      record: {
        assignee: action.to,
        ...(current.responsible === current.assignee ? { responsible: action.to } : {}),
      },
      event: {
        id: eventId,
        at,
        type: "reassigned",
        actor: caller.actor,
        detail: `${from} → ${action.to}: ${action.reason}`.slice(0, 500),
      },
    };
  });
  if (from) await moveLinks(rt, reference, from, action.to, eventId);
  return { ok: true, applied: result.applied, record: result.record };
}

/** The open steps' links of `from` go to `to` (fresh links: the old ones are revoked), emailed once. */
async function moveLinks(rt: Runtime, reference: string, from: string, to: string, eventId: string) {
  const links = (await activeLinksOf(rt, reference)).filter((l) => l.actor === from);
  const urls: string[] = [];
  for (const link of links) {
    const { url } = await issueLink(rt, {
      reference,
      step: link.step,
      actor: to,
      taskToken: link.taskToken,
      expiresAt: link.expiresAt,
      language: link.language,
    });
    urls.push(url);
  }
  if (urls.length === 0) return;
  const text = [
    "Bonjour,",
    "",
    `Le coordinateur vous a confié le dossier ${reference}. Lien vers la tâche :`,
    ...urls,
    "",
    "Ce lien est personnel : ne le transférez pas.",
  ].join("\n");
  await sendViaOutbox(
    rt,
    { pk: `CASE#${reference}`, sk: `OUTBOX#${eventId}` },
    `reassigned task for ${reference}`,
    { template: "reassigned" },
    {
      to: [to],
      replyTo: rt.config.organisation.coordinator,
      subject: `[${reference}] Tâche qui vous est confiée`,
      text,
      html: `<p>Bonjour,</p><p>Le coordinateur vous a confié le dossier ${reference}.</p>${urls.map((u) => `<p><a href="${u}">${u}</a></p>`).join("")}<p>Ce lien est personnel : ne le transférez pas.</p>`,
    },
  );
}
