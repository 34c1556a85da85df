// R-6 end to end: suggestions, information requests and positive feedback each take their own short path
// (acknowledged, routed to the person the config names, answered or thanked, closed), on the state machine
// CDK synthesizes, in virtual time. Never a severity, an admissibility, an investigation, "fondée" nor an appeal.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deadlineAfter } from "../../functions/domain/deadlines.ts";
import { type Harness, type SentMail, startHarness } from "../helpers/workflow-harness.ts";

const OFFICER = "officer@example.org";
const PROGRAMME = "programme@example.org";
const COMPLAINANT = "aissata@example.net";

let h: Harness;
beforeAll(async () => {
  h = await startHarness("config/humanitarian.example.yaml");
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const toComplainant = async (ref: string) => (await h.mails(ref)).filter((m) => m.to.includes(COMPLAINANT));
const types = async (ref: string) => (await h.rt.store.timeline(ref)).map((e) => e.type);

/** Nothing of a complaint's answer: no outcome, no appeal, no task link. */
function expectNoComplaintWording(mails: SentMail[]) {
  for (const mail of mails) {
    expect(mail.text).not.toMatch(/fondée|plainte est|faire appel|recours/i);
    expect(mail.text).not.toMatch(/\/t\/[A-Za-z0-9_.-]+/);
    expect(mail.html).not.toMatch(/\/t\/[A-Za-z0-9_.-]+/);
  }
}

describe("R-6 short paths (procedure H config)", () => {
  it("R-6: a suggestion is acknowledged as a suggestion, routed to the programme officer, answered and closed, with no appeal link", async () => {
    const ref = await h.file({
      kind: "suggestion",
      content: { description: "Distribuez plus tôt le matin." },
    });
    let record = await h.record(ref);
    // Its own deadlines: the acknowledgement and the answer (P2W from receipt), no triage nor contact.
    expect(record.deadlines).toEqual({
      acknowledge: deadlineAfter(h.rt.config, record.receivedAt, { duration: "P1W", days: "calendar" }),
      respond: deadlineAfter(h.rt.config, record.receivedAt, { duration: "P2W", days: "calendar" }),
    });
    const ack = await toComplainant(ref);
    expect(ack).toHaveLength(1);
    expect(ack[0]?.subject).toBe(`Nous avons bien reçu votre suggestion [${ref}]`);
    // Routed to the holder of shortPaths.suggestion.route; the complaints officer gets no triage task.
    const task = (await h.mails(ref)).filter((m) => m.to.includes(PROGRAMME)).at(-1);
    expect(task?.subject).toContain("répondre à la suggestion");
    expect((await h.mails(ref)).some((m) => m.to.includes(OFFICER))).toBe(false);
    expect(record.assignee).toBe(PROGRAMME);

    await h.advance("P3D");
    const done = await h.act(await h.taskLink(ref, PROGRAMME), {
      decision: "answer",
      text: "Merci : dès avril, les distributions commenceront à 7 h.",
    });
    expect(done.kind).toBe("done");
    record = await h.record(ref);
    expect(record).toMatchObject({
      status: "closed",
      closure: "resolved",
      category: null,
      severity: null,
      admissible: null,
    });
    expect(record.met.respond).toBe(true);
    const mails = await toComplainant(ref);
    expect(mails.map((m) => m.subject)).toEqual([
      `Nous avons bien reçu votre suggestion [${ref}]`,
      `Réponse à votre suggestion [${ref}]`,
    ]);
    expect(mails[1]?.text).toContain("Merci pour votre suggestion. Voici notre réponse\u00a0:");
    expect(mails[1]?.text).toContain("dès avril, les distributions commenceront à 7 h.");
    expect(mails[1]?.text).toContain(`Votre dossier [${ref}] est maintenant clos.`);
    expectNoComplaintWording(mails);
    expect(await types(ref)).not.toContain("triaged");
  });

  it("R-6: an information request goes to the complaints officer, cannot be closed without an answer, and is answered", async () => {
    const ref = await h.file({
      kind: "information-request",
      content: { description: "Quand a lieu la distribution ?" },
    });
    const link = await h.taskLink(ref, OFFICER);
    const refused = await h.act(link, { decision: "answer" });
    expect(refused.kind).toBe("invalid");
    if (refused.kind === "invalid")
      expect(refused.errors.text).toBe("Écrivez la réponse à envoyer à la personne.");
    expect((await h.record(ref)).status).not.toBe("closed");
    await h.act(link, { decision: "answer", text: "La prochaine distribution a lieu le 16 mars à Kati." });
    expect(await h.record(ref)).toMatchObject({ status: "closed", closure: "resolved" });
    const mails = await toComplainant(ref);
    expect(mails.at(-1)?.subject).toBe(`Réponse à votre demande d’information [${ref}]`);
    expect(mails.at(-1)?.text).toContain("le 16 mars à Kati");
    expectNoComplaintWording(mails);
  });

  it("R-6: positive feedback is thanked (no text needed) and closed", async () => {
    const ref = await h.file({
      kind: "positive",
      content: { description: "Merci pour l’accueil au centre." },
    });
    await h.act(await h.taskLink(ref, PROGRAMME), { decision: "answer" });
    expect(await h.record(ref)).toMatchObject({ status: "closed", closure: "resolved" });
    const mails = await toComplainant(ref);
    expect(mails.map((m) => m.subject)).toEqual([
      `Nous avons bien reçu votre message [${ref}]`,
      `Merci pour votre message [${ref}]`,
    ]);
    expect(mails[1]?.text).toContain(
      "Merci pour votre message. Nous l’avons transmis aux personnes concernées.",
    );
    expectNoComplaintWording(mails);
  });

  it("R-6: an email the officer reads as a suggestion leaves triage for the short path (no category, severity nor admissibility)", async () => {
    const ref = await h.file({ content: { description: "Pourriez-vous ajouter un point d’eau ?" } });
    const record = await h.record(ref);
    await h.act(await h.taskLink(ref, OFFICER), { kind: "suggestion", reason: "Une idée, pas une plainte." });
    const after = await h.record(ref);
    expect(after).toMatchObject({ kind: "suggestion", category: null, severity: null, assignee: PROGRAMME });
    expect(after.deadlines.respond).toBe(
      deadlineAfter(h.rt.config, record.receivedAt, { duration: "P2W", days: "calendar" }),
    );
    await h.act(await h.taskLink(ref, PROGRAMME), {
      decision: "answer",
      text: "Un point d’eau sera installé.",
    });
    expect(await h.record(ref)).toMatchObject({ status: "closed", closure: "resolved" });
    const mails = await toComplainant(ref);
    expect(mails.at(-1)?.subject).toBe(`Réponse à votre suggestion [${ref}]`);
    expectNoComplaintWording(mails.slice(1));
  });

  it("R-6, R-2: a 'suggestion' that is a complaint after all goes to triage and on to a complaint's answer, appeal link included", async () => {
    const ref = await h.file({
      kind: "suggestion",
      content: { description: "Un agent a exigé de l’argent." },
    });
    await h.act(await h.taskLink(ref, PROGRAMME), { decision: "complaint" });
    const record = await h.record(ref);
    expect(record).toMatchObject({ kind: "complaint", status: "acknowledged" });
    expect(record.deadlines.triage).toBeDefined();
    await h.act(await h.taskLink(ref, OFFICER), {
      category: "programme",
      severity: "medium",
      admissible: "yes",
    });
    await h.act(await h.taskLink(ref, PROGRAMME), {
      decision: "accept",
      courseOfAction: "Entendre les parties et vérifier les faits.",
    });
    await h.act(await h.taskLink(ref, PROGRAMME), { contacted: "yes", nextUpdateBy: "2026-12-31" });
    await h.act(await h.taskLink(ref, PROGRAMME), {
      outcome: "founded",
      response: "Votre plainte est fondée : l’agent a été rappelé à l’ordre.",
    });
    expect((await h.record(ref)).status).toBe("responded");
    // The flags were read again when it became a complaint: it is appealable like any complaint.
    const response = (await toComplainant(ref)).at(-1);
    expect(response?.text).toMatch(/\/t\/[A-Za-z0-9_.-]+/);
  });
});
