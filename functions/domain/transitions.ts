// What each decision does to a case: pure functions from (config, case, submitted values, time) to the
// change the store writes in one transaction. No AWS imports; unit-tested directly.

import { InvalidDecisionError } from "../errors.ts";
import { keepsDetailsPrivate } from "./access.ts";
import type { CaseContent, CaseRecord, DetailsPatch } from "./complaint.ts";
import type { OrgConfig } from "./config.ts";
import { completeStep, deadlineAfter, factsTooOld, initialDeadlines, respondRule } from "./deadlines.ts";
import { caseConfig } from "./live-config.ts";
import {
  appealExtensionAvailable,
  appealsLeft,
  isLateResponse,
  isShortPath,
  shortPathAnswerBy,
  stepActor,
  triageRoute,
} from "./procedure.ts";
import { categoryOf, responsibleFor } from "./routing.ts";
import { type HumanStep, type Kind, STEP_DEADLINE } from "./vocabulary.ts";

export { InvalidDecisionError };

/** A human step's decision (the vocabulary's human steps). */
export type DecisionStep = HumanStep;
export { STEP_DEADLINE };

type RecordPatch = Partial<Omit<CaseRecord, "reference" | "version" | "sourceId">>;
type ContentPatch = Partial<Omit<CaseContent, "reference">>;
export interface Decision {
  record: RecordPatch;
  content?: ContentPatch;
  /** H-D1: a sensitive case's investigation details, written to the private item instead of the content. */
  details?: DetailsPatch;
  event: { type: CaseRecordEventType; actor: string; detail?: string };
  /** Further events the same decision records (written in the same transaction, listed after `event`). */
  also?: Array<{ type: CaseRecordEventType; actor: string; detail?: string }>;
  route: string;
}
type CaseRecordEventType = import("./complaint.ts").EventType;

/**
 * H-D1: "Cas sensible : seul le statut est enregistré dans le système, les détails de la procédure sont gardés
 * par la personne responsable". While the case counts as sensitive (untriaged included), its investigation
 * details go to the private item only the responsible person and the handler read; otherwise to the content.
 */
export function investigationChange(
  record: Pick<CaseRecord, "sensitive" | "category">,
  patch: Omit<DetailsPatch, "progress">,
): Pick<Decision, "content" | "details"> {
  return keepsDetailsPrivate(record) ? { details: patch } : { content: patch };
}

export interface TriageValues {
  /** what was filed, as the officer reads it (absent: as filed). Not a complaint: category and the rest unused. */
  kind?: Kind | undefined;
  category?: string | undefined;
  severity?: "high" | "medium" | "low" | undefined;
  admissible?: boolean | undefined;
  reason?: string | undefined;
  conflict?: boolean | undefined;
  concerned?: string | undefined;
  /** T-4: the date of the facts as the officer read it in the complaint (YYYY-MM-DD), when it differs or was missing. */
  factsDate?: string | undefined;
}

/** H-B1 triage, H-B3 routing, T-4 admissibility, T-5 severity deadline, T-7 conflict of interest. */
export function applyTriage(
  config: OrgConfig,
  record: CaseRecord,
  content: CaseContent,
  values: TriageValues,
  at: string,
  actor: string,
): Decision {
  const kind = values.kind ?? record.kind;
  // a suggestion, information request or positive feedback leaves for its short path: no category,
  // severity nor admissibility; its answer is due as its kind's short path says, from receipt.
  if (isShortPath(kind))
    return {
      record: {
        kind,
        status: "triage",
        ...completeStep(record, "triage", at),
        deadlines: {
          ...record.deadlines,
          respond: shortPathAnswerBy(caseConfig(config, record), kind, record.receivedAt),
        },
      },
      content: { triageReason: values.reason ?? null },
      event: { type: "triaged", actor, detail: kind },
      route: "answer",
    };
  if (!values.category || !values.severity || values.admissible === undefined)
    throw new InvalidDecisionError(
      "H-B1, T-4, T-5: a complaint needs its category, severity and admissibility",
    );
  const category = categoryOf(config, values.category);
  // T-4: the facts must date from less than the maximum age at receipt (the form says so before this); the
  // date recorded at triage, else the complainant's, is the one the decision rests on and is kept.
  const factsDate = values.factsDate ?? content.factsDate;
  if (values.admissible && factsTooOld(config, factsDate, record.receivedAt))
    throw new InvalidDecisionError("T-4: facts too old to be admissible");
  // H-C3 (e): a referral tells the complainant where to turn.
  if (category.outcome === "referral" && !values.reason?.trim())
    throw new InvalidDecisionError(
      "H-C3 (e): a referral needs the text telling the complainant where to turn",
    );
  const concernedStaff = values.concerned
    ? [...new Set([...content.concernedStaff, values.concerned.toLowerCase()])]
    : content.concernedStaff;
  const conflict = values.conflict === true;
  const route = triageRoute(config, category.id, values.admissible);
  const base: RecordPatch = {
    kind,
    category: category.id,
    severity: values.severity,
    admissible: values.admissible,
    sensitive: category.sensitive,
    status: "triage",
    ...completeStep(record, "triage", at),
    // T-5: the response deadline follows the severity, counted from receipt.
    deadlines: {
      ...record.deadlines,
      respond: deadlineAfter(
        caseConfig(config, record),
        record.receivedAt,
        respondRule(config, values.severity),
      ),
    },
    flags:
      conflict && !record.flags.includes("conflict-of-interest")
        ? [...record.flags, "conflict-of-interest"]
        : record.flags,
  };
  let also: Decision["also"];
  if (route === "investigate") {
    const responsible = responsibleFor(config, category.id, { concernedStaff, conflict });
    base.responsible = responsible;
    base.assignee = responsible;
    // H-B3: the assignment to the responsible person is an event of its own on the timeline.
    also = [{ type: "assigned", actor, detail: responsible }];
  }
  return {
    record: base,
    content: { triageReason: values.reason ?? null, concernedStaff, factsDate },
    event: { type: "triaged", actor, detail: category.sensitive ? undefined : category.id },
    ...(also ? { also } : {}),
    route,
  };
}

