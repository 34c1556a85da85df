// Report fixtures: status records written by hand, one branch of the report per case, with the deadlines
// the config gives (test/unit/reports-compute.test.ts checks each against deadlineAfter). The expected
// figures are worked out by hand in the tests, not here.
//
// HUMANITARIAN: procedure H (config/humanitarian.example.yaml, Africa/Bamako = UTC, calendar days:
// acknowledge P1W, triage P3D, contact P2W, respond P6W), period Q1 2026, report made 2026-04-02 12:00.
// PREVIOUS: Q4 2025, for the trends. TRAINING: procedure T (Europe/Paris, working days, French holidays
// 1 and 8 May, Ascension 14 May), period April-May 2026, report made 2026-05-20 12:00 UTC.
import type { DeadlineStep } from "../../../functions/domain/complaint.ts";
import type { ReportCase } from "../../../functions/reports/compute.ts";
import { caseRecord } from "../case-record.ts";

type Overrides = Partial<ReportCase> & Pick<ReportCase, "reference" | "receivedAt">;

function make(o: Overrides): ReportCase {
  return caseRecord({ completedAt: undefined, ...o });
}

/** Deadlines of procedure H from the instant of receipt (UTC, calendar days). */
function hDeadlines(receivedAt: string, extra: Partial<Record<DeadlineStep, string>> = {}) {
  const at = (days: number) => new Date(Date.parse(receivedAt) + days * 86_400_000).toISOString();
  return { acknowledge: at(7), triage: at(3), contact: at(14), respond: at(42), ...extra };
}

export const HUMANITARIAN_NOW = "2026-04-02T12:00:00.000Z";

