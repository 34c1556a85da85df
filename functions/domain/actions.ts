// Coordinator actions on a case (CONTRACT.md "Operations", issue 12), the rules without AWS: who may act,
// which action fits which status, what each needs, and what each changes. Every action carries a reason; the
// handler writes the change with its timeline event in one transaction (functions/api/case-actions.ts) and,
// when the change moves the case in its procedure, starts the case's next execution at its step.
import * as z from "zod";
import { type Audience, keepsDetailsPrivate } from "./access.ts";
import { type CaseContent, type CaseRecord, type DetailsPatch, noInvestigation } from "./complaint.ts";
import type { OrgConfig } from "./config.ts";
import { completeStep, deadlineAfter, respondRule } from "./deadlines.ts";
import { caseConfig } from "./live-config.ts";
import {
  appealRecorders,
  appealsLeft,
  hasContactStep,
  isShortPath,
  neverTold,
  triagedRoute,
} from "./procedure.ts";
import { categoryOf, responsibleFor } from "./routing.ts";
import { applyAppeal, investigationChange } from "./transitions.ts";
import { type EventType, type HumanStep, SEVERITIES, type Status } from "./vocabulary.ts";

export const ACTIONS = [
  "note",
  "reassign",
  "resume",
  "retriage",
  "record-contact",
  "record-appeal",
  "reopen",
] as const;
export type ActionName = (typeof ACTIONS)[number];
/** Kept for the first slice's callers. */
export const IMPLEMENTED_ACTIONS = ACTIONS;

/**
 * H-E1 (issue 14): how an appeal recorded by staff arrived. The seed asks for it in writing (to the appeal
 * officer, or by post): staff write down an appeal made by phone or in person, so a complainant without
 * email can appeal; a written-only procedure (T-1) takes written channels only (`oralAppealRefusal`).
 */
export const APPEAL_CHANNELS = ["letter", "email", "sms", "whatsapp", "phone", "in-person"] as const;
const ORAL_APPEAL_CHANNELS: readonly string[] = ["phone", "in-person"];

const reason = z
  .string("required")
  .trim()
  .min(3, "give the reason (at least 3 characters)")
  .max(2000, "at most 2000 characters");
const staffAddress = z.email("must be a staff address").transform((a) => a.toLowerCase());
/** A checkbox or a JSON boolean. */
const yesNo = z.union([z.boolean(), z.enum(["yes", "no"]).transform((v) => v === "yes")]);

export const actionSchema = z.discriminatedUnion(
  "action",
  [
    z.strictObject({ action: z.literal("note"), reason }),
    z.strictObject({
      action: z.literal("reassign"),
      to: staffAddress,
      /** Every open step of this person on the case (before leave); default: the current step's actor. */
      from: staffAddress.optional(),
      reason,
    }),
    z.strictObject({ action: z.literal("resume"), reason }),
    z
      .strictObject({
        action: z.literal("retriage"),
        category: z.string().trim().min(1).max(100).optional(),
        severity: z.enum(SEVERITIES, `must be one of ${SEVERITIES.join(", ")}`).optional(),
        sensitive: yesNo.optional(),
        reason,
      })
      .refine((a) => a.category !== undefined || a.severity !== undefined || a.sensitive !== undefined, {
        message: "give the corrected category, severity or sensitivity",
        path: ["category"],
      }),
    z.strictObject({
      action: z.literal("record-contact"),
      /** How the complainant was reached and what they were told (H-C3). */
      reason,
    }),
    z.strictObject({
      action: z.literal("record-appeal"),
      /** H-E1: an appeal in writing, to the appeal officer or by post. */
      channel: z.enum(APPEAL_CHANNELS, `must be one of ${APPEAL_CHANNELS.join(", ")}`),
      /** The day the appeal arrived (default: today). */
      receivedOn: z.iso.date("must be a date YYYY-MM-DD").optional(),
      /** The appeal's grounds, as the complainant wrote them (a summary for a letter). */
      reason,
    }),
    z.strictObject({ action: z.literal("reopen"), reason }),
  ],
  { error: `action: must be one of ${ACTIONS.join(", ")}` },
);
export type CaseAction = z.output<typeof actionSchema>;

