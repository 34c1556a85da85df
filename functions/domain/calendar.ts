// The deadline calendar: adds an ISO 8601 duration to an instant in the organisation's time zone.
// Deadlines it serves: acknowledge within 1 week (H-A2), within 5 working days (T-2), 10/45 working
// days by severity (T-5), facts less than 2 months old (T-4), 5-year retention (T-12).
//
// Semantics (every result is independent of the machine's time zone: the system zone is never used):
// - "calendar": wall-clock addition in cal.timeZone (luxon plus). Years, months, weeks and days keep the
//   local time of day across DST changes; month ends are clamped (31 Jan + P1M = 28 or 29 Feb).
//   Hours, minutes and seconds are elapsed time: 12:00 + PT24H over the spring DST change is 13:00 local.
// - "working": weeks and days count working days (a week = as many working days as cal.workingDays has).
//   A working day has its weekday in workingDays and its local date not in holidays. Counting starts the
//   day after start; the result keeps the local time of day of start. Years and months are added on the
//   calendar first (clamped like above), then the working days are counted from there; with no days to
//   count, a result on a non-working day rolls forward to the next working day. Hours, minutes and seconds
//   are then added as elapsed time (so they alone never roll: PT48H is 48 hours).
// - A zero duration returns the start instant itself, in both modes.
// - A local time that a DST change skips (02:30 on the spring-forward day in Paris) moves forward by the
//   size of the gap (03:30), as luxon, java.time and Temporal do; a repeated local time (autumn) keeps the
//   offset of start when it can.
//
// Known, accepted consequences of keeping the time of day: results are monotonic in the duration, and in
// the start except in three corners - month-end clamping (30 Jan 23:00 + P1M = 28 Feb 23:00, after
// 31 Jan 08:00 + P1M = 28 Feb 08:00), working-day counts from non-working days (Sat 23:00 + P1D = Mon
// 23:00, after Sun 08:00 + P1D = Mon 08:00) and starts within an hour of a DST change. For durations
// without hours, minutes or seconds, the local dates of the results are always monotonic in the start.
import { DateTime, IANAZone } from "luxon";
import { InvalidCalendarError } from "../errors.ts";
import { assertValidDuration, type IsoDuration, isZeroDuration, parseDuration } from "./duration.ts";

export { InvalidCalendarError };

export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";

export interface WorkCalendar {
  timeZone: string;
  workingDays: readonly Weekday[];
  /** YYYY-MM-DD, local dates in timeZone. */
  holidays: readonly string[];
}

export type DayCount = "calendar" | "working";

/** Index + 1 is the ISO weekday (1 = Monday), as luxon's DateTime.weekday. */
const WEEKDAYS: readonly Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const DAY_MS = 86_400_000;
// Far beyond any procedure's deadline; stops a typo (P99999999D) from spinning a Lambda until timeout.
const MAX_WORKING_DAYS = 1_000_000;

export function addDuration(
  start: Date,
  duration: string | IsoDuration,
  days: DayCount,
  cal: WorkCalendar,
): Date {
  assertValidInstant(start, "start");
  const d = typeof duration === "string" ? parseDuration(duration) : duration;
  assertValidDuration(d);
  const zone = zoneOf(cal.timeZone);
  let week: CompiledCalendar | undefined;
  if (days === "working") {
    week = compile(cal);
    if (week.perWeek === 0) {
      throw new InvalidCalendarError("workingDays is empty: there is no working day to count deadlines in");
    }
  } else if (days !== "calendar") {
    throw new InvalidCalendarError(
      `unknown day count ${JSON.stringify(days)}; expected "calendar" or "working"`,
    );
  }
  if (isZeroDuration(d)) return new Date(start.getTime());

  const local = DateTime.fromJSDate(start, { zone });
  const result = week
    ? addWorking(local, d, week)
    : local.plus({
        years: d.years,
        months: d.months,
        weeks: d.weeks,
        days: d.days,
        hours: d.hours,
        minutes: d.minutes,
        seconds: d.seconds,
      });
  if (!result.isValid) throw new RangeError(`adding ${JSON.stringify(duration)} gives a date out of range`);
  return result.toJSDate();
}

