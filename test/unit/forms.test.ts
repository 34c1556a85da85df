import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadConfigText } from "../../functions/domain/config.ts";
import { showsComplainantContact } from "../../functions/domain/procedure.ts";
import {
  FORM_FIELDS,
  FormBodyTooLargeError,
  type FormOptions,
  MAX_FORM_BODY_LENGTH,
  parseForm,
  parseFormBody,
  TASK_ACTIONS,
  type TaskAction,
  TEXT_LIMITS,
} from "../../functions/tasks/forms.ts";

const config = loadConfigText(
  readFileSync(new URL("../../config/humanitarian.example.yaml", import.meta.url), "utf8"),
  "humanitarian.example.yaml",
);
const nonce = "1772445600000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const fr: FormOptions = { language: "fr", config };
const en: FormOptions = { language: "en", config };

/** A complete valid body for each action. */
const VALID: Record<TaskAction, Record<string, string>> = {
  triage: { category: "fraud", severity: "high", admissible: "yes", nonce },
  assignment: {
    decision: "accept",
    courseOfAction: "Entendre les deux témoins, puis le chef de magasin.",
    risks: "Risque de représailles contre le témoin.",
    nonce,
  },
  contact: { contacted: "yes", nextUpdateBy: "2026-12-31", note: "Rappel prévu le 12 mars.", nonce },
  progress: { note: "Entretiens menés avec deux témoins.", nonce },
  conclusion: {
    outcome: "founded",
    measures: "Rappel des règles.",
    response: "Votre plainte est fondée.",
    nonce,
  },
  "appeal-decision": { decision: "upheld", reasoning: "Les faits ont été établis.", nonce },
  closure: { confirm: "yes", nonce },
  appeal: { reason: "La réponse ne tient pas compte des témoins.", nonce },
  answer: { decision: "answer", text: "Merci : la distribution commencera plus tôt dès avril.", nonce },
};

/** Fields whose absence is an error on its own. */
const REQUIRED: Record<TaskAction, string[]> = {
  triage: ["category", "severity", "admissible", "nonce"],
  assignment: ["decision", "courseOfAction", "nonce"],
  contact: ["contacted", "nextUpdateBy", "nonce"],
  progress: ["note", "nonce"],
  conclusion: ["outcome", "response", "nonce"],
  "appeal-decision": ["decision", "reasoning", "nonce"],
  closure: ["confirm", "nonce"],
  appeal: ["reason", "nonce"],
  answer: ["decision", "nonce"],
};

/** A value each choice field must refuse. */
const INVALID: Array<[TaskAction, string, string]> = [
  ["triage", "category", "not-a-category"],
  ["triage", "severity", "critical"],
  ["triage", "admissible", "maybe"],
  ["triage", "conflict", "no"],
  ["triage", "concerned", "stranger@example.com"],
  ["assignment", "decision", "refuse"],
  ["assignment", "delegate", "stranger@example.com"],
  ["contact", "contacted", "no"],
  ["conclusion", "outcome", "partly"],
  ["appeal-decision", "decision", "overturned"],
  ["closure", "confirm", "no"],
];

const without = (body: Record<string, string>, field: string) => {
  const copy = { ...body };
  delete copy[field];
  return copy;
};

describe("H-C3: the contact captures the date promised for further information", () => {
  it("H-C3: no date, no contact recorded: a clear French error", () => {
    const result = parseForm("contact", { contacted: "yes", nonce }, fr);
    expect(result).toEqual({
      ok: false,
      errors: { nextUpdateBy: "Indiquez la date annoncée au plaignant pour de nouvelles informations." },
    });
    expect(parseForm("contact", { contacted: "yes", nextUpdateBy: "31/12/2026", nonce }, fr).ok).toBe(false);
  });

  it("H-C3 (e): a referral without the text telling the complainant where to turn is refused, in French", () => {
    const result = parseForm(
      "triage",
      { category: "out-of-scope", severity: "low", admissible: "yes", nonce },
      { language: "fr", config },
    );
    expect(result).toEqual({
      ok: false,
      errors: {
        reason:
          "Indiquez au plaignant vers qui se tourner (organisation concernée, médiateur, autorités locales).",
      },
    });
  });

  it("H-C3: the complainant's contact details show on the contact step's page only, never for an anonymous case", () => {
    expect(showsComplainantContact({ anonymous: false }, "contact")).toBe(true);
    for (const step of [
      "triage",
      "assignment",
      "conclusion",
      "progress",
      "appeal-decision",
      "closure",
      "answer",
    ])
      expect(showsComplainantContact({ anonymous: false }, step)).toBe(false);
    expect(showsComplainantContact({ anonymous: true }, "contact")).toBe(false);
  });
});

