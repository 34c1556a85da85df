// Issue 16: the complainant's side in a real browser (Chromium at 390×844, a small phone), on the whole local
// stack (CONTRACT.md "The complainant's web form and follow-up"): file anonymously, keep the receipt code,
// come back, read the answer, appeal, answer the satisfaction question and find it in the report; file with
// a phone number; abuse is throttled with a clear page. Saves the README screenshots (docs/images/public-*.png).
//
// The tests share one stack and run in order; the throttling tests come last (all requests come from one
// address, 127.0.0.1).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Report } from "../../functions/reports/compute.ts";
import { launchChromium, type PageWatch, watchedPage } from "../helpers/browser.ts";
import { COORDINATOR_AUTH, startTestStack, submitForm, type TestStack } from "../helpers/local-stack.ts";

const IMAGES = join(
  import.meta.dirname,
  process.env.CFM_UPDATE_SCREENSHOTS === "1" ? "../../docs/images" : "../../test-results/screenshots",
);
const PHONE = { width: 390, height: 844 } as const;
/** The budget for a page on the wire. */
const PAGE_BUDGET_BYTES = 30 * 1024;
const OFFICER = "officer@example.org";
const PROGRAMME = "programme@example.org";
const APPEALS = "appeals@example.org";

let browser: Browser;
let missingBrowser: Error | undefined;
let s: TestStack;
const pages: PageWatch[] = [];

beforeAll(async () => {
  // The browser first, on real time: the stack then installs its virtual clock in this worker.
  try {
    browser = await launchChromium();
  } catch (error) {
    missingBrowser = error as Error;
    return;
  }
  s = await startTestStack();
  mkdirSync(IMAGES, { recursive: true });
}, 180_000);

beforeEach(() => {
  if (missingBrowser) throw missingBrowser;
});

afterAll(async () => {
  for (const watch of pages) await watch.close().catch(() => {});
  await browser?.close();
  await s?.stop();
}, 60_000);

async function phone(): Promise<PageWatch> {
  const watch = await watchedPage(browser, { viewport: PHONE, mobile: true });
  pages.push(watch);
  return watch;
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(IMAGES, name), type: "png" });

/** No serious or critical accessibility violation (axe-core, WCAG 2.1 AA rules). */
async function expectAccessible(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page } as never)
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

/** The staff answer the case through their task links: triage, take charge, contact, conclude. */
async function answer(reference: string, response: string): Promise<void> {
  const triage = await s.linkFrom(OFFICER, reference);
  expect(
    (await submitForm(triage, { category: "programme", severity: "low", admissible: "yes" })).status,
  ).toBe(200);
  const steps: Array<Record<string, string>> = [
    { decision: "accept", courseOfAction: "Entendre l’agent concerné.", risks: "Aucun risque identifié." },
    {
      contacted: "yes",
      nextUpdateBy: "2026-12-31",
      note: "Plaignant anonyme : réponse sur la page de suivi.",
    },
    { outcome: "founded", measures: "Agent rappelé à l'ordre.", response },
  ];
  for (const fields of steps)
    expect((await submitForm(await s.linkFrom(PROGRAMME, reference), fields)).status).toBe(200);
  expect((await s.view(reference)).status).toBe("responded");
}

async function followUp(page: Page, reference: string, receipt: string): Promise<void> {
  expect((await page.goto(`${s.httpUrl}/follow-up`))?.status()).toBe(200);
  await page.getByLabel("Référence").fill(reference);
  await page.getByLabel("Code de suivi").fill(receipt.toLowerCase().replaceAll("-", " "));
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/follow-up") && r.request().method() === "POST"),
    page.getByRole("button", { name: "Voir mon dossier" }).click(),
  ]);
  expect(response.status()).toBe(200);
}

// biome-ignore lint/performance/useDomNodeTextContent: the rendered text, as the complainant reads it (hidden parts left out)
const text = (page: Page, selector = "main") => page.locator(selector).innerText();

/** The anonymous case filed first: later tests come back to it. */
let anonymous: { reference: string; receipt: string };

