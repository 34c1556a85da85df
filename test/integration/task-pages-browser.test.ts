// Issue 5: the task pages in a real browser (Chromium), on the whole local stack (CONTRACT.md "Task pages",
// "Emails"): a complaint arrives by email, the links are taken from the outgoing-mail store, the pages are
// opened and their forms submitted as the staff and the complainant would. Saves the README screenshots
// (docs/images/task-*.png).
//
// The tests share one stack and run in order: the expiry tests move the virtual clock forward, so each
// test files its own complaint at the current virtual time.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import MailComposer from "nodemailer/lib/mail-composer";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { launchChromium, MOBILE, type PageWatch, watchedPage } from "../helpers/browser.ts";
import {
  formNonce,
  getPage,
  type Mail,
  postForm,
  startTestStack,
  submitForm,
  type TestStack,
  taskLinks,
} from "../helpers/local-stack.ts";

// The README's screenshots are refreshed with CFM_UPDATE_SCREENSHOTS=1; other runs write under test-results/.
const IMAGES = join(
  import.meta.dirname,
  process.env.CFM_UPDATE_SCREENSHOTS === "1" ? "../../docs/images" : "../../test-results/screenshots",
);
const OFFICER = "officer@example.org";
const PROGRAMME = "programme@example.org";
const DIRECTOR = "director@example.org";
const DELEGATE = "delegate@example.org";
const HANDLER = "handler@example.org";

let browser: Browser;
let missingBrowser: Error | undefined;
let s: TestStack;
const pages: PageWatch[] = [];

