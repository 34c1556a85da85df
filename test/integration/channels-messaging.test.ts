// SMS and WhatsApp end to end (issue 17) on the local stack: the synthesized state machine, DynamoDB Local,
// s3rver, the AWS SDK clients of End User Messaging against the local End User Messaging, the local outbox.
// The complainant writes through the SNS notifications AWS publishes (POST /local/inbound-sms|whatsapp);
// staff act through their task links; what cfm sends is read back from GET /local/outbox.
import { randomUUID } from "node:crypto";
import { GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodingOf, segmentCount } from "../../functions/channels/sms-encoding.ts";
import { logger } from "../../functions/lib/logger.ts";
import { runtime } from "../../functions/lib/runtime.ts";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/dynamodb-local.ts";
import { STATE_MACHINE_ARN } from "../../local/workflow-runtime.ts";
import { startTestStack, submitForm, type TestStack, taskLinks } from "../helpers/local-stack.ts";

const SMS_NUMBER = "+22320000001"; // channels.sms.number of the example config
const ALICE = "+22376000101";
const BOUBA = "+22376000202";
const WA_USER = "22377000303"; // WhatsApp's wa_id: digits, no "+"

let t: TestStack;
const output: string[] = [];
const writes = {
  out: process.stdout.write.bind(process.stdout),
  err: process.stderr.write.bind(process.stderr),
};

beforeAll(async () => {
  // Every log line of the handlers, at INFO, is captured: none may hold a phone number.
  logger.setLogLevel("INFO");
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    output.push(String(chunk));
    return writes.out(chunk, ...rest);
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    output.push(String(chunk));
    return writes.err(chunk, ...rest);
  }) as typeof process.stderr.write;
  t = await startTestStack({
    log: (line) => {
      output.push(`${line}\n`);
      writes.err(`${line}\n`);
    },
  });
}, 120_000);

afterAll(async () => {
  process.stdout.write = writes.out;
  process.stderr.write = writes.err;
  await t?.stop();
});

function smsNotification(from: string, body: string, id = randomUUID()) {
  return {
    Type: "Notification",
    MessageId: randomUUID(),
    TopicArn: "arn:aws:sns:eu-west-1:123456789012:cfm-inbound-sms",
    Message: JSON.stringify({
      originationNumber: from,
      destinationNumber: SMS_NUMBER,
      messageKeyword: "KEYWORD_123456789012",
      messageBody: body,
      inboundMessageId: id,
      previousPublishedMessageId: randomUUID(),
    }),
    Timestamp: new Date().toISOString(),
    SignatureVersion: "1",
    Signature: "local",
    SigningCertURL: "https://sns.eu-west-1.amazonaws.com/local.pem",
    UnsubscribeURL: "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe",
  };
}

function whatsappNotification(from: string, body: string, at: Date) {
  const entry = {
    id: "123456789012345",
    changes: [
      {
        field: "messages",
        value: {
          messaging_product: "whatsapp",
          metadata: { display_phone_number: "22320000002", phone_number_id: "109876543210987" },
          contacts: [{ profile: { name: "Mariam Diallo" }, wa_id: from }],
          messages: [
            {
              from,
              id: `wamid.${randomUUID()}`,
              timestamp: String(Math.floor(at.getTime() / 1000)),
              type: "text",
              text: { body },
            },
          ],
        },
      },
    ],
  };
  return {
    Type: "Notification",
    MessageId: randomUUID(),
    TopicArn: "arn:aws:sns:eu-west-1:123456789012:cfm-inbound-whatsapp",
    Message: JSON.stringify({
      context: {
        MetaWabaIds: [
          { wabaId: "123456789012345", arn: "arn:aws:social-messaging:eu-west-1:123456789012:waba/0123" },
        ],
        MetaPhoneNumberIds: [
          {
            metaPhoneNumberId: "109876543210987",
            arn: "arn:aws:social-messaging:eu-west-1:123456789012:phone-number-id/0123",
          },
        ],
      },
      whatsAppWebhookEntry: JSON.stringify(entry),
      aws_account_id: "123456789012",
      message_timestamp: at.toISOString(),
      messageId: randomUUID(),
    }),
    Timestamp: at.toISOString(),
  };
}

