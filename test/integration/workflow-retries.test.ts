// A transient failure in the middle of a step (one SES throttle) must neither lose the email the step owes
// nor repeat its change: the retried Lambda finishes what the first attempt started (review findings).
import type { SendEmailCommand } from "@aws-sdk/client-sesv2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../helpers/workflow-harness.ts";

const COMPLAINANT = "aissata@example.net";
let h: Harness;
/** Throttles the next SES send whose input matches, once. */
let throttleNext: ((input: SendEmailCommand["input"]) => boolean) | null = null;

beforeAll(async () => {
  h = await startHarness("config/training-provider.example.yaml", new Date("2026-04-02T08:00:00.000Z"));
  const send = h.rt.ses.send.bind(h.rt.ses) as (command: SendEmailCommand) => Promise<unknown>;
  (h.rt.ses as unknown as { send: (command: SendEmailCommand) => Promise<unknown> }).send = async (
    command,
  ) => {
    if (throttleNext?.(command.input)) {
      throttleNext = null;
      throw Object.assign(new Error("slow down"), { name: "TooManyRequestsException" });
    }
    return send(command);
  };
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const toComplainant = (input: SendEmailCommand["input"]) =>
  !!input.Destination?.ToAddresses?.includes(COMPLAINANT);
const complainantMail = async (ref: string) => (await h.mails(ref)).filter((m) => m.to.includes(COMPLAINANT));

async function toConclusion(ref: string) {
  await h.act(await h.taskLink(ref, "officer@example.org"), {
    category: "service",
    severity: "medium",
    admissible: "yes",
  });
  await h.act(await h.taskLink(ref, "handler@example.org"), { decision: "accept" });
}

describe("retries finish what the first attempt started", () => {
  it("the response email throttled once still reaches the complainant, with a working appeal link (H-D3, T-9)", async () => {
    const ref = await h.file({});
    await toConclusion(ref);
    throttleNext = toComplainant;
    await h.act(await h.taskLink(ref, "handler@example.org"), {
      outcome: "partly-founded",
      response: "Le module sera refait.",
    });
    await h.advance("PT2M"); // the retry's backoff
    const response = (await complainantMail(ref)).filter((m) => m.text.includes("Le module sera refait."));
    expect(response).toHaveLength(1);
    expect(
      (await h.act(await h.taskLink(ref, COMPLAINANT), { reason: "Je conteste cette réponse." })).kind,
    ).toBe("done");
  });

  it("the appeal acknowledgement throttled once is sent on the retry, and the appeal proceeds (T-11)", async () => {
    const ref = await h.file({});
    await toConclusion(ref);
    await h.act(await h.taskLink(ref, "handler@example.org"), {
      outcome: "unfounded",
      response: "Non fondée.",
    });
    const appealLink = await h.taskLink(ref, COMPLAINANT);
    const before = (await complainantMail(ref)).length;
    throttleNext = toComplainant;
    await h.act(appealLink, { reason: "Je conteste cette décision." });
    await h.advance("PT2M");
    const record = await h.record(ref);
    expect(record).toMatchObject({ status: "appeal", appeals: 1 });
    expect(record.flags).not.toContain("needs-attention");
    expect((await complainantMail(ref)).length).toBe(before + 1); // the appeal acknowledgement, once
    expect((await h.mails(ref)).some((m) => m.to.includes("appeals@example.org"))).toBe(true);
  });

  it("an escalation throttled once records one reminder, not two", async () => {
    const ref = await h.file({});
    throttleNext = (input) => !!input.Destination?.ToAddresses?.includes("supervisor@example.org");
    await h.advance("P6DT2H"); // the triage deadline (3 working days) passes
    const record = await h.record(ref);
    expect(record.reminders.triage).toBe(1);
    const ids = (await h.rt.store.timeline(ref)).map((e) => e.id);
    expect(ids.filter((id) => id.startsWith("reminder:triage"))).toEqual(["reminder:triage:1"]);
    const escalations = (await h.mails(ref)).filter(
      (m) => m.to.includes("supervisor@example.org") && !m.subject.startsWith("Tri à faire avec vous"), // H-B1's copy
    );
    expect(escalations).toHaveLength(1);
  });

  it("the closure email throttled once is still sent (T-10)", async () => {
    const ref = await h.file({});
    await toConclusion(ref);
    await h.act(await h.taskLink(ref, "handler@example.org"), { outcome: "founded", response: "Fondée." });
    const before = (await complainantMail(ref)).length;
    throttleNext = toComplainant;
    await h.advance("P16D");
    expect(await h.record(ref)).toMatchObject({ status: "closed", closure: "no-response" });
    expect((await complainantMail(ref)).length).toBe(before + 1);
  });

  it("a missed deadline after the appeal extension is reminded once, without a loop of task emails (T-11)", async () => {
    const ref = await h.file({});
    await toConclusion(ref);
    await h.act(await h.taskLink(ref, "handler@example.org"), {
      outcome: "unfounded",
      response: "Non fondée.",
    });
    await h.act(await h.taskLink(ref, COMPLAINANT), { reason: "Je conteste cette décision." });
    await h.advance("P32D"); // the committee's month passes: reminder 1
    expect((await h.record(ref)).reminders["appeal-decision"]).toBe(1);
    await h.act(await h.taskLink(ref, "appeals@example.org"), {
      decision: "extend",
      reasoning: "Expertise demandée.",
    });
    const sentBefore = (await h.mails(ref)).filter((m) => m.to.includes("appeals@example.org")).length;
    await h.advance("P32D"); // the extended month passes
    const record = await h.record(ref);
    const ids = (await h.rt.store.timeline(ref))
      .map((e) => e.id)
      .filter((id) => id.startsWith("reminder:appeal-decision"));
    expect(ids.filter((id) => id.includes(":0:"))).toEqual(["reminder:appeal-decision:0:1"]);
    const secondRound = ids.filter((id) => id.includes(":1:"));
    expect(secondRound[0]).toBe("reminder:appeal-decision:1:1");
    expect(secondRound.length).toBe(record.reminders["appeal-decision"]); // one event per reminder counted
    const sentAfter = (await h.mails(ref)).filter((m) => m.to.includes("appeals@example.org")).length;
    expect(sentAfter - sentBefore).toBeLessThanOrEqual(3); // the reminder (+ reminders every 2 working days)
  });
});