export type ActionRefusal = { status: 403 | 409 | 422; error: string; field?: string };

/** Statuses after triage and before the conclusion: where a triage may still be corrected. */
const RETRIAGE_STATUSES: readonly Status[] = ["triage", "assigned", "investigating"];
/** Statuses in which the complainant may have been contacted (after the assignment). */
const CONTACT_STATUSES: readonly Status[] = ["assigned", "investigating", "responded", "appeal"];

/** T-12: until when a closed case is kept (and may be reopened). */
export function retainedUntil(config: OrgConfig, record: Pick<CaseRecord, "closedAt">): string | null {
  return record.closedAt
    ? deadlineAfter(config, record.closedAt, { duration: config.retention, days: "calendar" })
    : null;
}

/** H-E1, T-11: the end of the appeal window of an answered case (set when it opened, else from the answer). */
export function appealWindowEnd(config: OrgConfig, record: CaseRecord): string | null {
  if (record.deadlines.appealWindowEnds) return record.deadlines.appealWindowEnds;
  const answeredAt = record.completedAt?.respond ?? record.closedAt;
  return answeredAt
    ? deadlineAfter(caseConfig(config, record), answeredAt, config.deadlines.appealWindow)
    : null;
}

/** Why an action may not be taken now (null: it may). `now` is an ISO instant. */
export function refusal(
  config: OrgConfig,
  audience: Audience,
  record: CaseRecord,
  content: Pick<CaseContent, "concernedStaff" | "outcome">,
  action: CaseAction,
  now: string,
  actor?: string,
): ActionRefusal | null {
  // H-E1 (issue 14): an appeal received by phone, letter or SMS is recorded by whoever received it among the
  // people the procedure names for it (appealRecorders); every other action is the coordinator's.
  const recordsAppeal =
    action.action === "record-appeal" && !!actor && appealRecorders(config, record).includes(actor);
  if (audience !== "coordinator" && !recordsAppeal)
    return {
      status: 403,
      error:
        action.action === "record-appeal"
          ? "record-appeal: only the coordinator, the complaints officer, the appeal officer or the case's responsible person or handler"
          : "only the coordinator takes actions on a case",
    };
  const closed = record.status === "closed";
  switch (action.action) {
    case "note":
      return null;
    case "reopen": {
      if (!closed) return { status: 409, error: "reopen: the case is not closed" };
      const until = retainedUntil(config, record);
      if (until && until < now)
        return { status: 409, error: "reopen: the case's retention period has ended" };
      return null;
    }
    case "record-appeal": {
      if (config.appeals.max === 0)
        return { status: 409, error: "record-appeal: the procedure has no appeal" };
      if (isShortPath(record.kind))
        return {
          status: 409,
          error: "record-appeal: a suggestion, information request or feedback has no appeal (R-6)",
        };
      if (config.intake.channels === "written-only" && ORAL_APPEAL_CHANNELS.includes(action.channel))
        return {
          status: 422,
          field: "channel",
          error: "channel: this procedure takes written appeals only (T-1): letter, email, SMS or WhatsApp",
        };
      if (!appealsLeft(config, record))
        return { status: 409, error: "record-appeal: the case was already appealed (T-11)" };
      const answered =
        record.status === "responded" ||
        (closed && (record.closure === "resolved" || record.closure === "no-response"));
      if (!answered) return { status: 409, error: "record-appeal: the case has not been answered" };
      const end = appealWindowEnd(config, record);
      const on = action.receivedOn ? `${action.receivedOn}T23:59:59.999Z` : now;
      if (action.receivedOn && action.receivedOn > now.slice(0, 10))
        return { status: 422, field: "receivedOn", error: "receivedOn: in the future" };
      if (end && on.slice(0, 10) > end.slice(0, 10))
        return { status: 409, error: `record-appeal: the appeal window ended on ${end.slice(0, 10)}` };
      return null;
    }
    default:
      break;
  }
  if (closed) return { status: 409, error: `${action.action}: the case is closed` };
  switch (action.action) {
    case "resume":
      if (!record.flags.includes("needs-attention"))
        return { status: 409, error: "resume: the case does not need attention" };
      return null;
    case "reassign": {
      const from = action.from ?? record.assignee;
      if (!from) return { status: 409, error: "reassign: no step of this case waits for someone" };
      if (!config.staff.some((s) => s.address === action.to))
        return { status: 422, field: "to", error: "to: not in the staff directory" };
      if (action.to === from)
        return { status: 422, field: "to", error: "to: this person already holds the step" };
      // T-7: a person named in the complaint never receives anything about it.
      if (neverTold(content).includes(action.to))
        return { status: 422, field: "to", error: "to: this person is named in the complaint (T-7)" };
      return null;
    }
    case "retriage": {
      if (!RETRIAGE_STATUSES.includes(record.status) || !record.category || content.outcome)
        return { status: 409, error: "retriage: only after the triage and before the conclusion" };
      if (action.category !== undefined) {
        const category = config.categories.find((c) => c.id === action.category);
        if (!category)
          return { status: 422, field: "category", error: "category: not a category of the configuration" };
        // H-C3 (e): a referral tells the complainant where to turn, a text only the triage form takes.
        if (category.outcome === "referral" && action.category !== record.category)
          return {
            status: 422,
            field: "category",
            error: "category: a referral is decided at triage (H-C3 (e))",
          };
      }
      return null;
    }
    case "record-contact":
      if (!CONTACT_STATUSES.includes(record.status))
        return { status: 409, error: "record-contact: the case is not assigned yet" };
      return null;
  }
  return null;
}