async function post(path: string, body: unknown) {
  const response = await fetch(`${t.httpUrl}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

interface OutboxMessage {
  to: string;
  body: string;
  at: string;
  template?: string;
}
async function outbox(channel: "sms" | "whatsapp", to?: string): Promise<OutboxMessage[]> {
  const response = await fetch(`${t.httpUrl}/local/outbox?channel=${channel}`);
  expect(response.status).toBe(200);
  const { messages } = (await response.json()) as { messages: OutboxMessage[] };
  return messages.filter((m) => !to || m.to === to);
}

/** The link of the newest task email to `to` about `reference` (a message notice may have come since). */
async function taskLink(to: string, reference: string): Promise<string> {
  const mail = (await t.mails())
    .filter((m) => m.to === to && m.subject.includes(reference) && taskLinks(m).length === 1)
    .at(-1);
  if (!mail) throw new Error(`no task email to ${to} about ${reference}`);
  return taskLinks(mail)[0] as string;
}

async function now(): Promise<Date> {
  return new Date(((await (await fetch(`${t.httpUrl}/local/clock`)).json()) as { now: string }).now);
}

describe("SMS, two-way (AWS End User Messaging SMS)", () => {
  let reference = "";

  it("opens a case on the channel sms and acknowledges it by SMS, with the reference (H-A2)", async () => {
    const first = smsNotification(
      ALICE,
      "Bonjour, les bons d'achat promis à la distribution de Kati n'ont jamais été remis à ma famille.",
    );
    const opened = await post("/local/inbound-sms", first);
    expect(opened.status).toBe(200);
    reference = String(opened.json.reference);
    expect(reference).toMatch(/^CFM-\d{4}-\d{6}$/);
    expect(opened.json).toEqual({ messageId: expect.stringMatching(/^sms:/), reference });

    const view = await t.view(reference);
    expect(view.channel).toBe("sms");
    expect(view.status).toBe("acknowledged");
    const [ack, ...more] = await outbox("sms", ALICE);
    expect(more).toEqual([]);
    expect(ack?.body).toContain(reference);
    // French, made GSM-7 (ç → c; é, à stay: they are in the GSM alphabet), one segment at most two.
    expect(ack?.body).toMatch(/^ONG Exemple Mali : nous avons bien recu votre plainte\. Référence CFM-/);
    expect(encodingOf(ack?.body ?? "")).toBe("GSM-7");
    expect(segmentCount(ack?.body ?? "")).toBeLessThanOrEqual(2);

    // The same notification delivered again (SNS retries) is the same message: no second case, no second SMS.
    const again = await post("/local/inbound-sms", first);
    expect(again.json).toEqual({ messageId: opened.json.messageId, duplicate: true, reference });
    expect(await outbox("sms", ALICE)).toHaveLength(1);
  });

  it("adds a later SMS from the same number to its open case, and tells the assignee", async () => {
    const added = await post(
      "/local/inbound-sms",
      smsNotification(ALICE, "J'ai aussi un reçu de la distribution."),
    );
    expect(added.json).toEqual({ messageId: expect.any(String), reference, attached: true });
    const view = await t.view(reference);
    expect(view.timeline.filter((e) => e.type === "message")).toHaveLength(1);
    const notice = await t.lastMail("officer@example.org", reference);
    expect(notice.subject).toContain(reference);
  });

  it("sends the response by SMS, and takes the appeal by SMS (RECOURS …) (H-D3, H-E1)", async () => {
    await submitForm(await taskLink("officer@example.org", reference), {
      category: "programme",
      severity: "medium",
      admissible: "yes",
    });
    await submitForm(await taskLink("programme@example.org", reference), {
      decision: "delegate",
      delegate: "handler@example.org",
      courseOfAction: "Entendre les parties et vérifier les faits.",
      risks: "Aucun",
    });
    await t.advance("P3D");
    await submitForm(await taskLink("handler@example.org", reference), {
      contacted: "yes",
      nextUpdateBy: "2026-12-31",
      note: "Appel",
    });
    await t.advance("P7D");
    await submitForm(await taskLink("handler@example.org", reference), {
      outcome: "partly-founded",
      measures: "Distribution complémentaire",
      response: "Une distribution complémentaire aura lieu le 30 mars à Kati pour les familles oubliées.",
    });
    const response = (await outbox("sms", ALICE)).at(-1);
    expect(response?.body).toContain(reference);
    expect(response?.body).toContain("en partie fondée");
    expect(response?.body).toContain("distribution complémentaire aura lieu le 30 mars");
    expect(response?.body).toContain("répondez APPEL"); // issue 13: "appel" everywhere, as in the emails
    // H-D4: the H procedure offers explanations first, by SMS too.
    expect(response?.body).toContain("répondez EXPLICATIONS");
    expect((await t.view(reference)).status).toBe("responded");

    const question = await post(
      "/local/inbound-sms",
      smsNotification(ALICE, "EXPLICATIONS : pourquoi ma famille n'était pas sur la liste ?"),
    );
    expect(question.json).toEqual({ messageId: expect.any(String), reference, explanations: true });
    const asked = await t.view(reference);
    expect(asked.status).toBe("responded"); // nothing waits for it: the appeal stays open
    expect(asked.timeline.some((e) => e.type === "message" && e.detail === "explanations")).toBe(true);
    const toHandler = (await t.mails()).filter(
      (m) => m.to === "handler@example.org" && m.subject.includes(reference),
    );
    expect(toHandler.at(-1)?.text).toContain("pourquoi ma famille n'était pas sur la liste ?");

    // T-11: a text that starts with the word is not filed at once ("Appel de Moussa ce matin" is a phone
    // call): it is added to the case and the number is asked to confirm; only OUI spends the one appeal.
    const call = await post("/local/inbound-sms", smsNotification(ALICE, "Appel de Moussa ce matin, merci."));
    expect(call.json).toEqual({ messageId: expect.any(String), reference, appealPending: true });
    const question2 = (await outbox("sms", ALICE)).at(-1);
    expect(question2?.body).toContain(`faire appel de la réponse au dossier ${reference}`);
    expect(question2?.body).toContain("un seul appel");
    expect(question2?.body).toContain("répondez OUI dans les 48 heures");
    expect((await t.view(reference)).status).toBe("responded"); // nothing filed
    // Only the answer to the question confirms: another message first, and a later "oui" is a message.
    const other = await post("/local/inbound-sms", smsNotification(ALICE, "Merci, Moussa vous rappellera."));
    expect(other.json).toEqual({ messageId: expect.any(String), reference, attached: true });
    const lateYes = await post("/local/inbound-sms", smsNotification(ALICE, "Oui"));
    expect(lateYes.json).toEqual({ messageId: expect.any(String), reference, attached: true });
    expect((await t.view(reference)).status).toBe("responded");
    const appeal = await post(
      "/local/inbound-sms",
      smsNotification(ALICE, "RECOURS ma famille n'était pas sur la liste, je conteste."),
    );
    expect(appeal.json).toEqual({ messageId: expect.any(String), reference, appealPending: true });
    expect((await t.view(reference)).status).toBe("responded");
    const confirmed = await post("/local/inbound-sms", smsNotification(ALICE, "oui"));
    expect(confirmed.json).toEqual({ messageId: expect.any(String), reference, appeal: true });
    const view = await t.view(reference);
    // The latest ask is the one filed, with its reasons (the words after the keyword), not the phone call's.
    const content = await runtime().store.getContent(reference);
    expect(content?.appealReason).toBe("ma famille n'était pas sur la liste, je conteste.");
    expect(view.status).toBe("appeal");
    expect(view.timeline.map((e) => e.type)).toContain("appeal-filed");
    const ack = (await outbox("sms", ALICE)).at(-1);
    expect(ack?.body).toMatch(/votre appel sur le dossier CFM-\d{4}-\d{6} est bien recu/);
  });

  it("tells the appeal decision by SMS, closes, and takes a reply 1 to 5 as the satisfaction answer", async () => {
    await submitForm(await taskLink("appeals@example.org", reference), {
      decision: "upheld",
      reasoning: "La liste a été vérifiée.",
    });
    // H-F2: the officer checks the case and closes it.
    await submitForm(await taskLink("officer@example.org", reference), { confirm: "yes" });
    const texts = (await outbox("sms", ALICE)).map((m) => m.body);
    expect(texts.some((b) => b.includes("décision sur votre appel") && b.includes(reference))).toBe(true);
    // H-D1: the appeal officer's reasoning stays out of the SMS.
    expect(texts.join("\n")).not.toContain("La liste a été vérifiée");
    const view = await t.view(reference);
    expect(view.status).toBe("closed");
    const closing = texts.at(-1) ?? "";
    expect(closing).toContain(reference);
    expect(closing).toMatch(/1 \(pas du tout\) à 5/);

    const answer = await post("/local/inbound-sms", smsNotification(ALICE, "4"));
    expect(answer.json).toEqual({ messageId: expect.any(String), reference, satisfaction: 4 });
  });

  it("honours STOP: recorded on the case, and no further SMS goes to that number", async () => {
    const opened = await post(
      "/local/inbound-sms",
      smsNotification(BOUBA, "Le forage du village est en panne."),
    );
    const ref = String(opened.json.reference);
    expect(await outbox("sms", BOUBA)).toHaveLength(1);
    const stop = await post("/local/inbound-sms", smsNotification(BOUBA, "Arrêt"));
    expect(stop.json).toEqual({ messageId: expect.any(String), optedOut: true, reference: ref });
    expect((await t.view(ref)).timeline.some((e) => e.type === "message")).toBe(true);
    // Out of scope: a referral, whose message would go by SMS.
    await submitForm(await taskLink("officer@example.org", ref), {
      category: "out-of-scope",
      severity: "low",
      admissible: "yes",
      reason: "Relève de la mairie",
    });
    expect((await t.view(ref)).status).not.toBe("triage");
    expect(await outbox("sms", BOUBA)).toHaveLength(1);
  });

  it("answers a malformed notification with a 400 that says what is wrong", async () => {
    const notJson = await post("/local/inbound-sms", "{not json");
    expect(notJson.status).toBe(400);
    const noMessage = await post("/local/inbound-sms", { Type: "Notification", MessageId: "x" });
    expect(noMessage.status).toBe(400);
    expect(String(noMessage.json.error)).toMatch(/not an SNS notification/);
    const badNumber = smsNotification("not-a-number", "Bonjour");
    expect((await post("/local/inbound-sms", badNumber)).status).toBe(400);
    expect((await fetch(`${t.httpUrl}/local/outbox?channel=fax`)).status).toBe(400);
  });
});

describe("WhatsApp (AWS End User Messaging Social)", () => {
  it("answers in text within 24 hours, and with an approved template outside the window", async () => {
    const opened = await post(
      "/local/inbound-whatsapp",
      whatsappNotification(WA_USER, "Le chef de site demande de l'argent pour l'inscription.", await now()),
    );
    const [result] = opened.json.results as Array<{ reference: string }>;
    const reference = String(result?.reference);
    const view = await t.view(reference);
    expect(view.channel).toBe("whatsapp");
    const [ack] = await outbox("whatsapp", `+${WA_USER}`);
    expect(ack?.template).toBeUndefined();
    expect(ack?.body).toContain(reference);

    // Two days later (outside the 24-hour window) the case is referred: only a template may go out.
    await t.advance("P2D");
    await submitForm(await taskLink("officer@example.org", reference), {
      category: "out-of-scope",
      severity: "low",
      admissible: "yes",
      reason: "Relève de la mairie",
    });
    const referral = (await outbox("whatsapp", `+${WA_USER}`)).at(-1);
    expect(referral?.template).toBe("cfm_suivi_dossier");
    expect(referral?.body).toBe(`[cfm_suivi_dossier] ${reference}`);
  });

  it("asks to confirm an appeal by WhatsApp too, in text, and files it on OUI (T-11, H-E1)", async () => {
    const user = "22377000404";
    const opened = await post(
      "/local/inbound-whatsapp",
      whatsappNotification(user, "Ma famille n'a pas reçu les vivres promis à Kati.", await now()),
    );
    const [result] = opened.json.results as Array<{ reference: string }>;
    const reference = String(result?.reference);
    await submitForm(await taskLink("officer@example.org", reference), {
      category: "programme",
      severity: "medium",
      admissible: "yes",
    });
    await submitForm(await taskLink("programme@example.org", reference), {
      decision: "delegate",
      delegate: "handler@example.org",
      courseOfAction: "Vérifier la liste de distribution.",
      risks: "Aucun",
    });
    await submitForm(await taskLink("handler@example.org", reference), {
      contacted: "yes",
      nextUpdateBy: "2026-12-31",
      note: "Appel",
    });
    await submitForm(await taskLink("handler@example.org", reference), {
      outcome: "founded",
      measures: "Distribution complémentaire",
      response: "Votre famille recevra sa ration la semaine prochaine.",
    });
    expect((await t.view(reference)).status).toBe("responded");

    const ask = await post(
      "/local/inbound-whatsapp",
      whatsappNotification(user, "APPEL : la ration promise est incomplète.", await now()),
    );
    expect(ask.json.results).toEqual([{ messageId: expect.any(String), reference, appealPending: true }]);
    const question = (await outbox("whatsapp", `+${user}`)).at(-1);
    expect(question?.template).toBeUndefined(); // a text: the person has just written
    expect(question?.body).toContain(`faire appel de la réponse au dossier ${reference}`);
    expect((await t.view(reference)).status).toBe("responded");

    const yes = await post("/local/inbound-whatsapp", whatsappNotification(user, "Oui", await now()));
    expect(yes.json.results).toEqual([{ messageId: expect.any(String), reference, appeal: true }]);
    expect((await t.view(reference)).status).toBe("appeal");
    expect((await runtime().store.getContent(reference))?.appealReason).toBe(
      "la ration promise est incomplète.",
    );
  });

  it("ignores a delivery receipt (no message), and rejects a malformed entry with a 400", async () => {
    const receipt = whatsappNotification(WA_USER, "x", await now());
    const message = JSON.parse(receipt.Message) as { whatsAppWebhookEntry: string };
    const entry = JSON.parse(message.whatsAppWebhookEntry);
    entry.changes[0].value.messages = undefined;
    entry.changes[0].value.statuses = [{ id: "wamid.x", status: "delivered" }];
    receipt.Message = JSON.stringify({ ...message, whatsAppWebhookEntry: JSON.stringify(entry) });
    expect((await post("/local/inbound-whatsapp", receipt)).json).toEqual({ results: [] });
    const broken = { ...receipt, Message: JSON.stringify({ context: {}, whatsAppWebhookEntry: "{]" }) };
    expect((await post("/local/inbound-whatsapp", broken)).status).toBe(400);
  });
});

describe("personal data (issue 17)", () => {
  it("no phone number in any execution history or log line", async () => {
    const sfn = new SFNClient({
      endpoint: t.stack.wf.sfnEndpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const { executions = [] } = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: STATE_MACHINE_ARN, maxResults: 1000 }),
    );
    expect(executions.length).toBeGreaterThanOrEqual(3);
    const phones = [ALICE, BOUBA, WA_USER, ALICE.slice(1), BOUBA.slice(1)];
    for (const { executionArn } of executions) {
      const { events = [] } = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }),
      );
      const text = JSON.stringify(events);
      for (const phone of phones) expect(text).not.toContain(phone);
    }
    expect(output.join("").length).toBeGreaterThan(0);
    for (const phone of phones) expect(output.join("")).not.toContain(phone);
  });
});
