// Deadlines of the procedures, computed from the organisation config with the deadline calendar.
import { addDuration, type WorkCalendar } from "./calendar.ts";
import type { CaseRecord, DeadlineStep, Deadlines } from "./complaint.ts";
import type { DeadlineRule, OrgConfig } from "./config.ts";

export function calendarOf(config: OrgConfig): WorkCalendar {
  return {
    timeZone: config.organisation.timeZone,
    workingDays: config.organisation.workingDays,
    holidays: config.organisation.holidays,
  };
}

export function deadlineAfter(config: OrgConfig, start: Date | string, rule: DeadlineRule): string {
  return addDuration(new Date(start), rule.duration, rule.days, calendarOf(config)).toISOString();
}

/** The response deadline (H-D3: 6 weeks; T-5: by severity once known, T-2's 45 days before). */
export function respondRule(config: OrgConfig, severity: string | null): DeadlineRule {
  const bySeverity = severity ? config.severities.find((s) => s.id === severity)?.respond : undefined;
  return bySeverity ?? config.deadlines.respond;
}

/** Deadlines known at receipt; the others are set when their step starts. */
export function initialDeadlines(config: OrgConfig, receivedAt: string): Deadlines {
  const d = config.deadlines;
  const deadlines: Deadlines = {
    acknowledge: deadlineAfter(config, receivedAt, d.acknowledge), // H-A2, T-2
    triage: deadlineAfter(config, receivedAt, d.triage),
    respond: deadlineAfter(config, receivedAt, d.respond), // H-D3, T-2
  };
  if (d.writtenNotice) deadlines.writtenNotice = deadlineAfter(config, receivedAt, d.writtenNotice); // T-2
  if (d.contact) deadlines.contact = deadlineAfter(config, receivedAt, d.contact); // H-C3: from receipt
  return deadlines;
}

/** When the k-th reminder of a missed deadline falls due (k = 0 is the deadline itself). */
export function reminderDue(config: OrgConfig, deadline: string, k: number): string {
  let at = new Date(deadline);
  for (let i = 0; i < k; i++)
    at = addDuration(
      at,
      config.escalation.reminderInterval.duration,
      config.escalation.reminderInterval.days,
      calendarOf(config),
    );
  return at.toISOString();
}

/** H-D3: the k-th progress update to the complainant once the response deadline has passed. */
export function progressUpdateDue(config: OrgConfig, respondDeadline: string, k: number): string {
  const rule = config.deadlines.progressUpdateInterval ?? config.escalation.reminderInterval;
  let at = new Date(respondDeadline);
  for (let i = 0; i < k; i++) at = addDuration(at, rule.duration, rule.days, calendarOf(config));
  return at.toISOString();
}

/** T-4: facts older than the configured maximum age at receipt make a complaint inadmissible. */
export function factsTooOld(config: OrgConfig, factsDate: string | null, receivedAt: string): boolean {
  const rule = config.admissibility.maxFactsAge;
  if (!rule || !factsDate) return false;
  return deadlineAfter(config, `${factsDate}T00:00:00.000Z`, rule) < receivedAt;
}

/** Whether a step completed at `at` met its deadline; true when the step had none. */
export function metDeadline(record: CaseRecord, step: DeadlineStep, at: string): boolean {
  const deadline = record.deadlines[step];
  return !deadline || at <= deadline;
}

/** Completes a step: records whether its deadline was met and takes it off the overdue list. */
export function completeStep(
  record: CaseRecord,
  step: DeadlineStep,
  at: string,
): Pick<CaseRecord, "met" | "overdue" | "completedAt"> {
  return {
    met: { ...record.met, [step]: metDeadline(record, step, at) },
    completedAt: { ...record.completedAt, [step]: at },
    overdue: record.overdue.filter((s) => s !== step),
  };
}

/** Seconds from now until an instant, at least one (a task timeout must be positive). */
export function secondsUntil(at: string, now: Date): number {
  return Math.max(1, Math.ceil((new Date(at).getTime() - now.getTime()) / 1000));
}
