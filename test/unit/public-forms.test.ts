// The complainant's web form, follow-up and satisfaction: validation, receipt codes, signed tokens and the
// rendered pages, without a stack (CONTRACT.md "The complainant's web form and follow-up").
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadConfigText } from "../../functions/domain/config.ts";
import { translator } from "../../functions/i18n/i18n.ts";
import {
  APPEAL_REASON_MIN,
  LIMITS,
  parseAppeal,
  parseContact,
  parseFollowUpLogin,
  parseQuestion,
  parseSatisfaction,
  parseSubmission,
} from "../../functions/public/forms.ts";
import { renderFollowUpLogin, renderReceiptPage, renderSubmitPage } from "../../functions/public/pages.ts";
import { renderPoster } from "../../functions/public/poster.ts";
import { looksLikeReceipt, newReceiptCode, normaliseReceipt } from "../../functions/public/receipt.ts";
import {
  humanCheckPassed,
  newHumanCheck,
  SESSION_MS,
  satisfactionUrl,
  signSatisfaction,
  signSession,
  verifySatisfaction,
  verifySession,
} from "../../functions/public/tokens.ts";

const load = (file: string) =>
  loadConfigText(readFileSync(new URL(`../../config/${file}`, import.meta.url), "utf8"), file);
const humanitarian = load("humanitarian.example.yaml");
const training = load("training-provider.example.yaml");
const t = translator("fr");
const today = "2026-03-20";
const secret = Buffer.from("test-secret-test-secret-test-secret");

const valid = {
  language: "fr",
  kind: "complaint",
  description: "Le chef de site demande de l'argent pour la distribution.",
};

describe("parseSubmission", () => {
  it("accepts the contract's fields and reads a phone number as a phone", () => {
    const result = parseSubmission(
      { ...valid, name: "Awa Koné", contact: "+223 70 12 34 56", consent: "yes" },
      { config: humanitarian, t, today },
    );

    expect(result).toEqual({
      ok: true,
      value: {
        kind: "complaint",
        language: "fr",
        description: valid.description,
        anonymous: false,
        consentToShare: true,
        name: "Awa Koné",
        phone: "+22370123456",
      },
    });
  });

  it("stay anonymous: the name and the contact are not kept, whatever was typed", () => {
    const result = parseSubmission(
      { ...valid, anonymous: "yes", name: "Awa", contact: "awa@example.org" },
      { config: humanitarian, t, today },
    );

    expect(result.ok && result.value).toMatchObject({ anonymous: true });
    expect(result.ok && result.value).not.toHaveProperty("name");
    expect(result.ok && result.value).not.toHaveProperty("email");
  });

  it("answers each bad field with a plain French message", () => {
    const result = parseSubmission(
      { kind: "rumour", description: "court", contact: "demain", factsDate: "2099-01-01" },
      { config: humanitarian, t, today },
    );

    expect(result).toEqual({
      ok: false,
      errors: {
        kind: "Choisissez ce que vous voulez nous envoyer.",
        description: "Votre message est trop court : écrivez au moins 10 caractères.",
        contact: expect.stringContaining("numéro de téléphone"),
        factsDate: expect.stringContaining("date passée"),
      },
    });
  });

  it("T-6: takes the service, persons concerned and expectations only where the config asks for them", () => {
    const body = {
      ...valid,
      service: "Formation CACES",
      personsConcerned: "Le formateur",
      expectations: "Un remboursement",
    };

    const asked = parseSubmission(body, { config: training, t, today });
    const notAsked = parseSubmission(body, { config: humanitarian, t, today });

    expect(asked.ok && asked.value).toMatchObject({
      service: "Formation CACES",
      personsConcerned: "Le formateur",
      expectations: "Un remboursement",
    });
    expect(notAsked.ok && notAsked.value).not.toHaveProperty("service");
  });

  it("refuses a text over its limit instead of cutting it", () => {
    const result = parseSubmission({ ...valid, place: "x".repeat(501) }, { config: humanitarian, t, today });

    expect(result).toEqual({
      ok: false,
      errors: { place: "Ce texte est trop long : 500 caractères au plus." },
    });
  });
});

describe("parseContact", () => {
  it("reads phone numbers and email addresses, and refuses anything else", () => {
    expect(parseContact("70 12 34 56")).toEqual({ phone: "70 12 34 56" });
    // With its country code a number is kept in E.164, so that it can be texted (issue 17).
    expect(parseContact("+224 622 00 00 00")).toEqual({ phone: "+224622000000" });
    expect(parseContact("Awa@Example.org")).toEqual({ email: "awa@example.org" });
    for (const bad of ["123", "call me", "awa@", "+1234567890123456789"])
      expect(parseContact(bad)).toBeNull();
  });
});

