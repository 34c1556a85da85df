// Procedure H end to end, on the state machine CDK synthesizes, in virtual time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsoleApp } from "../../functions/console/app.ts";
import { consoleKey, newSession, SESSION_COOKIE, seal } from "../../functions/console/session.ts";
import { statusView, viewFor } from "../../functions/domain/views.ts";
import { recordedMetrics } from "../../functions/lib/metrics.ts";
import { formatDate, formatDateTime } from "../../functions/mail/templates.ts";
import { loadTask, submitTask } from "../../functions/tasks/task-actions.ts";
import { type Harness, startHarness } from "../helpers/workflow-harness.ts";

const OFFICER = "officer@example.org";
const COMPLAINANT = "aissata@example.net";

let h: Harness;
beforeAll(async () => {
  h = await startHarness("config/humanitarian.example.yaml");
}, 120_000);
afterAll(async () => {
  await h?.close();
});

/** The task page a link opens (GET), or answers to a POST of `fields`, as the task-pages Lambda renders it. */
async function pageOf(link: string, fields?: Record<string, string>): Promise<string> {
  const { handleTaskRequest } = await import("../../functions/handlers/task-pages.ts");
  const token = link.slice(link.lastIndexOf("/t/") + 3);
  const loaded = fields ? await loadTask(h.rt, token) : null;
  const body = fields
    ? new URLSearchParams({ ...fields, nonce: loaded?.kind === "open" ? loaded.nonce : "" }).toString()
    : undefined;
  const response = await handleTaskRequest({
    requestContext: { http: { method: fields ? "POST" : "GET" } },
    rawPath: `/t/${token}`,
    pathParameters: { token },
    headers: fields ? { "content-type": "application/x-www-form-urlencoded" } : {},
    ...(body ? { body, isBase64Encoded: false } : {}),
  } as never);
  expect(response.statusCode).toBe(200);
  return String(response.body);
}

