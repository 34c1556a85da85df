// A transient failure in the middle of a step (one SES throttle) must neither lose the email the step owes
// nor repeat its change: the retried Lambda finishes what the first attempt started (review findings).
import { SendEmailCommand } from "@aws-sdk/client-sesv2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OUTBOX_HEADER, outboxHeaderValue } from "../../functions/mail/sent-receipt.ts";
import { outboxStore } from "../../functions/store/outbox-store.ts";
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
  await h.act(await h.taskLink(ref, "handler@example.org"), {
    decision: "accept",
    courseOfAction: "Entendre les parties et vérifier les faits.",
  });
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

  it("an acknowledgement a killed attempt left claimed is sent once the claim is stale, and the case goes on (issue 15)", async () => {
    // The crash test's stuck case: the stack died between the outbox claim and SES, the restarted workflow
    // found the claim fresh ("sending"), and its retries were spent before the claim went stale: the case went
    // to needs-attention with no acknowledgement sent.
    const previous = await h.file({});
    const next = previous.replace(/\d+$/, (n) => String(Number(n) + 1).padStart(n.length, "0"));
    const outbox = outboxStore(h.rt);
    const key = { reference: next, key: "acknowledgement" };
    // Claimed 20 s ago by an attempt that then died (a Lambda stopped at its timeout, a stack killed).
    const claimedAt = new Date(h.rt.now().getTime() - 20_000);
    expect(await outbox.claim(key, { template: "acknowledgement" }, claimedAt, new Date(0))).toEqual(
      expect.any(String),
    );

    const ref = await h.file({});
    await h.advance("PT15M"); // the wait for the claim to go stale

    expect(ref).toBe(next);
    const record = await h.record(ref);
    expect(record.flags).not.toContain("needs-attention");
    expect(record.status).toBe("acknowledged");
    expect(await outbox.status(key)).toBe("sent");
    const subjects = (await complainantMail(ref)).map((m) => m.subject);
    expect(subjects.filter((subject) => subject === subjects[0])).toHaveLength(1); // H-A2: once
    expect((await h.mails(ref)).some((m) => m.to.includes("officer@example.org"))).toBe(true); // H-B1
  });

  it("an acknowledgement SES accepted just before its attempt died is not sent again: SES's Send event marks it (issue 15)", async () => {
    // The crash test's email sent twice: the stack was killed after SES took the acknowledgement and before
    // the outbox recorded it; the restarted workflow took the stale claim over and sent it again. SES's Send
    // event names the outbox item (X-CFM-Outbox header) and marks it sent, so the takeover finds it done.
    const previous = await h.file({});
    const next = previous.replace(/\d+$/, (n) => String(Number(n) + 1).padStart(n.length, "0"));
    const outbox = outboxStore(h.rt);
    const key = { reference: next, key: "acknowledgement" };
    const claimedAt = new Date(h.rt.now().getTime() - 20_000);
    expect(await outbox.claim(key, { template: "acknowledgement" }, claimedAt, new Date(0))).toEqual(
      expect.any(String),
    );
    // The dead attempt's send, which SES accepted: the message carries its outbox item.
    const accepted = await h.rt.ses.send(
      new SendEmailCommand({
        FromEmailAddress: h.rt.fromAddress,
        Destination: { ToAddresses: [COMPLAINANT] },
        Content: {
          Simple: {
            Subject: { Data: `Nous avons bien reçu votre plainte [${next}]` },
            Body: { Text: { Data: "Accusé de réception (H-A2)." } },
            Headers: [{ Name: OUTBOX_HEADER, Value: outboxHeaderValue(key) }],
          },
        },
      }),
    );
    for (let i = 0; i < 100 && (await outbox.status(key)) !== "sent"; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await outbox.status(key)).toBe("sent");

    const ref = await h.file({});
    await h.advance("PT15M"); // past the claim's staleness: without the event, the takeover sent it again

    expect(ref).toBe(next);
    const record = await h.record(ref);
    expect(record.status).toBe("acknowledged");
    expect(record.flags).not.toContain("needs-attention");
    // H-A2: one acknowledgement, the one SES accepted (the T-2 written notice follows it, sent once too).
    const acknowledgements = (await complainantMail(ref)).filter((m) =>
      m.subject.startsWith("Nous avons bien reçu"),
    );
    expect(acknowledgements.map((m) => m.messageId)).toEqual([accepted.MessageId]);
    expect(
      (await complainantMail(ref)).filter((m) => m.subject.startsWith("Avis de réception")),
    ).toHaveLength(1);
    expect((await h.mails(ref)).some((m) => m.to.includes("officer@example.org"))).toBe(true); // H-B1
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
