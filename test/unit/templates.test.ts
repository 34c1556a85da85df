import { describe, expect, it } from "vitest";
import {
  audienceOf,
  NEEDS_ATTENTION_REASONS,
  renderEmail,
  STEPS,
  TEMPLATE_IDS,
  type TemplateData,
  TemplateDataError,
  type TemplateId,
} from "../../functions/mail/templates.ts";

const REF = "CFM-2026-000042";
const TAG = `[${REF}]`;
const TASK_URL = "https://cfm.example.org/tasks/abc123?sig=x1&exp=2026";
const APPEAL_URL = "https://cfm.example.org/appeal/xyz789?sig=y2";
const common = { reference: REF, organisation: "Aide & Développement", timeZone: "Europe/Paris" };

// Secrets that must never reach an email about a sensitive case.
const NAME = "Aminata Traoré";
const DESCRIPTION = "DESCRIPTION-SECRÈTE du chef de zone";
const CATEGORY = "Exploitation et abus sexuels";
const MESSAGE = "MESSAGE-SECRET ajouté";
const MEASURES = "MESURES-SECRÈTES: licenciement";
const RESPONSE_TEXT = "TEXTE-RÉPONSE détaillé";
const INVESTIGATION = "ENQUÊTE-DÉTAILS témoins";
const SECRETS = [NAME, DESCRIPTION, CATEGORY, MESSAGE, MEASURES, RESPONSE_TEXT, INVESTIGATION];

const staffDetails = {
  sensitive: false as const,
  complainantName: NAME,
  categoryLabel: CATEGORY,
  description: DESCRIPTION,
};

