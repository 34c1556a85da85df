// The clauses the CFM job descriptions ask of the system and H-D2 (the handler monitors
// risk situations), checked on the rules that carry them (procedure.ts, routing.ts, transitions.ts, access.ts)
// with the two example configurations.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { accessFor, restricted, taskShowsInvestigation } from "../../functions/domain/access.ts";
import { type CaseRecord, emptyContent } from "../../functions/domain/complaint.ts";
import { loadConfigText } from "../../functions/domain/config.ts";
import { deadlineAfter, respondRule } from "../../functions/domain/deadlines.ts";
import {
  deadlineOutcome,
  deadlinesStartingWith,
  escalationRecipient,
  firstAssignee,
  reminderBudget,
  stepActor,
  triageRoute,
} from "../../functions/domain/procedure.ts";
import { holdersOf, responsibleFor } from "../../functions/domain/routing.ts";
import { applyAssignment, applyTriage, investigationChange } from "../../functions/domain/transitions.ts";
import { InvalidDecisionError } from "../../functions/errors.ts";
import { caseRecord } from "../events/case-record.ts";

const H = loadConfigText(readFileSync("config/humanitarian.example.yaml", "utf8"), "H");
const T = loadConfigText(readFileSync("config/training-provider.example.yaml", "utf8"), "T");
const AT = "2026-03-03T09:00:00.000Z";
const noFacts = { concernedStaff: [] as string[], conflict: false };

function received(overrides: Partial<CaseRecord> = {}): CaseRecord {
  return caseRecord({
    status: "acknowledged",
    receivedAt: "2026-03-02T09:00:00.000Z",
    deadlines: { triage: "2026-03-05T09:00:00.000Z", respond: "2026-04-13T09:00:00.000Z" },
    ...overrides,
  });
}

describe("R-1: one centralised mechanism, every complaint triaged and forwarded to the right people", () => {
  it.each([
    ["H", H],
    ["T", T],
  ] as const)(
    "R-1 (%s): every case starts with the triage officer, and every category reaches its responsible role",
    (_name, config) => {
      const officer = firstAssignee(config);
      expect(holdersOf(config, config.steps.triage).map((s) => s.address)).toContain(officer);
      expect(stepActor(config, received(), "triage")).toBe(officer);
      for (const category of config.categories) {
        const triaged = applyTriage(
          config,
          received(),
          emptyContent("CFM-2026-000001"),
          {
            category: category.id,
            severity: "medium",
            admissible: true,
            reason: "Orientation vers le service.",
          },
          AT,
          officer,
        );
        if (category.outcome === "referral") {
          expect(triaged.route).toBe("referral");
          continue;
        }
        expect(triaged.route).toBe("investigate");
        const responsible = triaged.record.responsible as string;
        expect(holdersOf(config, category.responsible as string).map((s) => s.address)).toContain(
          responsible,
        );
        expect(triaged.record.assignee).toBe(responsible);
      }
    },
  );
});

describe("R-4: categorisation by type (sensitive or not), responsible people, timing, confidentiality", () => {
  it("R-4: each category of H carries its sensitivity, which decides who reads the case", () => {
    for (const category of H.categories) {
      const triaged = applyTriage(
        H,
        received(),
        emptyContent("CFM-2026-000001"),
        {
          category: category.id,
          severity: "low",
          admissible: true,
          reason: "Voir l’organisation concernée.",
        },
        AT,
        "officer@example.org",
      );
      expect(triaged.record.sensitive).toBe(category.sensitive);
      const record = received({ ...triaged.record, category: category.id } as Partial<CaseRecord>);
      // A member of staff with no part in the case reads a non-sensitive case, never a sensitive one.
      const bystander = accessFor(H, { email: "delegate@example.org", audience: "staff" }, record);
      expect(bystander.details).toBe(!category.sensitive);
      expect(restricted(record)).toBe(category.sensitive);
    }
  });

  it("R-4: the response timing follows the type where the organisation says so (T-5 severities), else one deadline", () => {
    expect(respondRule(T, "high")).toEqual({ duration: "P10D", days: "working" });
    expect(respondRule(T, "low")).toEqual({ duration: "P45D", days: "working" });
    expect(respondRule(H, "high")).toEqual(H.deadlines.respond);
  });

  it("R-4: the responsible people differ per category (H-B3)", () => {
    const responsible = H.categories
      .filter((c) => c.outcome === "investigate")
      .map((c) => responsibleFor(H, c.id, noFacts));
    expect(new Set(responsible).size).toBeGreaterThan(2);
  });
});