export const HUMANITARIAN: ReportCase[] = [
  // H1: every deadline met, closed resolved. Acknowledged in 1 day, answered in 36.
  make({
    reference: "CFM-2026-000001",
    receivedAt: "2026-01-05T09:00:00.000Z",
    kind: "complaint",
    channel: "email",
    category: "programme",
    severity: "medium",
    admissible: true,
    status: "closed",
    closure: "resolved",
    closedAt: "2026-03-15T09:00:00.000Z",
    deadlines: hDeadlines("2026-01-05T09:00:00.000Z"),
    met: {
      acknowledge: true,
      triage: true,
      assign: true,
      contact: true,
      respond: true,
      appealWindowEnds: true,
    },
    completedAt: { acknowledge: "2026-01-06T09:00:00.000Z", respond: "2026-02-10T09:00:00.000Z" },
  }),
  // H2: contact and response missed, late response justified (flag "late" + text), appeal window still open
  // and past at report time (the complainant's window is not a pending staff step).
  make({
    reference: "CFM-2026-000002",
    receivedAt: "2026-01-12T10:00:00.000Z",
    channel: "phone",
    category: "programme",
    severity: "high",
    admissible: true,
    status: "responded",
    assignee: "programme@example.org",
    deadlines: hDeadlines("2026-01-12T10:00:00.000Z", { appealWindowEnds: "2026-04-01T10:00:00.000Z" }),
    met: { acknowledge: true, triage: true, assign: true, contact: false, respond: false },
    flags: ["late"],
    completedAt: { acknowledge: "2026-01-13T10:00:00.000Z", respond: "2026-03-02T10:00:00.000Z" },
  }),
  // H3: a suggestion through the box, all met.
  make({
    reference: "CFM-2026-000003",
    receivedAt: "2026-02-02T08:00:00.000Z",
    kind: "suggestion",
    channel: "suggestion-box",
    category: "programme",
    severity: "low",
    admissible: true,
    status: "closed",
    closure: "resolved",
    closedAt: "2026-03-20T08:00:00.000Z",
    deadlines: hDeadlines("2026-02-02T08:00:00.000Z"),
    met: { acknowledge: true, triage: true, assign: true, contact: true, respond: true },
    completedAt: { acknowledge: "2026-02-03T08:00:00.000Z", respond: "2026-03-02T08:00:00.000Z" },
  }),
  // H4: out of scope, referred in 3 days (H-C3 (e)); no contact step.
  make({
    reference: "CFM-2026-000004",
    receivedAt: "2026-02-09T09:00:00.000Z",
    kind: "information-request",
    channel: "in-person",
    category: "out-of-scope",
    severity: "low",
    admissible: true,
    status: "closed",
    closure: "referred",
    closedAt: "2026-02-12T09:00:00.000Z",
    deadlines: hDeadlines("2026-02-09T09:00:00.000Z"),
    met: { acknowledge: true, triage: true, respond: true },
    completedAt: { acknowledge: "2026-02-10T09:00:00.000Z", respond: "2026-02-12T09:00:00.000Z" },
  }),
  // H5: sensitive (SEA), acknowledged a day late, response overdue and still open: pending, late, awaiting.
  make({
    reference: "CFM-2026-000005",
    receivedAt: "2026-02-16T09:00:00.000Z",
    channel: "hotline",
    category: "sexual-exploitation-abuse",
    sensitive: true,
    severity: "high",
    admissible: true,
    status: "investigating",
    assignee: "director@example.org",
    responsible: "director@example.org",
    deadlines: hDeadlines("2026-02-16T09:00:00.000Z"),
    overdue: ["respond"],
    met: { acknowledge: false, triage: true, assign: true, contact: true },
    completedAt: { acknowledge: "2026-02-24T09:00:00.000Z" },
  }),
  // H6: sensitive (fraud), contact overdue (pending), response not due yet.
  make({
    reference: "CFM-2026-000006",
    receivedAt: "2026-03-02T09:00:00.000Z",
    channel: "letter",
    category: "fraud",
    sensitive: true,
    severity: "medium",
    admissible: true,
    status: "assigned",
    assignee: "finance@example.org",
    responsible: "finance@example.org",
    deadlines: hDeadlines("2026-03-02T09:00:00.000Z"),
    met: { acknowledge: true, triage: true, assign: true },
    completedAt: { acknowledge: "2026-03-03T09:00:00.000Z" },
  }),
  // H7: under way, nothing overdue.
  make({
    reference: "CFM-2026-000007",
    receivedAt: "2026-03-09T09:00:00.000Z",
    category: "programme",
    severity: "medium",
    admissible: true,
    status: "investigating",
    assignee: "handler@example.org",
    deadlines: hDeadlines("2026-03-09T09:00:00.000Z"),
    met: { acknowledge: true, triage: true, assign: true, contact: true },
    completedAt: { acknowledge: "2026-03-10T09:00:00.000Z" },
  }),
  // H8: positive feedback received at 23:30 on the last day of the period, not triaged, nothing due yet.
  make({
    reference: "CFM-2026-000008",
    receivedAt: "2026-03-31T23:30:00.000Z",
    kind: "positive",
    status: "received",
    assignee: "officer@example.org",
    deadlines: hDeadlines("2026-03-31T23:30:00.000Z"),
  }),
  // H9: appeal upheld within its deadline (H-E2), closed appeal-decided.
  make({
    reference: "CFM-2026-000009",
    receivedAt: "2026-01-19T09:00:00.000Z",
    category: "programme",
    severity: "high",
    admissible: true,
    status: "closed",
    closure: "appeal-decided",
    closedAt: "2026-03-25T09:00:00.000Z",
    appeals: 1,
    appealOutcome: "upheld",
    deadlines: hDeadlines("2026-01-19T09:00:00.000Z", {
      appealWindowEnds: "2026-03-22T09:00:00.000Z",
      appealDecision: "2026-03-24T09:00:00.000Z",
    }),
    met: {
      acknowledge: true,
      triage: true,
      assign: true,
      contact: true,
      respond: true,
      appealWindowEnds: true,
      appealDecision: true,
    },
    completedAt: { acknowledge: "2026-01-21T09:00:00.000Z", respond: "2026-02-20T09:00:00.000Z" },
  }),
  // H10: appeal decided late, decision revised.
  make({
    reference: "CFM-2026-000010",
    receivedAt: "2026-01-26T09:00:00.000Z",
    channel: "phone",
    category: "programme",
    severity: "medium",
    admissible: true,
    status: "closed",
    closure: "appeal-decided",
    closedAt: "2026-04-01T09:00:00.000Z",
    appeals: 1,
    appealOutcome: "revised",
    deadlines: hDeadlines("2026-01-26T09:00:00.000Z", {
      appealWindowEnds: "2026-04-05T09:00:00.000Z",
      appealDecision: "2026-03-20T09:00:00.000Z",
    }),
    met: {
      acknowledge: true,
      triage: true,
      assign: true,
      contact: true,
      respond: true,
      appealWindowEnds: true,
      appealDecision: false,
    },
    completedAt: { acknowledge: "2026-01-29T09:00:00.000Z", respond: "2026-03-06T09:00:00.000Z" },
  }),
  // H11: sensitive (misconduct), answered 4 days late with a justification, closed.
  make({
    reference: "CFM-2026-000011",
    receivedAt: "2026-01-05T14:00:00.000Z",
    channel: "in-person",
    category: "misconduct",
    sensitive: true,
    severity: "low",
    admissible: true,
    status: "closed",
    closure: "resolved",
    closedAt: "2026-03-10T14:00:00.000Z",
    deadlines: hDeadlines("2026-01-05T14:00:00.000Z"),
    met: {
      acknowledge: true,
      triage: true,
      assign: true,
      contact: true,
      respond: false,
      appealWindowEnds: true,
    },
    flags: ["late"],
    completedAt: { acknowledge: "2026-01-06T14:00:00.000Z", respond: "2026-02-20T14:00:00.000Z" },
  }),
  // H12: contact missed, response overdue and open: pending (16 days) and late, awaiting.
  make({
    reference: "CFM-2026-000012",
    receivedAt: "2026-02-02T15:00:00.000Z",
    category: "programme",
    severity: "low",
    admissible: true,
    status: "investigating",
    assignee: "handler@example.org",
    responsible: "programme@example.org",
    deadlines: hDeadlines("2026-02-02T15:00:00.000Z"),
    overdue: ["respond"],
    met: { acknowledge: true, triage: true, assign: true, contact: false },
    completedAt: { acknowledge: "2026-02-02T16:00:00.000Z" },
  }),
  // H13: out of scope, referred 2 days after the response deadline, no justification (no "late" flag:
  // a referral is answered without the conclusion form).
  make({
    reference: "CFM-2026-000013",
    receivedAt: "2026-01-12T09:00:00.000Z",
    category: "out-of-scope",
    severity: "low",
    admissible: true,
    status: "closed",
    closure: "referred",
    closedAt: "2026-02-25T09:00:00.000Z",
    deadlines: hDeadlines("2026-01-12T09:00:00.000Z"),
    met: { acknowledge: true, triage: true, respond: false },
    completedAt: { acknowledge: "2026-01-12T12:00:00.000Z", respond: "2026-02-25T09:00:00.000Z" },
  }),
  // X1: received ten minutes into Q2: outside the period.
  make({
    reference: "CFM-2026-000014",
    receivedAt: "2026-04-01T00:10:00.000Z",
    deadlines: hDeadlines("2026-04-01T00:10:00.000Z"),
  }),
];

