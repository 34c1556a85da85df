// Issue 11: how the case page explains each deadline (calendar or working days, holidays skipped), in the
// staff member's language.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  deadlineBasis,
  describeRule,
  holidaysBetween,
  localDay,
  weekdays,
} from "../../functions/console/format.ts";
import type { CaseRecord } from "../../functions/domain/complaint.ts";
import { loadConfigText } from "../../functions/domain/config.ts";
import { translator } from "../../functions/i18n/i18n.ts";

const training = loadConfigText(
  readFileSync(new URL("../../config/training-provider.example.yaml", import.meta.url), "utf8"),
  "training-provider.example.yaml",
);
const fr = translator("fr");
const en = translator("en");
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

describe("deadline explanations on the case page", () => {
  it("says whether a rule counts working or calendar days, in French and English", () => {
    expect(plain(describeRule({ duration: "P45D", days: "working" }, fr))).toBe("45 jours ouvrés");
    expect(plain(describeRule({ duration: "P1D", days: "calendar" }, fr))).toBe("1 jour calendaire");
    expect(plain(describeRule({ duration: "P6W", days: "calendar" }, fr))).toBe(
      "6 semaines (jours calendaires)",
    );
    expect(describeRule({ duration: "P1M", days: "working" }, en)).toBe("1 month (working days)");
    expect(describeRule({ duration: "P30D", days: "calendar" }, en)).toBe("30 calendar days");
  });

  it("names what each deadline counts from (T-2, T-5: the response by severity, from receipt)", () => {
    const record = { severity: "high" } as CaseRecord;
    const respond = deadlineBasis(training, record, "respond", fr);
    expect(respond?.working).toBe(true);
    expect(plain(respond?.text ?? "")).toMatch(
      /^\d+ jours ouvrés à compter de la réception \(selon la gravité\)$/,
    );
    const appeal = deadlineBasis(training, record, "appealWindowEnds", en);
    expect(appeal).toEqual({ text: "15 calendar days from the response", working: false });
    expect(deadlineBasis(training, record, "contact", fr)).toBeNull(); // procedure T sets no contact deadline
  });

  it("lists the organisation's holidays a working-day deadline skipped", () => {
    expect(holidaysBetween(training, "2026-04-01T08:00:00Z", "2026-05-10T08:00:00Z")).toEqual([
      "2026-04-06",
      "2026-05-01",
      "2026-05-08",
    ]);
    expect(holidaysBetween(training, "2026-04-07T08:00:00Z", "2026-04-30T08:00:00Z")).toEqual([]);
  });

  it("writes working days and dates in the staff member's language", () => {
    expect(weekdays(["mon", "tue", "fri"], "fr")).toBe("lundi, mardi, vendredi");
    expect(weekdays(["mon", "sat"], "en")).toBe("Monday, Saturday");
    expect(localDay("2026-01-20", "fr")).toBe("20 janv. 2026");
    expect(localDay("2026-01-20", "en")).toBe("20 Jan 2026");
  });
});
