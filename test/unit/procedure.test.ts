// The procedure module's rules (functions/domain/procedure.ts), on the two example configurations.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type CaseRecord, emptyContent } from "../../functions/domain/complaint.ts";
import { loadConfigText } from "../../functions/domain/config.ts";
import { deadlineAfter } from "../../functions/domain/deadlines.ts";
import {
  appealExtensionAvailable,
  caseFlags,
  closureFor,
  deadlinesAtReceipt,
  deadlinesStartingWith,
  escalationRecipient,
  explainers,
  hasContactStep,
  isAppealable,
  isLateResponse,
  isShortPath,
  neverTold,
  nextProgressUpdate,
  offersExplanations,
  owesProgressUpdate,
  progressLinkExpiry,
  reminderBudget,
  repliedAfterResponse,
  shortPathOf,
  stepActor,
  stepCheckpoint,
  stepRounds,
  triagedRoute,
  triageRoute,
} from "../../functions/domain/procedure.ts";
import { escalationTarget, responsibleFor, unnamedHolderOf } from "../../functions/domain/routing.ts";
import { applyAnswer, applyAppeal, applyTriage } from "../../functions/domain/transitions.ts";
import { HUMAN_STEPS } from "../../functions/domain/vocabulary.ts";
import { InvalidDecisionError, NoRoleHolderError } from "../../functions/errors.ts";
import { loopBound } from "../../workflows/history-bound.ts";
import { caseRecord } from "../events/case-record.ts";

const H = loadConfigText(readFileSync("config/humanitarian.example.yaml", "utf8"), "H");
const T = loadConfigText(readFileSync("config/training-provider.example.yaml", "utf8"), "T");

function record(overrides: Partial<CaseRecord> = {}): CaseRecord {
  return caseRecord({
    status: "acknowledged",
    assignee: "officer@example.org",
    receivedAt: "2026-03-02T09:00:00.000Z",
    deadlines: { triage: "2026-03-05T09:00:00.000Z", respond: "2026-04-13T09:00:00.000Z" },
    version: 2,
    ...overrides,
  });
}

describe("who acts (H-B1, H-B3, H-C1, H-C2, H-E1, H-E2, H-F2)", () => {
  it("routes each step to the person the procedure names", () => {
    const r = record({ responsible: "programme@example.org", assignee: "handler@example.org" });
    expect(stepActor(H, r, "triage")).toBe("officer@example.org"); // H-B1
    expect(stepActor(H, r, "assignment")).toBe("programme@example.org"); // H-C1
    expect(stepActor(H, r, "contact")).toBe("handler@example.org"); // H-C2
    expect(stepActor(H, r, "conclusion")).toBe("handler@example.org");
    expect(stepActor(H, r, "appeal")).toBe("complainant"); // H-E1
    expect(stepActor(H, r, "appeal-decision")).toBe("appeals@example.org"); // H-E2
    expect(stepActor(H, r, "closure")).toBe("officer@example.org"); // H-F2
  });

  it("falls back to the investigation role when nobody holds the case yet", () => {
    expect(stepActor(H, record({ assignee: null, responsible: null }), "conclusion")).toBe(
      "handler@example.org",
    );
  });
});

describe("T-7: the person named in the complaint is never told", () => {
  const named = { concernedStaff: ["supervisor@example.org"] };

  it("names the concerned staff as the people never told", () => {
    expect(neverTold(named)).toEqual(["supervisor@example.org"]);
  });

  it("escalates an overdue step past a supervisor named in the complaint, to the coordinator", () => {
    // The closure check's actor is the officer, whose supervisor is named in the complaint.
    expect(escalationRecipient(H, "officer@example.org", { concernedStaff: [] })).toBe(
      "supervisor@example.org",
    );
    expect(escalationRecipient(H, "officer@example.org", named)).toBe(H.organisation.coordinator);
  });
});

