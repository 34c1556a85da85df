// Issue 12 end to end, on the state machine CDK synthesizes, in virtual time: needs-attention is a state the
// coordinator acts on (never a failed execution), and every coordinator action that moves a case (resume,
// reassign, retriage, record-contact, record-appeal, reopen) continues it on a new execution to its closure.
import { DescribeExecutionCommand } from "@aws-sdk/client-sfn";
import { PutCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Caller } from "../../functions/api/auth.ts";
import { parseAction, takeAction } from "../../functions/api/case-actions.ts";
import { routeStaffApi } from "../../functions/api/staff-api.ts";
import type { CaseAction } from "../../functions/domain/actions.ts";
import { notifyAssignee } from "../../functions/intake/receive-email.ts";
import { sfn } from "../../functions/lib/sfn.ts";
import { type Harness, startHarness } from "../helpers/workflow-harness.ts";

const OFFICER = "officer@example.org";
const PROGRAMME = "programme@example.org";
const HANDLER = "handler@example.org";
const FINANCE = "finance@example.org";
const APPEALS = "appeals@example.org";
const COMPLAINANT = "aissata@example.net";
const COORDINATOR: Caller = { audience: "coordinator", actor: OFFICER };
const STAFF: Caller = { audience: "staff", actor: HANDLER };

let h: Harness;
let keyCounter = 0;
beforeAll(async () => {
  h = await startHarness("config/humanitarian.example.yaml");
}, 120_000);
afterAll(async () => {
  await h?.close();
});

async function act(reference: string, action: CaseAction, caller = COORDINATOR, key = `k-${++keyCounter}`) {
  const result = await takeAction(h.rt, caller, reference, key, action);
  await h.wf.settled();
  return result;
}

const types = async (reference: string) => (await h.rt.store.timeline(reference)).map((e) => e.type);
const executionStatus = async (name: string) => {
  const arn = `${process.env.STATE_MACHINE_ARN?.replace(":stateMachine:", ":execution:")}:${name}`;
  return (await sfn().send(new DescribeExecutionCommand({ executionArn: arn }))).status;
};

async function triage(reference: string, category = "programme") {
  await h.act(await h.taskLink(reference, OFFICER), { category, severity: "medium", admissible: "yes" });
}

describe("needs attention is a state the coordinator acts on", () => {
  it("H-D5: a case runs out of reminders, waits for the coordinator, is resumed and closes normally", async () => {
    const ref = await h.file({});
    const firstLink = await h.taskLink(ref, OFFICER);
    await h.advance("P30D"); // the triage deadline and its six reminders pass
    let record = await h.record(ref);
    expect(record.flags).toContain("needs-attention");
    // The execution ended on the needs-attention state, not in a failure.
    expect(await executionStatus(ref)).toBe("SUCCEEDED");
    // The coordinator is emailed a link to the case page and the action that fits.
    const alert = (await h.mails(ref)).find((m) => m.to.includes(OFFICER) && /attention/i.test(m.subject));
    expect(alert?.text).toContain(`/console/cases/${ref}`);
    expect(alert?.text).toContain("Reprendre le dossier");
    // The list endpoint lists it under needs-attention.
    const listed = await routeStaffApi(
      {
        rawPath: "/api/complaints",
        rawQueryString: "status=needs-attention&limit=500",
        requestContext: { http: { method: "GET" } },
        headers: {},
      } as never,
      h.rt,
      COORDINATOR,
    );
    expect(listed.statusCode).toBe(200);
    const items = (JSON.parse(String(listed.body)) as { items: Array<{ reference: string }> }).items;
    expect(items.map((i) => i.reference)).toContain(ref);

    // Refusals: no reason, general staff.
    expect(parseAction({ action: "resume" }).errors).toEqual({ reason: "required" });
    expect(parseAction({ action: "resume", reason: " " }).errors.reason).toMatch(/give the reason/);
    expect(await act(ref, { action: "resume", reason: "Reprise" }, STAFF)).toMatchObject({
      ok: false,
      status: 403,
    });
    expect((await h.record(ref)).flags).toContain("needs-attention");
    expect(await act(ref, { action: "resume", reason: "La chargée des plaintes est revenue" })).toMatchObject(
      {
        ok: true,
        applied: true,
      },
    );
    record = await h.record(ref);
    expect(record.flags).not.toContain("needs-attention");
    expect(record.runs).toBe(1);
    // The old link no longer works; a fresh task email went out, on the new execution.
    expect(
      (await h.act(firstLink, { category: "programme", severity: "low", admissible: "yes" })).kind,
    ).not.toBe("done");
    expect(await executionStatus(`${ref}-1`)).toBe("RUNNING");
    expect((await types(ref)).filter((t) => t === "resumed")).toHaveLength(1);
    // Resuming again is refused: it no longer needs attention.
    expect(await act(ref, { action: "resume", reason: "Encore" })).toMatchObject({ ok: false, status: 409 });

    await triage(ref);
    await h.act(await h.taskLink(ref, PROGRAMME), {
      decision: "accept",
      courseOfAction: "Entendre les parties et vérifier les faits.",
    });
    await h.act(await h.taskLink(ref, PROGRAMME), {
      contacted: "yes",
      nextUpdateBy: "2026-12-31",
      note: "Appel",
    });
    await h.act(await h.taskLink(ref, PROGRAMME), {
      outcome: "founded",
      measures: "Distribution complémentaire",
      response: "Votre plainte est fondée.",
      justification: "Le dossier est resté sans réponse pendant un congé.",
    });
    await h.advance("P31D");
    record = await h.record(ref);
    expect(record).toMatchObject({ status: "closed", closure: "resolved" });
    expect(await executionStatus(`${ref}-1`)).toBe("SUCCEEDED");
  });
});