describe("parseForm: valid input", () => {
  it.each(TASK_ACTIONS)("%s: a complete body parses", (action) => {
    const result = parseForm(action, VALID[action], fr);

    expect(result).toMatchObject({ ok: true });
  });

  it("triage: gives typed values", () => {
    const result = parseForm(
      "triage",
      { ...VALID.triage, conflict: "yes", concerned: "Manager@Example.org" },
      fr,
    );

    expect(result).toEqual({
      ok: true,
      value: {
        category: "fraud",
        severity: "high",
        admissible: true,
        conflict: true,
        concerned: "manager@example.org",
        nonce,
      },
    });
  });

  it("triage: every category id of the config is accepted", () => {
    for (const category of config.categories) {
      // H-C3 (e): a referral category needs the text telling the complainant where to turn.
      const reason = category.outcome === "referral" ? { reason: "Mairie de Kati, service social." } : {};
      expect(parseForm("triage", { ...VALID.triage, ...reason, category: category.id }, en).ok).toBe(true);
    }
  });

  it("assignment: delegation to a staff member", () => {
    const result = parseForm(
      "assignment",
      {
        decision: "delegate",
        delegate: "handler@example.org",
        courseOfAction: "Entendre les deux témoins à Kati.",
        nonce,
      },
      en,
    );

    expect(result).toEqual({
      ok: true,
      value: {
        decision: "delegate",
        delegate: "handler@example.org",
        courseOfAction: "Entendre les deux témoins à Kati.",
        nonce,
      },
    });
  });

  it("assignment: a delegate posted with accept is dropped, not passed on", () => {
    const result = parseForm(
      "assignment",
      {
        decision: "accept",
        delegate: "handler@example.org",
        courseOfAction: "Entendre les deux témoins à Kati.",
        nonce,
      },
      en,
    );

    expect(result).toEqual({
      ok: true,
      value: { decision: "accept", courseOfAction: "Entendre les deux témoins à Kati.", nonce },
    });
  });

  it("contact: the box gives true; closure: close now", () => {
    expect(parseForm("contact", VALID.contact, fr)).toMatchObject({ ok: true, value: { contacted: true } });
    expect(parseForm("closure", VALID.closure, fr)).toMatchObject({ ok: true, value: { confirm: "yes" } });
  });

  it("H-F2: the closure check may answer not yet, with what remains to be done", () => {
    expect(parseForm("closure", { confirm: "not-yet", nonce }, fr)).toEqual({
      ok: false,
      errors: { note: "Indiquez ce qui reste à faire avant la clôture." },
    });
    expect(
      parseForm("closure", { confirm: "not-yet", note: "Mesure d’appel non appliquée", nonce }, fr),
    ).toMatchObject({ ok: true, value: { confirm: "not-yet", note: "Mesure d’appel non appliquée" } });
  });

  it("ignores unknown fields and never passes them on", () => {
    const hostile = JSON.parse('{"__proto__": {"admin": true}, "constructor": "y", "status": "closed"}');
    const body = { ...VALID.progress, ...hostile };

    const result = parseForm("progress", body, fr);

    expect(result).toEqual({ ok: true, value: { note: VALID.progress.note, nonce } });
  });

  it("trims values, normalises line ends and drops control characters", () => {
    const result = parseForm(
      "progress",
      { note: "  ligne 1\r\nligne\u0000 2\u0007  \n", nonce: ` ${nonce} ` },
      fr,
    );

    expect(result).toEqual({ ok: true, value: { note: "ligne 1\nligne 2", nonce } });
  });

  it("treats a blank optional field as absent", () => {
    const result = parseForm(
      "contact",
      { contacted: "yes", nextUpdateBy: "2026-12-31", note: "   ", nonce },
      fr,
    );

    expect(result).toEqual({ ok: true, value: { contacted: true, nextUpdateBy: "2026-12-31", nonce } });
  });
});

