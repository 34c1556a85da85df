import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  extractReferences,
  formatReference,
  InvalidReferenceError,
  parseReference,
  REFERENCE_PATTERN,
} from "../../functions/domain/reference.ts";

describe("formatReference", () => {
  it("zero-pads the number to 6 digits", () => {
    expect(formatReference(2026, 1)).toBe("CFM-2026-000001");
    expect(formatReference(2026, 123)).toBe("CFM-2026-000123");
    expect(formatReference(2027, 999_999)).toBe("CFM-2027-999999");
  });

  it.each([
    [2026, 0],
    [2026, 1_000_000],
    [2026, 1.5],
    [2026, -3],
    [26, 1],
    [12026, 1],
    [Number.NaN, 1],
  ])("rejects year %s, number %s with InvalidReferenceError", (year, n) => {
    expect(() => formatReference(year, n)).toThrow(InvalidReferenceError);
  });

  it("round-trips through parseReference and matches REFERENCE_PATTERN (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 9999 }), fc.integer({ min: 1, max: 999_999 }), (year, n) => {
        const reference = formatReference(year, n);
        expect(reference).toMatch(REFERENCE_PATTERN);
        expect(parseReference(reference)).toEqual({ year, n });
        expect(extractReferences(`Re: [${reference}] suite`)).toEqual([reference]);
      }),
    );
  });
});

describe("REFERENCE_PATTERN", () => {
  it("matches exactly one whole reference", () => {
    expect(REFERENCE_PATTERN.test("CFM-2026-000123")).toBe(true);
    expect(REFERENCE_PATTERN.test("[CFM-2026-000123]")).toBe(false);
    expect(REFERENCE_PATTERN.test("CFM-2026-00123")).toBe(false);
    expect(REFERENCE_PATTERN.test("CFM-2026-0001234")).toBe(false);
    expect(REFERENCE_PATTERN.test("cfm-2026-000123")).toBe(false);
  });
});

describe("parseReference", () => {
  it("answers null for anything that is not a reference", () => {
    expect(parseReference("CFM-2026-12")).toBeNull();
    expect(parseReference("Re: CFM-2026-000123")).toBeNull();
  });
});

describe("extractReferences", () => {
  it.each([
    ["[CFM-2026-000123]", ["CFM-2026-000123"]],
    ["Re: RE: TR: [CFM-2026-000123] Plainte concernant la distribution à Kati", ["CFM-2026-000123"]],
    ["AW: Fwd: Réf. CFM-2026-000045 : complément", ["CFM-2026-000045"]],
    ["re: [cfm-2026-000045] merci", ["CFM-2026-000045"]],
    ["[CFM-2026-000001] et [CFM-2025-999999]", ["CFM-2026-000001", "CFM-2025-999999"]],
    ["Re: [CFM-2026-000123] Re: [CFM-2026-000123]", ["CFM-2026-000123"]],
  ])("finds the references in %j", (subject, expected) => {
    expect(extractReferences(subject)).toEqual(expected);
  });

  it.each([
    "Plainte concernant la distribution à Kati",
    "CFM-2026-00123 (5 digits)",
    "CFM-2026-0001234 (7 digits)",
    "XCFM-2026-000123",
    "CFM-26-000123",
    "",
  ])("finds nothing in %j", (subject) => {
    expect(extractReferences(subject)).toEqual([]);
  });

  it("gives the same answer when called twice (no shared regex state)", () => {
    const subject = "Re: [CFM-2026-000123]";
    expect(extractReferences(subject)).toEqual(extractReferences(subject));
  });
});
