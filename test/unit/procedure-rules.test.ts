// The procedures' routing, deadline and decision rules, on the two example configurations.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type CaseRecord, emptyContent } from "../../functions/domain/complaint.ts";
import { loadConfigText } from "../../functions/domain/config.ts";
import { factsTooOld, initialDeadlines, reminderDue } from "../../functions/domain/deadlines.ts";
import { escalationTarget, notifiedFor, responsibleFor } from "../../functions/domain/routing.ts";
import {
  applyAppeal,
  applyAppealDecision,
  applyAppealMember,
  applyAssignment,
  applyConclusion,
  applyContact,
  applyTriage,
  closureFor,
} from "../../functions/domain/transitions.ts";
import { caseRecord } from "../events/case-record.ts";

const H = loadConfigText(readFileSync("config/humanitarian.example.yaml", "utf8"), "H");
const T = loadConfigText(readFileSync("config/training-provider.example.yaml", "utf8"), "T");
const none = { concernedStaff: [], conflict: false };
const AT = "2026-03-04T09:00:00.000Z";

function record(overrides: Partial<CaseRecord> = {}): CaseRecord {
  return caseRecord({
    status: "acknowledged",
    assignee: "officer@example.org",
    deadlines: { triage: "2026-03-05T09:00:00.000Z", respond: "2026-04-13T09:00:00.000Z" },
    version: 2,
    ...overrides,
  });
}

describe("routing (H-B2, H-B3, T-7)", () => {
  it.each([
    ["programme", "programme@example.org"], // H-B3 (a)
    ["sexual-exploitation-abuse", "director@example.org"], // H-B3 (b)
    ["fraud", "finance@example.org"], // H-B3 (c)
    ["misconduct", "manager@example.org"], // H-B3 (d)
  ])("assigns %s to %s", (category, expected) => {
    expect(responsibleFor(H, category, none)).toBe(expected);
  });

  it("H-B3 (d): assigns the line manager of the employee concerned when the directory knows them", () => {
    expect(
      responsibleFor(H, "misconduct", { concernedStaff: ["programme@example.org"], conflict: false }),
    ).toBe("director@example.org");
  });

  it("H-B2: notifies the staff delegate for sexual exploitation and abuse, the finance manager for fraud", () => {
    expect(notifiedFor(H, "sexual-exploitation-abuse", none)).toEqual(["delegate@example.org"]);
    expect(notifiedFor(H, "fraud", none)).toEqual(["finance@example.org"]);
    expect(notifiedFor(H, "programme", none)).toEqual([]);
  });

  it("never notifies a person concerned by the complaint", () => {
    expect(notifiedFor(H, "fraud", { concernedStaff: ["finance@example.org"], conflict: false })).toEqual([]);
  });

  it("T-7: the president handles a complaint that names management", () => {
    expect(responsibleFor(T, "service", { concernedStaff: ["director@example.org"], conflict: false })).toBe(
      "president@example.org",
    );
    expect(responsibleFor(T, "service", { concernedStaff: [], conflict: true })).toBe(
      "president@example.org",
    );
    expect(responsibleFor(T, "service", none)).toBe("handler@example.org");
  });

  it("H-D5: escalates to the assignee's supervisor, else the coordinator", () => {
    expect(escalationTarget(H, "handler@example.org")).toBe("officer@example.org");
    expect(escalationTarget(H, "delegate@example.org")).toBe("officer@example.org");
    expect(escalationTarget(H, "programme@example.org")).toBe("director@example.org");
  });
});

