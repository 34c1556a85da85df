// Words and formats of the console pages, in the staff member's language (catalog groups `console`, `labels`,
// `format`; French first). Category and severity names come from the config.
import type { CaseRecord, DeadlineStep } from "../domain/complaint.ts";
import type { DeadlineRule, OrgConfig } from "../domain/config.ts";
import { labelOf } from "../domain/config-schema.ts";
import { respondRule } from "../domain/deadlines.ts";
import { parseDuration } from "../domain/duration.ts";
import type { Outcome } from "../domain/vocabulary.ts";
import { type Language, type Translator, translate } from "../i18n/i18n.ts";
import { label } from "../i18n/labels.ts";
import type { TaskAction } from "../tasks/forms.ts";

/** The steps a task link opens (catalog `console.task.<step>`); a Record so that a new step cannot be missed. */
const TASKS: Record<TaskAction, true> = {
  triage: true,
  assignment: true,
  contact: true,
  progress: true,
  conclusion: true,
  "appeal-decision": true,
  closure: true,
  appeal: true,
  answer: true,
};
export const isTaskStep = (step: string): step is TaskAction => Object.hasOwn(TASKS, step);

const dateTime = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string, withTime: boolean, locale = "fr-FR"): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${withTime}`;
  let found = dateTime.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(locale, {
      timeZone,
      day: "numeric",
      month: "short",
      year: "numeric",
      ...(withTime ? { hour: "2-digit", minute: "2-digit" } : {}),
    });
    dateTime.set(key, found);
  }
  return found;
}

/** "3 déc. 2026" or "3 déc. 2026, 14:05" in the organisation's time zone. */
export function when(
  iso: string | null | undefined,
  timeZone: string,
  withTime = false,
  language: Language = "fr",
): string {
  if (!iso) return "–";
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? "–"
    : formatter(timeZone, withTime, translate(language, "format.locale")).format(date);
}

/** The shared vocabulary's labels and dates in the console's language (catalog groups `labels`, `format`). */
export function vocabulary(language: Language) {
  return {
    channel: (id: CaseRecord["channel"]) => label(language, "channel", id),
    kind: (id: CaseRecord["kind"]) => label(language, "kind", id),
    status: (id: CaseRecord["status"]) => label(language, "status", id),
    closure: (id: NonNullable<CaseRecord["closure"]>) => label(language, "closure", id),
    step: (id: DeadlineStep) => label(language, "step", id),
    category: (config: OrgConfig, id: string | null) =>
      id ? labelOf(config.categories, id, language) : translate(language, "console.untriaged"),
    severity: (config: OrgConfig, id: string | null) => (id ? labelOf(config.severities, id, language) : "–"),
    outcome: (id: Outcome) => label(language, "outcome", id),
    event: (type: string) => known(language, `console.event.${type}`) ?? type,
    flag: (id: string) => known(language, `console.flag.${id}`) ?? id,
    task: (step: TaskAction) => translate(language, `console.task.${step}`),
    languageName: (id: string) => known(language, `console.languageName.${id}`) ?? id,
    when: (iso: string | null | undefined, timeZone: string, withTime = false) =>
      when(iso, timeZone, withTime, language),
  };
}
export type Vocabulary = ReturnType<typeof vocabulary>;

/** A message for an id the code may not know yet (a new event type or flag): null rather than a throw. */
function known(language: Language, key: string): string | null {
  try {
    return translate(language, key);
  } catch {
    return null;
  }
}

const UNITS = ["years", "months", "weeks", "days", "hours", "minutes"] as const;

/** "45 jours ouvrés", "30 jours calendaires", "6 semaines (jours calendaires)", from a configured deadline rule. */
export function describeRule(rule: DeadlineRule, t: Translator): string {
  const parts = parseDuration(rule.duration) as unknown as Record<string, number | undefined>;
  const used = UNITS.filter((unit) => (parts[unit] ?? 0) > 0);
  const working = rule.days === "working";
  if (used.length === 1 && used[0] === "days")
    return t(working ? "console.duration.workingDays" : "console.duration.calendarDays", {
      count: parts.days ?? 0,
    });
  const duration =
    used.map((unit) => t(`console.duration.${unit}`, { count: parts[unit] ?? 0 })).join(" ") || rule.duration;
  return t(working ? "console.duration.working" : "console.duration.calendar", { duration });
}

/** Each view deadline: its rule and what it counts from (how the date was computed). */
export function deadlineBasis(
  config: OrgConfig,
  record: CaseRecord,
  step: DeadlineStep,
  t: Translator,
): { text: string; working: boolean } | null {
  const d = config.deadlines;
  const rules: Partial<Record<DeadlineStep, [DeadlineRule | undefined, string]>> = {
    acknowledge: [d.acknowledge, "fromReceipt"],
    writtenNotice: [d.writtenNotice, "fromReceipt"],
    triage: [d.triage, "fromReceipt"],
    assign: [d.assign, "fromTriage"],
    contact: [d.contact, "fromReceipt"],
    respond: [respondRule(config, record.severity), record.severity ? "fromReceiptSeverity" : "fromReceipt"],
    appealWindowEnds: [d.appealWindow, "fromResponse"],
    appealDecision: [d.appealDecision, "fromAppeal"],
    closure: [d.closure, "fromResponse"],
  };
  const found = rules[step];
  if (!found?.[0]) return null;
  return {
    text: t("console.case.deadline.rule", {
      duration: describeRule(found[0], t),
      from: t(`console.case.deadline.${found[1]}`),
    }),
    working: found[0].days === "working",
  };
}

/** The organisation's holidays between two instants (skipped by working-day deadlines). */
export function holidaysBetween(config: OrgConfig, from: string, to: string): string[] {
  const start = from.slice(0, 10);
  const end = to.slice(0, 10);
  return config.organisation.holidays.filter((day) => day >= start && day <= end);
}

export function staffName(config: OrgConfig, address: string | null): string {
  if (!address) return "–";
  const member = config.staff.find((s) => s.address === address);
  return member ? `${member.name} (${address})` : address;
}

/** Working days as the config names them ("mon") in the language's words ("lundi"). */
export function weekdays(days: readonly string[], language: Language): string {
  const names = new Intl.DateTimeFormat(translate(language, "format.locale"), {
    weekday: "long",
    timeZone: "UTC",
  });
  // 2024-01-01 was a Monday.
  const order = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
  return days
    .map((d) => {
      const i = order.indexOf(d);
      return i < 0 ? d : names.format(new Date(Date.UTC(2024, 0, 1 + i)));
    })
    .join(", ");
}

/** A calendar day ("2026-01-20") as "20 janv. 2026". */
export function localDay(day: string, language: Language): string {
  const date = new Date(`${day}T12:00:00Z`);
  return Number.isNaN(date.getTime())
    ? day
    : formatter("UTC", false, translate(language, "format.locale")).format(date);
}