// ------------------------------------------------------------------------------------------- effects

type RecordPatch = Partial<Omit<CaseRecord, "reference" | "version" | "sourceId">>;
type ContentPatch = Partial<Omit<CaseContent, "reference">>;

export interface ActionEffect {
  record: RecordPatch;
  content?: ContentPatch;
  /** H-D1: a sensitive case's investigation details (the private item). */
  details?: DetailsPatch;
  event: { type: EventType; detail: string };
  /** The case moves in its procedure: its current execution stops and the next one starts at its step. */
  restart: boolean;
}

const short = (text: string) => text.slice(0, 500);

/**
 * What an allowed action (other than reassign, which moves links) changes: one record and content patch and
 * its event. Pure: the handler writes it in one transaction.
 */
export function actionEffect(
  config: OrgConfig,
  record: CaseRecord,
  content: CaseContent,
  action: Exclude<CaseAction, { action: "reassign" }>,
  at: string,
): ActionEffect {
  const runs = (record.runs ?? 0) + 1;
  switch (action.action) {
    case "note":
      return { record: {}, event: { type: "note", detail: short(action.reason) }, restart: false };
    case "resume": {
      // H-D5: the step starts a fresh round of reminders, one reminder interval from now.
      const step = currentHumanStep(config, record, content);
      return {
        record: {
          flags: record.flags.filter((f) => f !== "needs-attention"),
          runs,
          resumedAt: at,
          reminders: step ? { ...record.reminders, [step]: 0 } : record.reminders,
        },
        event: { type: "resumed", detail: short(action.reason) },
        restart: true,
      };
    }
    case "retriage":
      return retriage(config, record, content, action, at, runs);
    case "record-contact": {
      // H-C3: the contact step, when it waits, is done by this record; otherwise the contact is logged.
      const waiting =
        hasContactStep(config) && record.status === "assigned" && record.met.contact === undefined;
      return waiting
        ? {
            record: { status: "investigating", ...completeStep(record, "contact", at), runs, resumedAt: at },
            ...investigationChange(record, { contactNote: action.reason }),
            event: { type: "contacted", detail: short(action.reason) },
            restart: true,
          }
        : { record: {}, event: { type: "contacted", detail: short(action.reason) }, restart: false };
    }
    case "record-appeal": {
      // H-E1: an appeal received by post or email opens the appeal step as the complainant's link would.
      const decision = applyAppeal(config, record, { reason: action.reason }, at);
      const reopening = record.status === "closed";
      return {
        record: {
          ...decision.record,
          closure: null,
          closedAt: null,
          runs,
          ...(reopening ? { reopened: (record.reopened ?? 0) + 1 } : {}),
        },
        content: decision.content,
        event: {
          type: "appeal-filed",
          detail: short(
            `${action.channel}${action.receivedOn ? ` ${action.receivedOn}` : ""}: ${action.reason}`,
          ),
        },
        restart: true,
      };
    }
    case "reopen":
      return reopen(config, record, action.reason, at, runs);
  }
}

