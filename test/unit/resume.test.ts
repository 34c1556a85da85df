// Where a stopped case picks up again: from the persisted case alone (restart safety, operator recovery).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CaseRecord } from "../../functions/domain/complaint.ts";
import { loadConfigText } from "../../functions/domain/config.ts";
import { resumePlan } from "../../functions/workflow/resume.ts";

const H = loadConfigText(readFileSync("config/humanitarian.example.yaml", "utf8"), "H");
const T = loadConfigText(readFileSync("config/training-provider.example.yaml", "utf8"), "T");

const base = {
  reference: "CFM-2026-000001",
  status: "received",
  reachable: true,
  category: null,
  admissible: null,
  assignee: null,
  met: {},
  appealOutcome: null,
} as unknown as CaseRecord;
const at = (over: Partial<CaseRecord>, outcome: "founded" | null = null, config = H) =>
  resumePlan(config, { ...base, ...over }, { outcome })?.resumeAt ?? null;

describe("resumePlan", () => {
  it.each([
    [{ status: "received" }, "receive"],
    [{ status: "received", assignee: "officer@example.org" }, "acknowledge"],
    [{ status: "acknowledged" }, "triage"],
    [{ status: "triage", category: "programme", admissible: true }, "notify"], // H-B2 before assignment
    [{ status: "triage", category: "out-of-scope", admissible: true }, "referral"], // H-C3 (e)
    [{ status: "responded", category: "out-of-scope", admissible: true }, "referral"], // referred, not yet closed
    [{ status: "assigned" }, "contact"], // H-C3
    [{ status: "assigned", met: { contact: true } }, "conclusion"],
    [{ status: "investigating" }, "conclusion"],
    [{ status: "responded", category: "programme", admissible: true }, "appeal"],
    [{ status: "appeal" }, "appeal-decision"],
    [{ status: "appeal", appealOutcome: "upheld" }, "closure"], // H-F2
    [{ status: "appeal", appealOutcome: "upheld", met: { closure: true } }, "close-after-appeal"],
    [{ status: "closed" }, null],
  ] as Array<[Partial<CaseRecord>, string | null]>)("%o resumes at %s", (over, expected) => {
    expect(at(over)).toBe(expected);
  });

  it("an investigation already concluded resumes at the response", () => {
    expect(at({ status: "investigating" }, "founded")).toBe("respond");
  });

  it("T-4: an inadmissible case resumes at its written decision; T has no contact step", () => {
    expect(at({ status: "triage", category: "service", admissible: false }, null, T)).toBe("inadmissible");
    expect(at({ status: "assigned" }, null, T)).toBe("conclusion");
  });

  it("an anonymous case (no appeal possible) resumes at the response, which closes it", () => {
    expect(at({ status: "responded", category: "programme", admissible: true, reachable: false })).toBe(
      "respond",
    );
  });
});
