// Issue 12: the coordinator's actions, as pure rules (functions/domain/actions.ts): who may act, which action
// fits which status, and what each changes.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  actionEffect,
  actionSchema,
  availableActions,
  type CaseAction,
  currentHumanStep,
  refusal,
} from "../../functions/domain/actions.ts";
import { emptyContent } from "../../functions/domain/complaint.ts";
import { loadConfigText } from "../../functions/domain/config.ts";
import { executionName, stepActor, stepCheckpoint } from "../../functions/domain/procedure.ts";
import { caseRecord } from "../events/case-record.ts";

const H = loadConfigText(readFileSync("config/humanitarian.example.yaml", "utf8"), "H");
const NOW = "2026-04-01T09:00:00.000Z";
const content = emptyContent("CFM-2026-000001");
const triaged = caseRecord({
  status: "assigned",
  category: "programme",
  severity: "medium",
  admissible: true,
  responsible: "programme@example.org",
  assignee: "programme@example.org",
  deadlines: { respond: "2026-04-13T09:00:00.000Z", contact: "2026-03-16T09:00:00.000Z" },
});
const closed = caseRecord({
  ...triaged,
  status: "closed",
  closure: "resolved",
  closedAt: "2026-03-20T09:00:00.000Z",
  assignee: null,
  completedAt: { respond: "2026-03-19T09:00:00.000Z" },
});
const refuse = (record = triaged, action: CaseAction, audience: "coordinator" | "staff" = "coordinator") =>
  refusal(H, audience, record, content, action, NOW);

describe("coordinator actions: what each needs", () => {
  it("needs a reason of at least 3 characters for every action", () => {
    for (const action of ["note", "resume", "reopen", "record-contact"]) {
      expect(actionSchema.safeParse({ action }).success, action).toBe(false);
      expect(actionSchema.safeParse({ action, reason: "  x " }).success, action).toBe(false);
      expect(actionSchema.safeParse({ action, reason: "Une raison" }).success, action).toBe(true);
    }
  });

  it("retriage needs something to correct; record-appeal says how it arrived (H-E1)", () => {
    expect(actionSchema.safeParse({ action: "retriage", reason: "Erreur" }).success).toBe(false);
    expect(
      actionSchema.safeParse({ action: "retriage", sensitive: "yes", reason: "Erreur" }).data,
    ).toMatchObject({
      sensitive: true,
    });
    expect(actionSchema.safeParse({ action: "record-appeal", reason: "Je conteste" }).success).toBe(false);
    expect(
      actionSchema.safeParse({ action: "record-appeal", channel: "letter", reason: "Je conteste" }).success,
    ).toBe(true);
  });
});

describe("coordinator actions: which fits which status", () => {
  it("refuses every action to general staff", () => {
    expect(refuse(triaged, { action: "note", reason: "Note" }, "staff")).toMatchObject({ status: 403 });
  });

  it("resume only a case that needs attention", () => {
    expect(refuse(triaged, { action: "resume", reason: "Reprise" })).toMatchObject({ status: 409 });
    expect(
      refuse({ ...triaged, flags: ["needs-attention"] }, { action: "resume", reason: "Reprise" }),
    ).toBeNull();
  });

  it("retriage only between triage and conclusion, never into a referral (H-C3 (e))", () => {
    const fraud: CaseAction = { action: "retriage", category: "fraud", reason: "Détournement" };
    expect(refuse(triaged, fraud)).toBeNull();
    expect(refuse(caseRecord({ status: "acknowledged" }), fraud)).toMatchObject({ status: 409 });
    expect(refusal(H, "coordinator", triaged, { ...content, outcome: "founded" }, fraud, NOW)).toMatchObject({
      status: 409,
    });
    expect(refuse(triaged, { ...fraud, category: "out-of-scope" })).toMatchObject({ status: 422 });
    expect(refuse(triaged, { ...fraud, category: "nope" })).toMatchObject({ status: 422, field: "category" });
  });

  it("T-7: never reassigns to a person named in the complaint", () => {
    const named = { ...content, concernedStaff: ["handler@example.org"] };
    const action: CaseAction = { action: "reassign", to: "handler@example.org", reason: "Congé" };
    expect(refusal(H, "coordinator", triaged, named, action, NOW)).toMatchObject({ status: 422 });
    expect(refuse(triaged, action)).toBeNull();
  });

  it("reopen only a closed case within its retention (T-12)", () => {
    expect(refuse(triaged, { action: "reopen", reason: "Fait nouveau" })).toMatchObject({ status: 409 });
    expect(refuse(closed, { action: "reopen", reason: "Fait nouveau" })).toBeNull();
    const old = { ...closed, closedAt: "2019-01-01T00:00:00.000Z" };
    expect(refuse(old, { action: "reopen", reason: "Fait nouveau" })).toMatchObject({ status: 409 });
  });

  it("H-E1, T-11: an appeal is recorded once, on an answered case, within the appeal window", () => {
    const appeal: CaseAction = { action: "record-appeal", channel: "letter", reason: "Je conteste" };
    expect(refuse(closed, appeal)).toBeNull(); // answered 19 March, window 30 days
    expect(refuse(triaged, appeal)).toMatchObject({ status: 409 });
    expect(refuse({ ...closed, appeals: 1 }, appeal)).toMatchObject({ status: 409 });
    expect(refuse({ ...closed, closure: "referred" }, appeal)).toMatchObject({ status: 409 });
    expect(refusal(H, "coordinator", closed, content, appeal, "2026-05-01T09:00:00.000Z")?.error).toContain(
      "appeal window ended on 2026-04-18",
    );
  });

  it("H-E1 (issue 14): staff named for the appeal record one received by phone, in person or SMS; T-1: written only", () => {
    const byPhone: CaseAction = { action: "record-appeal", channel: "phone", reason: "Appel par téléphone" };
    expect(actionSchema.safeParse({ ...byPhone, channel: "sms" }).success).toBe(true);
    expect(actionSchema.safeParse({ ...byPhone, channel: "pigeon" }).success).toBe(false);
    const as = (email: string) => refusal(H, "staff", closed, content, byPhone, NOW, email);
    // The responsible person, the appeal officer and the complaints officer; nobody else among general staff.
    for (const email of ["programme@example.org", "appeals@example.org", "officer@example.org"])
      expect(as(email), email).toBeNull();
    for (const email of ["delegate@example.org", "finance@example.org", undefined])
      expect(as(email as string), String(email)).toMatchObject({ status: 403 });
    expect(
      refusal(H, "staff", closed, content, { action: "note", reason: "Note" }, NOW, "programme@example.org"),
    ).toMatchObject({ status: 403 });
    // T-1: the training provider's procedure takes written appeals only.
    const T = loadConfigText(readFileSync("config/training-provider.example.yaml", "utf8"), "T");
    expect(refusal(T, "coordinator", closed, content, byPhone, NOW)).toMatchObject({
      status: 422,
      field: "channel",
    });
    expect(refusal(T, "coordinator", closed, content, { ...byPhone, channel: "sms" }, NOW)).toBeNull();
    expect(
      availableActions(H, closed, content, NOW, { audience: "staff", email: "programme@example.org" }),
    ).toEqual(["record-appeal"]);
    expect(
      availableActions(H, closed, content, NOW, { audience: "staff", email: "delegate@example.org" }),
    ).toEqual([]);
  });

  it("offers on the case page exactly the actions the rules allow", () => {
    expect(availableActions(H, closed, content, NOW).sort()).toEqual(["note", "record-appeal", "reopen"]);
    expect(availableActions(H, triaged, content, NOW).sort()).toEqual([
      "note",
      "reassign",
      "record-contact",
      "retriage",
    ]);
    expect(availableActions(H, { ...triaged, flags: ["needs-attention"] }, content, NOW)).toContain("resume");
  });
});