describe("the complainant's web form and follow-up (issue 16)", () => {
  const RESPONSE =
    "Nous avons vérifié : l'agent a demandé de l'argent, c'est interdit. Il a été rappelé à l'ordre et " +
    "vous n'avez rien à payer pour la distribution.";

  it("files anonymously on a small phone: a light page, no account, a reference and a receipt code shown once", async () => {
    const { page, requests, consoleProblems, violations } = await phone();
    const response = await page.goto(`${s.httpUrl}/submit`);

    expect(response?.status()).toBe(200);
    expect(await page.locator("html").getAttribute("lang")).toBe("fr");
    expect(await text(page, "h1")).toBe("Nous écrire");
    // Page weight: the document is the whole page (no script, style sheet, font or image to fetch).
    expect((await response?.body())?.length).toBeLessThan(PAGE_BUDGET_BYTES);
    expect(requests).toEqual([`${s.httpUrl}/submit`]);
    await expectAccessible(page);

    await page.getByLabel("Une plainte : quelque chose ne va pas").check();
    await page
      .getByLabel("Votre message")
      .fill("Au site de Sévaré, l'agent de distribution demande 500 francs pour donner les kits d'hygiène.");
    await page.getByLabel("Lieu des faits").fill("Sévaré, site 2");
    await page.getByLabel("Je veux rester anonyme").check();
    await shot(page, "public-form.png");
    const [answered] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/submit") && r.request().method() === "POST"),
      page.getByRole("button", { name: "Envoyer" }).click(),
    ]);

    expect(answered.status()).toBe(201);
    const reference = await text(page, "#reference");
    const receipt = await text(page, "#receipt");
    expect(reference).toMatch(/^CFM-\d{4}-\d{6}$/);
    expect(receipt).toMatch(/^([0-9A-Z]{4}-){4}[0-9A-Z]{4}$/);
    expect(await text(page)).toContain("Il ne sera plus jamais affiché");
    await expectAccessible(page);
    await shot(page, "public-receipt.png");
    const view = await s.view(reference);
    expect(view).toMatchObject({
      channel: "web",
      anonymous: true,
      kind: "complaint",
      status: "acknowledged",
    });
    expect(view.complainant).toBeNull();
    // Nothing goes out by email for an anonymous case; the code is in no email.
    expect((await s.mails()).some((m) => m.text.includes(receipt))).toBe(false);
    expect(consoleProblems).toEqual([]);
    expect(await violations()).toEqual([]);
    anonymous = { reference, receipt };
  });

  it("comes back with the receipt code, reads the answer and appeals (H-E1), anonymously", async () => {
    await answer(anonymous.reference, RESPONSE);
    const { page, consoleProblems } = await phone();

    await followUp(page, anonymous.reference, anonymous.receipt);

    expect(await text(page, "h1")).toBe(`Votre dossier ${anonymous.reference}`);
    // At 390 px the reference stays whole: one line box, never "CFM-2026-" then "000001".
    const referenceLines = await page
      .locator("h1 .nowrap")
      .evaluate((el) => new Set([...el.getClientRects()].map((r) => Math.round(r.top))).size);
    expect(referenceLines).toBe(1);
    expect(await page.locator("#status").getAttribute("data-status")).toBe("responded");
    expect(await text(page, "#answer")).toBe(RESPONSE);
    expect(await text(page)).toContain("Réponse avant le");
    await expectAccessible(page);
    await shot(page, "public-follow-up.png");

    await page
      .getByLabel("Pourquoi n’êtes-vous pas d’accord ?")
      .fill("L'agent est toujours là et il demande encore de l'argent aux familles du site 2.");
    await page.getByRole("button", { name: "Envoyer mon appel" }).click();

    expect(await text(page, "[role=status]")).toContain("Votre appel est enregistré");
    const view = await s.view(anonymous.reference);
    expect(view.status).toBe("appeal");
    expect(view.timeline.map((e) => e.type)).toContain("appeal-filed");
    expect(consoleProblems).toEqual([]);
  });

  it("asks for explanations first from the follow-up page (H-D4), the appeal still open", async () => {
    const { page, consoleProblems } = await phone();
    await page.goto(`${s.httpUrl}/submit`);
    await page.getByLabel("Une plainte : quelque chose ne va pas").check();
    await page
      .getByLabel("Votre message")
      .fill("Ma famille n'a pas reçu le deuxième kit d'hygiène promis au site de Mopti.");
    await page.getByLabel("Votre téléphone ou votre adresse e-mail").fill("kadi.web@example.net");
    await page.getByLabel("J’accepte que mon message").check();
    await page.getByRole("button", { name: "Envoyer" }).click();
    const reference = await text(page, "#reference");
    const receipt = await text(page, "#receipt");
    await answer(reference, "Un deuxième kit sera remis à chaque famille inscrite avant la fin du mois.");

    await followUp(page, reference, receipt);
    // Explanations first, then the appeal, in the procedure's order.
    const headings = await page.locator("h2").allTextContents();
    expect(headings.indexOf("Vous ne comprenez pas la réponse\u00a0?")).toBeGreaterThan(-1);
    expect(headings.indexOf("Vous ne comprenez pas la réponse\u00a0?")).toBeLessThan(
      headings.indexOf("Vous n’êtes pas d’accord avec la réponse\u00a0?"),
    );
    await expectAccessible(page);
    await page
      .getByLabel("Votre question sur la réponse")
      .fill("Pourquoi seulement les familles inscrites ?");
    await page.getByRole("button", { name: "Demander des explications" }).click();
    expect(await text(page, "[role=status]")).toContain("Votre demande d’explications est enregistrée");
    await shot(page, "public-follow-up-explanations.png");

    const view = await s.view(reference);
    expect(view.status).toBe("responded"); // the appeal stays open
    expect(view.timeline.some((e) => e.type === "message" && e.detail === "explanations")).toBe(true);
    const toHandler = await s.lastMail(PROGRAMME, reference);
    expect(toHandler.text).toContain("Pourquoi seulement les familles inscrites ?");
    expect(await page.getByRole("button", { name: "Envoyer mon appel" }).count()).toBe(1);
    expect(consoleProblems).toEqual([]);
  });

  it("a wrong code shows the same page as an unknown reference, and never tells which", async () => {
    const { page } = await phone();
    await page.goto(`${s.httpUrl}/follow-up`);
    const wrongCode = anonymous.receipt.replace(/^./, (c) => (c === "A" ? "B" : "A"));

    await page.getByLabel("Référence").fill(anonymous.reference);
    await page.getByLabel("Code de suivi").fill(wrongCode);
    await page.getByRole("button", { name: "Voir mon dossier" }).click();
    const known = await text(page);
    await page.getByLabel("Référence").fill("CFM-2026-999999");
    await page.getByLabel("Code de suivi").fill(wrongCode);
    await page.getByRole("button", { name: "Voir mon dossier" }).click();
    const unknown = await text(page);

    expect(known).toContain("Cette référence et ce code ne vont pas ensemble");
    expect(unknown.replace("CFM-2026-999999", anonymous.reference)).toBe(known);
    expect(await page.locator('input[name="receipt"]').inputValue()).toBe("");
  });

  it("closing the loop: after the appeal decision and closure, the satisfaction answer is counted in the report", async () => {
    const decide = await s.linkFrom(APPEALS, anonymous.reference);
    expect(
      (await submitForm(decide, { decision: "upheld", reasoning: "L'agent a été affecté ailleurs." })).status,
    ).toBe(200);
    const close = await s.linkFrom(OFFICER, anonymous.reference);
    expect((await submitForm(close, { confirm: "yes" })).status).toBe(200);
    expect((await s.view(anonymous.reference)).status).toBe("closed");
    const { page } = await phone();

    await followUp(page, anonymous.reference, anonymous.receipt);
    expect(await text(page)).toContain("La décision est maintenue.");
    await page.getByLabel("4 – Satisfait(e)").check();
    await page.getByLabel("Un commentaire").fill("Merci d'avoir écouté.");
    await page.getByRole("button", { name: "Envoyer mon avis" }).click();

    expect(await text(page, "[role=status]")).toContain("Merci pour votre avis.");
    expect(await page.locator('input[name="score"]').count()).toBe(0);
    const day = (await s.view(anonymous.reference)).receivedAt.slice(0, 10);
    const res = await fetch(`${s.httpUrl}/api/reports?from=${day}&to=${day}&format=json`, {
      headers: COORDINATOR_AUTH,
    });
    expect(res.status).toBe(200);
    const report = (await res.json()) as Report;
    expect(report.counts.channel.web).toBeGreaterThanOrEqual(1);
    expect(report.loop).toMatchObject({ answered: 1, satisfied: 1, satisfactionRate: 1 });
    expect(report.loop.asked).toBeGreaterThanOrEqual(1);
    expect(report.loop.communicated).toBeGreaterThanOrEqual(1);
  });

  it("files with a phone number: kept for the officer, and the follow-up page works for them too", async () => {
    const { page } = await phone();
    await page.goto(`${s.httpUrl}/submit`);

    await page.getByLabel("Une question").check();
    await page
      .getByLabel("Votre message")
      .fill("Quand aura lieu la prochaine distribution de vivres à Mopti ?");
    await page.locator(`input[name="name"]`).fill("Moussa Diarra");
    await page.getByLabel("Votre téléphone ou votre adresse e-mail").fill("+223 76 12 34 56");
    await page.getByLabel("J’accepte que mon message").check();
    await page.getByRole("button", { name: "Envoyer" }).click();

    const reference = await text(page, "#reference");
    const receipt = await text(page, "#receipt");
    const view = await s.view(reference);
    expect(view).toMatchObject({ channel: "web", kind: "information-request", anonymous: false });
    expect(view.complainant).toEqual({ name: "Moussa Diarra", phone: "+22376123456" });
    await followUp(page, reference, receipt);
    await page.getByLabel("Votre message").fill("Je peux aussi être joint le soir.");
    await page.getByRole("button", { name: "Envoyer le message" }).click();
    expect(await text(page, "[role=status]")).toContain("Votre message est enregistré");
    expect((await s.view(reference)).timeline.map((e) => e.type)).toContain("message");
  });

  it("the error page keeps what was typed and says what to fix", async () => {
    const { page } = await phone();
    await page.goto(`${s.httpUrl}/submit`);
    const long = "Le puits du quartier est en panne depuis deux semaines.";

    await page.getByLabel("Une suggestion : une idée pour faire mieux").check();
    await page.locator(`input[name="name"]`).fill("Fatoumata");
    await page.getByLabel("Votre téléphone ou votre adresse e-mail").fill("pas de téléphone");
    await page.getByLabel("Votre message").fill(long);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/submit") && r.request().method() === "POST"),
      page.getByRole("button", { name: "Envoyer" }).click(),
    ]);

    expect(response.status()).toBe(422);
    expect(await text(page, ".summary")).toContain("Écrivez un numéro de téléphone");
    expect(await page.getByLabel("Votre message").inputValue()).toBe(long);
    expect(await page.locator(`input[name="name"]`).inputValue()).toBe("Fatoumata");
    expect(await page.getByLabel("Une suggestion : une idée pour faire mieux").isChecked()).toBe(true);
    await expectAccessible(page);
  });
});

