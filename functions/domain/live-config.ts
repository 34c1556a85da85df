// Issue 12: the part of the organisation config that changes without a deploy. Staff come and go, go on leave,
// Tabaski moves every year: the staff directory, the coordinator, the calendar (working days, holidays), the
// reminder settings and the recipients of each report are read at run time from the last `cfm config push`,
// overlaid on the config compiled into each Lambda (the procedure's structure: steps, roles, categories,
// deadlines, languages, channels, report schedules). The overlay is checked by the same checker as a config
// file, so a Lambda never runs a directory that does not fit the deployed procedure.
//
// A case keeps the calendar of the config version it started with (recorded on the case, `calendar`): its
// deadlines never move because a holiday was added after it was received. Who receives a new task comes from
// the current directory.
import { createHash } from "node:crypto";
import * as z from "zod";
import type { Weekday } from "./calendar.ts";
import { configSchema, type OrgConfig, semanticProblems, WEEKDAYS } from "./config-schema.ts";

/** What a push changes, as the README lists it. Everything else needs `cdk deploy` (or a restart locally). */
export const LIVE_FIELDS = [
  "staff",
  "organisation.coordinator",
  "organisation.workingDays",
  "organisation.holidays",
  "escalation",
  "reports[].to",
] as const;

const staffSchema = configSchema.shape.staff;
const escalationSchema = configSchema.shape.escalation.unwrap();

/** The live part of a config, as stored by a push (validated again when a Lambda reads it: a boundary). */
export const liveConfigSchema = z.strictObject({
  staff: staffSchema,
  coordinator: z.email().transform((s) => s.toLowerCase()),
  workingDays: z.array(z.enum(WEEKDAYS)).min(1),
  holidays: z.array(z.iso.date()),
  escalation: escalationSchema,
  /** Recipients of each kind of report; the schedules themselves are deployed (EventBridge Scheduler). */
  reports: z.array(z.strictObject({ kind: z.string().min(1), to: z.array(z.email()).min(1) })),
});
export type LiveConfig = z.output<typeof liveConfigSchema>;

export function liveOf(config: OrgConfig): LiveConfig {
  return {
    staff: config.staff,
    coordinator: config.organisation.coordinator,
    workingDays: config.organisation.workingDays,
    holidays: config.organisation.holidays,
    escalation: config.escalation,
    reports: config.reports.map((r) => ({ kind: r.kind, to: r.to })),
  };
}

/** A stable digest of a live config: two pushes of the same content are one version. */
export function liveDigest(live: LiveConfig): string {
  return createHash("sha256").update(canonical(live)).digest("hex").slice(0, 16);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value);
}

/**
 * The deployed config with the live part laid over it, checked as a config file is. The report schedules
 * stay the deployed ones: each keeps its kind and takes the pushed recipients of that kind (a kind the push
 * does not list keeps its deployed recipients).
 */
export function overlay(
  compiled: OrgConfig,
  live: LiveConfig,
): { ok: true; config: OrgConfig } | { ok: false; problems: string[] } {
  const merged = {
    ...compiled,
    organisation: {
      ...compiled.organisation,
      coordinator: live.coordinator,
      workingDays: live.workingDays,
      holidays: live.holidays,
    },
    staff: live.staff,
    escalation: live.escalation,
    reports: compiled.reports.map((schedule) => {
      const to = [...new Set(live.reports.filter((r) => r.kind === schedule.kind).flatMap((r) => r.to))];
      return to.length > 0 ? { ...schedule, to } : schedule;
    }),
  };
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success)
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`),
    };
  const problems = semanticProblems(parsed.data);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config: parsed.data };
}

/**
 * The sections of `file` that a push does not apply, because they differ from `deployed` (they need a
 * deploy): top-level sections, and `organisation`'s fields, by name.
 */
export function structuralChanges(deployed: OrgConfig, file: OrgConfig): string[] {
  const strip = (config: OrgConfig) => {
    const { staff: _s, escalation: _e, organisation, reports, ...rest } = config;
    const { coordinator: _c, workingDays: _w, holidays: _h, ...org } = organisation;
    return {
      ...rest,
      ...Object.fromEntries(Object.entries(org).map(([k, v]) => [`organisation.${k}`, v])),
      "reports (schedules)": reports.map((r) => ({ kind: r.kind, schedule: r.schedule })),
    } as Record<string, unknown>;
  };
  const a = strip(deployed);
  const b = strip(file);
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((k) => canonical(a[k]) !== canonical(b[k]))
    .sort();
}

// ------------------------------------------------------------------------------------- a case's calendar

/** The calendar a case's deadlines are counted in: that of the config version it was received under. */
export const caseCalendarSchema = z.strictObject({
  /** The pushed config version (0: the deployed config, before any push). */
  version: z.number().int().min(0),
  workingDays: z.array(z.enum(WEEKDAYS)).min(1),
  /** The holidays from the case's receipt on (earlier ones cannot move a deadline counted from it). */
  holidays: z.array(z.iso.date()),
});
export type CaseCalendar = z.output<typeof caseCalendarSchema>;

/** Pins the current calendar on a case received at `receivedAt`. */
export function pinCalendar(config: OrgConfig, version: number, receivedAt: string): CaseCalendar {
  // A day's margin: the organisation's time zone may still be on the day before in UTC terms.
  const from = new Date(Date.parse(receivedAt) - 86_400_000).toISOString().slice(0, 10);
  return {
    version,
    workingDays: [...config.organisation.workingDays] as Weekday[],
    holidays: config.organisation.holidays.filter((day) => day >= from),
  };
}

/** The config to count a case's deadlines with: the current one, on the calendar the case keeps. */
export function caseConfig(config: OrgConfig, record: { calendar?: CaseCalendar | undefined }): OrgConfig {
  const pinned = record.calendar;
  if (!pinned) return config; // a case received before calendars were pinned
  return {
    ...config,
    organisation: { ...config.organisation, workingDays: pinned.workingDays, holidays: pinned.holidays },
  };
}