beforeAll(async () => {
  // The browser first, on real time: the stack then installs its virtual clock in this worker.
  try {
    browser = await launchChromium();
  } catch (error) {
    missingBrowser = error as Error; // every test fails with it (a failed beforeAll would mark them skipped)
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

async function open(options: Parameters<typeof watchedPage>[1] = {}): Promise<PageWatch> {
  const watch = await watchedPage(browser, options);
  pages.push(watch);
  return watch;
}

const screenshot = (page: Page, name: string) => page.screenshot({ path: join(IMAGES, name), type: "png" });

interface Filed {
  reference: string;
  name: string;
  address: string;
  description: string;
}

let complainants = 0;
const FRENCH = {
  name: "Aïssata Traoré",
  subject: "Plainte : distribution alimentaire à Ségou",
  description:
    "Bonjour, lors de la distribution du 12 février à Ségou, ma famille n'a pas reçu sa ration. " +
    "Les agents ont dit que notre nom n'était pas sur la liste, alors que nous étions inscrits depuis " +
    "décembre. Merci de vérifier et de nous répondre. Aïssata",
};

/** A complaint by email, as a raw message (nodemailer's MailComposer) to POST /local/inbound-email. */
async function fileComplaint(
  message: { name: string; subject: string; description: string; language?: string } = FRENCH,
): Promise<Filed> {
  complainants += 1;
  const address = `plaignant.${complainants}@example.net`;
  const raw = await new MailComposer({
    from: { name: message.name, address },
    to: "plaintes@example.org",
    subject: message.subject,
    text: message.description,
    headers: message.language ? { "Content-Language": message.language } : {},
  })
    .compile()
    .build();
  const result = await s.inbound(raw);
  if (!("reference" in result)) throw new Error(`no case opened: ${JSON.stringify(result)}`);
  return { reference: result.reference, name: message.name, address, description: message.description };
}

/** H-B1 through the officer's link, with fetch (for tests about a later step). */
async function triage(reference: string, category: string, severity = "medium") {
  const link = await s.linkFrom(OFFICER, reference);
  const done = await submitForm(link, { category, severity, admissible: "yes" });
  expect(done.status).toBe(200);
}

const events = async (reference: string, type: string) =>
  (await s.view(reference)).timeline.filter((e) => e.type === type);

const text = async (page: Page, selector = "main") =>
  ((await page.locator(selector).textContent()) ?? "").trim();

/** Submits the page's form with its button and answers the POST's status once the result has loaded. */
async function submit(page: Page): Promise<number> {
  const posted = page.waitForResponse((r) => r.request().method() === "POST");
  await page.locator('form[method="post"] button[type="submit"]').click();
  const response = await posted;
  await page.waitForLoadState("load");
  return response.status();
}

function cspDirectives(header: string | null): Map<string, string> {
  return new Map(
    (header ?? "")
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name as string, values.join(" ")]),
  );
}

describe("task pages in Chromium (issue 5)", () => {
  it("H-B1: the officer triages from the emailed link; the case moves on and the programme officer gets the assignment link (H-B3)", async () => {
    const filed = await fileComplaint();
    const link = await s.linkFrom(OFFICER, filed.reference);
    const { page, consoleProblems, violations } = await open();

    const response = await page.goto(link);
    expect(response?.status()).toBe(200);
    expect(await text(page, "h1")).toBe("Trier la plainte");
    const shown = await text(page);
    expect(shown).toContain(filed.reference);
    expect(shown).toContain("distribution du 12 février à Ségou"); // the description, accents intact
    expect(shown).toContain(filed.name);
    await page.selectOption('select[name="category"]', "programme");
    await page.check('input[name="severity"][value="medium"]');
    await page.check('input[name="admissible"][value="yes"]');
    await page.fill('textarea[name="reason"]', "Recevable : vérifier la liste des bénéficiaires à Ségou.");
    await page.evaluate("document.activeElement?.blur(); window.scrollTo(0, 0)");
    await screenshot(page, "task-triage.png");

    expect(await submit(page)).toBe(200);
    expect(await text(page, "h1")).toBe("Merci, c’est enregistré");
    expect(await text(page)).toContain(filed.reference);
    await screenshot(page, "task-done.png");

    const view = await s.view(filed.reference);
    expect(view).toMatchObject({
      status: "triage",
      category: "programme",
      severity: "medium",
      admissible: true,
      responsible: PROGRAMME,
    });
    expect(view.timeline.filter((e) => e.type === "triaged")).toEqual([
      expect.objectContaining({ actor: OFFICER }),
    ]);
    const assignment = await s.lastMail(PROGRAMME, filed.reference);
    expect(assignment.subject).toContain(`prendre en charge la plainte [${filed.reference}]`);
    const next = await getPage(await s.linkFrom(PROGRAMME, filed.reference));
    expect(next.status).toBe(200);
    expect(next.html).toContain("<h1>Examiner et attribuer</h1>");
    expect(consoleProblems).toEqual([]);
    expect(await violations()).toEqual([]);
  });

  it("GET (three times) and HEAD change nothing; the page is locked down (headers, CSP, one form, no script, no external asset)", async () => {
    const filed = await fileComplaint();
    const link = await s.linkFrom(OFFICER, filed.reference);
    const before = await s.viewText(filed.reference);

    const gets = [await getPage(link), await getPage(link), await getPage(link)];
    const head = await fetch(link, { method: "HEAD" });
    const headBody = await head.text();

    expect(await s.viewText(filed.reference)).toBe(before);
    for (const response of [...gets, { status: head.status, headers: head.headers, html: "" }]) {
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      const csp = cspDirectives(response.headers.get("content-security-policy"));
      expect(csp.get("default-src")).toBe("'none'");
      expect(csp.get("frame-ancestors")).toBe("'none'");
    }
    expect(headBody).toBe("");
    const html = gets[0]?.html ?? "";
    expect(html.match(/<form\b/gi)).toHaveLength(1);
    expect(html.match(/<form method="post"[ >]/g)).toHaveLength(1);
    expect(html).not.toMatch(/<script\b/i);
    expect(html).not.toMatch(/\bsrc\s*=/i); // no image, frame or script source
    expect(html).not.toMatch(/https?:\/\/|["'(]\/\//i); // no absolute or scheme-relative URL
    expect(html).not.toMatch(/@import|url\(/i); // the inline style loads nothing
    for (const [, href] of html.matchAll(/\bhref\s*=\s*"([^"]*)"/gi)) expect(href).toMatch(/^#/);

    // In Chromium: the CSP blocks nothing the page needs, and the page loads nothing but itself.
    const { page, requests, consoleProblems, violations } = await open();
    expect((await page.goto(link))?.status()).toBe(200);
    expect(await page.locator("button[type=submit]").isVisible()).toBe(true);
    expect(await page.evaluate<string>("getComputedStyle(document.body).backgroundColor")).toBe(
      "rgb(244, 244, 244)", // the inline style applied: its hash matches the CSP
    );
    expect(await violations()).toEqual([]);
    expect(consoleProblems).toEqual([]);
    expect(requests).toEqual([link]);
    expect(await s.viewText(filed.reference)).toBe(before);
    // The watcher does see a violation (so the empty list above means something): an injected style is blocked.
    await page.evaluate(
      "document.head.append(Object.assign(document.createElement('style'), { textContent: 'body{color:red}' }))",
    );
    await page.waitForFunction("window.__cspViolations.length > 0");
    expect(await violations()).toEqual([expect.stringMatching(/^style-src/)]);

    // The link still works afterwards.
    const done = await submitForm(link, { category: "programme", severity: "low", admissible: "yes" });
    expect(done.status).toBe(200);
    expect(await events(filed.reference, "triaged")).toHaveLength(1);
  });

  it("a replayed POST applies one decision; the second answer is the already-done page", async () => {
    const filed = await fileComplaint();
    const link = await s.linkFrom(OFFICER, filed.reference);
    // Two tabs hold the same form (a double submission, or the form opened twice).
    const first = await open();
    const second = await open();
    expect((await first.page.goto(link))?.status()).toBe(200);
    expect((await second.page.goto(link))?.status()).toBe(200);
    let postBody = "";
    first.page.on("request", (request) => {
      if (request.method() === "POST") postBody = request.postData() ?? "";
    });
    await first.page.selectOption('select[name="category"]', "programme");
    await first.page.check('input[name="severity"][value="low"]');
    await first.page.check('input[name="admissible"][value="yes"]');
    expect(await submit(first.page)).toBe(200);
    const after = await s.viewText(filed.reference);

    await second.page.selectOption('select[name="category"]', "out-of-scope");
    await second.page.check('input[name="severity"][value="high"]');
    await second.page.check('input[name="admissible"][value="no"]');
    await second.page.fill('textarea[name="reason"]', "Hors champ.");
    expect(await submit(second.page)).toBe(409);
    await screenshot(second.page, "task-already-done.png");
    expect(await text(second.page, "h1")).toBe("Cette tâche a déjà été faite");
    const said = await text(second.page);
    expect(said).toContain(filed.reference);
    expect(said).toContain("Une réponse a déjà été enregistrée pour cette tâche."); // why
    expect(said).toContain("Rien n’a été modifié.");

    // The browser's exact POST, replayed.
    expect(postBody).toMatch(/(^|&)nonce=/);
    const replay = await postForm(link, postBody);
    expect(replay.status).toBe(409);
    expect(replay.html).toContain("Cette tâche a déjà été faite");

    expect(await s.viewText(filed.reference)).toBe(after);
    const view = await s.view(filed.reference);
    expect(view.timeline.filter((e) => e.type === "triaged")).toHaveLength(1);
    expect(view).toMatchObject({ category: "programme", severity: "low", admissible: true });
    expect(second.consoleProblems).toEqual([]);
    // The page tells what to do next, as the expired page does.
    expect(said).toMatch(/Que faire/);
  });

  it("a tampered or malformed link answers 4xx with a page that says why, and changes nothing", async () => {
    const filed = await fileComplaint();
    const link = await s.linkFrom(OFFICER, filed.reference);
    const genuine = await getPage(link);
    const before = await s.viewText(filed.reference);
    // One character of the signature changed (the token stays well formed).
    const at = link.lastIndexOf(".") + 10;
    const tampered = `${link.slice(0, at)}${link[at] === "A" ? "B" : "A"}${link.slice(at + 1)}`;
    expect(tampered).not.toBe(link);
    expect(tampered).toHaveLength(link.length);

    const { page, consoleProblems } = await open();
    expect((await page.goto(tampered))?.status()).toBe(403);
    expect(await text(page, "h1")).toBe("Ce lien n’est pas valide");
    const said = await text(page);
    expect(said).toContain("Vérifiez que vous avez ouvert le lien complet du message, sans modification.");
    expect(said).toContain("Rien n’a été modifié.");
    expect(said).not.toContain(filed.reference); // a bad link learns nothing about the case
    expect(await page.locator("form").count()).toBe(0);
    await screenshot(page, "task-forbidden.png");
    expect(consoleProblems).toEqual([]);

    const posted = await postForm(
      tampered,
      new URLSearchParams({
        category: "programme",
        severity: "high",
        admissible: "yes",
        nonce: formNonce(genuine.html),
      }).toString(),
    );
    expect(posted.status).toBe(403);
    const token = link.slice(link.lastIndexOf("/t/") + 3);
    for (const malformed of [
      "not-a-token",
      `${token}A`,
      token.replace(".", ""),
      `${token.slice(0, -1)}B`, // a last character no canonical encoding has
      "x".repeat(300),
    ]) {
      const answer = await getPage(`${s.httpUrl}/t/${malformed}`);
      expect(answer.status, malformed).toBeGreaterThanOrEqual(400);
      expect(answer.status, malformed).toBeLessThan(500);
      expect(answer.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(answer.html).toMatch(/<h1>[^<]+<\/h1>/);
      expect(answer.html).not.toContain("<form");
    }
    expect(await s.viewText(filed.reference)).toBe(before);
    expect((await getPage(link)).status).toBe(200); // the genuine link is untouched
  });

  it("an expired link answers the expired page and changes nothing; the reminder's new link works", async () => {
    const filed = await fileComplaint();
    const old = await s.linkFrom(OFFICER, filed.reference);
    const nonce = formNonce((await getPage(old)).html);

    await s.advance("P4D"); // past the 3-day triage deadline: a reminder with a new link
    const after = await s.viewText(filed.reference);
    expect(JSON.parse(after).timeline.map((e: { type: string }) => e.type)).toContain("reminder");

    const { page } = await open();
    expect((await page.goto(old))?.status()).toBe(410);
    expect(await text(page, "h1")).toBe("Ce lien a expiré ou la décision a déjà été prise");
    const said = await text(page);
    expect(said).toContain(filed.reference);
    expect(said).toContain("Rien n’a été modifié.");
    expect(said).toContain("Que faire : cherchez un message plus récent sur ce dossier");
    expect(said).toContain(OFFICER);
    await screenshot(page, "task-expired.png");
    const late = await postForm(
      old,
      new URLSearchParams({ category: "programme", severity: "low", admissible: "yes", nonce }).toString(),
    );
    expect(late.status).toBe(410);
    expect(await s.viewText(filed.reference)).toBe(after);

    const reminder = await s.lastMail(OFFICER, filed.reference);
    expect(reminder.subject).toMatch(/^Rappel\s:\strier la plainte/); // French typography: a narrow space before ":"
    const fresh = await s.linkFrom(OFFICER, filed.reference);
    expect(fresh).not.toBe(old);
    const done = await submitForm(fresh, { category: "programme", severity: "low", admissible: "yes" });
    expect(done.status).toBe(200);
    expect(await s.view(filed.reference)).toMatchObject({ status: "triage", category: "programme" });
  });

  it("H-C2: delegating without a delegate re-renders the form with the error next to the field (422), and changes nothing", async () => {
    const filed = await fileComplaint();
    await triage(filed.reference, "programme");
    const link = await s.linkFrom(PROGRAMME, filed.reference);
    const before = await s.viewText(filed.reference);
    const { page, consoleProblems, violations } = await open();
    expect((await page.goto(link))?.status()).toBe(200);

    await page.check('input[name="decision"][value="delegate"]');
    // H-C1: the course of action is required (the browser asks for it before posting).
    await page.fill('textarea[name="courseOfAction"]', "Entendre la famille à Ségou, puis le chef d’équipe.");
    await page.fill('textarea[name="risks"]', "Risque de représailles contre la famille.");
    expect(await submit(page)).toBe(422);

    const message = "Choisissez la personne à qui déléguer le dossier.";
    const field = page.locator(".field", { has: page.locator("#f-delegate") });
    expect(await field.getAttribute("class")).toBe("field invalid");
    expect(await field.locator(".error").textContent()).toBe(`Erreur\u00a0: ${message}`);
    expect(await page.locator("#f-delegate").getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#f-delegate").getAttribute("aria-describedby")).toContain("e-delegate");
    expect(await page.locator('.summary[role="alert"] a[href="#f-delegate"]').textContent()).toBe(message);
    expect(await page.locator('input[name="decision"][value="delegate"]').isChecked()).toBe(true); // refilled
    expect(await page.locator('textarea[name="risks"]').inputValue()).toBe(
      "Risque de représailles contre la famille.",
    );
    expect(await page.locator('textarea[name="courseOfAction"]').inputValue()).toBe(
      "Entendre la famille à Ségou, puis le chef d’équipe.",
    );
    expect(await page.title()).toMatch(/^Erreur\u00a0: /);
    await page.evaluate("document.getElementById('f-delegate').scrollIntoView({ block: 'center' })");
    await screenshot(page, "task-form-error.png");
    expect(await s.viewText(filed.reference)).toBe(before);

    // Corrected, the same page goes through.
    await page.selectOption('select[name="delegate"]', HANDLER);
    expect(await submit(page)).toBe(200);
    const view = await s.view(filed.reference);
    expect(view).toMatchObject({ status: "assigned", assignee: HANDLER });
    expect(view.timeline.filter((e) => e.type === "delegated")).toEqual([
      expect.objectContaining({ actor: PROGRAMME, detail: HANDLER }),
    ]);
    expect(consoleProblems).toEqual([]);
    expect(await violations()).toEqual([]);
  });

  it("H-E1: the complainant's appeal link in the response email opens the appeal page in their language, until the window ends", async () => {
    const filed = await fileComplaint({
      name: "John Okafor",
      subject: "Complaint about the water point in Mopti",
      description:
        "Hello, the water point that your team repaired in Mopti in March has been broken again for " +
        "three weeks. We were told it would be fixed, but nobody has come back. Please tell us when it " +
        "will be repaired. Thank you, John",
      language: "en",
    });
    expect((await s.view(filed.reference)).language).toBe("en");
    await triage(filed.reference, "programme");
    const steps: Array<[string, Record<string, string>]> = [
      [
        "prendre en charge",
        {
          decision: "accept",
          courseOfAction: "Vérifier la pompe sur place.",
          risks: "Aucun risque identifié.",
        },
      ],
      [
        "contacter le plaignant",
        { contacted: "yes", nextUpdateBy: "2026-12-31", note: "Appel le 3 ; réparation annoncée." },
      ],
      [
        "conclure l’enquête",
        {
          outcome: "founded",
          measures: "Pompe remplacée.",
          response: "The pump has been replaced and the water point works again.",
        },
      ],
    ];
    for (const [action, fields] of steps) {
      const mail = await s.lastMail(PROGRAMME, filed.reference);
      expect(mail.subject).toContain(action);
      const [link] = taskLinks(mail);
      expect((await submitForm(link as string, fields)).status).toBe(200);
    }
    const view = await s.view(filed.reference);
    expect(view.status).toBe("responded");
    expect(view.deadlines.appealWindowEnds).toBeDefined();

    const response: Mail = await s.lastMail(filed.address, filed.reference);
    expect(response.subject).toBe(`Response to your complaint [${filed.reference}]`);
    const appeal = await s.linkFrom(filed.address, filed.reference);
    const { page, consoleProblems } = await open();
    expect((await page.goto(appeal))?.status()).toBe(200);
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    // H-D4: procedure H offers explanations first (a case that is not sensitive), then the appeal.
    expect(await text(page, "h1")).toBe("Explanations or an appeal");
    expect(await page.locator('input[name="request"][value="explanations"]').count()).toBe(1);
    expect(await page.locator('input[name="request"][value="appeal"]').count()).toBe(1);
    expect(await page.locator('textarea[name="reason"]').count()).toBe(1);
    expect(await text(page, "button[type=submit]")).toBe("Send my request");
    expect(await text(page)).not.toContain("water point"); // the complainant's page shows no staff details

    await s.advance("P31D"); // the 30-day appeal window passes
    expect((await page.goto(appeal))?.status()).toBe(410);
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    expect(await text(page, "h1")).toBe("This link has expired or the decision has already been taken");
    expect(await text(page)).toContain("Nothing was changed.");
    const closed = await s.view(filed.reference);
    expect(closed).toMatchObject({ status: "closed", closure: "resolved" });
    expect(closed.timeline.map((e) => e.type)).not.toContain("appeal-filed");
    expect(consoleProblems).toEqual([]);
  });

  it("H-B2, H-D1: for a sexual exploitation and abuse case the emails hold only the reference; the director's page shows the details", async () => {
    const filed = await fileComplaint({
      name: "Mariam Diallo",
      subject: "Signalement confidentiel",
      description:
        "Un agent de la distribution à Kayes a exigé des faveurs en échange de l'inscription de ma sœur " +
        "sur la liste des bénéficiaires. Je souhaite que cela reste confidentiel.",
    });
    await triage(filed.reference, "sexual-exploitation-abuse", "high");
    const view = await s.view(filed.reference);
    expect(view).toMatchObject({ sensitive: true, responsible: DIRECTOR });

    const secrets = [
      "faveurs",
      "Kayes",
      filed.name,
      "Exploitation et abus sexuels",
      "Sexual exploitation",
      "sexual-exploitation-abuse",
    ];
    const notification = await s.lastMail(DELEGATE, filed.reference);
    expect(notification.subject).toContain(filed.reference);
    expect(taskLinks(notification)).toEqual([]);
    const task = await s.lastMail(DIRECTOR, filed.reference);
    expect(taskLinks(task)).toHaveLength(1);
    const about = (await s.mails()).filter((m) => `${m.subject}\n${m.text}`.includes(filed.reference));
    const staff = about.filter((m) => m.to.endsWith("@example.org"));
    expect(staff.map((m) => m.to)).toEqual(expect.arrayContaining([OFFICER, DELEGATE, DIRECTOR]));
    for (const mail of staff)
      for (const secret of secrets) {
        expect(mail.text, `${mail.to}: ${mail.subject}`).not.toContain(secret);
        expect(mail.html, `${mail.to}: ${mail.subject}`).not.toContain(secret);
        expect(mail.subject).not.toContain(secret);
      }
    for (const mail of about) expect(`${mail.text}${mail.html}`).not.toContain("faveurs"); // no description anywhere

    // The details are fetched when the director opens the page, never emailed.
    const { page } = await open();
    expect((await page.goto(taskLinks(task)[0] as string))?.status()).toBe(200);
    expect(await text(page, "h1")).toBe("Examiner et attribuer");
    const shown = await text(page);
    expect(shown).toContain(filed.description);
    expect(shown).toContain(filed.name);
    expect(shown).toContain("Exploitation et abus sexuels");
  });

  it("on a 360×640 phone the task page does not scroll sideways and the submit button is reachable", async () => {
    const filed = await fileComplaint();
    const link = await s.linkFrom(OFFICER, filed.reference);
    const { page, consoleProblems } = await open({ viewport: MOBILE, mobile: true });
    expect((await page.goto(link))?.status()).toBe(200);
    await screenshot(page, "task-mobile.png");

    expect(await page.evaluate<number>("document.scrollingElement.scrollWidth")).toBeLessThanOrEqual(
      MOBILE.width,
    );
    const button = page.locator('form[method="post"] button[type="submit"]');
    expect(await button.isVisible()).toBe(true);
    await button.scrollIntoViewIfNeeded();
    const box = await button.boundingBox();
    if (!box) throw new Error("the submit button has no box");
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(MOBILE.width);
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(MOBILE.height);
    expect(box.height).toBeGreaterThanOrEqual(44); // a comfortable touch target
    expect(consoleProblems).toEqual([]);
  });
});