/** Whether the local date of instant in cal.timeZone is a working day. */
export function isWorkingDay(instant: Date, cal: WorkCalendar): boolean {
  assertValidInstant(instant, "instant");
  const local = DateTime.fromJSDate(instant, { zone: zoneOf(cal.timeZone) });
  return isWorking(epochDay(local.year, local.month, local.day), compile(cal));
}

/** The local date (YYYY-MM-DD) of instant in timeZone. */
export function localDate(instant: Date, timeZone: string): string {
  assertValidInstant(instant, "instant");
  return DateTime.fromJSDate(instant, { zone: zoneOf(timeZone) }).toISODate() ?? "";
}

export function isValidTimeZone(tz: string): boolean {
  return typeof tz === "string" && IANAZone.isValidZone(tz);
}

/** A real calendar date written YYYY-MM-DD (rejects 2026-02-30 and 2026-02-29). */
export function isValidLocalDate(s: string): boolean {
  const match = typeof s === "string" ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(s) : null;
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

interface CompiledCalendar {
  /** ISO weekdays (1 = Monday) that are working days. */
  weekdays: ReadonlySet<number>;
  perWeek: number;
  /** Holidays as days since 1970-01-01. */
  holidays: ReadonlySet<number>;
}

function addWorking(local: DateTime, d: IsoDuration, cal: CompiledCalendar): DateTime {
  const count = d.weeks * cal.perWeek + d.days;
  if (count > MAX_WORKING_DAYS) {
    throw new RangeError(`${count} working days is more than the supported ${MAX_WORKING_DAYS}`);
  }
  // Date arithmetic on plain dates (UTC has no DST); the time of day is put back by set() below.
  const shifted = DateTime.utc(local.year, local.month, local.day).plus({ years: d.years, months: d.months });
  if (!shifted.isValid) return shifted;
  let day = epochDay(shifted.year, shifted.month, shifted.day);
  if (count > 0) {
    for (let found = 0; found < count; ) {
      day += 1;
      if (isWorking(day, cal)) found += 1;
    }
  } else if (d.years > 0 || d.months > 0) {
    while (!isWorking(day, cal)) day += 1;
  }
  const date = new Date(day * DAY_MS);
  // set() keeps start's local time of day and resolves it from start's offset, exactly as plus() does.
  return local
    .set({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() })
    .plus({ hours: d.hours, minutes: d.minutes, seconds: d.seconds });
}

function isWorking(day: number, cal: CompiledCalendar): boolean {
  return cal.weekdays.has(isoWeekday(day)) && !cal.holidays.has(day);
}

function compile(cal: WorkCalendar): CompiledCalendar {
  const weekdays = new Set<number>();
  for (const name of cal.workingDays) {
    const index = WEEKDAYS.indexOf(name);
    if (index < 0) {
      throw new InvalidCalendarError(
        `unknown working day ${JSON.stringify(name)}; expected ${WEEKDAYS.join(", ")}`,
      );
    }
    weekdays.add(index + 1);
  }
  const holidays = new Set<number>();
  for (const holiday of cal.holidays) {
    if (!isValidLocalDate(holiday)) {
      throw new InvalidCalendarError(
        `holiday ${JSON.stringify(holiday)} is not a real date written YYYY-MM-DD`,
      );
    }
    holidays.add(
      epochDay(Number(holiday.slice(0, 4)), Number(holiday.slice(5, 7)), Number(holiday.slice(8, 10))),
    );
  }
  return { weekdays, perWeek: weekdays.size, holidays };
}

function zoneOf(timeZone: string): IANAZone {
  if (!isValidTimeZone(timeZone)) {
    throw new InvalidCalendarError(
      `unknown time zone ${JSON.stringify(timeZone)}; expected an IANA name such as Europe/Paris`,
    );
  }
  return IANAZone.create(timeZone);
}

function assertValidInstant(instant: Date, what: string): void {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) {
    throw new RangeError(`${what} is not a valid Date`);
  }
}

/** Days since 1970-01-01 (setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999). */
function epochDay(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return Math.round(date.getTime() / DAY_MS);
}

/** 1970-01-01 was a Thursday (ISO weekday 4). */
function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