describe("parseForm: missing and invalid fields", () => {
  const missing = TASK_ACTIONS.flatMap((action) => REQUIRED[action].map((field) => [action, field] as const));

  it.each(missing)("%s: a missing %s is an error for that field, in fr and en", (action, field) => {
    const body = without(VALID[action], field);

    const inFrench = parseForm(action, body, fr);
    const inEnglish = parseForm(action, body, en);

    if (inFrench.ok || inEnglish.ok) throw new Error("expected a failure");
    expect(Object.keys(inFrench.errors)).toEqual([field]);
    expect(Object.keys(inEnglish.errors)).toEqual([field]);
    const frMessage = (inFrench.errors as Record<string, string>)[field];
    const enMessage = (inEnglish.errors as Record<string, string>)[field];
    expect(frMessage).toBeTruthy();
    expect(enMessage).toBeTruthy();
    expect(frMessage).not.toBe(enMessage);
  });

  it.each(missing)("%s: a blank %s counts as missing", (action, field) => {
    const result = parseForm(action, { ...VALID[action], [field]: "  \r\n " }, en);

    expect(result.ok ? [] : Object.keys(result.errors)).toEqual([field]);
  });

  it.each(INVALID)(
    "%s: an invalid %s (%s) is an error for that field, in fr and en",
    (action, field, value) => {
      const body = { ...VALID[action], [field]: value };

      const inFrench = parseForm(action, body, fr);
      const inEnglish = parseForm(action, body, en);

      expect(inFrench.ok ? [] : Object.keys(inFrench.errors)).toEqual([field]);
      expect(inEnglish.ok ? [] : Object.keys(inEnglish.errors)).toEqual([field]);
    },
  );

  it("uses the language's wording", () => {
    const body = without(VALID.progress, "note");

    expect(parseForm("progress", body, fr)).toEqual({
      ok: false,
      errors: { note: "Ce champ est obligatoire." },
    });
    expect(parseForm("progress", body, en)).toEqual({
      ok: false,
      errors: { note: "This field is required." },
    });
  });

  it("reports every field in error at once", () => {
    const result = parseForm("triage", { severity: "extreme", admissible: "no" }, en);

    expect(result.ok ? [] : Object.keys(result.errors).sort()).toEqual([
      "category",
      "nonce",
      "reason",
      "severity",
    ]);
  });

  it("refuses a repeated field (parameter pollution) rather than picking one", () => {
    const result = parseForm("triage", { ...VALID.triage, category: ["programme", "fraud"] }, en);

    expect(result.ok ? [] : Object.keys(result.errors)).toEqual(["category"]);
  });

  it("refuses a non-string value", () => {
    const result = parseForm("progress", { note: { toString: () => "x" }, nonce }, en);

    expect(result.ok ? [] : Object.keys(result.errors)).toEqual(["note"]);
  });

  const caps = TASK_ACTIONS.flatMap((action) =>
    Object.entries(TEXT_LIMITS[action]).map(([field, max]) => [action, field, max as number] as const),
  );
  it.each(caps)("%s: %s is capped at %i characters", (action, field, max) => {
    const atCap = parseForm(action, { ...VALID[action], [field]: "é".repeat(max) }, fr);
    const overCap = parseForm(action, { ...VALID[action], [field]: "é".repeat(max + 1) }, fr);

    expect(atCap.ok).toBe(true);
    expect(overCap.ok ? [] : Object.entries(overCap.errors)).toEqual([
      [field, `${max.toLocaleString("fr-FR")} caractères au maximum.`],
    ]);
  });

  it("appeal: the reason needs at least 10 characters (after trimming)", () => {
    const nine = parseForm("appeal", { reason: "   123456789   ", nonce }, en);
    const ten = parseForm("appeal", { reason: "   1234567890   ", nonce }, en);

    expect(nine).toEqual({ ok: false, errors: { reason: "At least 10 characters." } });
    expect(ten).toEqual({ ok: true, value: { reason: "1234567890", nonce } });
  });
});