/** T-13 justifications as the content records hold them. */
export const HUMANITARIAN_JUSTIFICATIONS = new Map<string, string | null>([
  ["CFM-2026-000002", '=HYPERLINK("http://x") Enquêteur en congé ; accès au site coupé par les crues'],
  ["CFM-2026-000011", "Témoin indisponible (détails confidentiels)"],
  ["CFM-2026-000005", null],
  ["CFM-2026-000012", null],
  ["CFM-2026-000013", null],
]);

export const PREVIOUS: ReportCase[] = [
  make({
    reference: "CFM-2025-000101",
    receivedAt: "2025-10-06T09:00:00.000Z",
    category: "programme",
    severity: "low",
    status: "closed",
    closure: "resolved",
    deadlines: hDeadlines("2025-10-06T09:00:00.000Z"),
    met: { acknowledge: true, contact: true, respond: true },
  }),
  make({
    reference: "CFM-2025-000102",
    receivedAt: "2025-11-03T09:00:00.000Z",
    category: "programme",
    severity: "low",
    status: "closed",
    closure: "resolved",
    deadlines: hDeadlines("2025-11-03T09:00:00.000Z"),
    met: { acknowledge: true, contact: false, respond: false },
  }),
  make({
    reference: "CFM-2025-000103",
    receivedAt: "2025-12-01T09:00:00.000Z",
    category: "out-of-scope",
    severity: "low",
    status: "closed",
    closure: "referred",
    deadlines: hDeadlines("2025-12-01T09:00:00.000Z"),
    met: { acknowledge: false, respond: true },
  }),
  make({
    reference: "CFM-2025-000104",
    receivedAt: "2025-12-15T09:00:00.000Z",
    category: "programme",
    severity: "medium",
    status: "closed",
    closure: "resolved",
    deadlines: hDeadlines("2025-12-15T09:00:00.000Z"),
    met: { acknowledge: true, contact: true, respond: true },
  }),
  // P5: still open from the previous quarter, its response overdue since 31 January: on the pending list
  // when the open cases are read from the byDeadline index.
  make({
    reference: "CFM-2025-000105",
    receivedAt: "2025-12-20T09:00:00.000Z",
    category: "programme",
    severity: "medium",
    status: "investigating",
    assignee: "handler@example.org",
    deadlines: hDeadlines("2025-12-20T09:00:00.000Z"),
    met: { acknowledge: true, triage: true, assign: true, contact: true },
  }),
];

