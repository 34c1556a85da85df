import fc from "fast-check";
import { DateTime, Settings } from "luxon";
import { describe, expect, it } from "vitest";
import {
  addDuration,
  type DayCount,
  InvalidCalendarError,
  isValidLocalDate,
  isValidTimeZone,
  isWorkingDay,
  localDate,
  type Weekday,
  type WorkCalendar,
} from "../../functions/domain/calendar.ts";
import { durationToString, InvalidDurationError, type IsoDuration } from "../../functions/domain/duration.ts";

const WEEKDAYS: Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const MON_FRI: Weekday[] = ["mon", "tue", "wed", "thu", "fri"];

// Procedure T (config/training-provider.example.yaml). DST in 2026: 29 March and 25 October.
const paris: WorkCalendar = {
  timeZone: "Europe/Paris",
  workingDays: MON_FRI,
  holidays: [
    "2026-01-01",
    "2026-04-06", // Easter Monday
    "2026-05-01",
    "2026-05-08",
    "2026-05-14", // Ascension
    "2026-05-25", // Whit Monday
    "2026-07-14",
    "2026-08-15",
    "2026-11-01",
    "2026-11-11",
    "2026-12-25",
  ],
};
// Procedure H (config/humanitarian.example.yaml): Mali, UTC+0 all year, Monday to Friday.
const bamako: WorkCalendar = {
  timeZone: "Africa/Bamako",
  workingDays: MON_FRI,
  holidays: [
    "2026-01-01",
    "2026-01-20",
    "2026-03-26",
    "2026-05-01",
    "2026-05-25",
    "2026-09-22",
    "2026-12-25",
  ],
};

/** Instants are written with their local offset (+01:00 CET, +02:00 CEST, Z in Bamako). */
function add(start: string, duration: string, days: DayCount, cal: WorkCalendar): Date {
  return addDuration(new Date(start), duration, days, cal);
}

describe("addDuration, calendar days", () => {
  it("H-A2: P1W across the spring DST change keeps the local time", () => {
    expect(add("2026-03-25T10:00:00+01:00", "P1W", "calendar", paris)).toEqual(
      new Date("2026-04-01T10:00:00+02:00"),
    );
  });

  it("H-C3: P2W across the autumn DST change keeps the local time", () => {
    expect(add("2026-10-20T14:00:00+02:00", "P2W", "calendar", paris)).toEqual(
      new Date("2026-11-03T14:00:00+01:00"),
    );
  });

  it("H-D3: P6W", () => {
    expect(add("2026-01-15T09:30:00+01:00", "P6W", "calendar", paris)).toEqual(
      new Date("2026-02-26T09:30:00+01:00"),
    );
  });

  it("H-A2: P1W in Bamako (no DST) is exactly seven times 24 hours", () => {
    expect(add("2026-03-25T10:00:00Z", "P1W", "calendar", bamako)).toEqual(new Date("2026-04-01T10:00:00Z"));
  });

  it("T-2: P10D counts weekends and public holidays", () => {
    expect(add("2026-04-29T10:00:00+02:00", "P10D", "calendar", paris)).toEqual(
      new Date("2026-05-09T10:00:00+02:00"),
    );
  });

  it("P1D over the spring DST change is 23 hours; PT24H is 24 hours", () => {
    const start = "2026-03-28T12:00:00+01:00";

    expect(add(start, "P1D", "calendar", paris)).toEqual(new Date("2026-03-29T12:00:00+02:00"));
    expect(add(start, "PT24H", "calendar", paris)).toEqual(new Date("2026-03-29T13:00:00+02:00"));
  });

  it("P1D over the autumn DST change is 25 hours", () => {
    expect(add("2026-10-24T12:00:00+02:00", "P1D", "calendar", paris)).toEqual(
      new Date("2026-10-25T12:00:00+01:00"),
    );
  });

  it("a local time skipped by the spring DST change moves forward by the size of the gap", () => {
    expect(add("2026-03-28T02:30:00+01:00", "P1D", "calendar", paris)).toEqual(
      new Date("2026-03-29T03:30:00+02:00"),
    );
  });

  it("a local time repeated by the autumn DST change keeps the offset of the start", () => {
    expect(add("2026-10-24T02:30:00+02:00", "P1D", "calendar", paris)).toEqual(
      new Date("2026-10-25T02:30:00+02:00"),
    );
    expect(add("2026-01-25T02:30:00+01:00", "P9M", "calendar", paris)).toEqual(
      new Date("2026-10-25T02:30:00+01:00"),
    );
  });

  it.each([
    ["2026-01-31T10:00:00+01:00", "2026-02-28T10:00:00+01:00"],
    ["2028-01-31T10:00:00+01:00", "2028-02-29T10:00:00+01:00"],
    ["2026-03-31T10:00:00+02:00", "2026-04-30T10:00:00+02:00"],
    ["2026-01-30T10:00:00+01:00", "2026-02-28T10:00:00+01:00"],
  ])("T-11: P1M from %s clamps to the month end: %s", (start, expected) => {
    expect(add(start, "P1M", "calendar", paris)).toEqual(new Date(expected));
  });

  it("month-end clamping keeps the time of day, so a later start can get an earlier deadline", () => {
    const late = add("2026-01-30T23:00:00+01:00", "P1M", "calendar", paris);
    const later = add("2026-01-31T08:00:00+01:00", "P1M", "calendar", paris);

    expect(late).toEqual(new Date("2026-02-28T23:00:00+01:00"));
    expect(later).toEqual(new Date("2026-02-28T08:00:00+01:00"));
  });

  it("T-4: P2M", () => {
    expect(add("2026-01-15T08:00:00+01:00", "P2M", "calendar", paris)).toEqual(
      new Date("2026-03-15T08:00:00+01:00"),
    );
  });

  it("T-12: P5Y from 29 February ends on 28 February; P4Y on 29 February", () => {
    expect(add("2024-02-29T12:00:00+01:00", "P5Y", "calendar", paris)).toEqual(
      new Date("2029-02-28T12:00:00+01:00"),
    );
    expect(add("2024-02-29T12:00:00+01:00", "P4Y", "calendar", paris)).toEqual(
      new Date("2028-02-29T12:00:00+01:00"),
    );
  });

  it("ignores workingDays, even an empty one", () => {
    const noWorkingDays = { ...paris, workingDays: [] };

    expect(add("2026-01-10T10:00:00+01:00", "P1D", "calendar", noWorkingDays)).toEqual(
      new Date("2026-01-11T10:00:00+01:00"),
    );
  });
});