describe("parseForm: conditional requirements", () => {
  it("T-4: triage needs a written reason when inadmissible", () => {
    const body = { ...VALID.triage, admissible: "no" };

    const inFrench = parseForm("triage", body, fr);
    const inEnglish = parseForm("triage", body, en);

    expect(inFrench).toEqual({
      ok: false,
      errors: { reason: "Motivez par écrit la décision d’irrecevabilité." },
    });
    expect(inEnglish).toEqual({
      ok: false,
      errors: { reason: "Give the written reason for the inadmissibility decision." },
    });
    expect(parseForm("triage", { ...body, reason: "Faits de plus de deux mois." }, fr)).toMatchObject({
      ok: true,
      value: { admissible: false, reason: "Faits de plus de deux mois." },
    });
  });

  it("T-4: the reason is optional when admissible", () => {
    expect(parseForm("triage", { ...VALID.triage, admissible: "yes" }, fr)).toMatchObject({
      ok: true,
      value: { admissible: true },
    });
  });

  it("H-C1: the course of action decided at the review is required, with its own message in fr and en", () => {
    for (const courseOfAction of [undefined, "", "   \n  "]) {
      const body = {
        decision: "accept",
        risks: "Représailles possibles.",
        nonce,
        ...(courseOfAction === undefined ? {} : { courseOfAction }),
      };
      const inFrench = parseForm("assignment", body, fr);
      const inEnglish = parseForm("assignment", body, en);
      expect(inFrench).toEqual({
        ok: false,
        errors: { courseOfAction: "Indiquez la démarche retenue après examen du dossier." },
      });
      expect(inEnglish).toEqual({
        ok: false,
        errors: { courseOfAction: "State the course of action decided after reviewing the case." },
      });
    }
    // Kept as written (trimmed), next to the risks (H-C1: "identifie les risques").
    expect(
      parseForm("assignment", { ...VALID.assignment, courseOfAction: "  Visite à Kati.\r\n" }, fr),
    ).toMatchObject({ ok: true, value: { courseOfAction: "Visite à Kati.", risks: expect.any(String) } });
    expect(
      parseForm("assignment", { ...VALID.assignment, courseOfAction: "x".repeat(5001) }, fr),
    ).toMatchObject({
      ok: false,
      errors: { courseOfAction: expect.stringContaining("5") },
    });
  });

  it("H-C2: delegating needs a delegate, in fr and en", () => {
    const body = { decision: "delegate", courseOfAction: "Entendre les deux témoins à Kati.", nonce };

    const inFrench = parseForm("assignment", body, fr);
    const inEnglish = parseForm("assignment", body, en);

    expect(inFrench.ok ? [] : Object.keys(inFrench.errors)).toEqual(["delegate"]);
    expect(inEnglish.ok ? [] : Object.keys(inEnglish.errors)).toEqual(["delegate"]);
    expect(inFrench).not.toEqual(inEnglish);
  });

  it("T-13: a late conclusion needs a justification", () => {
    const late = { ...fr, late: true };

    expect(parseForm("conclusion", VALID.conclusion, late)).toEqual({
      ok: false,
      errors: { justification: "La réponse est en retard : justifiez ce retard et ses causes." },
    });
    expect(
      parseForm("conclusion", { ...VALID.conclusion, justification: "Témoin absent." }, late),
    ).toMatchObject({
      ok: true,
      value: { justification: "Témoin absent." },
    });
    expect(parseForm("conclusion", VALID.conclusion, { ...en, late: false }).ok).toBe(true);
  });

  it("T-11: extend is accepted only while an extension remains", () => {
    const body = { decision: "extend", reasoning: "Enquête complémentaire nécessaire.", nonce };

    const noneLeft = parseForm("appeal-decision", body, { ...en, extensionAvailable: false });
    const oneLeft = parseForm("appeal-decision", body, { ...en, extensionAvailable: true });
    const byDefault = parseForm("appeal-decision", body, fr);

    expect(noneLeft).toEqual({ ok: false, errors: { decision: "No extension remains for this appeal." } });
    expect(byDefault.ok ? [] : Object.keys(byDefault.errors)).toEqual(["decision"]);
    expect(oneLeft).toEqual({ ok: true, value: body });
  });

  it("T-11: an unavailable extension is reported alongside a missing reasoning", () => {
    const result = parseForm("appeal-decision", { decision: "extend", nonce }, en);

    expect(result.ok ? [] : Object.keys(result.errors).sort()).toEqual(["decision", "reasoning"]);
  });
});