/** One realistic, non-sensitive payload per template: the type forces one for every TemplateId. */
const FIXTURES: { [K in TemplateId]: TemplateData[K] } = {
  acknowledgement: {
    ...common,
    recipientName: NAME,
    receivedAt: "2026-12-01T09:00:00Z",
    respondBy: "2027-01-12T09:00:00Z",
    contactBy: "2026-12-15T09:00:00Z",
  },
  "written-notice": {
    ...common,
    receivedAt: "2026-12-01T09:00:00Z",
    respondBy: "2027-02-03T09:00:00Z",
    respondWithinDays: 45,
    workingDays: true,
  },
  "filing-instructions": {
    ...common,
    intakeAddress: "plaintes@example.org",
    postalAddress: "BP 123, Bamako",
    contactedAt: "2026-12-01T09:00:00Z",
  },
  contact: {
    ...common,
    nextUpdateBy: "2026-12-20T09:00:00Z",
    handlerName: "Moussa Diarra",
    note: "Nous avons parlé.",
  },
  "progress-update": {
    ...common,
    receivedAt: "2026-10-01T09:00:00Z",
    note: "L’enquête continue.",
    nextUpdateBy: "2026-12-20T09:00:00Z",
  },
  response: {
    ...common,
    sensitive: false,
    outcome: "partly-founded",
    responseText: "Nous avons revu la distribution.",
    investigation: "Nous avons interrogé trois agents.",
    measures: "Une nouvelle liste sera publiée.",
    appealUrl: APPEAL_URL,
    appealDeadline: "2027-01-20T23:00:00Z",
  },
  referral: {
    ...common,
    referralNote: "Adressez-vous à la mairie de Kati.",
    referredTo: "la mairie de Kati",
  },
  inadmissible: {
    ...common,
    reason: "Les faits datent de plus de 2 mois.",
    receivedAt: "2026-12-01T09:00:00Z",
  },
  "appeal-acknowledgement": {
    ...common,
    receivedAt: "2027-01-10T09:00:00Z",
    decisionBy: "2027-02-10T09:00:00Z",
  },
  "appeal-extension": {
    ...common,
    decisionBy: "2027-03-10T09:00:00Z",
    previousDecisionBy: "2027-02-10T09:00:00Z",
    reason: "Un témoin est absent.",
  },
  "appeal-decision": { ...common, decision: "revised", reasoning: "La liste était incomplète." },
  "appeal-refused": { ...common, appealDecidedAt: "2027-02-01T09:00:00Z" },
  closure: { ...common, closure: "resolved" },
  answer: { ...common, kind: "suggestion", answerText: "Les horaires de distribution seront avancés." },
  "triage-copy": {
    ...common,
    sensitive: true,
    officerName: "Awa Coulibaly",
    dueBy: "2026-12-04T09:00:00Z",
    caseUrl: "https://cfm.example.org/console/cases/CFM-2026-000123",
  },
  task: {
    ...common,
    ...staffDetails,
    recipientName: "Officer",
    step: "triage",
    taskUrl: TASK_URL,
    dueBy: "2026-12-07T16:00:00Z",
  },
  notification: {
    ...common,
    ...staffDetails,
    notifiedAs: "délégué du personnel",
    responsibleName: "Directeur",
  },
  reminder: {
    ...common,
    ...staffDetails,
    step: "contact",
    taskUrl: TASK_URL,
    dueBy: "2026-12-07T16:00:00Z",
    reminderNumber: 2,
  },
  escalation: {
    ...common,
    ...staffDetails,
    step: "conclusion",
    assignee: "handler@example.org",
    dueBy: "2026-12-07T16:00:00Z",
    daysLate: 3,
    remindersSent: 2,
    recipientRole: "supervisor",
  },
  "implicated-staff": {
    ...common,
    sensitive: false,
    categoryLabel: "Service",
    receivedAt: "2026-12-01T09:00:00Z",
    contactName: "La direction",
  },
  "message-received": {
    ...common,
    sensitive: false,
    complainantName: NAME,
    categoryLabel: CATEGORY,
    message: "J’ai un nouveau document.",
    receivedAt: "2026-12-03T09:00:00Z",
  },
  "needs-attention": {
    ...common,
    ...staffDetails,
    reason: "no-recipient",
    detail: "role programme-officer",
    step: "assignment",
  },
  "closure-pending": {
    ...common,
    sensitive: false as const,
    categoryLabel: CATEGORY,
    officerName: "Awa Coulibaly",
    note: "La mesure décidée en appel n’est pas encore appliquée.",
  },
  "appeal-member": {
    ...common,
    sensitive: true,
    officerName: "Moussa Keïta",
    decisionBy: "2027-02-10T09:00:00Z",
    caseUrl: "https://cfm.example.org/console/cases/CFM-2026-000123",
  },
  "explanation-request": {
    ...common,
    sensitive: false,
    complainantName: NAME,
    question: "Je ne comprends pas pourquoi ma famille n’est pas sur la nouvelle liste.",
    appealDeadline: "2027-01-20T23:00:00Z",
    caseUrl: "https://cfm.example.org/console/cases/CFM-2026-000123",
  },
};

const STAFF_TEMPLATES = [
  "task",
  "notification",
  "reminder",
  "escalation",
  "implicated-staff",
  "message-received",
  "needs-attention",
] as const satisfies readonly TemplateId[];

/** Renders any template with data built at runtime (as a Step Functions payload would arrive). */
const render = (id: TemplateId, language: "fr" | "en", data: unknown) =>
  renderEmail(id, language, data as TemplateData[TemplateId]);