describe("R-8: classification, referral and follow-up to resolution, sensitive cases included", () => {
  it("R-8: a sensitive case is classified, followed by the responsible person, and reminded and escalated like any other", () => {
    const triaged = applyTriage(
      H,
      received(),
      emptyContent("CFM-2026-000001"),
      { category: "sexual-exploitation-abuse", severity: "high", admissible: true },
      AT,
      "officer@example.org",
    );
    expect(triaged.record).toMatchObject({ sensitive: true, responsible: "director@example.org" });
    for (const step of ["assignment", "contact", "conclusion", "closure"] as const)
      expect(reminderBudget(H, step)).toBeGreaterThan(0);
    expect(escalationRecipient(H, "handler@example.org", { concernedStaff: [] })).toBe("officer@example.org");
  });

  it("R-8: a case outside the organisation's remit is referred, with the text telling the complainant where to turn", () => {
    expect(triageRoute(H, "out-of-scope", true)).toBe("referral");
    expect(() =>
      applyTriage(
        H,
        received(),
        emptyContent("CFM-2026-000001"),
        { category: "out-of-scope", severity: "low", admissible: true },
        AT,
        "officer@example.org",
      ),
    ).toThrow(InvalidDecisionError);
  });
});

describe("R-9: feedback to complainants and closure within the set deadlines", () => {
  const now = "2026-05-01T09:00:00.000Z";

  it("R-9: the response is met when given by its deadline, missed when still open past it", () => {
    const base = { reachable: true, status: "investigating" as const, overdue: [] };
    const deadlines = { respond: "2026-04-13T09:00:00.000Z" };
    expect(deadlineOutcome({ ...base, deadlines, met: { respond: true } }, "respond", now)).toBe("met");
    expect(deadlineOutcome({ ...base, deadlines, met: {} }, "respond", now)).toBe("missed");
    expect(deadlineOutcome({ ...base, deadlines, met: {} }, "respond", "2026-04-01T09:00:00.000Z")).toBe(
      "running",
    );
  });

  it("R-9: the closure has a deadline of its own from the moment its step starts", () => {
    const start = new Date("2026-05-04T09:00:00.000Z");
    expect(deadlinesStartingWith(H, received({ status: "appeal" }), "closure", start)).toEqual({
      closure: deadlineAfter(H, start, H.deadlines.closure),
    });
  });
});

describe("H-D2: the handler monitors risk situations, notably retaliation", () => {
  it("H-D2: the risks noted at assignment reach the handler's task pages, of a sensitive case too", () => {
    const sensitive = received({
      sensitive: true,
      category: "sexual-exploitation-abuse",
      responsible: "director@example.org",
    });
    const assigned = applyAssignment(
      sensitive,
      {
        decision: "delegate",
        delegate: "handler@example.org",
        risks: "Menaces de représailles contre un témoin.",
      },
      AT,
      "director@example.org",
    );
    // Kept where only the keepers read them (H-D1), and the handler is one of them.
    expect(assigned.details?.risks ?? assigned.content?.risks).toBe(
      "Menaces de représailles contre un témoin.",
    );
    const handled = { ...sensitive, ...assigned.record, handler: "handler@example.org" };
    for (const step of ["contact", "conclusion", "progress"])
      expect(taskShowsInvestigation(handled, step, "handler@example.org")).toBe(true);
    expect(accessFor(H, { email: "handler@example.org", audience: "staff" }, handled).investigation).toBe(
      true,
    );
    // Nobody else on staff reads them.
    expect(accessFor(H, { email: "programme@example.org", audience: "staff" }, handled).investigation).toBe(
      false,
    );
    expect(investigationChange(sensitive, { risks: "x" })).toEqual({ details: { risks: "x" } });
  });
});

describe("T-7: the person who handles a case naming the management can be a named person", () => {
  const withDelegate = {
    ...T,
    conflictOfInterest: { managementNamed: "president", delegate: "appeals@example.org" },
  };
  const conflict = { concernedStaff: ["supervisor@example.org"], conflict: true };

  it("T-7: the named delegate handles it, not the president role's holder", () => {
    expect(responsibleFor(T, "service", conflict)).toBe("president@example.org");
    expect(responsibleFor(withDelegate, "service", conflict)).toBe("appeals@example.org");
  });

  it("T-7: a delegate named in the complaint too is passed over for the role's holder", () => {
    const named = { concernedStaff: ["supervisor@example.org", "appeals@example.org"], conflict: true };
    expect(responsibleFor(withDelegate, "service", named)).toBe("president@example.org");
  });

  it("T-7: a delegate who is not in the staff directory is refused by the config check", () => {
    const text = readFileSync("config/training-provider.example.yaml", "utf8").replace(
      "managementNamed: president",
      "managementNamed: president\n  delegate: nobody@example.org",
    );
    expect(() => loadConfigText(text, "T")).toThrow(
      /conflictOfInterest\.delegate: nobody@example\.org is not in staff/,
    );
  });
});