describe("T-3, T-7: a case never stops because the person who would handle it is named in it", () => {
  const facts = (concernedStaff: string[], conflict = false) => ({ concernedStaff, conflict });

  it("T-3: the trainer named is the only complaints handler: their supervisor takes the case", () => {
    expect(responsibleFor(T, "service", facts([]))).toBe("handler@example.org");
    expect(responsibleFor(T, "service", facts(["handler@example.org"]))).toBe("officer@example.org");
  });

  it("T-7: management named: the president; the president named too: the coordinator", () => {
    expect(responsibleFor(T, "service", facts(["director@example.org"], true))).toBe("president@example.org");
    expect(responsibleFor(T, "service", facts(["director@example.org", "president@example.org"], true))).toBe(
      "officer@example.org",
    );
  });

  it("T-7: an escalation past a named coordinator goes to the president", () => {
    expect(escalationTarget(T, "handler@example.org", ["officer@example.org"])).toBe("president@example.org");
  });

  it("T-7: the triage, closure check and appeal decision never go to a holder named in the complaint", () => {
    const r = record({ responsible: "programme@example.org", assignee: "handler@example.org" });
    // H-B1, H-F2: the complaints officer named: the officer's supervisor triages and checks the closure.
    expect(stepActor(H, r, "triage", ["officer@example.org"])).toBe("supervisor@example.org");
    expect(stepActor(H, r, "closure", ["officer@example.org"])).toBe("supervisor@example.org");
    // H-E2: the only appeal officer named (no supervisor): the coordinator, or the president when the
    // coordinator is named too.
    expect(stepActor(H, r, "appeal-decision", ["appeals@example.org"])).toBe(H.organisation.coordinator);
    expect(stepActor(T, r, "appeal-decision", ["appeals@example.org", "officer@example.org"])).toBe(
      "president@example.org",
    );
    // Without anybody named, the role's holder as before.
    expect(stepActor(H, r, "closure", [])).toBe("officer@example.org");
  });

  it("T-7: an appeal filed against a case naming the appeal officer is assigned to someone else", () => {
    const r = record({ status: "responded", deadlines: { respond: "2026-04-13T09:00:00.000Z" } });
    const decision = applyAppeal(H, r, { reason: "Je conteste." }, "2026-04-20T09:00:00.000Z", [
      "appeals@example.org",
    ]);
    expect(decision.record.assignee).toBe(H.organisation.coordinator);
    expect(applyAppeal(H, r, { reason: "Je conteste." }, "2026-04-20T09:00:00.000Z").record.assignee).toBe(
      "appeals@example.org",
    );
  });

  it("refuses only when everyone in line is named", () => {
    expect(() =>
      unnamedHolderOf(T, "complaints-handler", [
        "handler@example.org",
        "officer@example.org",
        "president@example.org",
      ]),
    ).toThrow(NoRoleHolderError);
  });
});

describe("H-D3: updates to the complainant past six weeks, whatever the step", () => {
  const r = record({ deadlines: { respond: "2026-04-13T09:00:00.000Z" } });
  const after = "2026-04-15T09:00:00.000Z";

  it("owes an update at every step before the response once the response deadline has passed", () => {
    for (const step of ["triage", "assignment", "contact", "conclusion"] as const)
      expect(owesProgressUpdate(H, r, step, after, null), step).toBe(true);
    expect(owesProgressUpdate(H, r, "contact", "2026-04-12T09:00:00.000Z", null)).toBe(false);
    // After the response the complainant has the outcome: the appeal and closure have their own emails.
    expect(owesProgressUpdate(H, r, "appeal-decision", after, null)).toBe(false);
    expect(owesProgressUpdate(H, r, "closure", after, null)).toBe(false);
    expect(owesProgressUpdate(H, { ...r, reachable: false }, "contact", after, null)).toBe(false);
  });

  it("spaces the updates of a step woken by its reminders by the update interval (P2W in H)", () => {
    expect(owesProgressUpdate(H, r, "contact", after, "2026-04-14T09:00:00.000Z")).toBe(false);
    expect(owesProgressUpdate(H, r, "contact", "2026-04-28T09:00:00.000Z", "2026-04-14T09:00:00.000Z")).toBe(
      true,
    );
    expect(nextProgressUpdate(H, "2026-04-14T09:00:00.000Z")).toBe("2026-04-28T09:00:00.000Z");
  });
});

describe("T-10: a reply inside the window is not 'no reply'", () => {
  const responded = { completedAt: { respond: "2026-04-01T09:00:00.000Z" } };
  const message = (at: string, unknownSender?: boolean) => ({
    at,
    from: "a@example.net",
    text: "Merci",
    rawMessageKey: "raw/x",
    ...(unknownSender ? { unknownSender } : {}),
  });

  it("counts the complainant's messages after the response, not before it nor a stranger's", () => {
    expect(repliedAfterResponse(responded, { messages: [message("2026-04-03T09:00:00.000Z")] })).toBe(true);
    expect(repliedAfterResponse(responded, { messages: [message("2026-03-20T09:00:00.000Z")] })).toBe(false);
    expect(repliedAfterResponse(responded, { messages: [message("2026-04-03T09:00:00.000Z", true)] })).toBe(
      false,
    );
  });

  it("closes a window that passed after a reply as resolved, else as the config says", () => {
    expect(closureFor(T, "window-passed")).toBe("no-response");
    expect(closureFor(T, "window-passed", true)).toBe("resolved");
  });
});

