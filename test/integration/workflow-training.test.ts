// Procedure T end to end, on the state machine CDK synthesizes, in virtual time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deadlineAfter } from "../../functions/domain/deadlines.ts";
import { type Harness, startHarness } from "../helpers/workflow-harness.ts";

const OFFICER = "officer@example.org";
const COMPLAINANT = "aissata@example.net";

let h: Harness;
// Thursday 2 April 2026, 10:00 in Paris; Monday 6 April (Easter Monday) is a public holiday.
beforeAll(async () => {
  h = await startHarness("config/training-provider.example.yaml", new Date("2026-04-02T08:00:00.000Z"));
}, 120_000);
afterAll(async () => {
  await h?.close();
});

async function toResponse(ref: string, severity = "medium") {
  await h.act(await h.taskLink(ref, OFFICER), { category: "service", severity, admissible: "yes" });
  await h.act(await h.taskLink(ref, "handler@example.org"), {
    decision: "accept",
    courseOfAction: "Entendre les parties et vérifier les faits.",
  });
  await h.act(await h.taskLink(ref, "handler@example.org"), {
    outcome: "partly-founded",
    measures: "Formateur remplacé",
    response: "Le module sera refait.",
  });
}

describe("procedure T", () => {
  it("path 7: acknowledgement within 5 working days and the written notice with the 45-day commitment (T-2); severity sets the response deadline (T-5)", async () => {
    const ref = await h.file({});
    const record = await h.record(ref);
    expect(record.deadlines.acknowledge).toBe("2026-04-10T08:00:00.000Z"); // 5 working days, Easter Monday skipped
    expect(record.met.acknowledge).toBe(true);
    const toComplainant = (await h.mails(ref)).filter((m) => m.to.includes(COMPLAINANT));
    expect(toComplainant).toHaveLength(2); // acknowledgement and written notice
    expect(toComplainant.map((m) => m.text).join("\n")).toMatch(/45/);
    await h.act(await h.taskLink(ref, OFFICER), { category: "service", severity: "high", admissible: "yes" });
    expect((await h.record(ref)).deadlines.respond).toBe("2026-04-17T08:00:00.000Z"); // 10 working days
    const medium = await h.file({});
    await h.act(await h.taskLink(medium, OFFICER), {
      category: "health-safety",
      severity: "medium",
      admissible: "yes",
    });
    const respond = (await h.record(medium)).deadlines.respond ?? "";
    expect(respond > "2026-06-01").toBe(true); // 45 working days
  });

  it("path 7: facts older than 2 months are closed `inadmissible` with a written decision (T-4)", async () => {
    const ref = await h.file({ content: { factsDate: "2026-01-10" } });
    await h.act(await h.taskLink(ref, OFFICER), {
      category: "service",
      severity: "low",
      admissible: "no",
      reason: "Les faits datent de plus de deux mois avant la réception.",
    });
    expect(await h.record(ref)).toMatchObject({
      status: "closed",
      closure: "inadmissible",
      admissible: false,
    });
    const decision = (await h.mails(ref)).filter((m) => m.to.includes(COMPLAINANT)).at(-1);
    expect(decision?.text).toContain("plus de deux mois");
  });

  it("T-4 (issue 14): a complaint that gave no date of the facts is checked on the date recorded at triage", async () => {
    const ref = await h.file({ content: { factsDate: null } });
    const link = await h.taskLink(ref, OFFICER);
    const admitted = await h.act(link, {
      category: "service",
      severity: "low",
      admissible: "yes",
      factsDate: "2025-12-15", // the email says mid-December; received in 2026
    });
    expect(admitted.kind).toBe("invalid");
    await h.act(link, {
      category: "service",
      severity: "low",
      admissible: "no",
      factsDate: "2025-12-15",
      reason: "Les faits datent de plus de deux mois avant la réception.",
    });
    expect(await h.record(ref)).toMatchObject({
      status: "closed",
      closure: "inadmissible",
      admissible: false,
    });
    expect((await h.rt.store.getContent(ref)).factsDate).toBe("2025-12-15");
  });

  it("T-10 (issue 14): a reply inside the 15 days is not 'no reply': the case closes resolved and says so", async () => {
    const ref = await h.file({});
    await toResponse(ref);
    await h.advance("P3D");
    // The complainant writes back without contesting, as the intake adds a reply to its case (a message and its
    // timeline event, in one transaction).
    const at = h.rt.now().toISOString();
    await h.rt.store.update(
      ref,
      (_record, content) => ({
        content: {
          messages: [
            ...(content?.messages ?? []),
            { at, from: COMPLAINANT, text: "Merci pour votre réponse.", rawMessageKey: "raw/t10" },
          ],
        },
        event: { id: "message:t10", at, type: "message", actor: "email" },
      }),
      { withContent: true },
    );
    await h.advance("P13D");
    expect(await h.record(ref)).toMatchObject({ status: "closed", closure: "resolved" });
    const closing = (await h.mails(ref)).filter((m) => m.to.includes(COMPLAINANT)).at(-1);
    expect(closing?.subject).toMatch(/Clôture/);
    expect(closing?.text).not.toContain("pas reçu de réponse");
  });

  it("path 8: no reply within 15 days of the response closes the case `no-response` (T-10)", async () => {
    const ref = await h.file({});
    await toResponse(ref);
    expect((await h.record(ref)).status).toBe("responded");
    await h.advance("P14D");
    expect((await h.record(ref)).status).toBe("responded");
    await h.advance("P2D");
    expect(await h.record(ref)).toMatchObject({ status: "closed", closure: "no-response" });
  });

  it("path 8: a contest within 15 days gets a 1-month committee, extended once with the complainant told; a second appeal is refused (T-11)", async () => {
    const ref = await h.file({});
    await toResponse(ref);
    const appealLink = await h.taskLink(ref, COMPLAINANT);
    await h.advance("P10D");
    expect((await h.act(appealLink, { reason: "Je conteste : le module n'a pas été refait." })).kind).toBe(
      "done",
    );
    let record = await h.record(ref);
    const oneMonthAfter = (d: Date | string) =>
      deadlineAfter(h.rt.config, d, { duration: "P1M", days: "calendar" });
    const filedAt = (await h.rt.store.timeline(ref)).find((e) => e.type === "appeal-filed")?.at ?? "";
    expect(record.deadlines.appealDecision).toBe(oneMonthAfter(filedAt)); // the committee has one month
    await h.act(await h.taskLink(ref, "appeals@example.org"), {
      decision: "extend",
      reasoning: "Expertise pédagogique demandée.",
    });
    record = await h.record(ref);
    expect(record.appealExtensions).toBe(1);
    expect(record.deadlines.appealDecision).toBe(oneMonthAfter(oneMonthAfter(filedAt))); // extended once
    const extension = (await h.mails(ref)).filter((m) => m.to.includes(COMPLAINANT)).at(-1);
    expect(extension?.subject).toContain(`[${ref}]`);
    // A second extension is not offered.
    const secondExtend = await h.act(await h.taskLink(ref, "appeals@example.org"), {
      decision: "extend",
      reasoning: "Encore.",
    });
    expect(secondExtend.kind).toBe("invalid");
    await h.act(await h.taskLink(ref, "appeals@example.org"), {
      decision: "upheld",
      reasoning: "La décision initiale est confirmée.",
    });
    await h.act(await h.taskLink(ref, OFFICER), { confirm: "yes" });
    expect(await h.record(ref)).toMatchObject({ status: "closed", closure: "appeal-decided", appeals: 1 });
    expect((await h.act(appealLink, { reason: "Un second recours, s'il vous plaît." })).kind).not.toBe(
      "done",
    );
  });

  it("path 9: when management is named, the president handles the case and the named person receives nothing (T-7)", async () => {
    const ref = await h.file({});
    await h.act(await h.taskLink(ref, OFFICER), {
      category: "service",
      severity: "medium",
      admissible: "yes",
      conflict: "yes",
      concerned: "director@example.org",
    });
    const record = await h.record(ref);
    expect(record).toMatchObject({ responsible: "president@example.org", assignee: "president@example.org" });
    expect(record.flags).toContain("conflict-of-interest");
    await h.act(await h.taskLink(ref, "president@example.org"), {
      decision: "accept",
      courseOfAction: "Entendre les parties et vérifier les faits.",
    });
    // T-7 overrides T-3 here: the named manager is not even informed.
    expect((await h.mails(ref)).filter((m) => m.to.includes("director@example.org"))).toEqual([]);
  });
});