describe("parseForm: H-D4, explanations before the appeal", () => {
  const question = "Pourquoi ma famille n’est-elle pas sur la liste ?";
  it("where they are offered, the complainant asks for explanations or appeals; absent, it is an appeal", () => {
    const offered = { ...fr, explanations: true };
    expect(parseForm("appeal", { request: "explanations", reason: question, nonce }, offered)).toEqual({
      ok: true,
      value: { request: "explanations", reason: question, nonce },
    });
    expect(parseForm("appeal", { request: "appeal", reason: question, nonce }, offered)).toEqual({
      ok: true,
      value: { reason: question, nonce },
    });
    expect(parseForm("appeal", { reason: question, nonce }, offered)).toEqual({
      ok: true,
      value: { reason: question, nonce },
    });
  });

  it("a sensitive case (or procedure T) is not offered explanations: the request is refused", () => {
    expect(parseForm("appeal", { request: "explanations", reason: question, nonce }, fr)).toEqual({
      ok: false,
      errors: { request: "Pour ce dossier, seul l’appel est possible." },
    });
  });
});

describe("parseForm: H-E2, the member handling the appeal", () => {
  it("assign names a staff member (required, from the directory) and needs no reasoning", () => {
    expect(
      parseForm("appeal-decision", { decision: "assign", member: "Handler@Example.org", nonce }, fr),
    ).toEqual({ ok: true, value: { decision: "assign", member: "handler@example.org", nonce } });
    expect(parseForm("appeal-decision", { decision: "assign", nonce }, fr)).toEqual({
      ok: false,
      errors: { member: "Choisissez le membre chargé de l’appel dans la liste du personnel." },
    });
    expect(parseForm("appeal-decision", { decision: "assign", nonce }, en)).toEqual({
      ok: false,
      errors: { member: "Choose the member handling the appeal from the staff list." },
    });
    expect(
      parseForm("appeal-decision", { decision: "assign", member: "stranger@example.com", nonce }, fr),
    ).toMatchObject({ ok: false, errors: { member: expect.any(String) } });
  });

  it("a decision still needs its reasoning, and a member posted with it is dropped", () => {
    expect(
      parseForm("appeal-decision", { decision: "upheld", member: "handler@example.org", nonce }, fr),
    ).toEqual({ ok: false, errors: { reasoning: "Ce champ est obligatoire." } });
    expect(
      parseForm("appeal-decision", { ...VALID["appeal-decision"], member: "handler@example.org" }, fr),
    ).toEqual({ ok: true, value: VALID["appeal-decision"] });
  });
});