describe("case shape (H-C3, H-D4, T-11)", () => {
  it("H-C3: procedure H has a contact step, procedure T none", () => {
    expect(hasContactStep(H)).toBe(true);
    expect(hasContactStep(T)).toBe(false);
  });

  it("H-D4: a case is appealable when appeals are allowed and the complainant can be written to", () => {
    expect(isAppealable(H, { reachable: true })).toBe(true);
    expect(isAppealable(H, { reachable: false })).toBe(false);
    expect(isAppealable({ ...H, appeals: { ...H.appeals, max: 0 } }, { reachable: true })).toBe(false);
    expect(caseFlags(T, { reachable: true, kind: "complaint" })).toEqual({
      reachable: true,
      contact: false,
      appealable: true,
      short: false,
    });
  });

  it("T-11: one extension of the appeal decision where the organisation allows it", () => {
    expect(appealExtensionAvailable(T, { appealExtensions: 0 })).toBe(true);
    expect(appealExtensionAvailable(T, { appealExtensions: 1 })).toBe(false);
    expect(appealExtensionAvailable(H, { appealExtensions: 0 })).toBe(false);
  });
});

describe("routes and closures (H-C3 (e), T-4, T-10)", () => {
  it("routes triage: referral by category, inadmissible by decision, else investigation", () => {
    expect(triageRoute(H, "out-of-scope", true)).toBe("referral");
    expect(triageRoute(H, "programme", false)).toBe("inadmissible");
    expect(triageRoute(H, "programme", true)).toBe("investigate");
    expect(triagedRoute(H, { category: null, admissible: null, kind: "complaint" })).toBeNull();
  });

  it("closes by cause; an unknown cause is refused", () => {
    expect(closureFor(T, "window-passed")).toBe("no-response");
    expect(closureFor(H, "window-passed")).toBe("resolved");
    expect(() => closureFor(H, "whatever")).toThrow(InvalidDecisionError);
  });
});

describe("deadlines and reminders (H-D3, H-D5, H-F2)", () => {
  it("starts the closure check's deadline with the step (H-F2: one week)", () => {
    const now = new Date("2026-05-04T09:00:00.000Z");
    expect(deadlinesStartingWith(H, record(), "closure", now)).toEqual({
      closure: "2026-05-11T09:00:00.000Z",
    });
    expect(deadlinesStartingWith(H, record(), "triage", now)).toEqual({}); // set at receipt
  });

  it("T: the contact answers to the response deadline when no contact deadline is set", () => {
    const r = record({ receivedAt: "2026-03-02T09:00:00.000Z" });
    expect(deadlinesStartingWith(T, r, "contact", new Date())).toEqual({
      contact: deadlineAfter(T, r.receivedAt, T.deadlines.respond),
    });
  });

  it("gives the conclusion the reminders plus H-D3's progress updates, and the appeal window none", () => {
    expect(reminderBudget(H, "triage")).toBe(H.escalation.maxReminders);
    expect(reminderBudget(H, "conclusion")).toBe(H.escalation.maxReminders + H.escalation.maxProgressUpdates);
    expect(reminderBudget(H, "appeal")).toBe(0);
    expect(stepRounds(T, "appeal-decision")).toBe(2);
  });

  it("bounds the history with the same budget the workflow spends", () => {
    for (const step of HUMAN_STEPS)
      expect(loopBound(H, step)).toBe((reminderBudget(H, step) + 1) * stepRounds(H, step));
  });

  it("T-13: a response after its deadline is late; at the deadline it is not", () => {
    const r = record();
    expect(isLateResponse(r, "2026-04-13T09:00:00.000Z")).toBe(false);
    expect(isLateResponse(r, "2026-04-13T09:00:01.000Z")).toBe(true);
    expect(isLateResponse(record({ deadlines: {} }), "2030-01-01T00:00:00.000Z")).toBe(false);
  });

  it("waits to the deadline, then to each reminder; the conclusion to each H-D3 update", () => {
    const r = record({ reminders: { triage: 1, conclusion: 1 } });
    expect(stepCheckpoint(H, record(), "triage")).toBe("2026-03-05T09:00:00.000Z");
    expect(stepCheckpoint(H, r, "triage")).toBe("2026-03-09T09:00:00.000Z"); // 2 working days
    expect(stepCheckpoint(H, r, "conclusion")).toBe("2026-04-27T09:00:00.000Z"); // H-D3: 2 weeks
    expect(progressLinkExpiry(H, "2026-04-13T09:00:00.000Z") > "2027-01-01").toBe(true);
  });
});

