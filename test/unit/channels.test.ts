// Issue 17: the pure rules of the channels: where the complainant's messages go, what an inbound text asks
// for, WhatsApp's 24-hour window, and the short texts (reference always, nothing sensitive, GSM-7 and cut).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { intentOf } from "../../functions/channels/keywords.ts";
import { renderShortText } from "../../functions/channels/short-texts.ts";
import { encodingOf, segmentCount } from "../../functions/channels/sms-encoding.ts";
import { chooseWhatsApp, withinServiceWindow } from "../../functions/channels/whatsapp-message.ts";
import { complainantRoute } from "../../functions/domain/complainant-channel.ts";
import { loadConfigText } from "../../functions/domain/config.ts";
import { normalisePhone } from "../../functions/domain/phone.ts";

const CONFIG = loadConfigText(
  readFileSync("config/humanitarian.example.yaml", "utf8"),
  "config/humanitarian.example.yaml",
);
const NO_PHONES = { ...CONFIG, channels: {} };
const base = {
  reference: "CFM-2026-000042",
  organisation: "ONG Exemple Mali",
  timeZone: "Africa/Bamako",
  kind: "complaint" as const,
};

describe("complainantRoute: where the procedure's messages go", () => {
  const phone = { complainant: { phone: "+22376000101", email: "a@example.net" }, representative: null };
  it("answers a case on the channel it came by (SMS, WhatsApp), even when an email address is known", () => {
    expect(complainantRoute(CONFIG, { channel: "sms", anonymous: false }, phone)).toEqual({
      channel: "sms",
      to: "+22376000101",
    });
    expect(complainantRoute(CONFIG, { channel: "whatsapp", anonymous: false }, phone)?.channel).toBe(
      "whatsapp",
    );
  });
  it("writes by email otherwise, then by SMS to a number given, and never to an anonymous complainant", () => {
    expect(complainantRoute(CONFIG, { channel: "web", anonymous: false }, phone)?.channel).toBe("email");
    const onlyPhone = { complainant: { phone: "+22376000101" }, representative: null };
    expect(complainantRoute(CONFIG, { channel: "kobo", anonymous: false }, onlyPhone)?.channel).toBe("sms");
    expect(complainantRoute(NO_PHONES, { channel: "kobo", anonymous: false }, onlyPhone)).toBeNull();
    expect(complainantRoute(CONFIG, { channel: "sms", anonymous: true }, phone)).toBeNull();
  });
  it("texts a number written with spaces in E.164, and never one without its country code", () => {
    const spaced = { complainant: { phone: "+223 70 00 00 00" }, representative: null };
    expect(complainantRoute(CONFIG, { channel: "phone", anonymous: false }, spaced)).toEqual({
      channel: "sms",
      to: "+22370000000",
    });
    const local = { complainant: { phone: "70 00 00 00" }, representative: null };
    expect(complainantRoute(CONFIG, { channel: "phone", anonymous: false }, local)).toBeNull();
  });
});

describe("phone numbers (E.164)", () => {
  it("normalises what people write and refuses what is not a number with its country code", () => {
    expect(normalisePhone("+223 76 00 01 01")).toBe("+22376000101");
    expect(normalisePhone("00224-620.00.00.01")).toBe("+224620000001");
    expect(normalisePhone("76 00 01 01")).toBeNull();
    expect(normalisePhone("+0123456789")).toBeNull();
    expect(normalisePhone("call me")).toBeNull();
  });
});

describe("intentOf: what an inbound text asks for", () => {
  it.each(["STOP", "stop", "Arrêt", "ARRET", " stop. ", "Stop all", "UNSUBSCRIBE"])("%s opts out", (text) => {
    expect(intentOf(text)).toEqual({ kind: "opt-out" });
  });
  it("reads START as opt-in, a lone digit 1-5 as satisfaction, RECOURS/APPEL/APPEAL as an appeal", () => {
    expect(intentOf("start")).toEqual({ kind: "opt-in" });
    expect(intentOf(" 4 ")).toEqual({ kind: "satisfaction", score: 4 });
    expect(intentOf("6").kind).toBe("message");
    expect(intentOf("RECOURS : je conteste")).toEqual({ kind: "appeal", reason: "je conteste" });
    expect(intentOf("appel la liste est fausse")).toEqual({ kind: "appeal", reason: "la liste est fausse" });
    // A sentence that merely contains a keyword is a message.
    expect(intentOf("Il faut que ça stop, le chef de site vole").kind).toBe("message");
    expect(intentOf("Appelez-moi demain").kind).toBe("message");
    // An accented letter goes on the word: not the keyword (T-11: one appeal, never spent by accident).
    expect(intentOf("Appelé ce matin, personne n'a répondu").kind).toBe("message");
    expect(intentOf("Recoursé").kind).toBe("message");
    expect(intentOf("APPEL")).toEqual({ kind: "appeal", reason: "" });
    // T-11: the appeal is filed only on the number's confirmation.
    for (const yes of ["OUI", "oui", "Oui.", "YES", "confirmer", "Je confirme", "OUI APPEL"])
      expect(intentOf(yes)).toEqual({ kind: "confirm" });
    expect(intentOf("oui mais la liste est fausse")).toEqual({ kind: "message" });
    // H-D4: explanations before an appeal.
    expect(intentOf("EXPLICATIONS : pourquoi ?")).toEqual({ kind: "explanations", question: "pourquoi ?" });
    expect(intentOf("explication")).toEqual({ kind: "explanations", question: "" });
    expect(intentOf("Expliqué hier au téléphone").kind).toBe("message");
  });
});

