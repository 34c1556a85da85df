import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadConfigText } from "../../functions/domain/config.ts";
import { FORM_FIELDS, parseForm, TASK_ACTIONS, type TaskAction } from "../../functions/tasks/forms.ts";
import {
  pageOptionsFromConfig,
  renderAlreadyDonePage,
  renderDonePage,
  renderErrorPage,
  renderExpiredPage,
  renderForbiddenPage,
  renderNotFoundPage,
  renderTaskPage,
  type TaskPageInput,
} from "../../functions/tasks/pages.ts";
import { escapeHtml } from "../../functions/web/escape.ts";
import { securityHeaders } from "../../functions/web/headers.ts";
import { BASE_STYLESHEET, type HtmlResponse } from "../../functions/web/layout.ts";

const config = loadConfigText(
  readFileSync(new URL("../../config/humanitarian.example.yaml", import.meta.url), "utf8"),
  "humanitarian.example.yaml",
);
const nonce = "1772445600000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

function page(action: TaskAction, overrides: Partial<TaskPageInput> = {}): HtmlResponse {
  return renderTaskPage({
    action,
    language: "fr",
    reference: "CFM-2026-000001",
    stepLabel: "Tri de la plainte",
    dueAt: "2026-03-05T17:00:00Z",
    timeZone: "Africa/Bamako",
    details: [{ label: "Canal", value: "email" }],
    options: {
      ...pageOptionsFromConfig(config, "fr"),
      conflictOfInterest: true,
      extensionAvailable: true,
      late: true,
    },
    nonce,
    ...overrides,
  });
}

function forms(html: string): string[] {
  return html.match(/<form\b[^>]*>/g) ?? [];
}