export interface AssignmentValues {
  decision: "accept" | "delegate";
  delegate?: string | undefined;
  /** H-C1: the course of action decided at the review (the form requires it). */
  courseOfAction?: string | undefined;
  risks?: string | undefined;
}

/**
 * H-C1 review: the course of action decided and the risks identified (retaliation against complainants or
 * witnesses), kept with the investigation's details (H-D1: a sensitive case's in the private item); H-C2
 * delegation to the complaints handler.
 */
export function applyAssignment(
  record: CaseRecord,
  values: AssignmentValues,
  at: string,
  actor: string,
): Decision {
  const delegate = values.decision === "delegate" ? values.delegate?.toLowerCase() : undefined;
  if (values.decision === "delegate" && !delegate)
    throw new InvalidDecisionError("delegation without a delegate");
  const handler = delegate ?? record.responsible ?? actor;
  return {
    record: {
      status: "assigned",
      assignee: handler,
      handler,
      ...completeStep(record, "assign", at),
    },
    ...investigationChange(record, {
      courseOfAction: values.courseOfAction ?? null,
      risks: values.risks ?? null,
    }),
    event: delegate ? { type: "delegated", actor, detail: delegate } : { type: "assigned", actor },
    route: "next",
  };
}

/** H-C3: the complainant has been contacted. */
export function applyContact(
  record: CaseRecord,
  values: { note?: string | undefined; nextUpdateBy?: string | undefined },
  at: string,
  actor: string,
): Decision {
  return {
    record: { status: "investigating", ...completeStep(record, "contact", at) },
    ...investigationChange(record, { contactNote: values.note ?? null }),
    // H-C3: the date promised to the complainant for further information, on the timeline (a date, no personal
    // data) where the officer and the responsible person follow the case (H-D5).
    event: values.nextUpdateBy
      ? { type: "contacted", actor, detail: `next-update:${values.nextUpdateBy}` }
      : { type: "contacted", actor },
    route: "next",
  };
}

export interface ConclusionValues {
  outcome: "founded" | "unfounded" | "partly-founded";
  measures?: string | undefined;
  response?: string | undefined;
  justification?: string | undefined;
}

/**
 * H-D1 measures and the response text (sensitive: only the outcome is recorded in the shared record, the rest
 * stays in the private details), H-D3 / T-9 response text, T-13 late justification.
 */
export function applyConclusion(
  record: CaseRecord,
  values: ConclusionValues,
  at: string,
  actor: string,
): Decision {
  const late = isLateResponse(record, at);
  if (late && !values.justification)
    throw new InvalidDecisionError("a late response needs a justification (T-13)");
  const placed = investigationChange(record, {
    measures: values.measures ?? null,
    response: values.response ?? null,
  });
  return {
    record: {
      status: record.status === "assigned" ? "investigating" : record.status,
      flags: late && !record.flags.includes("late") ? [...record.flags, "late"] : record.flags,
    },
    content: {
      outcome: values.outcome,
      lateJustification: late ? (values.justification ?? null) : null,
      ...placed.content,
    },
    ...(placed.details ? { details: placed.details } : {}),
    event: { type: "progress", actor, detail: "conclusion" },
    route: "next",
  };
}