describe("coordinator actions: what each changes", () => {
  it("resume: the flag goes, the run counts, the step's reminders start again from the resumption", () => {
    const stuck = caseRecord({
      status: "acknowledged",
      flags: ["needs-attention"],
      deadlines: { triage: "2026-03-05T09:00:00.000Z" },
      reminders: { triage: 6 },
    });
    const effect = actionEffect(H, stuck, content, { action: "resume", reason: "Retour de congé" }, NOW);
    expect(effect).toMatchObject({
      restart: true,
      record: { flags: [], runs: 1, resumedAt: NOW, reminders: { triage: 0 } },
      event: { type: "resumed" },
    });
    const resumed = { ...stuck, ...effect.record };
    // H-D5: one reminder interval (2 working days) from the resumption, not the long-past deadline.
    expect(stepCheckpoint(H, resumed, "triage")).toBe("2026-04-03T09:00:00.000Z");
    expect(executionName(resumed)).toBe("CFM-2026-000001-1");
  });

  it("retriage programme → fraud: the finance manager becomes responsible, back to the assignment (H-B3)", () => {
    const effect = actionEffect(
      H,
      triaged,
      content,
      { action: "retriage", category: "fraud", reason: "Fraude" },
      NOW,
    );
    expect(effect.record).toMatchObject({
      status: "triage",
      category: "fraud",
      sensitive: true,
      responsible: "finance@example.org",
      assignee: "finance@example.org",
    });
    // No category id of a sensitive case in the event's detail.
    expect(effect.event.detail).not.toContain("fraud");
    const severityOnly = actionEffect(
      H,
      triaged,
      content,
      { action: "retriage", severity: "high", reason: "Grave" },
      NOW,
    );
    expect(severityOnly.record.status).toBeUndefined(); // same responsible: the case stays at its step
  });

  it("reopen: back to the investigation with a new response deadline, counted as a new cycle", () => {
    const effect = actionEffect(
      H,
      closed,
      { ...content, outcome: "founded" },
      { action: "reopen", reason: "Fait nouveau" },
      NOW,
    );
    expect(effect.record).toMatchObject({ status: "investigating", closure: null, reopened: 1, runs: 1 });
    expect(effect.content).toMatchObject({ outcome: null });
    expect(currentHumanStep(H, { ...closed, ...effect.record }, { outcome: null })).toBe("conclusion");
  });

  it("a step given to someone else stays with them", () => {
    const given = caseRecord({ status: "acknowledged", stepActors: { triage: "handler@example.org" } });
    expect(stepActor(H, given, "triage")).toBe("handler@example.org");
    expect(stepActor(H, caseRecord({ status: "acknowledged" }), "triage")).toBe("officer@example.org");
  });
});