/** The distinct names of the controls inside the form. */
function fieldNames(html: string): string[] {
  const form = html.slice(html.indexOf("<form"), html.indexOf("</form>"));
  return [
    ...new Set(
      [...form.matchAll(/<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"/g)].map((m) => m[1] ?? ""),
    ),
  ];
}

function styleBlock(html: string): string {
  const match = /<style>([\s\S]*?)<\/style>/.exec(html);
  if (!match?.[1]) throw new Error("no style block");
  return match[1];
}

const EXPECTED_NAMES: Record<TaskAction, string[]> = {
  triage: ["nonce", "kind", "category", "severity", "admissible", "reason", "conflict", "concerned"],
  assignment: ["nonce", "decision", "delegate", "courseOfAction", "risks"],
  contact: ["nonce", "contacted", "nextUpdateBy", "note"],
  progress: ["nonce", "note"],
  conclusion: ["nonce", "outcome", "measures", "response", "justification"],
  "appeal-decision": ["nonce", "decision", "member", "reasoning"],
  closure: ["nonce", "confirm", "note"],
  appeal: ["nonce", "reason"],
  answer: ["nonce", "decision", "text"],
};

describe("renderTaskPage", () => {
  it.each(TASK_ACTIONS)("%s: exactly one POST form, with the contract's field names", (action) => {
    const { statusCode, body } = page(action);

    expect(statusCode).toBe(200);
    expect(forms(body)).toHaveLength(1);
    expect(forms(body)[0]).toMatch(/^<form method="post"/);
    expect(fieldNames(body)).toEqual(EXPECTED_NAMES[action]);
    for (const name of fieldNames(body)) expect(FORM_FIELDS[action]).toContain(name);
  });

  it.each(TASK_ACTIONS)("%s: carries the nonce as a hidden field and has no script", (action) => {
    const { body } = page(action);

    expect(body).toContain(`<input type="hidden" name="nonce" value="${nonce}">`);
    expect(body).not.toMatch(/<script/i);
    expect(body).not.toMatch(/\son[a-z]+=/i);
  });

  it("is a complete mobile page in the requested language", () => {
    const fr = page("progress", { language: "fr" }).body;
    const en = page("progress", { language: "en", stepLabel: "Progress" }).body;

    expect(fr).toMatch(/^<!doctype html>\n<html lang="fr">/);
    expect(en).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(fr).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(fr).toContain("Enregistrer l’avancement");
    expect(en).toContain("Record the progress");
  });

  it("offers the config's categories and the staff list", () => {
    const { body } = page("triage");

    for (const c of config.categories)
      expect(body).toContain(`<option value="${c.id}">${escapeHtml(c.label.fr)}</option>`);
    expect(body).toContain('value="manager@example.org"');
  });

  it("heads the date as a deadline for staff, and as how long the complainant may act on their appeal page", () => {
    expect(page("triage").body).toContain("<strong>À faire avant le</strong>");
    expect(page("progress").body).toContain("<strong>Lien valable jusqu’au</strong>");
    const appeal = page("appeal").body;
    expect(appeal).toContain("<strong>Possible jusqu’au</strong>");
    expect(appeal).not.toContain("À faire avant le");
  });

  it("shows the due date in the organisation's time zone", () => {
    const bamako = page("progress", { dueAt: "2026-03-05T17:00:00Z", timeZone: "Africa/Bamako" }).body;
    const paris = page("progress", { dueAt: "2026-03-05T17:00:00Z", timeZone: "Europe/Paris" }).body;

    // The hour as an officer reads it, in the zone named by its city ("UTC+0" told nobody where).
    expect(bamako).toContain(
      '<time datetime="2026-03-05T17:00:00Z">jeudi 5 mars 2026 à 17\u00a0h\u00a000 (heure de Bamako)</time>',
    );
    expect(paris).toContain("jeudi 5 mars 2026 à 18\u00a0h\u00a000 (heure de Paris)");
    const english = page("progress", {
      dueAt: "2026-03-01T08:05:00Z",
      timeZone: "Africa/Conakry",
      language: "en",
    });
    expect(english.body).toContain("Sunday 1 March 2026 at 8:05 (Conakry time)");
    expect(bamako).not.toMatch(/UTC|GMT/);
  });

  it("T-11: offers extend only while an extension remains", () => {
    const available = page("appeal-decision", { options: { extensionAvailable: true } }).body;
    const spent = page("appeal-decision", { options: { extensionAvailable: false } }).body;

    expect(available).toContain('value="extend"');
    expect(spent).not.toContain('value="extend"');
  });

  it("H-D4: the answer's link offers explanations first where they are offered, else the appeal only", () => {
    const offered = page("appeal", { options: { explanations: true } }).body;
    expect(fieldNames(offered)).toEqual(["nonce", "request", "reason"]);
    expect(offered).toContain("Je souhaite des explications sur la réponse");
    expect(offered).toContain("Je fais appel de la décision");
    expect(offered).toContain("Envoyer ma demande");
    const appealOnly = page("appeal", { options: { explanations: false } }).body;
    expect(fieldNames(appealOnly)).toEqual(["nonce", "reason"]);
    expect(appealOnly).toContain("Envoyer mon appel");
  });

  it("H-E2: the appeal officer may assign the member handling the appeal, chosen from the staff", () => {
    const { body } = page("appeal-decision", { options: pageOptionsFromConfig(config, "fr") });
    expect(body).toContain('value="assign"');
    expect(body).toContain("Confier le suivi de l’appel à un membre");
    expect(body).toMatch(/<select id="f-member" name="member"/);
    expect(body).toContain('<option value="handler@example.org"');
    // The reasoning is not required by the browser: an assignment posts without it.
    expect(body).not.toMatch(/<textarea id="f-reasoning"[^>]*\brequired\b/);
  });

  it("T-13: asks for a justification only when late", () => {
    expect(fieldNames(page("conclusion", { options: { late: true } }).body)).toContain("justification");
    expect(fieldNames(page("conclusion", { options: { late: false } }).body)).not.toContain("justification");
  });

  it("T-7: shows the conflict-of-interest box only when the config has the rule", () => {
    const h = pageOptionsFromConfig(config, "fr");

    expect(fieldNames(page("triage", { options: h }).body)).not.toContain("conflict");
    expect(fieldNames(page("triage", { options: { ...h, conflictOfInterest: true } }).body)).toContain(
      "conflict",
    );
  });

  it("T-4 (issue 14): asks the date of the facts when the config sets an age, warns when it is past it", () => {
    const h = pageOptionsFromConfig(config, "fr");
    expect(fieldNames(page("triage", { options: h }).body)).not.toContain("factsDate");
    const withAge = { ...h, factsAge: true };
    const asked = page("triage", { options: withAge, values: { factsDate: "2025-12-01" } }).body;
    expect(fieldNames(asked)).toContain("factsDate");
    expect(asked).toMatch(/type="date"[^>]*name="factsDate"[^>]*value="2025-12-01"/);
    expect(asked).not.toContain("data-t4");
    const old = page("triage", { options: { ...withAge, factsTooOld: true } }).body;
    expect(old).toMatch(/data-t4="facts-too-old">Les faits datent de plus longtemps[^<]*irrecevable/);
  });

  it("escapes hostile values everywhere", () => {
    const evil = `"><script>alert(1)</script><img src=x onerror=alert(2)>'`;

    const { body } = page("triage", {
      reference: evil,
      stepLabel: evil,
      details: [{ label: evil, value: evil }],
      options: {
        categories: [{ id: evil, label: evil }],
        staff: [{ address: evil, name: evil }],
        conflictOfInterest: true,
      },
      values: { reason: `</textarea>${evil}`, category: evil },
      errors: { reason: evil, nonce: evil },
      nonce: evil,
    });

    expect(body).not.toContain("<script");
    expect(body).not.toContain("<img");
    expect(body).toContain("&lt;/textarea&gt;");
    expect(body.match(/<\/textarea>/g)).toHaveLength((body.match(/<textarea\b/g) ?? []).length);
    expect(body).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(body).toContain("&quot;&gt;");
    expect(forms(body)).toHaveLength(1);
  });

  it("refills posted values", () => {
    const { body } = page("triage", {
      values: {
        category: "fraud",
        severity: "medium",
        admissible: "no",
        reason: "Trop ancien",
        concerned: "manager@example.org",
      },
    });

    expect(body).toContain('<option value="fraud" selected>');
    expect(body).toMatch(/value="medium" checked/);
    expect(body).toMatch(/value="no" checked/);
    expect(body).toMatch(/>Trop ancien<\/textarea>/);
    expect(body).toContain('<option value="manager@example.org" selected>');
  });

  it("shows an accessible error summary and each error next to its field (422)", () => {
    const errors = {
      reason: "Motivez par écrit la décision d'irrecevabilité.",
      category: "Ce champ est obligatoire.",
    };

    const { statusCode, body } = page("triage", { errors, values: { admissible: "no" } });

    expect(statusCode).toBe(422);
    expect(body).toMatch(/<div class="summary" role="alert"[^>]*>/);
    expect(body).toContain(`<a href="#f-category">Ce champ est obligatoire.</a>`);
    expect(body).toContain(`<a href="#f-reason">Motivez par écrit la décision d&#39;irrecevabilité.</a>`);
    expect(body.indexOf('href="#f-category"')).toBeLessThan(body.indexOf('href="#f-reason"'));
    expect(body).toMatch(/<p class="error" id="e-reason">.*irrecevabilité/);
    expect(body).toMatch(
      /<textarea id="f-reason"[^>]*aria-describedby="h-reason e-reason" aria-invalid="true"/,
    );
    expect(body).toMatch(/<title>Erreur\u00a0: /);
  });

  it("lists an error for a field with no control (the nonce) without a dead link", () => {
    const { body } = page("progress", { errors: { nonce: "Ce formulaire a expiré." } });

    expect(body).toContain("<li>Ce formulaire a expiré.</li>");
  });

  it("posts to the given same-origin path, or to its own URL when none is given", () => {
    expect(forms(page("progress", { postUrl: "/t/abc.def" }).body)[0]).toContain('action="/t/abc.def"');
    expect(forms(page("progress").body)[0]).not.toContain("action=");
  });

  it.each([
    "//evil.example/t/x",
    "https://evil.example/t/x",
    "javascript:alert(1)",
    "/\\evil.example",
    "t/x",
  ])("refuses a post URL that could leave the origin: %s", (postUrl) => {
    expect(() => page("progress", { postUrl })).toThrow(TypeError);
  });

  it("H-C1: the assignment page asks for the course of action (required, never sent to the complainant)", () => {
    const { body } = page("assignment");
    expect(body).toMatch(/<label class="main" for="f-courseOfAction">Démarche retenue<\/label>/);
    expect(body).toMatch(/<textarea id="f-courseOfAction" name="courseOfAction"[^>]*\brequired\b/);
    expect(body).toContain("Jamais envoyé au plaignant.");
    // An error shows next to the field.
    const refused = page("assignment", {
      errors: { courseOfAction: "Indiquez la démarche retenue après examen du dossier." },
    }).body;
    expect(refused).toContain("Indiquez la démarche retenue après examen du dossier.");
  });

  it("a page rendered from config options round-trips through parseForm", () => {
    const { body } = page("assignment", { options: pageOptionsFromConfig(config, "en") });
    const delegate = /<option value="(handler@example\.org)"/.exec(body)?.[1] ?? "";

    const result = parseForm(
      "assignment",
      { decision: "delegate", delegate, courseOfAction: "Hear the witnesses.", nonce },
      { language: "en", config },
    );

    expect(result).toMatchObject({ ok: true, value: { delegate: "handler@example.org" } });
  });
});

describe("securityHeaders", () => {
  it("sets no-store, no-referrer, a strict CSP, framing and sniffing protection, and the HTML type", () => {
    const headers = page("triage").headers;

    expect(headers["Cache-Control"]).toBe("no-store");
    expect(headers["Referrer-Policy"]).toBe("no-referrer");
    expect(headers["X-Frame-Options"]).toBe("DENY");
    expect(headers["X-Content-Type-Options"]).toBe("nosniff");
    expect(headers["Content-Type"]).toBe("text/html; charset=utf-8");
    expect(headers["Content-Security-Policy"]).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]{43}='; form-action 'self'; frame-ancestors 'none'; base-uri 'none'$/,
    );
  });

  it("the CSP style hash matches the page's style block", () => {
    const { body, headers } = page("triage");
    const hash = createHash("sha256").update(styleBlock(body), "utf8").digest("base64");

    expect(headers["Content-Security-Policy"]).toContain(`style-src 'sha256-${hash}'`);
    expect(body.match(/<style/g)).toHaveLength(1);
    expect(body).not.toMatch(/\sstyle="/);
  });

  it("every page, error pages included, carries the same headers", () => {
    const pages = [
      page("appeal"),
      renderDonePage({ language: "fr" }),
      renderAlreadyDonePage({ language: "en" }),
      renderExpiredPage({ language: "fr" }),
      renderForbiddenPage({ language: "en" }),
      renderNotFoundPage({ language: "fr" }),
      renderErrorPage({ language: "en", correlationId: "abc-123" }),
    ];

    for (const p of pages) {
      expect(p.headers).toMatchObject(securityHeaders({ styleHash: BASE_STYLESHEET.hash }));
      const hash = createHash("sha256").update(styleBlock(p.body), "utf8").digest("base64");
      expect(p.headers["Content-Security-Policy"]).toContain(`'sha256-${hash}'`);
    }
  });
});

describe("outcome pages", () => {
  it("answer with the right status codes and no form", () => {
    const cases: Array<[HtmlResponse, number]> = [
      [renderDonePage({ language: "fr", reference: "CFM-2026-000001" }), 200],
      [renderAlreadyDonePage({ language: "fr" }), 409],
      [renderExpiredPage({ language: "fr" }), 410],
      [renderForbiddenPage({ language: "fr" }), 403],
      [renderNotFoundPage({ language: "fr" }), 404],
      [renderErrorPage({ language: "fr", correlationId: "req-1" }), 500],
      [renderErrorPage({ language: "fr", correlationId: "req-2", transient: true }), 503],
    ];

    for (const [response, status] of cases) {
      expect(response.statusCode).toBe(status);
      expect(forms(response.body)).toHaveLength(0);
    }
  });

  it("the expired page says why and what to do next, in fr and en", () => {
    const fr = renderExpiredPage({ language: "fr", contact: "officer@example.org" }).body;
    const en = renderExpiredPage({ language: "en" }).body;

    expect(fr).toContain("Ce lien a expiré ou la décision a déjà été prise");
    expect(fr).toContain("cherchez un message plus récent");
    expect(fr).toContain("officer@example.org");
    expect(en).toContain("This link has expired or the decision has already been taken");
    expect(en).toContain("look for a newer email");
    expect(en).toContain("contact the complaints officer");
  });

  it("the already-done and forbidden pages say nothing was changed", () => {
    expect(renderAlreadyDonePage({ language: "en" }).body).toContain("Nothing was changed.");
    expect(renderForbiddenPage({ language: "fr" }).body).toContain("Rien n’a été modifié.");
  });

  it("the error page shows the correlation id and never a stack trace", () => {
    const error = new Error("DynamoDB exploded at /var/task/index.mjs");

    const withId = renderErrorPage({
      language: "en",
      correlationId: "7f9c2b1e-4a1d-4c3e-9f2a-0b1c2d3e4f5a",
    }).body;
    const withStack = renderErrorPage({ language: "fr", correlationId: String(error.stack) }).body;

    expect(withId).toContain("7f9c2b1e-4a1d-4c3e-9f2a-0b1c2d3e4f5a");
    for (const body of [withId, withStack]) {
      expect(body).not.toMatch(/\bat .*:\d+:\d+/);
      expect(body).not.toContain("DynamoDB exploded");
      expect(body).not.toContain("/var/task");
    }
  });

  it("escapes the reference and contact", () => {
    const evil = "<b>x</b>";

    expect(renderDonePage({ language: "en", reference: evil }).body).not.toContain("<b>");
    expect(renderExpiredPage({ language: "en", contact: evil }).body).not.toContain("<b>");
  });
});