describe("parseForm: procedure checks at triage", () => {
  it("H-C3 (e): a referral without the text telling the complainant where to turn is refused", () => {
    expect(parseForm("triage", { ...VALID.triage, category: "out-of-scope" }, fr)).toEqual({
      ok: false,
      errors: {
        reason:
          "Indiquez au plaignant vers qui se tourner (organisation concernée, médiateur, autorités locales).",
      },
    });
  });

  it("T-4: facts too old cannot be admitted; declaring them inadmissible with a reason is accepted", () => {
    const old = { ...fr, factsTooOld: true };
    const admitted = parseForm("triage", VALID.triage, old);
    expect(admitted.ok).toBe(false);
    expect(!admitted.ok && admitted.errors).toMatchObject({
      admissible: expect.stringContaining("irrecevable"),
    });
    expect(
      parseForm("triage", { ...VALID.triage, admissible: "no", reason: "Faits de plus de deux mois." }, old)
        .ok,
    ).toBe(true);
    expect(parseForm("triage", VALID.triage, fr).ok).toBe(true);
  });
});

describe("T-4: the date of the facts recorded at triage (issue 14)", () => {
  const T = loadConfigText(
    readFileSync(new URL("../../config/training-provider.example.yaml", import.meta.url), "utf8"),
    "training-provider.example.yaml",
  );
  const t: FormOptions = { language: "fr", config: T, receivedAt: "2026-03-02T09:00:00.000Z" };
  const triage = { ...VALID.triage, category: "service" };

  it("refuses to admit facts dated, at triage, more than two months before receipt", () => {
    const old = parseForm("triage", { ...triage, factsDate: "2025-12-20" }, t);
    expect(old.ok).toBe(false);
    expect(!old.ok && old.errors).toMatchObject({ admissible: expect.stringContaining("irrecevable") });
    expect(
      parseForm(
        "triage",
        { ...triage, factsDate: "2025-12-20", admissible: "no", reason: "Faits anciens." },
        t,
      ).ok,
    ).toBe(true);
  });

  it("admits recent facts, and the date read in the complaint prevails over the one the form gave", () => {
    const recent = parseForm("triage", { ...triage, factsDate: "2026-02-10" }, { ...t, factsTooOld: true });
    expect(recent.ok && recent.value).toMatchObject({ factsDate: "2026-02-10", admissible: true });
    expect(parseForm("triage", { ...triage, factsDate: "10/02/2026" }, t).ok).toBe(false);
  });
});

describe("parseFormBody", () => {
  it("decodes a urlencoded body", () => {
    const body = parseFormBody("note=ligne+1%0D%0Aligne+2&nonce=abc&x=%C3%A9");

    expect({ ...body }).toEqual({ note: "ligne 1\r\nligne 2", nonce: "abc", x: "é" });
  });

  it("keeps a repeated name as an array, which parseForm refuses", () => {
    const body = parseFormBody("decision=accept&decision=delegate&nonce=n");

    expect(body.decision).toEqual(["accept", "delegate"]);
    expect(parseForm("assignment", body, en).ok).toBe(false);
  });

  it("treats __proto__ as a plain key", () => {
    const body = parseFormBody("__proto__=x&note=n");

    expect(Object.getPrototypeOf(body)).toBeNull();
    expect(Object.getOwnPropertyDescriptor(body, "__proto__")?.value).toBe("x");
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it("refuses an oversized body", () => {
    expect(() => parseFormBody("a".repeat(MAX_FORM_BODY_LENGTH + 1))).toThrow(FormBodyTooLargeError);
  });
});

describe("FORM_FIELDS", () => {
  it("names the contract's fields, and the hidden nonce in every form", () => {
    expect(FORM_FIELDS.triage).toEqual(
      expect.arrayContaining(["category", "severity", "admissible", "reason"]),
    );
    expect(FORM_FIELDS.assignment).toEqual(["decision", "delegate", "courseOfAction", "risks", "nonce"]);
    expect(FORM_FIELDS.contact).toEqual(["contacted", "nextUpdateBy", "note", "nonce"]);
    expect(FORM_FIELDS.conclusion).toEqual(expect.arrayContaining(["outcome", "measures", "response"]));
    expect(FORM_FIELDS["appeal-decision"]).toEqual(["decision", "member", "reasoning", "nonce"]);
    expect(FORM_FIELDS.appeal).toEqual(["request", "reason", "nonce"]);
    for (const action of TASK_ACTIONS) expect(FORM_FIELDS[action]).toContain("nonce");
  });
});
