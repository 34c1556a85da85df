import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  approxSeconds,
  durationToString,
  InvalidDurationError,
  type IsoDuration,
  isZeroDuration,
  parseDuration,
} from "../../functions/domain/duration.ts";

const ZERO: IsoDuration = { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 };
const DAY = 86_400;

const durationArb = fc.record({
  years: fc.nat(200),
  months: fc.nat(200),
  weeks: fc.nat(200),
  days: fc.nat(1_000),
  hours: fc.nat(1_000),
  minutes: fc.nat(1_000),
  seconds: fc.nat(100_000),
});

describe("parseDuration", () => {
  it.each([
    ["P5D", { days: 5 }], // T-2
    ["P2W", { weeks: 2 }], // H-C3
    ["P1M", { months: 1 }], // T-11
    ["P5Y", { years: 5 }], // T-12
    ["PT48H", { hours: 48 }],
    ["PT1M", { minutes: 1 }],
    ["P1Y2M10DT2H30M", { years: 1, months: 2, days: 10, hours: 2, minutes: 30 }],
    ["P1Y2M3W4DT5H6M7S", { years: 1, months: 2, weeks: 3, days: 4, hours: 5, minutes: 6, seconds: 7 }],
    ["P0D", {}],
    ["PT0S", {}],
    ["P045D", { days: 45 }],
  ])("parses %s", (text, expected) => {
    expect(parseDuration(text)).toEqual({ ...ZERO, ...expected });
  });

  it.each([
    ["", /invalid ISO 8601 duration "": empty/],
    ["5D", /"5D": must start with "P"/],
    ["p5d", /must start with "P" \(upper case\)/],
    ["P", /"P": no component after "P"/],
    ["PT", /"PT": "T" must be followed by hours, minutes or seconds/],
    ["P1DT", /"T" must be followed by hours, minutes or seconds/],
    ["P-1D", /"P-1D": negative durations are not allowed/],
    ["-P1D", /negative durations are not allowed/],
    ["P1.5D", /"P1.5D": fractional values are not supported/],
    ["P1,5D", /fractional values are not supported/],
    [" P5D", /leading or trailing spaces/],
    ["P5D ", /leading or trailing spaces/],
    [
      "P1D2M",
      /"P1D2M": expected P\[nY\]\[nM\]\[nW\]\[nD\]\[T\[nH\]\[nM\]\[nS\]\] \(whole numbers, in this order\)/,
    ],
    ["P5", /"P5": expected P\[nY\]/],
    ["PT1D", /"PT1D": expected/],
    ["P1H", /"P1H": expected/],
    ["P5 D", /"P5 D": expected/],
    ["P99999999999999999999D", /days value is too large/],
  ])("rejects %j", (text, message) => {
    expect(() => parseDuration(text)).toThrow(message);
  });

  it("throws a named InvalidDurationError so callers can match on error.name", () => {
    const error = (() => {
      try {
        parseDuration("5D");
      } catch (e) {
        return e;
      }
    })();

    expect(error).toBeInstanceOf(InvalidDurationError);
    expect((error as Error).name).toBe("InvalidDurationError");
  });
});

describe("isZeroDuration", () => {
  it.each(["P0D", "PT0S", "P0Y0M0W0DT0H0M0S"])("%s is zero", (text) => {
    expect(isZeroDuration(parseDuration(text))).toBe(true);
  });

  it.each(["P1D", "PT1S", "P1Y", "P0Y1M"])("%s is not zero", (text) => {
    expect(isZeroDuration(parseDuration(text))).toBe(false);
  });

  it("rejects a negative duration built in code", () => {
    expect(() => isZeroDuration({ ...ZERO, days: -1 })).toThrow(InvalidDurationError);
  });
});

describe("durationToString", () => {
  it.each([
    [{ days: 5 }, "P5D"],
    [{ weeks: 6 }, "P6W"],
    [{ hours: 48 }, "PT48H"],
    [{ months: 1, minutes: 1 }, "P1MT1M"],
    [{ years: 1, months: 2, weeks: 3, days: 4, hours: 5, minutes: 6, seconds: 7 }, "P1Y2M3W4DT5H6M7S"],
    [{}, "P0D"],
  ])("writes %j as %s", (parts, expected) => {
    expect(durationToString({ ...ZERO, ...parts })).toBe(expected);
  });

  it("normalises leading zeros and zero components", () => {
    expect(durationToString(parseDuration("P0Y045DT0H"))).toBe("P45D");
  });

  it.each([
    [{ days: -1 }, /days must be a non-negative whole number, got -1/],
    [{ hours: 1.5 }, /hours must be a non-negative whole number, got 1.5/],
    [{ weeks: Number.NaN }, /weeks must be a non-negative whole number, got NaN/],
  ])("rejects %j", (parts, message) => {
    expect(() => durationToString({ ...ZERO, ...parts })).toThrow(message);
  });

  it("round-trips through parseDuration (property)", () => {
    fc.assert(
      fc.property(durationArb, (d) => {
        expect(parseDuration(durationToString(d))).toEqual(d);
      }),
      { numRuns: 200 },
    );
  });

  it("is a fixed point on its own output (property)", () => {
    fc.assert(
      fc.property(durationArb, (d) => {
        const canonical = durationToString(d);
        expect(durationToString(parseDuration(canonical))).toBe(canonical);
      }),
      { numRuns: 200 },
    );
  });
});

describe("approxSeconds", () => {
  it.each([
    ["P1M", 30 * DAY],
    ["P1Y", 365 * DAY],
    ["P1W", 7 * DAY],
    ["PT48H", 2 * DAY],
    ["P1DT1H1M1S", DAY + 3_661],
    ["P0D", 0],
  ])("%s is about %i seconds", (text, seconds) => {
    expect(approxSeconds(parseDuration(text))).toBe(seconds);
  });

  it("orders the procedure deadlines by size", () => {
    const sorted = ["P5Y", "P2M", "P45D", "P6W", "P1M", "P2W", "P10D", "P1W", "P5D"]; // T-12 ... T-2
    const shuffled = [...sorted].reverse();

    shuffled.sort((a, b) => approxSeconds(parseDuration(b)) - approxSeconds(parseDuration(a)));

    expect(shuffled).toEqual(sorted);
  });

  it("is zero exactly for zero durations (property)", () => {
    fc.assert(
      fc.property(durationArb, (d) => {
        expect(approxSeconds(d) === 0).toBe(isZeroDuration(d));
      }),
      { numRuns: 200 },
    );
  });
});