/** The console's case page as a staff member sees it (a session sealed as the console's sign-in would). */
async function consoleCasePage(reference: string, email: string): Promise<string> {
  const signedInAt = Date.now();
  const app = createConsoleApp({
    rt: h.rt,
    oidc: { issuer: "http://127.0.0.1:1", clientId: "cfm-console", logoutUrl: "http://127.0.0.1:1/end" },
    realNow: () => signedInAt,
  });
  const key = consoleKey(await h.rt.linkSecret());
  const session = newSession({ email, name: email, audience: "staff" }, signedInAt);
  const response = await app.request(`http://127.0.0.1/console/cases/${reference}`, {
    headers: { cookie: `${SESSION_COOKIE}=${seal(key, "session", session)}` },
  });
  expect(response.status).toBe(200);
  return (await response.text()).replace(/&#39;|&#x27;/g, "'");
}

const types = async (reference: string) => (await h.rt.store.timeline(reference)).map((e) => e.type);

describe("procedure H", () => {
  it("path 1: a programme complaint runs from receipt to closure `resolved` within its deadlines", async () => {
    // H-A1/H-A2: receipt and acknowledgement within 1 week.
    const ref = await h.file({});
    let record = await h.record(ref);
    expect(record.status).toBe("acknowledged");
    expect(record.met.acknowledge).toBe(true);
    const ack = (await h.mails(ref)).filter((m) => m.to.includes(COMPLAINANT));
    expect(ack).toHaveLength(1);
    expect(ack[0]?.subject).toContain(`[${ref}]`);

    // H-B1: triage by the complaints officer.
    await h.advance("P1D");
    expect(
      (
        await h.act(await h.taskLink(ref, OFFICER), {
          category: "programme",
          severity: "medium",
          admissible: "yes",
        })
      ).kind,
    ).toBe("done");
    record = await h.record(ref);
    // H-B3 (a): the programme officer is responsible.
    expect(record).toMatchObject({
      status: "triage",
      category: "programme",
      responsible: "programme@example.org",
      assignee: "programme@example.org",
    });

    // H-C1: the responsible person reviews the case and must state the course of action decided.
    const assignmentLink = await h.taskLink(ref, "programme@example.org");
    expect(
      await h.act(assignmentLink, { decision: "delegate", delegate: "handler@example.org", risks: "Aucun" }),
    ).toMatchObject({
      kind: "invalid",
      errors: { courseOfAction: "Indiquez la démarche retenue après examen du dossier." },
    });
    expect((await h.record(ref)).assignee).toBe("programme@example.org"); // nothing recorded
    // H-C1/H-C2: the responsible person decides the course of action and delegates to the handler.
    await h.act(assignmentLink, {
      decision: "delegate",
      delegate: "handler@example.org",
      courseOfAction: "Vérifier les listes de Kati, puis entendre le chef de distribution",
      risks: "Aucun",
    });
    expect((await h.record(ref)).assignee).toBe("handler@example.org");
    expect((await h.rt.store.getContent(ref)).courseOfAction).toBe(
      "Vérifier les listes de Kati, puis entendre le chef de distribution",
    );
    // H-C1: the handler reads it on the next step's page.
    expect(await pageOf(await h.taskLink(ref, "handler@example.org"))).toContain(
      "Vérifier les listes de Kati, puis entendre le chef de distribution",
    );

    // H-C3: contact within 2 weeks.
    await h.advance("P5D");
    await h.act(await h.taskLink(ref, "handler@example.org"), {
      contacted: "yes",
      nextUpdateBy: "2026-12-31",
      note: "Appel le 8 mars",
    });
    expect((await h.record(ref)).status).toBe("investigating");
    // H-C3: the date promised to the complainant for further information is kept on the timeline.
    expect((await h.rt.store.timeline(ref)).find((e) => e.type === "contacted")?.detail).toBe(
      "next-update:2026-12-31",
    );

    // H-D1/H-D3: conclusion and response within 6 weeks, with the outcome report and an appeal link.
    await h.advance("P14D");
    // Issue 14: the page first shows exactly what the complainant will receive; nothing is recorded or sent.
    const conclusionLink = await h.taskLink(ref, "handler@example.org");
    const mailsBefore = (await h.mails(ref)).length;
    const previewed = await pageOf(conclusionLink, {
      outcome: "founded",
      measures: "Distribution complémentaire le 30 mars",
      response: "Votre plainte est fondée : une distribution complémentaire aura lieu.",
      preview: "yes",
    });
    expect(previewed).toContain("Ce que le plaignant recevra");
    expect(previewed).toContain("Réponse à votre plainte [");
    expect(previewed).toContain("une distribution complémentaire aura lieu.");
    expect(previewed).toContain("[son lien personnel : explications, puis appel]");
    expect(previewed.split('id="preview"')[1]).not.toContain("le 30 mars");
    expect((await h.record(ref)).status).toBe("investigating");
    expect((await h.mails(ref)).length).toBe(mailsBefore);
    await h.act(conclusionLink, {
      outcome: "founded",
      measures: "Distribution complémentaire le 30 mars",
      response: "Votre plainte est fondée : une distribution complémentaire aura lieu.",
    });
    record = await h.record(ref);
    expect(record.status).toBe("responded");
    expect(record.met).toMatchObject({
      acknowledge: true,
      triage: true,
      assign: true,
      contact: true,
      respond: true,
    });
    const response = (await h.mails(ref)).filter((m) => m.to.includes(COMPLAINANT)).at(-1);
    expect(response?.text).toContain("distribution complémentaire");
    // Issue 14: the internal record of the measures never goes to the complainant, only the text written for them.
    expect(response?.text).not.toContain("le 30 mars");
    // H-C1: the course of action is internal: no email to the complainant carries it.
    for (const mail of (await h.mails(ref)).filter((m) => m.to.includes(COMPLAINANT)))
      expect(mail.text).not.toContain("listes de Kati");
    expect(response?.text).toMatch(/\/t\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/); // the appeal link (H-D4)

    // The appeal window passes: closed `resolved`.
    await h.advance("P31D");
    record = await h.record(ref);
    expect(record).toMatchObject({ status: "closed", closure: "resolved", overdue: [] });
    expect(await types(ref)).toEqual([
      "received",
      "acknowledged",
      "notified", // H-B1: the supervisor, who triages with the officer
      "triaged",
      "assigned", // H-B3
      "delegated",
      "contacted",
      "progress",
      "responded",
      "closed",
    ]);
  });

  it("path 2: sexual exploitation and abuse notifies the staff delegate, routes to the director and shows only the status (H-B2, H-B3, H-D1, H-D3)", async () => {
    const ref = await h.file({
      content: { description: "Un agent a exigé des faveurs sexuelles à Sikasso." },
    });
    await h.act(await h.taskLink(ref, OFFICER), {
      category: "sexual-exploitation-abuse",
      severity: "high",
      admissible: "yes",
    });
    const record = await h.record(ref);
    expect(record).toMatchObject({ sensitive: true, responsible: "director@example.org" });
    const delegateMail = (await h.mails(ref)).find((m) => m.to.includes("delegate@example.org"));
    expect(delegateMail).toBeDefined();
    for (const mail of (await h.mails(ref)).filter((m) => !m.to.includes(COMPLAINANT))) {
      expect(mail.text).not.toContain("Aïssata");
      expect(mail.text).not.toContain("faveurs");
      expect(mail.text.toLowerCase()).not.toContain("exploitation");
    }
    // H-D1: general staff get the status view, built without reading the content; the coordinator the full one.
    let loaded = 0;
    const load = async () => {
      loaded++;
      return { content: await h.rt.store.getContent(ref), timeline: await h.rt.store.timeline(ref) };
    };
    const staffView = await viewFor({ audience: "staff", email: "programme@example.org" }, record, load);
    expect(loaded).toBe(0);
    expect(staffView).toEqual(statusView(record));
    expect(JSON.stringify(staffView)).not.toContain("faveurs");
    expect(
      JSON.stringify(await viewFor({ audience: "coordinator", email: "officer@example.org" }, record, load)),
    ).toContain("faveurs");
    expect(loaded).toBe(1);
    // H-D1: the details stay with the responsible person, who reads them.
    expect(
      JSON.stringify(await viewFor({ audience: "staff", email: "director@example.org" }, record, load)),
    ).toContain("faveurs");
    expect(loaded).toBe(2);
    expect(Object.keys(staffView).sort()).toEqual([
      "closure",
      "deadlines",
      "kind",
      "overdue",
      "receivedAt",
      "reference",
      "sensitive",
      "status",
    ]);

    await h.act(await h.taskLink(ref, "director@example.org"), {
      decision: "accept",
      courseOfAction: "Entendre les parties et vérifier les faits.",
    });
    await h.act(await h.taskLink(ref, "director@example.org"), {
      contacted: "yes",
      nextUpdateBy: "2026-12-31",
    });
    await h.act(await h.taskLink(ref, "director@example.org"), {
      outcome: "founded",
      measures: "Suspension de l'agent X",
      response: "Une procédure disciplinaire est engagée.",
    });
    const content = await h.rt.store.getContent(ref);
    expect(content.measures).toBeNull(); // H-D1: only the status is recorded
    const response = (await h.mails(ref)).filter((m) => m.to.includes(COMPLAINANT)).at(-1);
    expect(response?.text).toContain("procédure disciplinaire");
    expect(response?.text).not.toContain("Suspension");
  });

  it("path 3: fraud notifies and assigns the finance manager; misconduct goes to the line manager of the employee concerned", async () => {
    const fraud = await h.file({});
    await h.act(await h.taskLink(fraud, OFFICER), { category: "fraud", severity: "high", admissible: "yes" });
    expect((await h.record(fraud)).assignee).toBe("finance@example.org");
    expect(
      (await h.mails(fraud)).some((m) => m.to.includes("finance@example.org") && !/\/t\//.test(m.text)),
    ).toBe(true);

    const misconduct = await h.file({});
    await h.act(await h.taskLink(misconduct, OFFICER), {
      category: "misconduct",
      severity: "medium",
      admissible: "yes",
      concerned: "programme@example.org",
    });
    expect((await h.record(misconduct)).assignee).toBe("director@example.org"); // programme officer's supervisor
  });

  it("H-B1: triage is done with the supervisor: told of the task, who triages and by when, with no detail of the untriaged case", async () => {
    const ref = await h.file({
      content: { description: "Un agent a demandé des faveurs en échange des bons." },
    });
    const record = await h.record(ref);
    const copies = (await h.mails(ref)).filter((m) => m.to.includes("supervisor@example.org"));
    expect(copies).toHaveLength(1);
    const copy = copies[0]!;
    expect(copy.subject).toBe(`Tri à faire avec vous\u00a0: la plainte [${ref}]`);
    expect(copy.text).toContain("Awa Coulibaly trie la plainte");
    expect(copy.text).toContain(`/console/cases/${ref}`);
    // An untriaged case counts as sensitive: neither the description nor the complainant in the email.
    expect(copy.text).not.toContain("faveurs");
    expect(copy.text).not.toContain("Aïssata");
    expect(record.assignee).toBe(OFFICER);
    expect(
      (await h.rt.store.timeline(ref)).some(
        (e) => e.type === "notified" && e.detail === "supervisor@example.org",
      ),
    ).toBe(true);
    // Triaged: the triage round is over, no second copy.
    await h.act(await h.taskLink(ref, OFFICER), {
      category: "programme",
      severity: "low",
      admissible: "yes",
    });
    expect((await h.mails(ref)).filter((m) => m.to.includes("supervisor@example.org"))).toHaveLength(1);
  });

  it("path 4: out of scope is referred and closed `referred` (H-C3 (e))", async () => {
    const ref = await h.file({});
    await h.act(await h.taskLink(ref, OFFICER), {
      category: "out-of-scope",
      severity: "low",
      admissible: "yes",
      reason: "Adressez-vous à la mairie de Kati, service social.",
    });
    expect(await h.record(ref)).toMatchObject({ status: "closed", closure: "referred" });
    const referral = (await h.mails(ref)).filter((m) => m.to.includes(COMPLAINANT)).at(-1);
    expect(referral?.text).toContain("mairie de Kati");
  });

  it("path 5: an investigation past 6 weeks sends the complainant updates at the configured interval (H-D3)", async () => {
    const ref = await h.file({});
    await h.act(await h.taskLink(ref, OFFICER), {
      category: "programme",
      severity: "low",
      admissible: "yes",
    });
    await h.act(await h.taskLink(ref, "programme@example.org"), {
      decision: "accept",
      courseOfAction: "Entendre les parties et vérifier les faits.",
    });
    await h.act(await h.taskLink(ref, "programme@example.org"), {
      contacted: "yes",
      nextUpdateBy: "2026-12-31",
    });
    const before = (await h.mails(ref)).filter((m) => m.to.includes(COMPLAINANT)).length;
    await h.advance("P6W"); // respond deadline passes
    await h.advance("P2W"); // one interval later
    const updates = (await h.mails(ref)).filter((m) => m.to.includes(COMPLAINANT)).length - before;
    expect(updates).toBe(2);
    const record = await h.record(ref);
    expect(record.overdue).toContain("respond");
    const late = await h.act(await h.taskLink(ref, "programme@example.org"), {
      outcome: "unfounded",
      response: "Non fondée.",
    });
    expect(late.kind).toBe("invalid"); // T-13 / late: a justification is required
    await h.act(await h.taskLink(ref, "programme@example.org"), {
      outcome: "unfounded",
      response: "Non fondée.",
      justification: "Témoins absents.",
    });
    expect((await h.record(ref)).met.respond).toBe(false);
  });

  it("path 6: one appeal, decided, parties informed, checked and closed `appeal-decided`; no second appeal (H-E1..H-F2)", async () => {
    const ref = await h.file({});
    await h.act(await h.taskLink(ref, OFFICER), {
      category: "programme",
      severity: "low",
      admissible: "yes",
    });
    await h.act(await h.taskLink(ref, "programme@example.org"), {
      decision: "accept",
      courseOfAction: "Entendre les parties et vérifier les faits.",
    });
    await h.act(await h.taskLink(ref, "programme@example.org"), {
      contacted: "yes",
      nextUpdateBy: "2026-12-31",
    });
    await h.act(await h.taskLink(ref, "programme@example.org"), {
      outcome: "unfounded",
      response: "Non fondée.",
    });
    const appealLink = await h.taskLink(ref, COMPLAINANT);
    expect((await h.act(appealLink, { reason: "Je ne suis pas d'accord avec cette réponse." })).kind).toBe(
      "done",
    );
    expect(await h.record(ref)).toMatchObject({
      status: "appeal",
      appeals: 1,
      assignee: "appeals@example.org",
    });
    // A second appeal through the same link is refused.
    expect((await h.act(appealLink, { reason: "Deuxième recours, encore." })).kind).toBe("already-done");
    await h.act(await h.taskLink(ref, "appeals@example.org"), {
      decision: "revised",
      reasoning: "La distribution sera refaite.",
    });
    // H-F2 (issue 14): the closure check shows the appeal's decision, and may answer "not yet".
    const closureLink = await h.taskLink(ref, OFFICER);
    const checkPage = await pageOf(closureLink);
    expect(checkPage).toContain("Décision sur l’appel");
    expect(checkPage).toContain("La décision initiale est révisée");
    expect(checkPage).toContain("La distribution sera refaite.");
    expect(checkPage).toContain('value="not-yet"');
    const pending = await h.act(closureLink, {
      confirm: "not-yet",
      note: "La nouvelle distribution n’a pas encore eu lieu.",
    });
    expect(pending).toMatchObject({ kind: "done", pending: "closure" });
    expect((await h.record(ref)).status).toBe("appeal");
    const told = (await h.mails(ref)).filter(
      (m) => m.to.includes("programme@example.org") && m.subject.includes("pas encore clos"),
    );
    expect(told).toHaveLength(1);
    expect(told[0]?.text).toContain("La nouvelle distribution n’a pas encore eu lieu.");
    expect((await h.rt.store.timeline(ref)).some((e) => e.detail === "closure-not-yet")).toBe(true);
    // The same link closes the case once the appeal procedure is finished.
    await h.act(closureLink, { confirm: "yes" });
    const record = await h.record(ref);
    expect(record).toMatchObject({
      status: "closed",
      closure: "appeal-decided",
      appeals: 1,
      appealOutcome: "revised",
    });
    const toComplainant = (await h.mails(ref)).filter((m) => m.to.includes(COMPLAINANT)).map((m) => m.text);
    expect(toComplainant.some((t) => t.includes("La distribution sera refaite."))).toBe(true);
    // H-F1: the parties are told in their role on the case, never "en tant que ." (issue 14).
    const decided = (await h.mails(ref)).filter((m) => /en tant que/.test(m.text));
    const toResponsible = decided.filter((m) => m.to.includes("programme@example.org")).at(-1);
    expect(toResponsible?.text).toContain("en tant que Chargé(e) de programme");
    expect(decided.filter((m) => m.to.includes(OFFICER)).at(-1)?.text).toContain(
      "en tant que Chargé(e) des plaintes",
    );
    for (const mail of decided) expect(mail.text).not.toMatch(/en tant que\s*\./);
  });

  it("issue 14: a step reached after its deadline gets a link that works and one reminder interval, not a reminder at once", async () => {
    const ref = await h.file({});
    await h.act(await h.taskLink(ref, OFFICER), {
      category: "programme",
      severity: "low",
      admissible: "yes",
    });
    await h.advance("P15D"); // the assignment is late; the contact deadline (2 weeks from receipt) passes meanwhile
    await h.act(await h.taskLink(ref, "programme@example.org"), {
      decision: "accept",
      courseOfAction: "Entendre les parties et vérifier les faits.",
    });
    const now = h.rt.now().toISOString();
    expect((await h.record(ref)).deadlines.contact! < now).toBe(true);
    const contactReminders = async () =>
      (await h.rt.store.timeline(ref)).filter((e) => e.type === "reminder" && e.detail === "contact").length;
    const link = await h.taskLink(ref, "programme@example.org");
    const token = link.slice(link.lastIndexOf("/t/") + 3);
    const loaded = await loadTask(h.rt, token);
    expect(loaded.kind).toBe("open");
    expect(loaded.kind === "open" && loaded.link.step).toBe("contact");
    expect(loaded.kind === "open" && loaded.link.expiresAt > now).toBe(true);
    expect(await contactReminders()).toBe(0);
    // The first reminder comes one reminder interval (2 working days) later, on its own.
    await h.advance("P1D");
    expect(await contactReminders()).toBe(0);
    await h.advance("P4D");
    expect(await contactReminders()).toBe(1);
  });

  it("path 10: a deadline missed at every human step is reminded, escalated and shown overdue", async () => {
    const ref = await h.file({});
    const escalations = () =>
      h.rt.store.timeline(ref).then((t) => t.filter((e) => e.type === "escalated").length);
    await h.advance("P4D"); // triage deadline (3 days) passes
    let record = await h.record(ref);
    expect(record.overdue).toContain("triage");
    expect(await escalations()).toBe(1);
    // H-D5: the escalation email reaches the officer's supervisor, naming the step and the reference.
    const escalation = (await h.mails(ref)).filter(
      (m) => m.to.includes("supervisor@example.org") && !m.subject.startsWith("Tri à faire avec vous"), // H-B1's copy
    );
    expect(escalation).toHaveLength(1);
    expect(escalation[0]?.subject).toContain(ref);
    expect(escalation[0]?.text).toContain("tri");
    const reminder = (await h.mails(ref)).filter((m) => m.to.includes(OFFICER)).at(-1);
    expect(reminder?.subject).toMatch(/rappel|relance/i);
    expect(recordedMetrics().some((m) => m.name === "StepOverdue" && m.dimensions.Step === "triage")).toBe(
      true,
    );
    await h.act(await h.taskLink(ref, OFFICER), {
      category: "programme",
      severity: "low",
      admissible: "yes",
    });
    record = await h.record(ref);
    expect(record.overdue).not.toContain("triage");
    expect(record.met.triage).toBe(false);
    await h.advance("P4D"); // assignment deadline passes
    expect((await h.record(ref)).overdue).toContain("assign");
    // The old link was revoked when the reminder re-issued the task.
    const links = (await h.mails(ref)).filter((m) => m.to.includes("programme@example.org"));
    expect(links.length).toBeGreaterThanOrEqual(2);
    const first = links[0]!.text.match(/https?:\/\/\S+\/t\/[A-Za-z0-9_.-]+/)?.[0] ?? "";
    expect(
      (
        await h.act(first, {
          decision: "accept",
          courseOfAction: "Entendre les parties et vérifier les faits.",
        })
      ).kind,
    ).toBe("expired");
    await h.act(await h.taskLink(ref, "programme@example.org"), {
      decision: "accept",
      courseOfAction: "Entendre les parties et vérifier les faits.",
    });
    expect((await h.record(ref)).met.assign).toBe(false);
  });

  it("T-7: an overdue closure check is escalated to the coordinator, never to the supervisor named in the complaint", async () => {
    const ref = await h.file({ content: { concernedStaff: ["supervisor@example.org"] } });
    await h.act(await h.taskLink(ref, OFFICER), {
      category: "programme",
      severity: "low",
      admissible: "yes",
    });
    await h.act(await h.taskLink(ref, "programme@example.org"), {
      decision: "accept",
      courseOfAction: "Entendre les parties et vérifier les faits.",
    });
    await h.act(await h.taskLink(ref, "programme@example.org"), {
      contacted: "yes",
      nextUpdateBy: "2026-12-31",
    });
    await h.act(await h.taskLink(ref, "programme@example.org"), { outcome: "unfounded", response: "Non." });
    await h.act(await h.taskLink(ref, COMPLAINANT), {
      reason: "Je ne suis pas d'accord avec cette réponse.",
    });
    await h.act(await h.taskLink(ref, "appeals@example.org"), {
      decision: "upheld",
      reasoning: "Confirmée.",
    });
    await h.advance("P8D"); // the closure check's week (H-F2) passes
    expect((await h.record(ref)).overdue).toContain("closure");
    const escalated = (await h.rt.store.timeline(ref)).filter((e) => e.type === "escalated");
    expect(escalated.map((e) => e.detail)).toEqual([OFFICER]); // the coordinator
    expect((await h.mails(ref)).filter((m) => m.to.includes("supervisor@example.org"))).toEqual([]);
  });

  it("T-7: the appeal officer named in the complaint gets neither the appeal decision nor the closure notice", async () => {
    const ref = await h.file({ content: { concernedStaff: ["appeals@example.org"] } });
    await h.act(await h.taskLink(ref, OFFICER), {
      category: "programme",
      severity: "low",
      admissible: "yes",
    });
    await h.act(await h.taskLink(ref, "programme@example.org"), {
      decision: "accept",
      courseOfAction: "Entendre les parties et vérifier les faits.",
    });
    await h.act(await h.taskLink(ref, "programme@example.org"), {
      contacted: "yes",
      nextUpdateBy: "2026-12-31",
    });
    await h.act(await h.taskLink(ref, "programme@example.org"), { outcome: "unfounded", response: "Non." });
    await h.act(await h.taskLink(ref, COMPLAINANT), {
      reason: "Je ne suis pas d'accord avec cette réponse.",
    });
    // The only appeal officer is named and has no supervisor: the coordinator decides the appeal.
    expect((await h.record(ref)).assignee).toBe(OFFICER);
    await h.act(await h.taskLink(ref, OFFICER), { decision: "upheld", reasoning: "Confirmée." });
    await h.act(await h.taskLink(ref, OFFICER), { confirm: "yes" });
    expect(await h.record(ref)).toMatchObject({ status: "closed", appealOutcome: "upheld" });
    expect((await h.mails(ref)).filter((m) => m.to.includes("appeals@example.org"))).toEqual([]);
  });

  it("path 11: an anonymous complaint gets no acknowledgement or response email; everything else proceeds", async () => {
    const ref = await h.file({ anonymous: true });
    expect((await h.record(ref)).met.acknowledge).toBe(true);
    await h.act(await h.taskLink(ref, OFFICER), {
      category: "programme",
      severity: "low",
      admissible: "yes",
    });
    await h.act(await h.taskLink(ref, "programme@example.org"), {
      decision: "accept",
      courseOfAction: "Entendre les parties et vérifier les faits.",
    });
    await h.act(await h.taskLink(ref, "programme@example.org"), {
      contacted: "yes",
      nextUpdateBy: "2026-12-31",
    });
    await h.act(await h.taskLink(ref, "programme@example.org"), { outcome: "founded", response: "Merci." });
    expect(await h.record(ref)).toMatchObject({ status: "closed", closure: "resolved", anonymous: true });
    expect((await h.mails(ref)).filter((m) => m.to.includes(COMPLAINANT))).toEqual([]);
    expect((await h.rt.store.getContent(ref)).complainant).toBeNull();
  });

  it("H-C4: the investigator records progress from a standing link; a replayed POST records it once", async () => {
    const ref = await h.file({});
    await h.act(await h.taskLink(ref, OFFICER), {
      category: "programme",
      severity: "low",
      admissible: "yes",
    });
    await h.act(await h.taskLink(ref, "programme@example.org"), {
      decision: "accept",
      courseOfAction: "Entendre les parties et vérifier les faits.",
    });
    await h.act(await h.taskLink(ref, "programme@example.org"), {
      contacted: "yes",
      nextUpdateBy: "2026-12-31",
    });
    const toProgramme = (await h.mails(ref)).filter((m) => m.to.includes("programme@example.org"));
    const progressMail = toProgramme.at(-2); // sent just before the conclusion task
    const link = progressMail?.text.match(/https?:\/\/\S+\/t\/[A-Za-z0-9_.-]+/)?.[0] ?? "";
    const token = link.slice(link.lastIndexOf("/t/") + 3);
    const loaded = await loadTask(h.rt, token);
    expect(loaded.kind === "open" && loaded.link.step).toBe("progress");
    // Issue 14: a standing link, not an action due: the email gives the date the link works until, as its page.
    const validUntil = loaded.kind === "open" ? loaded.link.expiresAt : "";
    expect(progressMail?.subject).not.toMatch(/Action requise/);
    expect(progressMail?.subject).toContain("noter l’avancement");
    expect(progressMail?.text).toContain(formatDate(validUntil, "Africa/Bamako", "fr"));
    const progressPage = await pageOf(link);
    expect(progressPage).toContain("Lien valable jusqu’au");
    expect(progressPage).toContain(formatDateTime(validUntil, "Africa/Bamako", "fr"));
    const nonce = loaded.kind === "open" ? loaded.nonce : "";
    expect((await submitTask(h.rt, token, { note: "Visite à Kati le 10 mars", nonce })).kind).toBe("done");
    expect((await submitTask(h.rt, token, { note: "Visite à Kati le 10 mars", nonce })).kind).toBe("done");
    const second = await loadTask(h.rt, token);
    const nonce2 = second.kind === "open" ? second.nonce : "";
    await submitTask(h.rt, token, { note: "Entretien avec le chef de village", nonce: nonce2 });
    expect((await h.rt.store.getContent(ref)).progress.map((p) => p.note)).toEqual([
      "Visite à Kati le 10 mars",
      "Entretien avec le chef de village",
    ]);
    await h.act(await h.taskLink(ref, "programme@example.org"), { outcome: "founded", response: "Merci." });
    expect((await loadTask(h.rt, token)).kind).toBe("expired"); // answered: no more progress notes
  });

  it("H-E2: the appeal officer assigns a member to handle the appeal, who is told, reminded and informed of the decision", async () => {
    const MEMBER = "handler@example.org";
    const ref = await h.file({});
    await h.act(await h.taskLink(ref, OFFICER), {
      category: "programme",
      severity: "low",
      admissible: "yes",
    });
    await h.act(await h.taskLink(ref, "programme@example.org"), {
      decision: "accept",
      courseOfAction: "Entendre les parties et vérifier les faits.",
    });
    await h.act(await h.taskLink(ref, "programme@example.org"), {
      contacted: "yes",
      nextUpdateBy: "2026-12-31",
    });
    await h.act(await h.taskLink(ref, "programme@example.org"), {
      outcome: "unfounded",
      response: "Non fondée.",
    });
    await h.act(await h.taskLink(ref, COMPLAINANT), {
      reason: "Je ne suis pas d'accord avec cette réponse.",
    });
    const decisionLink = await h.taskLink(ref, "appeals@example.org");
    // The member is chosen from the staff directory.
    expect(await h.act(decisionLink, { decision: "assign", member: "stranger@example.com" })).toMatchObject({
      kind: "invalid",
      errors: { member: expect.any(String) },
    });
    const assigned = await h.act(decisionLink, { decision: "assign", member: MEMBER });
    expect(assigned).toMatchObject({ kind: "done", pending: "appeal-member" });
    // Recorded on the case and its timeline; the decision stays with the appeal officer.
    expect(await h.record(ref)).toMatchObject({
      status: "appeal",
      appealHandler: MEMBER,
      assignee: "appeals@example.org",
    });
    expect((await h.rt.store.timeline(ref)).filter((e) => e.type === "assigned").at(-1)).toMatchObject({
      actor: "appeals@example.org",
      detail: `appeal:${MEMBER}`,
    });
    const toMember = () => h.mails(ref).then((all) => all.filter((m) => m.to.includes(MEMBER)));
    const told = (await toMember()).filter((m) => m.subject.includes("vous en êtes chargé(e)"));
    expect(told).toHaveLength(1);
    expect(told[0]?.text).toContain("tenez régulièrement informés le plaignant et les parties concernées");
    expect(told[0]?.text).toContain(`/console/cases/${ref}`);
    // The complainant's messages during the appeal reach the member too.
    const { notifyAssignee } = await import("../../functions/intake/receive-email.ts");
    await notifyAssignee(h.rt, await h.record(ref), "appeal-update-1", h.rt.now().toISOString(), {
      text: "J’ai un nouveau témoin pour mon appel.",
      unknownSender: undefined,
    });
    expect(
      (await toMember()).filter(
        (m) => m.subject.includes("Nouveau message") && m.text.includes("J’ai un nouveau témoin"),
      ),
    ).toHaveLength(1);
    // The decision page and the console's case page show who handles the appeal; the link still decides.
    expect(await pageOf(decisionLink)).toContain("Membre chargé de l’appel");
    const casePage = await consoleCasePage(ref, MEMBER);
    expect(casePage).toContain("Membre chargé de l’appel (H-E2)");
    expect(casePage).toMatch(/Suivi de l’appel confié à/);
    // The appeal decision is overdue: the member is reminded with the appeal officer.
    await h.advance("P31D");
    expect((await toMember()).some((m) => m.subject.includes("attend sa décision"))).toBe(true);
    // The decision: the member is informed of it with the parties (H-F1).
    await h.act(await h.taskLink(ref, "appeals@example.org"), {
      decision: "upheld",
      reasoning: "Les faits ont été vérifiés.",
    });
    expect((await toMember()).some((m) => m.text.includes("en tant que membre chargé de l’appel"))).toBe(
      true,
    );
    expect((await h.record(ref)).appealOutcome).toBe("upheld");
  });

  it("H-D4: a dissatisfied complainant asks for explanations first (the handler is told), then may still appeal; a sensitive case goes straight to the appeal", async () => {
    const ref = await h.file({});
    await h.act(await h.taskLink(ref, OFFICER), {
      category: "programme",
      severity: "low",
      admissible: "yes",
    });
    await h.act(await h.taskLink(ref, "programme@example.org"), {
      decision: "delegate",
      delegate: "handler@example.org",
      courseOfAction: "Vérifier la liste de distribution.",
    });
    await h.act(await h.taskLink(ref, "handler@example.org"), {
      contacted: "yes",
      nextUpdateBy: "2026-12-31",
    });
    await h.act(await h.taskLink(ref, "handler@example.org"), {
      outcome: "unfounded",
      response: "Votre famille figure sur la liste du 12 mars.",
    });
    const answer = (await h.mails(ref)).filter((m) => m.to.includes(COMPLAINANT)).at(-1);
    const explain = answer?.text.indexOf("Demandez-nous d’abord des explications") ?? -1;
    expect(explain).toBeGreaterThan(0);
    expect(answer?.text.indexOf("faire appel de la décision")).toBeGreaterThan(explain);
    const windowEnds = (await h.record(ref)).deadlines.appealWindowEnds;
    // The link's page offers explanations first.
    const link = await h.taskLink(ref, COMPLAINANT);
    expect(await pageOf(link)).toContain("Je souhaite des explications sur la réponse");
    const asked = await h.act(link, {
      request: "explanations",
      reason: "Je ne comprends pas : ma famille n’a rien reçu le 12 mars.",
    });
    expect(asked).toMatchObject({ kind: "done", pending: "explanations" });
    // Recorded, the handler and the responsible person told; nothing else changes (non-blocking).
    expect(await h.record(ref)).toMatchObject({
      status: "responded",
      deadlines: { appealWindowEnds: windowEnds },
    });
    expect((await h.rt.store.timeline(ref)).filter((e) => e.detail === "explanations")).toEqual([
      expect.objectContaining({ type: "message", actor: "complainant" }),
    ]);
    expect((await h.rt.store.getContent(ref)).explanationRequests).toEqual([
      expect.objectContaining({ text: "Je ne comprends pas : ma famille n’a rien reçu le 12 mars." }),
    ]);
    for (const staff of ["handler@example.org", "programme@example.org"]) {
      const told = (await h.mails(ref)).filter(
        (m) => m.to.includes(staff) && m.subject.includes("Demande d’explications"),
      );
      expect(told, staff).toHaveLength(1);
      expect(told[0]?.text).toContain("ma famille n’a rien reçu le 12 mars");
    }
    // Still not satisfied: the same link appeals, within the unchanged window.
    expect(
      (await h.act(link, { request: "appeal", reason: "Les explications ne me satisfont pas." })).kind,
    ).toBe("done");
    expect(await h.record(ref)).toMatchObject({ status: "appeal", appeals: 1 });

    // A sensitive case: the answer goes straight to the appeal information; explanations are refused.
    const sensitive = await h.file({ content: { description: "Un agent demande des faveurs." } });
    await h.act(await h.taskLink(sensitive, OFFICER), {
      category: "sexual-exploitation-abuse",
      severity: "high",
      admissible: "yes",
    });
    await h.act(await h.taskLink(sensitive, "director@example.org"), {
      decision: "accept",
      courseOfAction: "Entendre la plaignante en lieu sûr.",
    });
    await h.act(await h.taskLink(sensitive, "director@example.org"), {
      contacted: "yes",
      nextUpdateBy: "2026-12-31",
    });
    await h.act(await h.taskLink(sensitive, "director@example.org"), {
      outcome: "founded",
      response: "Une procédure disciplinaire est engagée.",
    });
    const sensitiveAnswer = (await h.mails(sensitive)).filter((m) => m.to.includes(COMPLAINANT)).at(-1);
    expect(sensitiveAnswer?.text).not.toContain("explications");
    expect(sensitiveAnswer?.text).toContain("Vous pouvez faire appel de cette décision jusqu’au");
    const sensitiveLink = await h.taskLink(sensitive, COMPLAINANT);
    expect(await pageOf(sensitiveLink)).not.toContain("Je souhaite des explications");
    expect(
      await h.act(sensitiveLink, { request: "explanations", reason: "Je voudrais comprendre la décision." }),
    ).toMatchObject({ kind: "invalid", errors: { request: "Pour ce dossier, seul l’appel est possible." } });
  });

  it("keeps personal data out of every execution's history", async () => {
    const executions = h.wf.sfn.listExecutions({
      stateMachineArn: "arn:aws:states:us-east-1:000000000000:stateMachine:cfm-complaint",
    }).executions;
    expect(executions.length).toBeGreaterThanOrEqual(8);
    for (const execution of executions) {
      const history = JSON.stringify(
        h.wf.sfn.getExecutionHistory({ executionArn: execution.executionArn ?? "" }),
      );
      expect(history.length).toBeGreaterThan(1000);
      for (const secret of [
        "Aïssata",
        "Traoré",
        COMPLAINANT,
        "bons d'achat",
        "faveurs",
        "Distribution à Kati",
      ])
        expect(history).not.toContain(secret);
    }
  });
});