describe("WhatsApp's 24-hour customer service window", () => {
  const whatsapp = CONFIG.channels.whatsapp;
  if (!whatsapp) throw new Error("the example config declares WhatsApp");
  const now = new Date("2026-03-05T12:00:00Z");
  const choose = (lastInboundAt: string | null, message: "closure" | "referral" = "referral") =>
    chooseWhatsApp(whatsapp, {
      to: "+22377000303",
      message,
      language: "fr",
      text: "texte",
      reference: "CFM-2026-000042",
      lastInboundAt,
      now,
    });
  it("writes text within 24 hours of the person's last message", () => {
    expect(withinServiceWindow("2026-03-04T12:00:01Z", now)).toBe(true);
    expect(withinServiceWindow("2026-03-04T12:00:00Z", now)).toBe(false);
    expect(choose("2026-03-05T08:00:00Z").kind).toBe("text");
  });
  it("outside it sends the message's approved template, else `default`, with the reference as parameter", () => {
    const closure = choose("2026-03-01T08:00:00Z", "closure");
    expect(closure.kind === "template" && closure.template).toBe("cfm_dossier_clos");
    const referral = choose(null);
    expect(referral).toEqual({
      kind: "template",
      template: "cfm_suivi_dossier",
      payload: {
        messaging_product: "whatsapp",
        to: "+22377000303",
        type: "template",
        template: {
          name: "cfm_suivi_dossier",
          language: { code: "fr" },
          components: [{ type: "body", parameters: [{ type: "text", text: "CFM-2026-000042" }] }],
        },
      },
    });
    // No template declared: nothing can be delivered outside the window.
    const input = {
      to: "+1",
      message: "closure" as const,
      language: "fr" as const,
      text: "t",
      reference: "r",
    };
    expect(chooseWhatsApp({ ...whatsapp, templates: {} }, { ...input, lastInboundAt: null, now }).kind).toBe(
      "no-template",
    );
  });
});

describe("short texts (SMS, WhatsApp)", () => {
  it("carries the reference in every message, in French first, an acknowledgement in one GSM-7 SMS or two", () => {
    const ack = renderShortText(
      "acknowledgement",
      "fr",
      { ...base, receivedAt: "2026-03-02T09:00:00Z", respondBy: "2026-04-13T09:00:00Z" },
      { maxSegments: 4 },
    );
    expect(ack).toBe(
      "ONG Exemple Mali : nous avons bien recu votre plainte. Référence CFM-2026-000042. Réponse au plus tard le 13/04/2026. Pour ajouter une information, répondez à ce message.",
    );
    expect(encodingOf(ack)).toBe("GSM-7");
    expect(segmentCount(ack)).toBeLessThanOrEqual(2);
    const en = renderShortText("appeal-extension", "en", { ...base, decisionBy: "2026-05-01T09:00:00Z" });
    expect(en).toContain("CFM-2026-000042");
  });

  it("tells a sensitive case only that there is an answer: no outcome, no response text (H-D1, H-D3)", () => {
    const text = renderShortText(
      "response",
      "fr",
      { ...base, sensitive: true, outcome: "founded", procedure: "Le membre du personnel a été suspendu." },
      { maxSegments: 4 },
    );
    expect(text).toContain("CFM-2026-000042");
    expect(text).not.toMatch(/fond|suspendu/i);
  });

  it("cuts a long response to the configured segments, saying how to get the rest", () => {
    const long = "La distribution complémentaire aura lieu à Kati. ".repeat(40);
    const text = renderShortText(
      "response",
      "fr",
      {
        ...base,
        sensitive: false,
        outcome: "founded",
        responseText: long,
        appealUrl: "https://x/t/y",
        appealDeadline: "2026-05-01T09:00:00Z",
      },
      { maxSegments: 3 },
    );
    expect(segmentCount(text)).toBeLessThanOrEqual(3);
    expect(text).toContain("(suite : répondez à ce message)");
    expect(text).toContain("répondez APPEL");
    expect(text).not.toContain("https://");
  });
});