/** H-B1, H-B2, H-B3, T-5: a corrected triage re-routes the case when its responsible person changes. */
function retriage(
  config: OrgConfig,
  record: CaseRecord,
  content: CaseContent,
  action: Extract<CaseAction, { action: "retriage" }>,
  at: string,
  runs: number,
): ActionEffect {
  const category = categoryOf(config, action.category ?? record.category ?? "");
  const severity = action.severity ?? record.severity;
  const sensitive =
    action.sensitive ?? (action.category !== undefined ? category.sensitive : record.sensitive);
  const facts = {
    concernedStaff: content.concernedStaff,
    conflict: record.flags.includes("conflict-of-interest"),
  };
  const route = triagedRoute(config, {
    category: category.id,
    admissible: record.admissible,
    kind: record.kind,
  });
  const responsible = route === "investigate" ? responsibleFor(config, category.id, facts) : null;
  const reroute = route !== "investigate" || responsible !== record.responsible;
  const changes = [
    action.category !== undefined && action.category !== record.category ? `category ${category.id}` : "",
    action.severity !== undefined && action.severity !== record.severity ? `severity ${severity}` : "",
    sensitive !== record.sensitive ? (sensitive ? "sensitive" : "not sensitive") : "",
  ].filter(Boolean);
  const base: RecordPatch = {
    category: category.id,
    severity,
    sensitive,
    // T-5: the response deadline follows the severity, counted from receipt.
    deadlines: {
      ...record.deadlines,
      respond: deadlineAfter(caseConfig(config, record), record.receivedAt, respondRule(config, severity)),
    },
    runs,
    resumedAt: at,
  };
  if (reroute) {
    // Back to the assignment (H-B3) with the new responsible person, notified per H-B2 on the way. A contact
    // already made (H-C3) stays made.
    const { assign: _deadline, ...deadlines } = base.deadlines ?? {};
    const { assign: _met, ...met } = record.met;
    const { assignment: _r1, contact: _r2, conclusion: _r3, ...reminders } = record.reminders;
    const { assignment: _s1, contact: _s2, conclusion: _s3, ...stepActors } = record.stepActors ?? {};
    const { assignment: _l1, contact: _l2, conclusion: _l3, ...lateStarts } = record.lateStarts ?? {};
    Object.assign(base, {
      status: "triage",
      responsible,
      assignee: responsible,
      // H-C2: the new responsible person assigns the investigation again.
      handler: null,
      deadlines,
      met,
      reminders,
      stepActors,
      lateStarts,
      overdue: record.overdue.filter((s) => s !== "assign"),
    } satisfies RecordPatch);
  }
  // H-D1: a case that becomes sensitive takes its investigation details out of the shared content.
  const hiding = !keepsDetailsPrivate(record) && keepsDetailsPrivate({ sensitive, category: category.id });
  return {
    record: base,
    ...(hiding
      ? {
          content: noInvestigation(),
          // Only what the content holds: a note kept private before triage is not overwritten.
          details: Object.fromEntries(
            Object.entries({
              courseOfAction: content.courseOfAction,
              risks: content.risks,
              contactNote: content.contactNote,
              progress: content.progress.length > 0 ? content.progress : null,
              measures: content.measures,
              response: content.response,
            }).filter(([, value]) => value !== null),
          ) as DetailsPatch,
        }
      : {}),
    event: {
      type: "retriaged",
      // No category id of a sensitive case on the timeline's detail (general staff see it as the status only).
      detail: short(
        `${sensitive ? changes.filter((c) => !c.startsWith("category")).join(", ") : changes.join(", ")}: ${action.reason}`,
      ),
    },
    restart: true,
  };
}