const urlCount = (s: string) => (s.match(/https?:\/\//g) ?? []).length;
const anchorCount = (s: string) => (s.match(/<a\s/g) ?? []).length;
const amp = (url: string) => url.replaceAll("&", "&amp;");

describe("renderEmail: every template", () => {
  it("has a fixture for every TemplateId, so a new template cannot go untested", () => {
    expect(Object.keys(FIXTURES).sort()).toEqual([...TEMPLATE_IDS].sort());
  });

  describe.each(TEMPLATE_IDS)("%s", (id) => {
    const fr = renderEmail(id, "fr", FIXTURES[id]);
    const en = renderEmail(id, "en", FIXTURES[id]);

    it.each([
      ["fr", fr],
      ["en", en],
    ] as const)("renders in %s with [CFM-YYYY-NNNNNN] in the subject (CONTRACT Emails)", (_lang, email) => {
      expect(email.subject).toContain(TAG);
      expect(email.subject).not.toMatch(/[\r\n]/);
      expect(email.text).toContain(REF);
      expect(email.html).toContain(REF);
      expect(email.html).toMatch(/^<!DOCTYPE html>/);
    });

    it("differs between French and English", () => {
      expect(fr.subject).not.toBe(en.subject);
      expect(fr.text).not.toBe(en.text);
      expect(fr.html).toContain('<html lang="fr">');
      expect(en.html).toContain('<html lang="en">');
    });

    it("is a self-contained, mail-client-safe HTML document", () => {
      for (const html of [fr.html, en.html]) {
        expect(html).not.toMatch(/<img|<link|<script|src=|url\(|@import/i);
        expect(html).toContain("max-width:600px");
        expect(html).toContain('role="presentation"');
      }
    });

    it("escapes the organisation name and keeps accents intact", () => {
      expect(fr.html).toContain("Aide &amp; Développement");
      expect(fr.html).not.toContain("Aide & Développement");
      expect(fr.text).toContain("Aide & Développement");
      expect(fr.html).not.toMatch(/&eacute;|&#233;|Ã©/);
    });
  });

  it("French is the default for an unknown language", () => {
    const email = render("acknowledgement", "de" as "fr", FIXTURES.acknowledgement);
    expect(email.subject).toBe(`Nous avons bien reçu votre plainte ${TAG}`);
  });
});

describe("task links", () => {
  it("warns that a task link is personal, and not a link to the console, which asks to sign in", () => {
    expect(renderEmail("task", "fr", FIXTURES.task).text).toContain("Ce lien est personnel");
    const copy = renderEmail("triage-copy", "fr", FIXTURES["triage-copy"]);
    expect(copy.text).toContain("https://cfm.example.org/console/cases/CFM-2026-000123");
    expect(copy.text).not.toContain("Ce lien est personnel");
  });

  describe.each(["task", "reminder"] as const)("%s", (id) => {
    it.each(STEPS.flatMap((step) => [true, false].map((sensitive) => [step, sensitive] as const)))(
      "holds exactly one link, the task URL (step %s, sensitive %s)",
      (step, sensitive) => {
        const data = sensitive
          ? { ...common, sensitive: true, step, taskUrl: TASK_URL, dueBy: "2026-12-07T16:00:00Z" }
          : { ...FIXTURES[id], step };
        for (const language of ["fr", "en"] as const) {
          const email = render(id, language, data);
          expect(urlCount(email.text)).toBe(1);
          expect(email.text).toContain(TASK_URL);
          expect(anchorCount(email.html)).toBe(1);
          expect(email.html).toContain(`href="${amp(TASK_URL)}"`);
          expect(urlCount(email.html)).toBe(1);
        }
      },
    );

    it("defangs a link in the complainant's description, so the task link stays the only one", () => {
      const data = { ...FIXTURES[id], description: "Voir https://evil.example/login et http://x.example" };
      const email = render(id, "fr", data);
      expect(urlCount(email.text)).toBe(1);
      expect(anchorCount(email.html)).toBe(1);
      expect(email.text).toContain("hxxps://evil.example/login");
    });
  });

  it("is action-first in French: « Action requise : trier la plainte [CFM-…] avant le … »", () => {
    const email = renderEmail("task", "fr", FIXTURES.task);
    expect(email.subject).toBe(
      `Action requise\u00a0: trier la plainte ${TAG} avant le lundi 7 décembre 2026`,
    );
    expect(renderEmail("task", "en", FIXTURES.task).subject).toBe(
      `Action required: triage the complaint ${TAG} by Monday 7 December 2026`,
    );
  });

  it("refuses a link that is not http(s)", () => {
    const data = { ...FIXTURES.task, taskUrl: "javascript:alert(1)" };
    expect(() => renderEmail("task", "fr", data)).toThrow(TemplateDataError);
  });

  it("other emails carry no link at all, except the response's appeal link and the case page of the triage copy (H-B1) and of the appeal member's email (H-E2)", () => {
    for (const id of TEMPLATE_IDS.filter((t) => t !== "task" && t !== "reminder")) {
      const email = renderEmail(id, "fr", FIXTURES[id]);
      const expected = ["response", "triage-copy", "appeal-member", "explanation-request"].includes(id)
        ? 1
        : 0;
      expect(urlCount(email.text), id).toBe(expected);
      expect(anchorCount(email.html), id).toBe(expected);
    }
  });
});

describe("H-D4: explanations first, then the appeal", () => {
  const order = (text: string, ...parts: string[]) => parts.map((part) => text.indexOf(part));

  it("a non-sensitive answer offers explanations first, and the appeal only if they do not satisfy", () => {
    const email = renderEmail("response", "fr", { ...FIXTURES.response, explanationsFirst: true });
    const [explain, appeal] = order(
      email.text,
      "Demandez-nous d’abord des explications",
      "faire appel de la décision",
    );
    expect(explain).toBeGreaterThan(0);
    expect(appeal).toBeGreaterThan(explain as number);
    expect(email.text).toContain("Demander des explications");
    // The appeal window is unchanged: the same end date as the plain appeal information.
    const plainEnd = /jusqu’au ([^.]+)\./.exec(renderEmail("response", "fr", FIXTURES.response).text)?.[1];
    expect(plainEnd).toBeTruthy();
    expect(email.text).toContain(`jusqu’au ${plainEnd}`);
    expect(urlCount(email.text)).toBe(1); // one link: explanations, then the appeal, on the same page
    // Without the rule (procedure T), the appeal information as before.
    const plain = renderEmail("response", "fr", FIXTURES.response);
    expect(plain.text).not.toContain("Demandez-nous d’abord des explications");
    expect(plain.text).toContain("Vous pouvez faire appel de cette décision jusqu’au");
  });

  it("a sensitive case goes straight to the appeal information", () => {
    const sensitive = {
      ...common,
      sensitive: true as const,
      outcome: "founded" as const,
      appealUrl: APPEAL_URL,
      appealDeadline: "2027-01-20T23:00:00Z",
      explanationsFirst: true,
    };
    const email = renderEmail("response", "fr", sensitive);
    expect(email.text).not.toContain("explications");
    expect(email.text).toContain("Vous pouvez faire appel de cette décision jusqu’au");
  });

  it("the handler is told what the complainant asks, and that the appeal stays possible", () => {
    const email = renderEmail("explanation-request", "fr", FIXTURES["explanation-request"]);
    expect(email.subject).toContain("Demande d’explications sur la réponse");
    expect(email.text).toContain("pourquoi ma famille n’est pas sur la nouvelle liste.");
    expect(email.text).toContain("l’appel reste possible jusqu’au");
    expect(email.text).toContain("https://cfm.example.org/console/cases/CFM-2026-000123");
  });
});

describe("H-E2: the member handling an appeal", () => {
  it("is told who assigned them, by when the decision is due, and to keep the complainant and parties informed", () => {
    const email = renderEmail("appeal-member", "fr", FIXTURES["appeal-member"]);
    expect(email.subject).toContain("vous en êtes chargé(e)");
    expect(email.text).toContain("Moussa Keïta vous confie l’appel");
    expect(email.text).toContain("10 février 2027");
    expect(email.text).toContain("tenez régulièrement informés le plaignant et les parties concernées");
    expect(email.text).toContain("https://cfm.example.org/console/cases/CFM-2026-000123");
    const reminder = renderEmail("appeal-member", "en", { ...FIXTURES["appeal-member"], reminder: true });
    expect(reminder.subject).toMatch(/^Reminder: the appeal .* awaits its decision$/);
    expect(reminder.text).toContain("has not been taken yet");
  });
});

describe("sensitive cases (CONTRACT Emails, H-D1, H-D3, T-8)", () => {
  // Given at runtime through a cast, as a bad payload would: rendering must still drop them.
  const smuggled = {
    complainantName: NAME,
    description: DESCRIPTION,
    categoryLabel: CATEGORY,
    message: MESSAGE,
    measures: MEASURES,
    responseText: RESPONSE_TEXT,
    investigation: INVESTIGATION,
  };

  describe.each(STAFF_TEMPLATES)("%s", (id) => {
    it.each(["fr", "en"] as const)(
      "holds no complainant name, description, category or message (%s)",
      (language) => {
        const email = render(id, language, { ...FIXTURES[id], ...smuggled, sensitive: true });
        for (const secret of SECRETS) {
          expect(email.subject).not.toContain(secret);
          expect(email.text).not.toContain(secret);
          expect(email.html).not.toContain(secret);
        }
        expect(email.subject).toContain(TAG);
      },
    );

    it("treats a payload without `sensitive` as sensitive", () => {
      const { sensitive: _omitted, ...data } = { ...FIXTURES[id], ...smuggled };
      const email = render(id, "fr", data);
      for (const secret of SECRETS) expect(email.text).not.toContain(secret);
    });
  });

  it("a non-sensitive task shows the complainant, category and description (the check above can fail)", () => {
    const email = renderEmail("task", "fr", FIXTURES.task);
    for (const secret of [NAME, CATEGORY, DESCRIPTION]) {
      expect(email.text).toContain(secret);
      expect(email.html).toContain(secret);
    }
  });

  it("a non-sensitive new message is quoted to the assignee", () => {
    expect(renderEmail("message-received", "fr", FIXTURES["message-received"]).text).toContain(
      "J’ai un nouveau document.",
    );
  });

  it("T-8: the implicated staff member never learns who complained, even for a non-sensitive case", () => {
    const email = render("implicated-staff", "fr", {
      ...FIXTURES["implicated-staff"],
      complainantName: NAME,
    });
    expect(email.text).not.toContain(NAME);
    expect(email.html).not.toContain(NAME);
    expect(email.text).toContain("Service");
  });

  it.each(["fr", "en"] as const)(
    "H-D3: the sensitive response says only whether it is founded and what follows (%s)",
    (language) => {
      const email = render("response", language, {
        ...common,
        recipientName: NAME,
        ...smuggled,
        sensitive: true,
        outcome: "founded",
        procedure: "Une procédure disciplinaire est engagée.",
        appealUrl: APPEAL_URL,
        appealDeadline: "2027-01-20T12:00:00Z",
      });
      for (const secret of SECRETS) {
        expect(email.text).not.toContain(secret);
        expect(email.html).not.toContain(secret);
      }
      expect(email.text).toContain(
        language === "fr" ? "votre plainte est fondée" : "your complaint is founded",
      );
      expect(email.text).toContain("Une procédure disciplinaire est engagée.");
      expect(email.text).toContain(APPEAL_URL);
      expect(email.text).toContain(
        language === "fr" ? "mercredi 20 janvier 2027" : "Wednesday 20 January 2027",
      );
    },
  );

  it("a response without `sensitive` is treated as sensitive", () => {
    const { sensitive: _omitted, ...data } = { ...FIXTURES.response, ...smuggled };
    const email = render("response", "fr", data);
    for (const secret of SECRETS) expect(email.text).not.toContain(secret);
    expect(email.text).toContain("votre plainte est en partie fondée");
  });

  it("greets the complainant of a sensitive case without their name", () => {
    const email = render("contact", "fr", { ...FIXTURES.contact, recipientName: NAME, sensitive: true });
    expect(email.text).toMatch(/^Bonjour,\n/);
    expect(email.text).not.toContain(NAME);
  });
});

describe("the response (H-D3, H-D4, T-9, T-11)", () => {
  it("a non-sensitive response reports the outcome, investigation, measures and the response text", () => {
    const email = renderEmail("response", "fr", FIXTURES.response);
    expect(email.text).toContain("votre plainte est en partie fondée");
    expect(email.text).toContain("Nous avons interrogé trois agents.");
    expect(email.text).toContain("Une nouvelle liste sera publiée.");
    expect(email.text).toContain("Nous avons revu la distribution.");
    expect(email.text).toContain("nous vous donnerons des explications"); // H-D4
  });

  it("carries the appeal link and the appeal deadline when an appeal is possible", () => {
    const email = renderEmail("response", "fr", FIXTURES.response);
    // 23:00 UTC on 20 January is 00:00 on the 21st in Paris.
    expect(email.text).toContain("jusqu’au jeudi 21 janvier 2027");
    expect(email.html).toContain(`href="${amp(APPEAL_URL)}"`);
  });

  it("has no appeal paragraph when no appeal is possible", () => {
    const { appealUrl: _u, appealDeadline: _d, ...data } = FIXTURES.response;
    const email = renderEmail("response", "en", data);
    expect(email.text).not.toContain("appeal");
    expect(anchorCount(email.html)).toBe(0);
  });
});

describe("procedure content", () => {
  it("T-2: the written notice states the date of receipt and the commitment to handle within the deadline", () => {
    const fr = renderEmail("written-notice", "fr", FIXTURES["written-notice"]).text;
    expect(fr).toContain("reçu votre plainte le mardi 1er décembre 2026");
    expect(fr).toContain("dans un délai de 45 jours ouvrés, soit au plus tard le mercredi 3 février 2027");
    const en = renderEmail("written-notice", "en", FIXTURES["written-notice"]).text;
    expect(en).toContain("within 45 working days, that is by Wednesday 3 February 2027");
  });

  it("H-A2: the acknowledgement gives the reference, the date received, what happens next and the deadline", () => {
    const text = renderEmail("acknowledgement", "en", FIXTURES.acknowledgement).text;
    expect(text).toContain("Date received: Tuesday 1 December 2026");
    expect(text).toContain("contact you before Tuesday 15 December 2026");
    expect(text).toContain("We will answer you by Tuesday 12 January 2027 at the latest.");
  });

  it("T-1: the filing instructions give the address and what a written complaint contains (T-6)", () => {
    const text = renderEmail("filing-instructions", "fr", FIXTURES["filing-instructions"]).text;
    expect(text).toContain("plaintes@example.org");
    expect(text).toContain("BP 123, Bamako");
    expect(text).toContain("les faits, leur date et les personnes concernées");
  });

  it("R-6: the words follow the kind of feedback", () => {
    const email = renderEmail("acknowledgement", "fr", { ...FIXTURES.acknowledgement, kind: "suggestion" });
    expect(email.subject).toBe(`Nous avons bien reçu votre suggestion ${TAG}`);
  });

  it("T-11: the appeal decision is final and the extension gives the new date", () => {
    expect(renderEmail("appeal-decision", "en", FIXTURES["appeal-decision"]).text).toContain(
      "no further appeal is possible",
    );
    expect(renderEmail("appeal-extension", "fr", FIXTURES["appeal-extension"]).text).toContain(
      "au plus tard le mercredi 10 mars 2027, au lieu du mercredi 10 février 2027",
    );
  });

  it("escalation says which step, who, and how late", () => {
    const text = renderEmail("escalation", "en", FIXTURES.escalation).text;
    expect(text).toContain("Step: conclusion");
    expect(text).toContain("Assignee: handler@example.org");
    expect(text).toContain("Late by: 3 days");
    // An escalation shows the category at most, never the complainant or the description.
    expect(text).not.toContain(NAME);
    expect(text).not.toContain(DESCRIPTION);
  });
});

describe("HTML escaping", () => {
  const hostile = `<script>alert("x")</script> O'Brien "cité"`;

  it.each([
    ["task complainant name", "task", { ...FIXTURES.task, complainantName: hostile }],
    ["response text", "response", { ...FIXTURES.response, responseText: hostile }],
    ["inadmissibility reason", "inadmissible", { ...FIXTURES.inadmissible, reason: hostile }],
    ["recipient name", "acknowledgement", { ...FIXTURES.acknowledgement, recipientName: hostile }],
    ["organisation", "closure", { ...FIXTURES.closure, organisation: hostile }],
  ] as const)("escapes the %s", (_what, id, data) => {
    const email = render(id, "fr", data);
    expect(email.html).not.toContain("<script>");
    expect(email.html).toContain(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#39;Brien &quot;cité&quot;",
    );
    expect(email.text).toContain(hostile);
  });

  it("escapes the link in href", () => {
    const email = renderEmail("task", "en", { ...FIXTURES.task, taskUrl: 'https://x.example/t?a=1&b="2"' });
    expect(email.html).toContain('href="https://x.example/t?a=1&amp;b=&quot;2&quot;"');
  });
});

describe("dates in the organisation's time zone", () => {
  const lateEvening = "2026-12-06T23:30:00Z";

  it("a UTC instant at 23:30 on the 6th is the 7th in a UTC+1 zone", () => {
    const data = { ...FIXTURES["appeal-acknowledgement"], receivedAt: lateEvening, timeZone: "Africa/Lagos" };
    expect(renderEmail("appeal-acknowledgement", "fr", data).text).toContain("lundi 7 décembre 2026");
    expect(renderEmail("appeal-acknowledgement", "en", data).text).toContain("Monday 7 December 2026");
  });

  it("the same instant is still the 6th in UTC", () => {
    const data = {
      ...FIXTURES["appeal-acknowledgement"],
      receivedAt: lateEvening,
      timeZone: "Africa/Bamako",
    };
    expect(renderEmail("appeal-acknowledgement", "fr", data).text).toContain("dimanche 6 décembre 2026");
  });

  it("rejects an unknown time zone, a missing one and a malformed date", () => {
    expect(() => renderEmail("closure", "fr", { ...FIXTURES.closure, timeZone: "Mars/Olympus" })).toThrow(
      TemplateDataError,
    );
    expect(() => render("closure", "fr", { ...FIXTURES.closure, timeZone: undefined })).toThrow(
      TemplateDataError,
    );
    expect(() =>
      renderEmail("appeal-acknowledgement", "fr", {
        ...FIXTURES["appeal-acknowledgement"],
        receivedAt: "demain",
      }),
    ).toThrow(TemplateDataError);
  });
});

it("rejects a payload missing a required text", () => {
  const { responseText: _missing, ...data } = FIXTURES.response;
  expect(() => render("response", "fr", data)).toThrow(TemplateDataError);
});

it("rejects a malformed reference", () => {
  expect(() => renderEmail("closure", "fr", { ...FIXTURES.closure, reference: "CFM-26-1" })).toThrow(
    TemplateDataError,
  );
});

it("French typography: a non-breaking space, never a plain one, before : ; ? ! in French emails", () => {
  for (const id of TEMPLATE_IDS) {
    const { subject, text } = renderEmail(id, "fr", FIXTURES[id]);
    expect(`${subject}\n${text}`, id).not.toMatch(/ [:;?!»]|« /);
  }
  const closures = ["resolved", "referred", "inadmissible", "no-response", "appeal-decided"] as const;
  for (const closure of closures) {
    const { text } = renderEmail("closure", "fr", { ...FIXTURES.closure, closure });
    expect(text, closure).not.toMatch(/ [:;?!»]|« /);
  }
  for (const reason of NEEDS_ATTENTION_REASONS) {
    const { text } = renderEmail("needs-attention", "fr", { ...FIXTURES["needs-attention"], reason });
    expect(text, reason).not.toMatch(/ [:;?!»]|« /);
  }
  const sensitiveResponse = render("response", "fr", { ...common, sensitive: true, outcome: "unfounded" });
  expect(sensitiveResponse.text).not.toMatch(/ [:;?!»]|« /);
  for (const step of STEPS) {
    const { subject, text } = render("task", "fr", {
      ...common,
      sensitive: true,
      step,
      taskUrl: TASK_URL,
      dueBy: "2026-12-07T16:00:00Z",
    });
    expect(`${subject}\n${text}`, step).not.toMatch(/ [:;?!»]|« /);
  }
});

it("the types refuse the complainant's name, the description and the category for a sensitive case", () => {
  // @ts-expect-error a sensitive case carries no description
  const data: TemplateData["task"] = {
    ...common,
    step: "triage",
    taskUrl: TASK_URL,
    dueBy: "2026-12-07T16:00:00Z",
    sensitive: true,
    description: DESCRIPTION,
  };
  // @ts-expect-error nor measures in the response (H-D3)
  const response: TemplateData["response"] = {
    ...common,
    sensitive: true,
    outcome: "founded",
    measures: MEASURES,
  };
  expect(renderEmail("task", "en", data).text).not.toContain(DESCRIPTION);
  expect(renderEmail("response", "en", response).text).not.toContain(MEASURES);
});

describe("renderEmail: words from the catalogs (R-12)", () => {
  it("counts days by French plural rules: 0 and 1 are singular, with a matching adjective", () => {
    const notice = (respondWithinDays: number, workingDays: boolean) =>
      renderEmail("written-notice", "fr", { ...FIXTURES["written-notice"], respondWithinDays, workingDays })
        .text;
    expect(notice(1, true)).toContain("dans un délai de 1 jour ouvré, soit");
    expect(notice(45, true)).toContain("dans un délai de 45 jours ouvrés, soit");
    expect(notice(0, false)).toContain("dans un délai de 0 jour, soit");
    const late = (daysLate: number) =>
      renderEmail("escalation", "fr", { ...FIXTURES.escalation, daysLate }).subject;
    // The first escalation fires at the deadline itself: never "0 jour de retard" (issue 14).
    expect(late(0)).toMatch(/– moins d’un jour de retard$/);
    expect(renderEmail("escalation", "en", { ...FIXTURES.escalation, daysLate: 0 }).subject).toMatch(
      /– less than a day late$/,
    );
    expect(late(2)).toMatch(/– 2 jours de retard$/);
    expect(renderEmail("escalation", "en", { ...FIXTURES.escalation, daysLate: 1 }).subject).toMatch(
      /– 1 day late$/,
    );
  });

  it("shows person-written text verbatim, never as a message placeholder", () => {
    const note = "Voir {{ref}} et $t(mail.greeting)";
    const email = renderEmail("contact", "fr", { ...FIXTURES.contact, handlerName: "{{noun.your}}", note });
    expect(email.text).toContain(note);
    expect(email.text).toContain("{{noun.your}} est la personne chargée de suivre votre plainte.");
  });
});

describe("issue 14: the organisation's own defaults are not told to the complainant as the procedure's rule", () => {
  // The H example's 30-day appeal window and decision, 3-day triage and assignment: the organisation's choice
  // (config comments), not seed 000's. Emails give the dates that follow from them, never the periods as rules.
  const complainantEmails = TEMPLATE_IDS.filter((id) => audienceOf(id) === "complainant");

  it.each(complainantEmails)("%s (fr, en) names no period of days as a rule of the procedure", (id) => {
    for (const language of ["fr", "en"] as const) {
      const { subject, text } = renderEmail(id, language, FIXTURES[id]);
      expect(`${subject}\n${text}`).not.toMatch(/\b(30|trente|thirty|3|trois|three) (jours|days)\b/i);
      expect(`${subject}\n${text}`).not.toMatch(
        /la procédure (prévoit|impose|exige)|the procedure (requires|provides)/i,
      );
    }
  });

  it("the appeal offer gives a date, not a period", () => {
    const text = renderEmail("response", "fr", FIXTURES.response).text;
    expect(text).toMatch(/faire appel de cette décision jusqu’au \S+ \d+ \S+ 2027/);
  });
});