describe("addDuration, working days", () => {
  it("T-2: P5D skips the weekend and 1 May", () => {
    // Wed 29 Apr: Thu 30 (1), Fri 1 May holiday, Mon 4 (2), Tue 5 (3), Wed 6 (4), Thu 7 (5).
    expect(add("2026-04-29T10:00:00+02:00", "P5D", "working", paris)).toEqual(
      new Date("2026-05-07T10:00:00+02:00"),
    );
  });

  it("T-2: without the holiday the same P5D ends a day earlier", () => {
    const noHolidays = { ...paris, holidays: [] };

    expect(add("2026-04-29T10:00:00+02:00", "P5D", "working", noHolidays)).toEqual(
      new Date("2026-05-06T10:00:00+02:00"),
    );
  });

  it("T-2: P5D skips 8 May", () => {
    expect(add("2026-05-05T16:00:00+02:00", "P5D", "working", paris)).toEqual(
      new Date("2026-05-13T16:00:00+02:00"),
    );
  });

  it("T-2: a Friday-evening receipt counts from Monday and keeps the time of day", () => {
    expect(add("2026-01-09T18:30:00+01:00", "P1D", "working", paris)).toEqual(
      new Date("2026-01-12T18:30:00+01:00"),
    );
    expect(add("2026-01-09T18:30:00+01:00", "P5D", "working", paris)).toEqual(
      new Date("2026-01-16T18:30:00+01:00"),
    );
  });

  it("a Saturday receipt: the first working day counted is Monday", () => {
    expect(add("2026-01-10T11:00:00+01:00", "P1D", "working", paris)).toEqual(
      new Date("2026-01-12T11:00:00+01:00"),
    );
  });

  it("the start day is taken in the organisation's time zone, not in UTC", () => {
    // Saturday 00:30 in Paris is still Friday in UTC; counting from Friday would give Tuesday.
    expect(add("2026-01-10T00:30:00+01:00", "P1D", "working", paris)).toEqual(
      new Date("2026-01-12T00:30:00+01:00"),
    );
  });

  it("T-5: P10D for high severity skips 8 May and Ascension", () => {
    expect(add("2026-05-04T09:00:00+02:00", "P10D", "working", paris)).toEqual(
      new Date("2026-05-20T09:00:00+02:00"),
    );
  });

  it("T-5: P45D for medium severity crosses DST, Easter Monday and 1 May and keeps 09:00", () => {
    expect(add("2026-03-02T09:00:00+01:00", "P45D", "working", paris)).toEqual(
      new Date("2026-05-06T09:00:00+02:00"),
    );
  });

  it("P1W is five working days on a Monday-to-Friday week", () => {
    // Mon 4 May: Tue 5, Wed 6, Thu 7, (Fri 8 holiday), Mon 11, Tue 12; P1W on the calendar gives Mon 11.
    expect(add("2026-05-04T09:00:00+02:00", "P1W", "working", paris)).toEqual(
      new Date("2026-05-12T09:00:00+02:00"),
    );
  });

  it("P2W is ten working days", () => {
    expect(add("2026-06-01T09:00:00+02:00", "P2W", "working", paris)).toEqual(
      new Date("2026-06-15T09:00:00+02:00"),
    );
  });

  it("H-D3: P6W is thirty working days", () => {
    expect(add("2026-06-01T09:00:00+02:00", "P6W", "working", paris)).toEqual(
      new Date("2026-07-13T09:00:00+02:00"),
    );
  });

  it("a week has as many working days as the working week: P1W on a four-day week skips the Friday", () => {
    const monToThu = { ...paris, holidays: [], workingDays: ["mon", "tue", "wed", "thu"] as Weekday[] };

    // Wed 3 Jun: Thu 4, Mon 8, Tue 9, Wed 10.
    expect(add("2026-06-03T09:00:00+02:00", "P1W", "working", monToThu)).toEqual(
      new Date("2026-06-10T09:00:00+02:00"),
    );
    expect(add("2026-06-03T09:00:00+02:00", "P2D", "working", monToThu)).toEqual(
      new Date("2026-06-08T09:00:00+02:00"),
    );
  });

  it("P1M landing on a Saturday rolls forward to Monday", () => {
    expect(add("2026-01-28T10:00:00+01:00", "P1M", "working", paris)).toEqual(
      new Date("2026-03-02T10:00:00+01:00"),
    );
  });

  it("P1M landing on 1 May (a Friday holiday) rolls forward to Monday 4 May", () => {
    expect(add("2026-04-01T10:00:00+02:00", "P1M", "working", paris)).toEqual(
      new Date("2026-05-04T10:00:00+02:00"),
    );
  });

  it("P1M5D adds the month first, then counts five working days", () => {
    // 28 Jan + P1M = Sat 28 Feb; then Mon 2, Tue 3, Wed 4, Thu 5, Fri 6 March.
    expect(add("2026-01-28T10:00:00+01:00", "P1M5D", "working", paris)).toEqual(
      new Date("2026-03-06T10:00:00+01:00"),
    );
  });

  it("hours are added as elapsed time after the working days", () => {
    expect(add("2026-01-09T18:00:00+01:00", "P1DT2H", "working", paris)).toEqual(
      new Date("2026-01-12T20:00:00+01:00"),
    );
  });

  it("hours alone are elapsed time and do not roll forward", () => {
    expect(add("2026-01-09T10:00:00+01:00", "PT48H", "working", paris)).toEqual(
      new Date("2026-01-11T10:00:00+01:00"),
    );
  });

  it("H-A2: Malian working week, P5D skips the weekend and Independence Day (22 Sep)", () => {
    expect(add("2026-09-18T15:00:00Z", "P5D", "working", bamako)).toEqual(new Date("2026-09-28T15:00:00Z"));
  });

  it("Malian working week: P2D skips Martyrs' Day (26 Mar)", () => {
    expect(add("2026-03-25T08:00:00Z", "P2D", "working", bamako)).toEqual(new Date("2026-03-30T08:00:00Z"));
  });

  it("a Sunday-to-Thursday working week counts Sunday and skips Friday and Saturday", () => {
    const sunToThu = { ...bamako, workingDays: ["sun", "mon", "tue", "wed", "thu"] as Weekday[] };

    expect(add("2026-01-08T10:00:00Z", "P1D", "working", sunToThu)).toEqual(new Date("2026-01-11T10:00:00Z"));
  });

  it.each(["calendar", "working"] as const)("P0D is the start itself (%s), even on a Sunday", (days) => {
    const sunday = new Date("2026-01-11T10:00:00+01:00");

    expect(addDuration(sunday, "P0D", days, paris).getTime()).toBe(sunday.getTime());
  });

  it("accepts a parsed duration as well as a string", () => {
    const duration: IsoDuration = {
      years: 0,
      months: 0,
      weeks: 0,
      days: 5,
      hours: 0,
      minutes: 0,
      seconds: 0,
    };

    expect(addDuration(new Date("2026-04-29T10:00:00+02:00"), duration, "working", paris)).toEqual(
      new Date("2026-05-07T10:00:00+02:00"),
    );
  });
});

