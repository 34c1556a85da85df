// ISO 8601 durations for deadlines and retention (H-A2 P1W, T-2 P5D, T-4 P2M, T-12 P5Y).
// Only whole, non-negative components: a deadline is never negative, and fractions ("P1.5D") have
// no clear meaning once days are counted as working days. Zero is valid here; the config layer
// rejects it with isZeroDuration where a zero deadline makes no sense.

import { InvalidDurationError } from "../errors.ts";

export { InvalidDurationError };

export interface IsoDuration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const UNITS = ["years", "months", "weeks", "days", "hours", "minutes", "seconds"] as const;
const DATE_DESIGNATORS = [
  ["years", "Y"],
  ["months", "M"],
  ["weeks", "W"],
  ["days", "D"],
] as const;
const TIME_DESIGNATORS = [
  ["hours", "H"],
  ["minutes", "M"],
  ["seconds", "S"],
] as const;

const PATTERN = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const EXPECTED =
  "expected P[nY][nM][nW][nD][T[nH][nM][nS]] (whole numbers, in this order), e.g. P5D, P2W, P1M, PT48H";

/** Parses an ISO 8601 duration such as P5D, P2W, P1M, P5Y, P1Y2M10DT2H30M or PT48H. */
export function parseDuration(text: string): IsoDuration {
  const fail = (reason: string): never => {
    throw new InvalidDurationError(`invalid ISO 8601 duration ${JSON.stringify(text)}: ${reason}`);
  };
  if (typeof text !== "string" || text === "") return fail(`empty; ${EXPECTED}`);
  if (text.trim() !== text) return fail("leading or trailing spaces");
  if (text.includes("-")) return fail("negative durations are not allowed");
  if (!text.startsWith("P")) return fail(`must start with "P" (upper case); ${EXPECTED}`);
  if (/[.,]/.test(text)) return fail(`fractional values are not supported; ${EXPECTED}`);
  if (text === "P") return fail('no component after "P", e.g. P5D');
  if (text.endsWith("T")) return fail('"T" must be followed by hours, minutes or seconds, e.g. PT48H');
  const match = PATTERN.exec(text);
  if (!match) return fail(EXPECTED);
  const duration = {} as IsoDuration;
  UNITS.forEach((unit, i) => {
    const value = Number(match[i + 1] ?? "0");
    if (!Number.isSafeInteger(value)) fail(`${unit} value is too large`);
    duration[unit] = value;
  });
  return duration;
}

export function isZeroDuration(d: IsoDuration): boolean {
  assertValidDuration(d);
  return UNITS.every((unit) => d[unit] === 0);
}

/** Canonical form (zero components omitted, "P0D" for zero); parseDuration(durationToString(d)) equals d. */
export function durationToString(d: IsoDuration): string {
  assertValidDuration(d);
  const date = DATE_DESIGNATORS.map(([unit, letter]) => (d[unit] ? `${d[unit]}${letter}` : "")).join("");
  const time = TIME_DESIGNATORS.map(([unit, letter]) => (d[unit] ? `${d[unit]}${letter}` : "")).join("");
  if (!date && !time) return "P0D";
  return `P${date}${time ? `T${time}` : ""}`;
}

/** Rough size in seconds, for sorting and sanity checks only (1M = 30 days, 1Y = 365 days). */
export function approxSeconds(d: IsoDuration): number {
  assertValidDuration(d);
  const day = 86_400;
  return (
    d.years * 365 * day +
    d.months * 30 * day +
    d.weeks * 7 * day +
    d.days * day +
    d.hours * 3_600 +
    d.minutes * 60 +
    d.seconds
  );
}

/** Durations built in code (not parsed) get the same guarantees as parsed ones. */
export function assertValidDuration(d: IsoDuration): void {
  for (const unit of UNITS) {
    const value = d[unit];
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new InvalidDurationError(
        `invalid duration: ${unit} must be a non-negative whole number, got ${String(value)}`,
      );
    }
  }
}
