// Report periods in the organisation's time zone (R-3, R-5, H-G1, T-14). A period is a pair of local dates,
// both inclusive, as people say them ("1 January to 31 March"); its bounds are the UTC instants of the
// start of `from` and of the day after `to`, so a case received at 23:30 local on 31 March belongs to Q1
// whatever the offset.
import { DateTime } from "luxon";
import { InvalidPeriodError } from "../errors.ts";

export { InvalidPeriodError };

export const REPORT_KINDS = ["weekly-pending", "monthly", "quarterly", "annual", "custom"] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export type ScheduledKind = Exclude<ReportKind, "custom">;

export interface Period {
  kind: ReportKind;
  /** YYYY-MM-DD, local, inclusive. */
  from: string;
  /** YYYY-MM-DD, local, inclusive. */
  to: string;
  /** The period's name in outbox keys and file names: 2026-W10, 2026-02, 2026-Q1, 2025, 2026-01-01_2026-03-31. */
  key: string;
  /** UTC instant of the start of `from` (inclusive). */
  start: string;
  /** UTC instant of the start of the day after `to` (exclusive). */
  end: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function day(date: string, timeZone: string): DateTime {
  const parsed = DATE.test(date) ? DateTime.fromISO(date, { zone: timeZone }) : DateTime.invalid("format");
  if (!parsed.isValid) throw new InvalidPeriodError(`${date} is not a date (YYYY-MM-DD)`);
  return parsed.startOf("day");
}

const iso = (d: DateTime) => d.toUTC().toISO() ?? "";
const ymd = (d: DateTime) => d.toISODate() ?? "";

export function makePeriod(
  kind: ReportKind,
  from: string,
  to: string,
  timeZone: string,
  key?: string,
): Period {
  const start = day(from, timeZone);
  const last = day(to, timeZone);
  if (last < start) throw new InvalidPeriodError(`the period ends (${to}) before it starts (${from})`);
  return {
    kind,
    from: ymd(start),
    to: ymd(last),
    key: key ?? `${ymd(start)}_${ymd(last)}`,
    start: iso(start),
    end: iso(last.plus({ days: 1 }).startOf("day")),
  };
}

/**
 * The period a scheduled report covers, seen from `now`: weekly pending, the 7 days before today (its
 * pending list is as of now); monthly, the previous calendar month; quarterly, the previous quarter;
 * annual, the previous year.
 */
export function scheduledPeriod(kind: ScheduledKind, now: Date, timeZone: string): Period {
  const today = DateTime.fromJSDate(now, { zone: timeZone }).startOf("day");
  switch (kind) {
    case "weekly-pending": {
      const key = today.toFormat("kkkk-'W'WW");
      return makePeriod(kind, ymd(today.minus({ days: 7 })), ymd(today.minus({ days: 1 })), timeZone, key);
    }
    case "monthly": {
      const m = today.startOf("month").minus({ months: 1 });
      return makePeriod(kind, ymd(m), ymd(m.endOf("month")), timeZone, m.toFormat("yyyy-MM"));
    }
    case "quarterly": {
      const q = today.startOf("quarter").minus({ quarters: 1 });
      return makePeriod(kind, ymd(q), ymd(q.endOf("quarter")), timeZone, `${q.year}-Q${q.quarter}`);
    }
    case "annual": {
      const y = today.startOf("year").minus({ years: 1 });
      return makePeriod(kind, ymd(y), ymd(y.endOf("year")), timeZone, String(y.year));
    }
  }
}

/** Number of whole calendar months a period spans, or 0 when it does not start and end on month bounds. */
function wholeMonths(period: Period, timeZone: string): number {
  const from = day(period.from, timeZone);
  const to = day(period.to, timeZone);
  if (from.day !== 1 || to.day !== to.daysInMonth) return 0;
  return (to.year - from.year) * 12 + (to.month - from.month) + 1;
}

/** The period before, for trends: the previous week, month, quarter or year; for a custom period the same
 * number of whole months (Q1 → Q4 of the year before) or else the same number of days just before. */
export function previousPeriod(period: Period, timeZone: string): Period {
  const from = day(period.from, timeZone);
  const to = day(period.to, timeZone);
  const months = wholeMonths(period, timeZone);
  if (months > 0) {
    const start = from.minus({ months });
    const last = from.minus({ days: 1 });
    const key =
      period.kind === "monthly"
        ? start.toFormat("yyyy-MM")
        : period.kind === "quarterly"
          ? `${start.year}-Q${start.quarter}`
          : period.kind === "annual"
            ? String(start.year)
            : undefined;
    return makePeriod(period.kind, ymd(start), ymd(last), timeZone, key);
  }
  const days = Math.round(to.diff(from, "days").days) + 1;
  const start = from.minus({ days });
  const key = period.kind === "weekly-pending" ? start.toFormat("kkkk-'W'WW") : undefined;
  return makePeriod(period.kind, ymd(start), ymd(from.minus({ days: 1 })), timeZone, key);
}

export interface Bucket {
  /** Short label: 2026-03 (month), 2026-W10 (ISO week), 2026-03-02 (day). */
  label: string;
  unit: "day" | "week" | "month";
  from: string;
  to: string;
  start: string;
  end: string;
}

/** Sub-periods for the trend chart: days up to two weeks, ISO weeks up to about two months, else months. */
export function buckets(period: Period, timeZone: string): Bucket[] {
  const from = day(period.from, timeZone);
  const to = day(period.to, timeZone);
  const span = Math.round(to.diff(from, "days").days) + 1;
  const unit: Bucket["unit"] = span <= 14 ? "day" : span <= 62 ? "week" : "month";
  const out: Bucket[] = [];
  let cursor = from;
  while (cursor <= to) {
    const natural = unit === "day" ? cursor : cursor.endOf(unit === "week" ? "week" : "month").startOf("day");
    const last = DateTime.min(natural, to);
    const label =
      unit === "day"
        ? ymd(cursor)
        : unit === "week"
          ? cursor.toFormat("kkkk-'W'WW")
          : cursor.toFormat("yyyy-MM");
    out.push({
      label,
      unit,
      from: ymd(cursor),
      to: ymd(last),
      start: iso(cursor),
      end: iso(last.plus({ days: 1 }).startOf("day")),
    });
    cursor = last.plus({ days: 1 }).startOf("day");
  }
  return out;
}

/** The local date-time of an instant, "YYYY-MM-DD HH:mm", for tables people read. */
export function localDateTime(instant: string, timeZone: string): string {
  const d = DateTime.fromISO(instant, { zone: timeZone });
  return d.isValid ? d.toFormat("yyyy-MM-dd HH:mm") : instant;
}