describe("R-6: the short paths of suggestions, information requests and positive feedback", () => {
  const at = "2026-03-02T09:00:00.000Z";

  it("R-6: every kind but a complaint takes a short path, never appealable", () => {
    expect(isShortPath("complaint")).toBe(false);
    for (const kind of ["suggestion", "information-request", "positive"] as const) {
      expect(isShortPath(kind)).toBe(true);
      expect(caseFlags(H, { reachable: true, kind })).toEqual({
        reachable: true,
        contact: true,
        appealable: false,
        short: true,
      });
      expect(triagedRoute(H, { category: null, admissible: null, kind })).toBe("answer");
    }
  });

  it("R-6: each kind goes to the person its config names, within its own answer deadline from receipt", () => {
    expect(shortPathOf(H, "suggestion").route).toBe("programme-officer");
    expect(stepActor(H, record({ kind: "suggestion" }), "answer")).toBe("programme@example.org");
    expect(stepActor(H, record({ kind: "information-request" }), "answer")).toBe("officer@example.org");
    expect(deadlinesAtReceipt(H, "suggestion", at)).toEqual({
      acknowledge: deadlineAfter(H, at, { duration: "P1W", days: "calendar" }),
      respond: deadlineAfter(H, at, { duration: "P2W", days: "calendar" }),
    });
    // A complaint keeps its own deadlines (triage, contact, response).
    expect(Object.keys(deadlinesAtReceipt(H, "complaint", at)).sort()).toEqual([
      "acknowledge",
      "contact",
      "respond",
      "triage",
    ]);
    // T's config: no T-2 written notice for a suggestion (its 45-day commitment is a complaint's).
    expect(deadlinesAtReceipt(T, "suggestion", at).writtenNotice).toBeUndefined();
    expect(deadlinesAtReceipt(T, "complaint", at).writtenNotice).toBeDefined();
  });

  it("R-6: unset in the config, a kind goes to the triage role within the response deadline", () => {
    const bare = { ...H, shortPaths: {} };
    expect(shortPathOf(bare, "positive")).toEqual({
      route: "complaints-officer",
      answer: H.deadlines.respond,
    });
  });

  it("R-6: an answered short path closes resolved", () => {
    expect(closureFor(H, "answered")).toBe("resolved");
  });

  it("R-6: triage can send a case to the short path; the answer needs a text except for positive feedback", () => {
    const triaged = applyTriage(
      H,
      record(),
      emptyContent("CFM-2026-000001"),
      { kind: "suggestion" },
      at,
      "o",
    );
    expect(triaged.route).toBe("answer");
    expect(triaged.record).toMatchObject({ kind: "suggestion" });
    expect(triaged.record.category).toBeUndefined();
    expect(() =>
      applyTriage(H, record(), emptyContent("CFM-2026-000001"), { kind: "complaint" }, at, "o"),
    ).toThrow(InvalidDecisionError);
    expect(() => applyAnswer(H, record({ kind: "suggestion" }), { decision: "answer" }, at, "p")).toThrow(
      InvalidDecisionError,
    );
    expect(applyAnswer(H, record({ kind: "positive" }), { decision: "answer" }, at, "p").route).toBe(
      "answered",
    );
    const back = applyAnswer(H, record({ kind: "suggestion" }), { decision: "complaint" }, at, "p");
    expect(back.route).toBe("complaint");
    expect(back.record).toMatchObject({ kind: "complaint", status: "acknowledged" });
    expect(back.record.deadlines?.triage).toBeDefined();
    expect(back.record.deadlines?.contact).toBeDefined();
  });
});

describe("H-D4: explanations first (non-sensitive cases only), then the appeal", () => {
  it("procedure H offers them for a triaged case that is not sensitive; never for a sensitive one; T does not", () => {
    expect(offersExplanations(H, record({ category: "programme", sensitive: false }))).toBe(true);
    expect(offersExplanations(H, record({ category: "sexual-exploitation-abuse", sensitive: true }))).toBe(
      false,
    );
    expect(offersExplanations(H, record({ category: null, sensitive: false }))).toBe(false);
    expect(offersExplanations(T, record({ category: "training", sensitive: false }))).toBe(false);
  });

  it("the handler explains, with the responsible person; else the coordinator", () => {
    expect(
      explainers(H, record({ handler: "handler@example.org", responsible: "programme@example.org" })),
    ).toEqual(["handler@example.org", "programme@example.org"]);
    expect(
      explainers(H, record({ handler: "programme@example.org", responsible: "programme@example.org" })),
    ).toEqual(["programme@example.org"]);
    expect(explainers(H, record({ handler: null, responsible: null }))).toEqual([H.organisation.coordinator]);
  });
});