/** H-E1, T-11: the complainant appeals, once; T-7: never to an appeal officer named in the complaint. */
export function applyAppeal(
  config: OrgConfig,
  record: CaseRecord,
  values: { reason: string },
  at: string,
  named: readonly string[] = [],
): Decision {
  if (!appealsLeft(config, record)) throw new InvalidDecisionError("only one appeal (T-11)");
  return {
    record: {
      status: "appeal",
      appeals: record.appeals + 1,
      assignee: stepActor(config, record, "appeal-decision", named),
      met: { ...record.met, appealWindowEnds: true },
      deadlines: {
        ...record.deadlines,
        appealDecision: deadlineAfter(caseConfig(config, record), at, config.deadlines.appealDecision),
      },
    },
    content: { appealReason: values.reason },
    event: { type: "appeal-filed", actor: "complainant" },
    route: "next",
  };
}

/** H-E2 decision; T-11 a single extension by the configured period, the complainant told. */
export function applyAppealDecision(
  config: OrgConfig,
  record: CaseRecord,
  values: { decision: "upheld" | "revised" | "extend"; reasoning: string },
  at: string,
  actor: string,
): Decision {
  if (values.decision === "extend") {
    const extension = config.deadlines.appealExtension;
    if (!extension || !appealExtensionAvailable(config, record))
      throw new InvalidDecisionError("no appeal extension remains (T-11)");
    const current = record.deadlines.appealDecision ?? at;
    return {
      record: {
        appealExtensions: record.appealExtensions + 1,
        deadlines: {
          ...record.deadlines,
          appealDecision: deadlineAfter(caseConfig(config, record), current, extension),
        },
        reminders: { ...record.reminders, "appeal-decision": 0 },
        overdue: record.overdue.filter((s) => s !== "appealDecision"),
      },
      event: { type: "appeal-extended", actor },
      route: "extend",
    };
  }
  return {
    record: { appealOutcome: values.decision, ...completeStep(record, "appealDecision", at) },
    content: { appealReasoning: values.reasoning },
    event: { type: "appeal-decided", actor, detail: values.decision },
    route: "decided",
  };
}

/**
 * H-E2: "assigne à un membre … la tâche de s'en occuper et d'informer régulièrement le plaignant et toute partie
 * concernée". The appeal officer names the member handling the appeal while it awaits its decision; the decision
 * itself stays with the appeal officer, so the step does not end. T-7: never a person named in the complaint.
 */
export function applyAppealMember(
  record: CaseRecord,
  member: string,
  actor: string,
  named: readonly string[] = [],
): Pick<Decision, "record" | "event"> {
  const address = member.toLowerCase();
  if (record.status !== "appeal") throw new InvalidDecisionError("H-E2: the case is not in appeal");
  if (named.some((n) => n.toLowerCase() === address))
    throw new InvalidDecisionError("T-7: a person named in the complaint cannot handle its appeal");
  return {
    record: { appealHandler: address },
    event: { type: "assigned", actor, detail: `appeal:${address}` },
  };
}

/** H-F2: the complaints officer checks the appeal was completed correctly before closing. */
export function applyClosureCheck(record: CaseRecord, at: string, actor: string): Decision {
  return {
    record: completeStep(record, "closure", at),
    event: { type: "progress", actor, detail: "closure-confirmed" },
    route: "next",
  };
}

export interface AnswerValues {
  /** `answer`: answered (or thanked) and closed; `complaint`: it is a complaint after all, to triage. */
  decision: "answer" | "complaint";
  text?: string | undefined;
}

/**
 * the short path's one decision. Answered: the text goes to the person (the response email, never an
 * outcome nor an appeal) and the case closes. A complaint after all (R-2: a sensitive complaint filed as a
 * suggestion is never thanked and closed): it goes to triage with a complaint's deadlines.
 */
export function applyAnswer(
  config: OrgConfig,
  record: CaseRecord,
  values: AnswerValues,
  at: string,
  actor: string,
): Decision {
  if (values.decision === "complaint") {
    const calendar = caseConfig(config, record);
    const receipt = initialDeadlines(calendar, record.receivedAt);
    return {
      record: {
        kind: "complaint",
        status: "acknowledged",
        assignee: null,
        overdue: record.overdue.filter((s) => s !== "respond"),
        // A complaint's deadlines from receipt (H-C3 contact, H-D3/T-2 response), its triage from now.
        deadlines: {
          ...record.deadlines,
          ...(receipt.contact ? { contact: receipt.contact } : {}),
          respond: receipt.respond,
          triage: deadlineAfter(calendar, at, config.deadlines.triage),
        },
      },
      event: { type: "retriaged", actor, detail: "complaint" },
      route: "complaint",
    };
  }
  if (record.kind !== "positive" && !values.text?.trim())
    throw new InvalidDecisionError("R-6: a suggestion or an information request is answered with a text");
  return {
    record: { status: "responded", ...completeStep(record, "respond", at) },
    content: { response: values.text ?? null },
    event: { type: "responded", actor, detail: "answer" },
    route: "answered",
  };
}

export { closureFor } from "./procedure.ts";