describe("abuse, without tracking people", () => {
  it("100 submissions from one address in a minute are throttled with a clear page that keeps the text", async () => {
    const form = (i: number) =>
      new URLSearchParams({
        language: "fr",
        submission: `abuse-submission-${String(i).padStart(4, "0")}`,
        kind: "suggestion",
        description: `Message automatique numéro ${i} envoyé en boucle.`,
      }).toString();
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 100; i++) {
      last = await fetch(`${s.httpUrl}/submit`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: form(i),
      });
      statuses.push(last.status);
      if (i < 99) await last.arrayBuffer();
    }

    // The example configs allow 20 forms per address in 10 minutes (some were used by the tests above).
    expect(statuses.filter((x) => x === 201).length).toBeLessThanOrEqual(20);
    expect(statuses.filter((x) => x === 429).length).toBeGreaterThanOrEqual(80);
    expect(statuses.at(-1)).toBe(429);
    expect(Number(last?.headers.get("retry-after"))).toBeGreaterThan(0);
    const html = (await last?.text()) ?? "";
    expect(html).toContain("Trop d’essais depuis cette connexion");
    expect(html).toContain("Votre message n’est pas perdu");
    expect(html).toContain("Message automatique numéro 99 envoyé en boucle.</textarea>");
  });

  it("wrong receipt codes are throttled: past the limit even a right code waits", async () => {
    const attempt = (receipt: string) =>
      fetch(`${s.httpUrl}/follow-up`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ language: "fr", reference: anonymous.reference, receipt }).toString(),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await attempt(`AAAA-AAAA-AAAA-AAAA-AA${String(i).padStart(2, "0")}`);
      statuses.push(r.status);
      await r.arrayBuffer();
    }
    const right = await attempt(anonymous.receipt);

    // 10 wrong codes per address in 10 minutes (two were tried by an earlier test), then a clear 429.
    const firstThrottled = statuses.indexOf(429);
    expect(firstThrottled).toBe(8);
    expect(statuses.slice(0, firstThrottled).every((x) => x === 422)).toBe(true);
    expect(statuses.slice(firstThrottled).every((x) => x === 429)).toBe(true);
    expect(right.status).toBe(429);
    expect(await right.text()).toContain("Trop de codes erronés");
  });
});