describe("addDuration, bad input", () => {
  it("throws a named error instead of looping when workingDays is empty", () => {
    const noWorkingDays = { ...paris, workingDays: [] };

    expect(() => add("2026-01-09T10:00:00+01:00", "P5D", "working", noWorkingDays)).toThrow(
      InvalidCalendarError,
    );
    expect(() => add("2026-01-09T10:00:00+01:00", "P1M", "working", noWorkingDays)).toThrow(
      /workingDays is empty/,
    );
  });

  it.each([
    [{ ...paris, timeZone: "Europe/Parys" }, /unknown time zone "Europe\/Parys"/],
    [{ ...paris, timeZone: "" }, /unknown time zone ""/],
    [{ ...paris, holidays: ["2026-02-30"] }, /holiday "2026-02-30" is not a real date/],
    [{ ...paris, workingDays: ["monday" as Weekday] }, /unknown working day "monday"/],
  ])("rejects a bad calendar with InvalidCalendarError (%#)", (cal, message) => {
    expect(() => add("2026-01-09T10:00:00+01:00", "P5D", "working", cal)).toThrow(message);
    expect(() => add("2026-01-09T10:00:00+01:00", "P5D", "working", cal)).toThrow(InvalidCalendarError);
  });

  it("rejects a malformed duration with InvalidDurationError", () => {
    expect(() => add("2026-01-09T10:00:00+01:00", "5D", "working", paris)).toThrow(InvalidDurationError);
  });

  it("rejects an invalid start", () => {
    expect(() => addDuration(new Date(Number.NaN), "P5D", "calendar", paris)).toThrow(
      /start is not a valid Date/,
    );
  });

  it("rejects absurdly large working-day counts instead of spinning", () => {
    expect(() => add("2026-01-09T10:00:00+01:00", "P2000000D", "working", paris)).toThrow(RangeError);
  });

  it("rejects results out of the Date range", () => {
    expect(() => add("2026-01-09T10:00:00+01:00", "P300000Y", "calendar", paris)).toThrow(/out of range/);
  });
});