describe("H-D3: updates past six weeks whatever the step", () => {
  it("a case resumed at triage after six weeks sends the complainant an update (not only at the conclusion)", async () => {
    const ref = await h.file({});
    await h.advance("P30D"); // the triage reminders run out: the case waits for the coordinator
    await h.advance("P15D"); // six weeks from receipt pass while it waits
    expect((await h.record(ref)).flags).toContain("needs-attention");
    const updates = async () =>
      (await h.mails(ref)).filter((m) => m.to.includes(COMPLAINANT) && m.subject.startsWith("Des nouvelles"));
    expect(await updates()).toEqual([]);
    await act(ref, { action: "resume", reason: "La chargée des plaintes est revenue" });
    await h.advance("P4D"); // the resumed triage's first reminder
    const sent = await updates();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.text).toContain("Son traitement prend du temps");
    expect((await h.rt.store.timeline(ref)).filter((e) => e.detail === "progress-update")).toHaveLength(1);
    // The next reminders, two working days apart, do not repeat it before the two-week interval.
    await h.advance("P4D");
    expect(await updates()).toHaveLength(1);
  });
});

describe("coordinator actions on the synthesized workflow", () => {
  it("reassign: only the new actor's link works, and the step stays with them at its reminder", async () => {
    const ref = await h.file({});
    const old = await h.taskLink(ref, OFFICER);
    const moved = await act(ref, {
      action: "reassign",
      to: HANDLER,
      reason: "Congé de la chargée des plaintes",
    });
    expect(moved).toMatchObject({ ok: true, applied: true });
    expect((await h.act(old, { category: "programme", severity: "low", admissible: "yes" })).kind).not.toBe(
      "done",
    );
    await h.advance("P4D"); // the triage deadline passes: the reminder goes to the new actor
    const reminder = (await h.mails(ref)).filter((m) => m.to.includes(HANDLER)).at(-1);
    expect(reminder?.subject).toMatch(/rappel|relance/i);
    expect(
      await h.act(await h.taskLink(ref, HANDLER), {
        category: "programme",
        severity: "low",
        admissible: "yes",
      }),
    ).toMatchObject({ kind: "done" });
    expect((await h.record(ref)).status).toBe("triage");
  });

  it("reassign: a retry after a crash between the transaction and the new links finishes the hand-over, once", async () => {
    const ref = await h.file({});
    const old = await h.taskLink(ref, OFFICER);
    const body: CaseAction = { action: "reassign", to: HANDLER, reason: "Congé de la chargée des plaintes" };
    // The Lambda dies right after the reassignment's transaction: the first new link is never written.
    const send = h.rt.doc.send.bind(h.rt.doc);
    let crash = true;
    h.rt.doc.send = ((command: { input: unknown }) => {
      if (
        crash &&
        // The new link's first write (a PutItem since issue 18, a transaction before).
        (command instanceof TransactWriteCommand || command instanceof PutCommand) &&
        JSON.stringify(command.input).includes('"LINK#')
      ) {
        crash = false;
        return Promise.reject(new Error("Lambda timed out"));
      }
      return send(command as never);
    }) as typeof h.rt.doc.send;
    try {
      await expect(act(ref, body, COORDINATOR, "crash-1")).rejects.toThrow(/timed out/);
    } finally {
      h.rt.doc.send = send;
    }
    expect((await h.record(ref)).assignee).toBe(HANDLER); // the transaction committed
    const toHandler = async () => (await h.mails(ref)).filter((m) => m.to.includes(HANDLER));
    expect(await toHandler()).toHaveLength(0);
    // The coordinator's retry (same Idempotency-Key) changes nothing more on the case and finishes the job.
    expect(await act(ref, body, COORDINATOR, "crash-1")).toMatchObject({ ok: true, applied: false });
    expect(await toHandler()).toHaveLength(1);
    expect(await act(ref, body, COORDINATOR, "crash-1")).toMatchObject({ ok: true, applied: false });
    expect(await toHandler()).toHaveLength(1);
    expect((await types(ref)).filter((t) => t === "reassigned")).toHaveLength(1);
    expect((await h.act(old, { category: "programme", severity: "low", admissible: "yes" })).kind).not.toBe(
      "done",
    );
    expect(
      await h.act(await h.taskLink(ref, HANDLER), {
        category: "programme",
        severity: "low",
        admissible: "yes",
      }),
    ).toMatchObject({ kind: "done" });
  });

  it("H-B2, H-B3: a retriage from programme to fraud re-routes to the finance manager and notifies them", async () => {
    const ref = await h.file({});
    await triage(ref);
    const programmeLink = await h.taskLink(ref, PROGRAMME);
    expect((await h.mails(ref)).some((m) => m.to.includes(FINANCE))).toBe(false);
    expect(
      await act(ref, { action: "retriage", category: "fraud", reason: "Détournement signalé" }),
    ).toMatchObject({
      ok: true,
      applied: true,
    });
    const record = await h.record(ref);
    expect(record).toMatchObject({
      category: "fraud",
      sensitive: true,
      responsible: FINANCE,
      assignee: FINANCE,
    });
    expect(
      (
        await h.act(programmeLink, {
          decision: "accept",
          courseOfAction: "Entendre les parties et vérifier les faits.",
        })
      ).kind,
    ).not.toBe("done");
    const financeMails = (await h.mails(ref)).filter((m) => m.to.includes(FINANCE));
    expect(financeMails.length).toBeGreaterThanOrEqual(2); // the notification (H-B2) and the assignment task
    expect(
      await h.act(await h.taskLink(ref, FINANCE), {
        decision: "accept",
        courseOfAction: "Entendre les parties et vérifier les faits.",
      }),
    ).toMatchObject({
      kind: "done",
    });
    expect((await h.record(ref)).status).toBe("assigned");
    // After the conclusion, no retriage.
    await h.act(await h.taskLink(ref, FINANCE), {
      contacted: "yes",
      nextUpdateBy: "2026-12-31",
      note: "Appel",
    });
    await h.act(await h.taskLink(ref, FINANCE), { outcome: "unfounded", response: "Non fondée." });
    expect(await act(ref, { action: "retriage", severity: "high", reason: "Trop tard" })).toMatchObject({
      ok: false,
      status: 409,
    });
  });

  it("H-E1: a postal appeal recorded for a complainant without email reaches the appeal decision and closes", async () => {
    const ref = await h.file({
      channel: "letter",
      content: { complainant: { name: "Moussa Keïta", address: "BP 12, Ségou" } },
    });
    await triage(ref);
    await h.act(await h.taskLink(ref, PROGRAMME), {
      decision: "accept",
      courseOfAction: "Entendre les parties et vérifier les faits.",
    });
    await h.act(await h.taskLink(ref, PROGRAMME), {
      contacted: "yes",
      nextUpdateBy: "2026-12-31",
      note: "Visite",
    });
    await h.act(await h.taskLink(ref, PROGRAMME), { outcome: "unfounded", response: "Non fondée." });
    let record = await h.record(ref);
    expect(record.status).toBe("closed"); // no email: no appeal window was opened
    expect(
      await act(ref, { action: "record-appeal", channel: "letter", reason: "Je conteste la décision." }),
    ).toMatchObject({ ok: true, applied: true });
    record = await h.record(ref);
    expect(record).toMatchObject({ status: "appeal", appeals: 1, closure: null });
    await h.act(await h.taskLink(ref, APPEALS), {
      decision: "upheld",
      reasoning: "La décision est confirmée.",
    });
    await h.act(await h.taskLink(ref, OFFICER), { confirm: "yes", note: "Vérifié" });
    record = await h.record(ref);
    expect(record).toMatchObject({ status: "closed", closure: "appeal-decided", appealOutcome: "upheld" });
    // T-11: one appeal only.
    expect(
      await act(ref, { action: "record-appeal", channel: "letter", reason: "Encore une fois." }),
    ).toMatchObject({ ok: false, status: 409 });
  });

  it("H-E1 (issue 14): a reply during the appeal window reaches the complaints officer, and the responsible person records the appeal made by phone", async () => {
    const ref = await h.file({});
    await triage(ref);
    await h.act(await h.taskLink(ref, PROGRAMME), {
      decision: "accept",
      courseOfAction: "Entendre les parties et vérifier les faits.",
    });
    await h.act(await h.taskLink(ref, PROGRAMME), {
      contacted: "yes",
      nextUpdateBy: "2026-12-31",
      note: "Appel",
    });
    await h.act(await h.taskLink(ref, PROGRAMME), { outcome: "unfounded", response: "Non fondée." });
    let record = await h.record(ref);
    expect(record.status).toBe("responded");
    // The complainant answers without the link (an email reply, an SMS without the keyword): the message is
    // filed, its assignee told as before, and the complaints officer too, with the page to record the appeal.
    await notifyAssignee(h.rt, record, "sms:appeal-reply", h.rt.now().toISOString(), {
      text: "Je ne suis pas d’accord avec votre réponse, je fais appel.",
      unknownSender: undefined,
    });
    const toOfficer = (await h.mails(ref)).filter(
      (m) => m.to.includes(OFFICER) && m.subject.includes("Nouveau message"),
    );
    expect(toOfficer).toHaveLength(1);
    expect(toOfficer[0]?.text).toContain("enregistrez-le comme appel depuis la page du dossier");
    expect(toOfficer[0]?.text).toContain(`/console/cases/${ref}`);
    // Not a party the procedure names for it (the handler has no part in this case): refused.
    expect(
      await act(ref, { action: "record-appeal", channel: "phone", reason: "Appel par téléphone." }, STAFF),
    ).toMatchObject({ ok: false, status: 403 });
    // The responsible person, who took the call, records it (H-D4: they discuss the answer with the complainant).
    const responsible: Caller = { audience: "staff", actor: PROGRAMME };
    expect(
      await act(
        ref,
        {
          action: "record-appeal",
          channel: "phone",
          reason: "Appel par téléphone : la distribution manque.",
        },
        responsible,
      ),
    ).toMatchObject({ ok: true, applied: true });
    record = await h.record(ref);
    expect(record).toMatchObject({ status: "appeal", appeals: 1, assignee: APPEALS });
    const filed = (await h.rt.store.timeline(ref)).filter((e) => e.type === "appeal-filed");
    expect(filed).toEqual([expect.objectContaining({ actor: PROGRAMME })]);
    expect(filed[0]?.detail).toMatch(/^phone: /);
    // The appeal officer's task is out.
    expect(await h.taskLink(ref, APPEALS)).toMatch(/\/t\//);
  });

  it("T-12: a reopened case resumes at its investigation and closes again", async () => {
    const ref = await h.file({});
    expect(await act(ref, { action: "reopen", reason: "Pas clôturé" })).toMatchObject({
      ok: false,
      status: 409,
    });
    await triage(ref);
    await h.act(await h.taskLink(ref, PROGRAMME), {
      decision: "accept",
      courseOfAction: "Entendre les parties et vérifier les faits.",
    });
    await h.act(await h.taskLink(ref, PROGRAMME), {
      contacted: "yes",
      nextUpdateBy: "2026-12-31",
      note: "Appel",
    });
    await h.act(await h.taskLink(ref, PROGRAMME), { outcome: "unfounded", response: "Non fondée." });
    await h.advance("P31D");
    expect((await h.record(ref)).status).toBe("closed");
    expect(await act(ref, { action: "reopen", reason: "Un fait nouveau" }, STAFF)).toMatchObject({
      status: 403,
    });
    expect(await act(ref, { action: "reopen", reason: "Un fait nouveau signalé" })).toMatchObject({
      ok: true,
      applied: true,
    });
    let record = await h.record(ref);
    expect(record).toMatchObject({ status: "investigating", closure: null, reopened: 1 });
    await h.act(await h.taskLink(ref, PROGRAMME), { outcome: "founded", response: "Fondée après réexamen." });
    await h.advance("P31D");
    record = await h.record(ref);
    expect(record).toMatchObject({ status: "closed", closure: "resolved" });
    const timeline = await types(ref);
    expect(timeline.filter((t) => t === "closed")).toHaveLength(2);
    expect(timeline.filter((t) => t === "responded")).toHaveLength(2);
    expect(timeline).toContain("reopened");
  });

  it("record-contact completes the waiting contact step (H-C3) and is idempotent", async () => {
    const ref = await h.file({});
    await triage(ref);
    await h.act(await h.taskLink(ref, PROGRAMME), {
      decision: "accept",
      courseOfAction: "Entendre les parties et vérifier les faits.",
    });
    const body: CaseAction = { action: "record-contact", reason: "Appelé le 5 mars par le coordinateur" };
    expect(await act(ref, body, COORDINATOR, "contact-1")).toMatchObject({ ok: true, applied: true });
    expect(await act(ref, body, COORDINATOR, "contact-1")).toMatchObject({ ok: true, applied: false });
    const record = await h.record(ref);
    expect(record.status).toBe("investigating");
    expect((await types(ref)).filter((t) => t === "contacted")).toHaveLength(1);
    expect(
      await h.act(await h.taskLink(ref, PROGRAMME), { outcome: "founded", response: "Fondée." }),
    ).toMatchObject({
      kind: "done",
    });
    expect((await h.record(ref)).status).toBe("responded");
  });

  it("before leave: every open step of one person, on every case, goes to another (POST /api/staff/reassign)", async () => {
    const first = await h.file({});
    const second = await h.file({});
    const oldLinks = [await h.taskLink(first, OFFICER), await h.taskLink(second, OFFICER)];
    const call = (caller: Caller, body: unknown, key = "leave-1") =>
      routeStaffApi(
        {
          rawPath: "/api/staff/reassign",
          requestContext: { http: { method: "POST" } },
          headers: { "idempotency-key": key },
          body: JSON.stringify(body),
        } as never,
        h.rt,
        caller,
      );
    const body = { from: OFFICER, to: HANDLER, reason: "Congé du 1er au 15" };
    expect((await call(STAFF, body)).statusCode).toBe(403);
    expect((await call(COORDINATOR, { from: OFFICER, to: HANDLER })).statusCode).toBe(400);
    const answer = await call(COORDINATOR, body);
    await h.wf.settled();
    expect(answer.statusCode).toBe(200);
    const moved = (JSON.parse(String(answer.body)) as { moved: string[] }).moved;
    expect(moved).toEqual(expect.arrayContaining([first, second]));
    for (const old of oldLinks)
      expect((await h.act(old, { category: "programme", severity: "low", admissible: "yes" })).kind).not.toBe(
        "done",
      );
    for (const ref of [first, second]) {
      expect((await h.record(ref)).assignee).toBe(HANDLER);
      expect(
        await h.act(await h.taskLink(ref, HANDLER), {
          category: "programme",
          severity: "low",
          admissible: "yes",
        }),
      ).toMatchObject({ kind: "done" });
    }
    // A retry moves nothing twice.
    const again = await call(COORDINATOR, body);
    expect((JSON.parse(String(again.body)) as { moved: string[] }).moved).not.toContain(first);
  });
});