describe("deadlines (H-A2, H-C3, H-D3, T-2, T-4, T-5)", () => {
  it("H: acknowledge within 1 week, contact within 2 weeks, respond within 6 weeks of receipt", () => {
    const d = initialDeadlines(H, "2026-03-02T09:00:00.000Z");
    expect(d.acknowledge).toBe("2026-03-09T09:00:00.000Z");
    expect(d.contact).toBe("2026-03-16T09:00:00.000Z");
    expect(d.respond).toBe("2026-04-13T09:00:00.000Z");
    expect(d.writtenNotice).toBeUndefined();
  });

  it("T: acknowledge within 5 working days (skipping Easter Monday), written notice within 10 days", () => {
    // Thursday 2 April 2026, 10:00 Paris; Monday 6 April is a holiday.
    const d = initialDeadlines(T, "2026-04-02T08:00:00.000Z");
    expect(d.acknowledge).toBe("2026-04-10T08:00:00.000Z");
    expect(d.writtenNotice).toBe("2026-04-12T08:00:00.000Z");
    expect(d.contact).toBeUndefined();
  });

  it("T-5: severity high must be answered within 10 working days of receipt", () => {
    const triaged = applyTriage(
      T,
      record({ receivedAt: "2026-04-02T08:00:00.000Z" }),
      emptyContent("CFM-2026-000001"),
      {
        category: "service",
        severity: "high",
        admissible: true,
      },
      "2026-04-03T08:00:00.000Z",
      "officer@example.org",
    );
    // 10 working days after Thu 2 April, skipping Easter Monday: Fri 17 April.
    expect(triaged.record.deadlines?.respond).toBe("2026-04-17T08:00:00.000Z");
  });

  it("T-4: facts older than 2 months at receipt are too old", () => {
    expect(factsTooOld(T, "2026-01-15", "2026-04-02T08:00:00.000Z")).toBe(true);
    expect(factsTooOld(T, "2026-03-15", "2026-04-02T08:00:00.000Z")).toBe(false);
    expect(factsTooOld(H, "2020-01-01", "2026-04-02T08:00:00.000Z")).toBe(false); // H has no such rule
  });

  it("reminders fall every 2 working days after a missed deadline", () => {
    expect(reminderDue(H, "2026-03-05T09:00:00.000Z", 0)).toBe("2026-03-05T09:00:00.000Z");
    expect(reminderDue(H, "2026-03-05T09:00:00.000Z", 1)).toBe("2026-03-09T09:00:00.000Z"); // Thu -> Mon
  });
});