/** T-12: a closed case, within its retention, goes back to its investigation (or to triage if never triaged). */
function reopen(
  config: OrgConfig,
  record: CaseRecord,
  reasonText: string,
  at: string,
  runs: number,
): ActionEffect {
  const investigated = triagedRoute(config, record) === "investigate" && record.responsible !== null;
  const { appealWindowEnds: _w, ...deadlines } = record.deadlines;
  const { appealWindowEnds: _m, ...met } = record.met;
  const common: RecordPatch = {
    closure: null,
    closedAt: null,
    overdue: [],
    runs,
    resumedAt: at,
    reopened: (record.reopened ?? 0) + 1,
    met,
  };
  if (investigated) {
    return {
      record: {
        ...common,
        status: "investigating",
        assignee: record.responsible,
        // H-D3: a new answer is due one response period from the reopening.
        deadlines: {
          ...deadlines,
          respond: deadlineAfter(caseConfig(config, record), at, respondRule(config, record.severity)),
        },
        reminders: { ...record.reminders, conclusion: 0 },
      },
      // The earlier answer stays on the timeline; the new conclusion replaces it on the case.
      content: { outcome: null, measures: null, response: null, lateJustification: null },
      // H-D1: a sensitive case's earlier measures and answer go too (the private item).
      ...(keepsDetailsPrivate(record) ? { details: { measures: null, response: null } } : {}),
      event: { type: "reopened", detail: short(reasonText) },
      restart: true,
    };
  }
  return {
    record: {
      ...common,
      status: "acknowledged",
      assignee: null,
      deadlines: {
        ...deadlines,
        triage: deadlineAfter(caseConfig(config, record), at, config.deadlines.triage),
      },
      reminders: { ...record.reminders, triage: 0 },
    },
    content: { outcome: null, response: null },
    ...(keepsDetailsPrivate(record) ? { details: { response: null } } : {}),
    event: { type: "reopened", detail: short(reasonText) },
    restart: true,
  };
}

/** The human step an open case waits at (the one `resume` restarts), from the case alone. */
export function currentHumanStep(
  config: OrgConfig,
  record: CaseRecord,
  content: Pick<CaseContent, "outcome">,
): HumanStep | null {
  // R-6: a short path waits at its answer until it is answered.
  if (isShortPath(record.kind))
    return record.status === "responded" || record.status === "closed" ? null : "answer";
  switch (record.status) {
    case "received":
    case "acknowledged":
      return "triage";
    case "triage":
      return triagedRoute(config, record) === "investigate" ? "assignment" : null;
    case "assigned":
      if (hasContactStep(config) && record.met.contact === undefined) return "contact";
      return content.outcome ? null : "conclusion";
    case "investigating":
      return content.outcome ? null : "conclusion";
    case "responded":
      return "appeal";
    case "appeal":
      if (!record.appealOutcome) return "appeal-decision";
      return record.met.closure === undefined ? "closure" : null;
    case "closed":
      return null;
  }
}

/** The actions the case page offers now (each would pass `refusal` with a reason and valid fields). */
export function availableActions(
  config: OrgConfig,
  record: CaseRecord,
  content: Pick<CaseContent, "concernedStaff" | "outcome">,
  now: string,
  who: { audience: Audience; email: string } = { audience: "coordinator", email: "" },
): ActionName[] {
  const reasonText = "(offered)";
  const other = config.staff.find((s) => s.address !== record.assignee)?.address ?? "";
  const probes: CaseAction[] = [
    { action: "note", reason: reasonText },
    { action: "reassign", to: other, reason: reasonText },
    { action: "resume", reason: reasonText },
    { action: "retriage", severity: record.severity ?? "medium", reason: reasonText },
    { action: "record-contact", reason: reasonText },
    { action: "record-appeal", channel: "letter", reason: reasonText },
    { action: "reopen", reason: reasonText },
  ];
  return probes
    .filter((probe) => refusal(config, who.audience, record, content, probe, now, who.email) === null)
    .map((probe) => probe.action);
}
