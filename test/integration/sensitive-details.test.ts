// H-D1 (issue 14): "Cas sensible : seul le statut est enregistré dans le système, les détails de la procédure sont
// gardés par la personne responsable." A sensitive case driven through the synthesized state machine (virtual
// time): its risks, contact note, progress notes, measures and response text are never written to the shared
// content record; general staff and the coordinator (the example config leaves `sensitiveDetails.coordinator`
// off) read none of them through the staff API or the console's case page; the responsible person and the
// handler do; the complainant still receives the response.
import { randomUUID } from "node:crypto";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routeStaffApi } from "../../functions/api/staff-api.ts";
import { createConsoleApp } from "../../functions/console/app.ts";
import { consoleKey, newSession, SESSION_COOKIE, seal } from "../../functions/console/session.ts";
import { keys } from "../../functions/store/keys.ts";
import { loadTask, submitTask } from "../../functions/tasks/task-actions.ts";
import { type Harness, startHarness } from "../helpers/workflow-harness.ts";

const OFFICER = "officer@example.org"; // the coordinator and triage officer of the example
const DIRECTOR = "director@example.org"; // H-B3 (b): responsible for sexual exploitation and abuse
const HANDLER = "handler@example.org"; // H-C2: the handler the director delegates to
const COMPLAINANT = "aissata@example.net";
const SECRETS = {
  courseOfAction: "Entendre le chef de magasin hors de Sikasso, protéger la plaignante (H-C1)",
  risks: "Risque de représailles contre la plaignante par le chef de magasin",
  contactNote: "Plaignante appelée le 4 mars, entretien prévu à Sikasso",
  progress: "Deux témoins entendus au magasin de Sikasso",
  measures: "Mise à pied conservatoire du chef de magasin",
  response: "Votre plainte est fondée ; une procédure disciplinaire est engagée.",
};

const SIGNED_IN_AT = Date.parse("2026-03-02T09:00:00Z");
let h: Harness;
let reference = "";
beforeAll(async () => {
  h = await startHarness("config/humanitarian.example.yaml");
  reference = await h.file({ content: { description: "Le chef de magasin exige des faveurs sexuelles." } });
  await h.act(await h.taskLink(reference, OFFICER), {
    category: "sexual-exploitation-abuse",
    severity: "high",
    admissible: "yes",
  });
  await h.act(await h.taskLink(reference, DIRECTOR), {
    decision: "delegate",
    delegate: HANDLER,
    courseOfAction: SECRETS.courseOfAction,
    risks: SECRETS.risks,
  });
  await h.act(await h.taskLink(reference, HANDLER), {
    contacted: "yes",
    nextUpdateBy: "2026-12-31",
    note: SECRETS.contactNote,
  });
  // H-C4: the handler's standing progress link, emailed just before the conclusion task.
  const progressMail = (await h.mails(reference)).filter((m) => m.to.includes(HANDLER)).at(-2);
  const link = progressMail?.text.match(/https?:\/\/\S+\/t\/[A-Za-z0-9_.-]+/)?.[0] ?? "";
  const token = link.slice(link.lastIndexOf("/t/") + 3);
  const loaded = await loadTask(h.rt, token);
  expect(loaded.kind === "open" && loaded.link.step).toBe("progress");
  const nonce = loaded.kind === "open" ? loaded.nonce : "";
  expect((await submitTask(h.rt, token, { note: SECRETS.progress, nonce })).kind).toBe("done");
  await h.act(await h.taskLink(reference, HANDLER), {
    outcome: "founded",
    measures: SECRETS.measures,
    response: SECRETS.response,
  });
}, 180_000);
afterAll(async () => {
  await h?.close();
});

const leaks = (text: string) => Object.values(SECRETS).filter((secret) => text.includes(secret));