describe("receipt codes", () => {
  it("are 20 Crockford base-32 characters (100 bits) in five groups, all different", () => {
    const codes = Array.from({ length: 200 }, newReceiptCode);

    for (const code of codes) expect(code).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){4}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it("survive being copied by hand: case, spaces and dashes ignored, O read as 0, I and L as 1", () => {
    expect(normaliseReceipt("abcd efgh-ijkl mnop-qrst")).toBe("ABCDEFGH1JK1MN0PQRST");
    expect(looksLikeReceipt("7kq2 0000 1111 2222 3333")).toBe(true);
    expect(looksLikeReceipt("7KQ2-0000")).toBe(false);
    expect(looksLikeReceipt("7KQ2-0000-1111-2222-333U")).toBe(false);
  });

  it("the follow-up form refuses a malformed reference or code before any lookup", () => {
    expect(parseFollowUpLogin({ reference: "cfm-2026-000001", receipt: newReceiptCode() }, t).ok).toBe(true);
    expect(parseFollowUpLogin({ reference: "2026-1", receipt: "abc" }, t)).toEqual({
      ok: false,
      errors: {
        reference: "Écrivez la référence, par exemple CFM-2026-000123.",
        receipt: "Écrivez le code de suivi : 20 lettres et chiffres.",
      },
    });
  });
});

describe("signed tokens", () => {
  it("a follow-up session stands for its case for 30 minutes, and not when altered", () => {
    const now = Date.parse("2026-03-20T10:00:00Z");
    const session = signSession(secret, "CFM-2026-000001", now);

    expect(verifySession(secret, session, now + SESSION_MS - 1)).toBe("CFM-2026-000001");
    expect(verifySession(secret, session, now + SESSION_MS)).toBeNull();
    expect(verifySession(secret, session.replace("000001", "000002"), now)).toBeNull();
    expect(verifySession(Buffer.from("another secret"), session, now)).toBeNull();
  });

  it("a satisfaction link answers for its case only, and is not a session", () => {
    const token = signSatisfaction(secret, "CFM-2026-000007");

    expect(verifySatisfaction(secret, token)).toBe("CFM-2026-000007");
    expect(verifySatisfaction(secret, token.replace("000007", "000008"))).toBeNull();
    expect(
      verifySession(secret, `${token.split(".")[0]}.9999999999999.${token.split(".")[1]}`, 0),
    ).toBeNull();
    expect(satisfactionUrl("https://x.example/t/", secret, "CFM-2026-000007")).toBe(
      `https://x.example/satisfaction/${token}`,
    );
  });

  it("the human check passes with the right sum only, on a genuine question", () => {
    const now = Date.now();
    const check = newHumanCheck(secret, now);

    expect(humanCheckPassed(secret, check.token, String(check.a + check.b), now)).toMatchObject({
      id: check.id,
      at: now,
    });
    expect(humanCheckPassed(secret, check.token, String(check.a + check.b + 1), now)).toBeNull();
    // A question rewritten to an easier one (a different pair, whatever was drawn) loses its signature.
    const [a, b] = check.a === 1 && check.b === 1 ? [2, 2] : [1, 1];
    const forged = check.token.replace(/^\d+\.\d+/, `${a}.${b}`);
    expect(humanCheckPassed(secret, forged, String(a + b), now)).toBeNull();
    // Each question has its own id (what makes it single-use, human-check.ts).
    expect(newHumanCheck(secret, now).id).not.toBe(check.id);
  });
});

describe("follow-up actions", () => {
  it("an appeal needs its reasons; a satisfaction answer a score from 1 to 5", () => {
    expect(parseAppeal({ reason: "non" }, t).ok).toBe(false);
    expect(parseAppeal({ reason: "x".repeat(APPEAL_REASON_MIN) }, t).ok).toBe(true);
    // H-D4: a question about the answer, not empty, not longer than a message.
    expect(parseQuestion({ question: "  " }, t)).toEqual({
      ok: false,
      errors: { question: "Écrivez votre question." },
    });
    expect(parseQuestion({ question: "Pourquoi ?" }, t)).toEqual({
      ok: true,
      value: { question: "Pourquoi ?" },
    });
    expect(parseQuestion({ question: "x".repeat(LIMITS.message + 1) }, t).ok).toBe(false);
    expect(parseSatisfaction({ score: "4", comment: "Merci" }, t)).toEqual({
      ok: true,
      value: { score: 4, comment: "Merci" },
    });
    expect(parseSatisfaction({ score: "9" }, t)).toEqual({
      ok: false,
      errors: { score: "Choisissez une note de 1 à 5." },
    });
  });
});

describe("pages", () => {
  const styleHash = (html: string) =>
    createHash("sha256")
      .update(/<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? "", "utf8")
      .digest("base64");

  it("the form is French first, has the contract's field names, no script, and weighs under 30 KB", () => {
    const page = renderSubmitPage({ t, language: "fr", config: training, submissionId: "s".repeat(22) });
    const names = [...page.body.matchAll(/name="([^"]+)"/g)].map((m) => m[1]);

    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/^<!doctype html>\n<html lang="fr">/);
    for (const name of [
      "kind",
      "description",
      "name",
      "contact",
      "anonymous",
      "language",
      "service",
      "expectations",
    ])
      expect(names).toContain(name);
    expect(page.body).not.toMatch(/<script|\son[a-z]+=/i);
    expect(Buffer.byteLength(page.body)).toBeLessThan(30 * 1024);
    expect(page.headers["Content-Security-Policy"]).toContain(`style-src 'sha256-${styleHash(page.body)}'`);
    expect(page.body).toContain(
      '<a href="/submit?lang=en" hreflang="en" lang="en">Read this page in English</a>',
    );
  });

  it("the error page keeps what was typed, escaped, and answers 422", () => {
    const page = renderSubmitPage({
      t,
      language: "fr",
      config: humanitarian,
      submissionId: "s".repeat(22),
      values: { description: "<b>Il a menacé</b>", name: "Awa", kind: "complaint" },
      errors: { contact: "Écrivez un numéro de téléphone." },
    });

    expect(page.statusCode).toBe(422);
    expect(page.body).toContain("&lt;b&gt;Il a menacé&lt;/b&gt;</textarea>");
    expect(page.body).toContain('value="Awa"');
    expect(page.body).toMatch(/value="complaint" checked/);
    expect(page.body).toContain('<li><a href="#f-contact">Écrivez un numéro de téléphone.</a></li>');
  });

  it("the confirmation shows the reference and the receipt code in their ids, and is never cached", () => {
    const page = renderReceiptPage({
      t,
      language: "fr",
      reference: "CFM-2026-000001",
      receipt: "7KQ2-0000-1111-2222-3333",
      anonymous: true,
      deadlines: { respond: "2026-05-01T10:00:00Z" },
      timeZone: "Africa/Bamako",
    });

    expect(page.statusCode).toBe(201);
    expect(page.body).toContain('id="reference">CFM-2026-000001<');
    expect(page.body).toContain('id="receipt">7KQ2-0000-1111-2222-3333<');
    expect(page.body).toContain("ce code est le seul moyen de lire notre réponse");
    expect(page.headers["Cache-Control"]).toBe("no-store");
  });

  it("the follow-up form never writes the receipt code back into the page", () => {
    const page = renderFollowUpLogin({
      t,
      language: "fr",
      values: { reference: "CFM-2026-000001", receipt: "7KQ2-0000-1111-2222-3333" },
      problem: t("public.followUp.wrong"),
    });

    expect(page.statusCode).toBe(422);
    expect(page.body).toContain('value="CFM-2026-000001"');
    expect(page.body).not.toContain("7KQ2");
  });
});

describe("cfm poster", () => {
  it("an A4 page with the QR code as inline SVG, the form's address, the follow-up address, French first", async () => {
    const html = await renderPoster(humanitarian, "https://cfm.example.org/submit", "fr");

    expect(html).toMatch(/^<!doctype html>\n<html lang="fr">/);
    expect(html).toMatch(/<svg[^>]*viewBox="0 0 \d+ \d+"[\s\S]*<path/);
    expect(html).toContain("https://cfm.example.org/submit");
    expect(html).toContain("https://cfm.example.org/follow-up");
    expect(html).toContain("Vous pouvez rester anonyme.");
    expect(html).toContain("plaintes@example.org");
  });

  it("refuses an address that is not http(s)", async () => {
    await expect(renderPoster(humanitarian, "javascript:alert(1)", "fr")).rejects.toThrow(/http\(s\)/);
    await expect(renderPoster(humanitarian, "submit", "fr")).rejects.toThrow(/not an absolute URL/);
  });
});