export const TRAINING_NOW = "2026-05-20T12:00:00.000Z";

export const TRAINING: ReportCase[] = [
  // T0: 22:30 UTC on 31 March is 00:30 on 1 April in Paris: in the April-May period.
  make({
    reference: "CFM-2026-000100",
    receivedAt: "2026-03-31T22:30:00.000Z",
    kind: "suggestion",
    channel: "letter",
    category: "service",
    severity: "low",
    admissible: true,
    status: "closed",
    closure: "resolved",
    deadlines: {
      acknowledge: "2026-04-08T22:30:00.000Z",
      writtenNotice: "2026-04-10T22:30:00.000Z",
      triage: "2026-04-06T22:30:00.000Z",
      respond: "2026-06-09T22:30:00.000Z",
    },
    met: { acknowledge: true, writtenNotice: true, triage: true, respond: true },
  }),
  // T1: received Thursday 30 April. T-2: 5 working days skip Friday 1 May and Friday 8 May → Monday 11 May;
  // acknowledged on 8 May (8 calendar days) is on time. T-5 high: 10 working days skip 1, 8 and 14 May →
  // 19 May; answered 18 May, on time.
  make({
    reference: "CFM-2026-000101",
    receivedAt: "2026-04-30T08:00:00.000Z",
    category: "service",
    severity: "high",
    admissible: true,
    status: "responded",
    deadlines: {
      acknowledge: "2026-05-11T08:00:00.000Z",
      writtenNotice: "2026-05-10T08:00:00.000Z",
      triage: "2026-05-06T08:00:00.000Z",
      respond: "2026-05-19T08:00:00.000Z",
      appealWindowEnds: "2026-06-02T08:00:00.000Z",
    },
    met: { acknowledge: true, writtenNotice: true, triage: true, respond: true },
    completedAt: { acknowledge: "2026-05-08T08:00:00.000Z", respond: "2026-05-18T08:00:00.000Z" },
  }),
  // T2: received Thursday 7 May, nothing done: triage (13 May), written notice (17 May) and
  // acknowledgement (18 May, after the 8 and 14 May holidays) are all past on 20 May.
  make({
    reference: "CFM-2026-000102",
    receivedAt: "2026-05-07T08:00:00.000Z",
    status: "received",
    assignee: "officer@example.org",
    deadlines: {
      acknowledge: "2026-05-18T08:00:00.000Z",
      writtenNotice: "2026-05-17T08:00:00.000Z",
      triage: "2026-05-13T08:00:00.000Z",
      respond: "2026-07-15T08:00:00.000Z",
    },
  }),
  // T3: received Wednesday 13 May; 5 calendar days would be 18 May (past), but 5 working days skip
  // Ascension (14 May) → 21 May: not pending on 20 May.
  make({
    reference: "CFM-2026-000103",
    receivedAt: "2026-05-13T08:00:00.000Z",
    channel: "staff-report",
    category: "health-safety",
    severity: "medium",
    admissible: true,
    status: "triage",
    assignee: "director@example.org",
    deadlines: {
      acknowledge: "2026-05-21T08:00:00.000Z",
      writtenNotice: "2026-05-23T08:00:00.000Z",
      triage: "2026-05-19T08:00:00.000Z",
      respond: "2026-07-20T08:00:00.000Z",
    },
    met: { triage: true },
  }),
  // T4: 22:30 UTC on 31 May is 1 June in Paris: outside the period.
  make({
    reference: "CFM-2026-000104",
    receivedAt: "2026-05-31T22:30:00.000Z",
    deadlines: {
      acknowledge: "2026-06-07T22:30:00.000Z",
      writtenNotice: "2026-06-10T22:30:00.000Z",
      triage: "2026-06-03T22:30:00.000Z",
      respond: "2026-08-03T22:30:00.000Z",
    },
  }),
];

/** The fixtures as the store holds them today (no completedAt until the record carries it). */
export function asStored(cases: readonly ReportCase[], keepCompletedAt: boolean): ReportCase[] {
  return cases.map(({ completedAt, ...rest }) =>
    keepCompletedAt && completedAt ? { ...rest, completedAt } : rest,
  );
}