async function apiView(audience: "coordinator" | "staff", actor: string) {
  const response = await routeStaffApi(
    {
      rawPath: `/api/complaints/${reference}`,
      rawQueryString: "",
      headers: {},
      isBase64Encoded: false,
      requestContext: { http: { method: "GET" }, requestId: randomUUID() },
    },
    h.rt,
    { audience, actor },
  );
  expect(response.statusCode).toBe(200);
  return response.body;
}

async function consolePage(audience: "coordinator" | "staff", email: string) {
  const app = createConsoleApp({
    rt: h.rt,
    oidc: { issuer: "http://127.0.0.1:1", clientId: "cfm-console", logoutUrl: "http://127.0.0.1:1/end" },
    realNow: () => SIGNED_IN_AT,
  });
  const key = consoleKey(await h.rt.linkSecret());
  const session = newSession({ email, name: email, audience }, SIGNED_IN_AT);
  const response = await app.request(`http://127.0.0.1/console/cases/${reference}`, {
    headers: { cookie: `${SESSION_COOKIE}=${seal(key, "session", session)}` },
  });
  expect(response.status).toBe(200);
  return (await response.text()).replace(/&#39;|&#x27;/g, "'");
}

describe("H-D1: a sensitive case's details stay with the responsible person", () => {
  it("writes none of them to the shared content record; they are in the private item", async () => {
    // The item as stored, every attribute (not only those the schema reads).
    const { Item: content } = await h.rt.doc.send(
      new GetCommand({ TableName: h.rt.store.tableName, Key: keys.content(reference) }),
    );
    expect(content).toBeDefined();
    expect(leaks(JSON.stringify(content))).toEqual([]);
    const kept = await h.rt.store.getDetails(reference);
    expect(kept).toMatchObject({
      courseOfAction: SECRETS.courseOfAction,
      risks: SECRETS.risks,
      contactNote: SECRETS.contactNote,
      progress: [{ note: SECRETS.progress }],
      measures: SECRETS.measures,
      response: SECRETS.response,
    });
    expect((await h.record(reference)).handler).toBe(HANDLER);
  });

  it("the complainant still receives the response (H-D3: whether founded, the procedure that follows)", async () => {
    const answer = (await h.mails(reference)).filter((m) => m.to.includes(COMPLAINANT)).at(-1);
    expect(answer?.text).toContain("une procédure disciplinaire est engagée");
    expect(answer?.text).not.toContain(SECRETS.measures);
  });

  it("general staff and the coordinator read none of them, by the staff API or the console", async () => {
    for (const [audience, who] of [
      ["staff", "programme@example.org"],
      ["staff", "delegate@example.org"], // notified under H-B2, not a keeper of the details
      ["staff", OFFICER],
      ["coordinator", OFFICER],
    ] as const) {
      expect(leaks(await apiView(audience, who)), `API ${audience} ${who}`).toEqual([]);
      expect(leaks(await consolePage(audience, who)), `console ${audience} ${who}`).toEqual([]);
    }
    const coordinatorPage = await consolePage("coordinator", OFFICER);
    expect(coordinatorPage).toContain("les détails de l’enquête sont gardés par la personne responsable");
    expect(JSON.parse(await apiView("coordinator", OFFICER))).not.toHaveProperty("investigation");
  });

  it("the responsible person and the handler read every one of them, by the staff API and the console", async () => {
    for (const who of [DIRECTOR, HANDLER]) {
      const view = JSON.parse(await apiView("staff", who)) as { investigation?: Record<string, unknown> };
      expect(view.investigation).toMatchObject({
        courseOfAction: SECRETS.courseOfAction,
        risks: SECRETS.risks,
        contactNote: SECRETS.contactNote,
        progress: [expect.objectContaining({ note: SECRETS.progress })],
        measures: SECRETS.measures,
        response: SECRETS.response,
      });
      expect(leaks(await consolePage("staff", who)).sort()).toEqual(Object.values(SECRETS).sort());
    }
  });
});