describe("decisions", () => {
  const content = emptyContent("CFM-2026-000001");

  it("H-B1/H-B3: triage routes an investigated category to its responsible person", () => {
    const d = applyTriage(
      H,
      record(),
      content,
      { category: "fraud", severity: "high", admissible: true },
      "2026-03-03T09:00:00.000Z",
      "officer@example.org",
    );
    expect(d.route).toBe("investigate");
    expect(d.record).toMatchObject({
      status: "triage",
      sensitive: true,
      responsible: "finance@example.org",
      assignee: "finance@example.org",
    });
    expect(d.record.met).toEqual({ triage: true });
    expect(d.event.detail).toBeUndefined(); // a sensitive category is not written on the timeline
    // H-B3 (issue 14): the assignment is on the timeline, as its own `assigned` event.
    expect(d.also).toEqual([
      { type: "assigned", actor: "officer@example.org", detail: "finance@example.org" },
    ]);
  });

  it("T-4: facts older than two months at receipt cannot be admitted at triage", () => {
    const old = { ...content, factsDate: "2025-12-01" };
    const r = record({ receivedAt: "2026-03-02T09:00:00.000Z" });
    const values = { category: "service", severity: "low" as const, admissible: true };
    expect(() => applyTriage(T, r, old, values, "2026-03-03T09:00:00.000Z", "o")).toThrow(/T-4/);
    expect(
      applyTriage(
        T,
        r,
        old,
        { ...values, admissible: false, reason: "Faits de décembre." },
        "2026-03-03T09:00:00.000Z",
        "o",
      ).route,
    ).toBe("inadmissible");
    expect(
      applyTriage(T, r, { ...content, factsDate: "2026-02-01" }, values, "2026-03-03T09:00:00.000Z", "o")
        .route,
    ).toBe("investigate");
  });

  it("T-4 (issue 14): the date of the facts recorded at triage decides, and is kept with the case", () => {
    const r = record({ receivedAt: "2026-03-02T09:00:00.000Z" });
    const values = { category: "service", severity: "low" as const, admissible: true };
    // An email gives no date of the facts: the officer records the one its text gives.
    const unknown = { ...content, factsDate: null };
    expect(() =>
      applyTriage(T, r, unknown, { ...values, factsDate: "2025-12-01" }, "2026-03-03T09:00:00.000Z", "o"),
    ).toThrow(/T-4/);
    const inadmissible = applyTriage(
      T,
      r,
      unknown,
      { ...values, admissible: false, reason: "Faits de décembre.", factsDate: "2025-12-01" },
      "2026-03-03T09:00:00.000Z",
      "o",
    );
    expect(inadmissible.route).toBe("inadmissible");
    expect(inadmissible.content?.factsDate).toBe("2025-12-01");
    const admitted = applyTriage(
      T,
      r,
      unknown,
      { ...values, factsDate: "2026-02-01" },
      "2026-03-03T09:00:00.000Z",
      "o",
    );
    expect(admitted.content?.factsDate).toBe("2026-02-01");
  });

  it("H-C3 (e): out of scope is referred; T-4: inadmissible is decided in writing", () => {
    expect(
      applyTriage(
        H,
        record(),
        content,
        { category: "out-of-scope", severity: "low", admissible: true, reason: "Mairie de Kati." },
        "2026-03-03T09:00:00.000Z",
        "o",
      ).route,
    ).toBe("referral");
    // H-C3 (e): never a referral that does not say where to turn.
    expect(() =>
      applyTriage(
        H,
        record(),
        content,
        { category: "out-of-scope", severity: "low", admissible: true },
        "2026-03-03T09:00:00.000Z",
        "o",
      ),
    ).toThrow(/H-C3 \(e\)/);
    const inadmissible = applyTriage(
      T,
      record(),
      content,
      { category: "service", severity: "low", admissible: false, reason: "Faits de 2025" },
      "2026-03-03T09:00:00.000Z",
      "o",
    );
    expect(inadmissible.route).toBe("inadmissible");
    expect(inadmissible.content?.triageReason).toBe("Faits de 2025");
  });

  it("H-C2: a delegation reassigns the case to the handler", () => {
    const d = applyAssignment(
      record({ responsible: "programme@example.org" }),
      { decision: "delegate", delegate: "handler@example.org" },
      "2026-03-04T09:00:00.000Z",
      "programme@example.org",
    );
    expect(d.record.assignee).toBe("handler@example.org");
    expect(d.event).toEqual({
      type: "delegated",
      actor: "programme@example.org",
      detail: "handler@example.org",
    });
  });

  it("H-D1: a sensitive case records the outcome in the shared record; measures and response stay private", () => {
    const d = applyConclusion(
      record({ sensitive: true }),
      { outcome: "founded", measures: "Licenciement de X", response: "Procédure disciplinaire" },
      "2026-03-20T09:00:00.000Z",
      "director@example.org",
    );
    expect(d.content?.outcome).toBe("founded");
    expect(d.content).not.toHaveProperty("measures");
    expect(d.content).not.toHaveProperty("response");
    expect(JSON.stringify(d.content)).not.toContain("Licenciement");
    expect(d.details).toEqual({ measures: "Licenciement de X", response: "Procédure disciplinaire" });
  });

  it("H-C1, H-D1: an untriaged or sensitive case's course of action, risks and contact note go to the private details", () => {
    for (const r of [record({ sensitive: true }), record({ category: null })]) {
      const assigned = applyAssignment(
        r,
        { decision: "accept", courseOfAction: "entendre le témoin", risks: "représailles" },
        AT,
        "director@example.org",
      );
      expect(assigned.content).toBeUndefined();
      expect(assigned.details).toEqual({ courseOfAction: "entendre le témoin", risks: "représailles" });
      const contacted = applyContact(r, { note: "appelée" }, AT, "handler@example.org");
      expect(contacted.content).toBeUndefined();
      expect(contacted.details).toEqual({ contactNote: "appelée" });
    }
    const open = applyAssignment(
      record({ category: "programme" }),
      { decision: "accept", courseOfAction: "visite du site", risks: "aucun" },
      AT,
      "programme@example.org",
    );
    // H-C1: a case that is not sensitive keeps its course of action with its content, beside the risks.
    expect(open.content).toEqual({ courseOfAction: "visite du site", risks: "aucun" });
    expect(open.details).toBeUndefined();
  });

  it("H-C2, H-D1: the assignment names the handler, who keeps the details with the responsible person", () => {
    const d = applyAssignment(
      record({ responsible: "director@example.org" }),
      { decision: "delegate", delegate: "Handler@example.org" },
      AT,
      "director@example.org",
    );
    expect(d.record.handler).toBe("handler@example.org");
  });

  it("T-13: a late response needs a justification of its delay", () => {
    const late = record({ deadlines: { respond: "2026-04-13T09:00:00.000Z" } });
    expect(() =>
      applyConclusion(late, { outcome: "unfounded", response: "r" }, "2026-04-20T09:00:00.000Z", "h"),
    ).toThrow(/T-13/);
    const d = applyConclusion(
      late,
      { outcome: "unfounded", response: "r", justification: "Témoin absent" },
      "2026-04-20T09:00:00.000Z",
      "h",
    );
    expect(d.content?.lateJustification).toBe("Témoin absent");
    expect(d.record.flags).toContain("late");
  });

  it("T-11: one appeal, one extension of one month", () => {
    const filed = applyAppeal(
      T,
      record({ status: "responded" }),
      { reason: "Je conteste la décision." },
      "2026-05-04T08:00:00.000Z",
    );
    expect(filed.record.appeals).toBe(1);
    expect(filed.record.deadlines?.appealDecision).toBe("2026-06-04T08:00:00.000Z");
    expect(() =>
      applyAppeal(T, record({ appeals: 1 }), { reason: "Encore une fois." }, "2026-05-05T08:00:00.000Z"),
    ).toThrow(/one appeal/);
    const appealing = record({
      status: "appeal",
      appeals: 1,
      deadlines: { appealDecision: "2026-06-04T08:00:00.000Z" },
    });
    const extended = applyAppealDecision(
      T,
      appealing,
      { decision: "extend", reasoning: "Expertise" },
      "2026-06-01T08:00:00.000Z",
      "appeals@example.org",
    );
    expect(extended.route).toBe("extend");
    expect(extended.record.deadlines?.appealDecision).toBe("2026-07-04T08:00:00.000Z");
    expect(() =>
      applyAppealDecision(
        T,
        { ...appealing, appealExtensions: 1 },
        { decision: "extend", reasoning: "x" },
        "2026-07-01T08:00:00.000Z",
        "a",
      ),
    ).toThrow(/extension/);
    expect(() =>
      applyAppealDecision(
        H,
        appealing,
        { decision: "extend", reasoning: "x" },
        "2026-06-01T08:00:00.000Z",
        "a",
      ),
    ).toThrow(/extension/);
  });

  it("T-10: no reply within the window closes as the procedure says", () => {
    expect(closureFor(T, "window-passed")).toBe("no-response");
    expect(closureFor(H, "window-passed")).toBe("resolved");
    expect(closureFor(H, "appeal-decided")).toBe("appeal-decided");
  });
});

describe("H-E2: the appeal officer assigns a member to handle the appeal", () => {
  it("records the member on the case and an `assigned` event, without deciding the appeal", () => {
    const appealing = record({ status: "appeal", assignee: "appeals@example.org", appeals: 1 });
    const d = applyAppealMember(appealing, "Handler@example.org", "appeals@example.org");
    expect(d.record).toEqual({ appealHandler: "handler@example.org" });
    expect(d.event).toEqual({
      type: "assigned",
      actor: "appeals@example.org",
      detail: "appeal:handler@example.org",
    });
    // The appeal decision stays with the appeal officer (the step's assignee does not change).
    expect(d.record).not.toHaveProperty("assignee");
    expect(d.record).not.toHaveProperty("appealOutcome");
  });

  it("only while the case is in appeal, and never to a person named in the complaint (T-7)", () => {
    expect(() => applyAppealMember(record({ status: "responded" }), "handler@example.org", "a")).toThrow(
      /not in appeal/,
    );
    expect(() =>
      applyAppealMember(record({ status: "appeal" }), "Manager@example.org", "a", ["manager@example.org"]),
    ).toThrow(/T-7/);
  });
});