describe("isWorkingDay", () => {
  it.each([
    ["2026-05-04T10:00:00+02:00", true], // Monday
    ["2026-05-01T10:00:00+02:00", false], // 1 May, a Friday
    ["2026-05-02T10:00:00+02:00", false], // Saturday
    ["2026-05-03T23:30:00+02:00", false], // Sunday late evening
    ["2026-05-04T00:30:00+02:00", true], // Monday in Paris, still Sunday in UTC
  ])("%s in Paris: %s", (instant, expected) => {
    expect(isWorkingDay(new Date(instant), paris)).toBe(expected);
  });
});

describe("localDate", () => {
  it("takes the date in the given zone", () => {
    const instant = new Date("2026-01-01T23:30:00Z");

    expect(localDate(instant, "Europe/Paris")).toBe("2026-01-02");
    expect(localDate(instant, "Africa/Bamako")).toBe("2026-01-01");
    expect(localDate(instant, "America/New_York")).toBe("2026-01-01");
  });

  it("rejects an unknown zone", () => {
    expect(() => localDate(new Date(), "Nowhere/City")).toThrow(InvalidCalendarError);
  });
});

describe("isValidTimeZone", () => {
  it.each(["Europe/Paris", "Africa/Bamako", "UTC", "America/Argentina/Buenos_Aires"])("accepts %s", (tz) => {
    expect(isValidTimeZone(tz)).toBe(true);
  });

  it.each(["", "Europe/Parys", "local", "system", "Mars/Olympus_Mons"])("rejects %j", (tz) => {
    expect(isValidTimeZone(tz)).toBe(false);
  });
});

describe("isValidLocalDate", () => {
  it.each(["2026-05-01", "2028-02-29", "2000-02-29", "2026-12-31"])("accepts %s", (s) => {
    expect(isValidLocalDate(s)).toBe(true);
  });

  it.each([
    "2026-02-30",
    "2026-02-29",
    "1900-02-29",
    "2026-04-31",
    "2026-13-01",
    "2026-00-10",
    "2026-01-00",
    "2026-1-01",
    " 2026-01-01",
    "2026-01-01T00:00",
    "",
  ])("rejects %j", (s) => {
    expect(isValidLocalDate(s)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Properties

const NUM_RUNS = 200;
const ZONES = [
  "Europe/Paris",
  "Africa/Bamako",
  "America/New_York",
  "Australia/Lord_Howe",
  "Asia/Kathmandu",
  "UTC",
];
const NO_DST_ZONES = ["Africa/Bamako", "Asia/Kathmandu", "UTC"];
const ZERO: IsoDuration = { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 };

const instantArb = fc.date({
  min: new Date("2020-01-01T00:00:00Z"),
  max: new Date("2032-12-31T00:00:00Z"),
  noInvalidDate: true,
});
const orderedInstantsArb = fc
  .tuple(instantArb, instantArb)
  .map(([a, b]): [Date, Date] => (a <= b ? [a, b] : [b, a]));
const localDateArb = fc
  .date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2036-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const calendarArb = (zones: readonly string[]) =>
  fc.record({
    timeZone: fc.constantFrom(...zones),
    workingDays: fc.subarray(WEEKDAYS, { minLength: 1 }),
    holidays: fc.array(localDateArb, { maxLength: 300 }),
  });
const modeArb = fc.constantFrom<DayCount>("calendar", "working");
/** Weeks and days only: the deadlines of both procedures except T-4, T-11 and T-12. */
const dayDurationArb = fc.record({ ...zeroArbs(), weeks: fc.nat(8), days: fc.nat(60) });
const dateDurationArb = fc.record({
  ...zeroArbs(),
  years: fc.nat(6),
  months: fc.nat(24),
  weeks: fc.nat(8),
  days: fc.nat(60),
});
const anyDurationArb = fc.record({
  years: fc.nat(6),
  months: fc.nat(24),
  weeks: fc.nat(8),
  days: fc.nat(60),
  hours: fc.nat(72),
  minutes: fc.nat(180),
  seconds: fc.nat(7_200),
});

function zeroArbs() {
  return {
    years: fc.constant(0),
    months: fc.constant(0),
    weeks: fc.constant(0),
    days: fc.constant(0),
    hours: fc.constant(0),
    minutes: fc.constant(0),
    seconds: fc.constant(0),
  };
}

function isZero(d: IsoDuration): boolean {
  return Object.values(d).every((v) => v === 0);
}

function sum(a: IsoDuration, b: IsoDuration): IsoDuration {
  return {
    years: a.years + b.years,
    months: a.months + b.months,
    weeks: a.weeks + b.weeks,
    days: a.days + b.days,
    hours: a.hours + b.hours,
    minutes: a.minutes + b.minutes,
    seconds: a.seconds + b.seconds,
  };
}

describe("addDuration properties", () => {
  it("never ends before the start, and is later for any non-zero duration", () => {
    fc.assert(
      fc.property(instantArb, anyDurationArb, modeArb, calendarArb(ZONES), (start, d, mode, cal) => {
        const end = addDuration(start, d, mode, cal);

        if (isZero(d)) expect(end.getTime()).toBe(start.getTime());
        else expect(end.getTime()).toBeGreaterThan(start.getTime());
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("a longer duration never gives an earlier deadline", () => {
    fc.assert(
      fc.property(
        instantArb,
        anyDurationArb,
        anyDurationArb,
        modeArb,
        calendarArb(ZONES),
        (start, shorter, extra, mode, cal) => {
          const longer = sum(shorter, extra);

          expect(addDuration(start, longer, mode, cal).getTime()).toBeGreaterThanOrEqual(
            addDuration(start, shorter, mode, cal).getTime(),
          );
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it("a later start never gives an earlier deadline: calendar days in zones without DST", () => {
    fc.assert(
      fc.property(
        orderedInstantsArb,
        fc.record({ ...zeroArbs(), weeks: fc.nat(8), days: fc.nat(60), hours: fc.nat(72) }),
        calendarArb(NO_DST_ZONES),
        ([a, b], d, cal) => {
          expect(addDuration(a, d, "calendar", cal).getTime()).toBeLessThanOrEqual(
            addDuration(b, d, "calendar", cal).getTime(),
          );
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it("a later start never gives an earlier deadline: working days from working days (T-2, T-5)", () => {
    // Paris and Bamako Monday-to-Friday: DST changes fall on Sundays, outside the working week.
    fc.assert(
      fc.property(orderedInstantsArb, dayDurationArb, fc.constantFrom(paris, bamako), ([a, b], d, cal) => {
        fc.pre(isWorkingDay(a, cal) && isWorkingDay(b, cal));

        expect(addDuration(a, d, "working", cal).getTime()).toBeLessThanOrEqual(
          addDuration(b, d, "working", cal).getTime(),
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("a later start never gives an earlier deadline day, in any zone and mode", () => {
    fc.assert(
      fc.property(
        orderedInstantsArb,
        dateDurationArb,
        modeArb,
        calendarArb(ZONES),
        ([a, b], d, mode, cal) => {
          const dayA = localDate(addDuration(a, d, mode, cal), cal.timeZone);
          const dayB = localDate(addDuration(b, d, mode, cal), cal.timeZone);

          expect(dayA <= dayB).toBe(true);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it("a working-day deadline never falls on a non-working day", () => {
    fc.assert(
      fc.property(instantArb, dateDurationArb, calendarArb(ZONES), (start, d, cal) => {
        fc.pre(!isZero(d));

        expect(isWorkingDay(addDuration(start, d, "working", cal), cal)).toBe(true);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("PnD working ends on the n-th working day after the start day, at the start's local time", () => {
    // Zones without DST, so every local time exists; the oracle walks the days with luxon.
    fc.assert(
      fc.property(instantArb, fc.integer({ min: 1, max: 60 }), calendarArb(NO_DST_ZONES), (start, n, cal) => {
        const end = DateTime.fromJSDate(addDuration(start, `P${n}D`, "working", cal), { zone: cal.timeZone });
        let day = DateTime.fromJSDate(start, { zone: cal.timeZone });
        let counted = 0;
        while (counted < n) {
          day = day.plus({ days: 1 });
          const weekday = WEEKDAYS[day.weekday - 1] as Weekday;
          if (cal.workingDays.includes(weekday) && !cal.holidays.includes(day.toISODate() ?? ""))
            counted += 1;
        }

        expect(end.toISO()).toBe(day.toISO());
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("adding a zero duration is the identity, in both modes", () => {
    fc.assert(
      fc.property(
        instantArb,
        fc.constantFrom<string | IsoDuration>("P0D", "PT0S", "P0Y0M0W0DT0H0M0S", ZERO),
        modeArb,
        calendarArb(ZONES),
        (start, zero, mode, cal) => {
          expect(addDuration(start, zero, mode, cal).getTime()).toBe(start.getTime());
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it("does not depend on the machine's time zone (process.env.TZ) or luxon's default zone", () => {
    const machineZones = ["UTC", "Pacific/Kiritimati", "America/St_Johns", "Asia/Kathmandu", "Europe/Paris"];
    const savedTz = process.env.TZ;
    const savedDefaultZone = Settings.defaultZone;
    const underZone = <T>(tz: string, fn: () => T): T => {
      process.env.TZ = tz;
      Settings.defaultZone = tz;
      try {
        return fn();
      } finally {
        if (savedTz === undefined) delete process.env.TZ;
        else process.env.TZ = savedTz;
        Settings.defaultZone = savedDefaultZone;
      }
    };
    // The switch must really change the process's zone, or this test would prove nothing.
    const probe = new Date("2026-01-01T00:00:00Z");
    expect(underZone("UTC", () => probe.getTimezoneOffset())).toBe(0);
    expect(underZone("Pacific/Kiritimati", () => probe.getTimezoneOffset())).toBe(-840);

    fc.assert(
      fc.property(instantArb, anyDurationArb, modeArb, calendarArb(ZONES), (start, d, mode, cal) => {
        const results = machineZones.map((tz) =>
          underZone(tz, () => {
            const end = addDuration(start, durationToString(d), mode, cal);
            return [end.toISOString(), localDate(end, cal.timeZone), isWorkingDay(end, cal)];
          }),
        );

        for (const result of results) expect(result).toEqual(results[0]);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
