// Path 12: a transient failure is retried and recovers; a permanent one lands in needs-attention, nothing lost.
import { afterAll, beforeAll, expect, it } from "vitest";
import { takeAction } from "../../functions/api/case-actions.ts";
import { recordedMetrics } from "../../functions/lib/metrics.ts";
import { type Harness, startHarness } from "../helpers/workflow-harness.ts";

const failures = new Map<string, { name: string; times: number }>();
const attempts = new Map<string, number>();

let h: Harness;
beforeAll(async () => {
  h = await startHarness("config/humanitarian.example.yaml", undefined, (stateName, payload) => {
    const reference = (payload as { reference?: string }).reference ?? "";
    const key = `${reference}:${stateName}`;
    attempts.set(key, (attempts.get(key) ?? 0) + 1);
    const failure = failures.get(key);
    if (failure && failure.times > 0) {
      failure.times -= 1;
      throw Object.assign(new Error(`injected ${failure.name}`), { name: failure.name });
    }
  });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

it("path 12: a handler failing transiently is retried with backoff and the case proceeds", async () => {
  const ref = await h.file({});
  // Issue 18: the triage's apply notifies (H-B2) and prepares the assignment: all of it is retried.
  failures.set(`${ref}:Triage: apply`, { name: "Lambda.TooManyRequestsException", times: 2 });
  await h.act(await h.taskLink(ref, "officer@example.org"), {
    category: "fraud",
    severity: "high",
    admissible: "yes",
  });
  await h.advance("PT1M"); // the retry intervals (2 s, 4 s, with jitter) pass
  expect(attempts.get(`${ref}:Triage: apply`)).toBe(3);
  const record = await h.record(ref);
  expect(record.flags).not.toContain("needs-attention");
  expect((await h.mails(ref)).some((m) => m.to.includes("finance@example.org"))).toBe(true);
});

it("path 12: a handler failing permanently moves the case to needs-attention and keeps every piece of data", async () => {
  const ref = await h.file({});
  failures.set(`${ref}:Assign: await`, { name: "NoRoleHolderError", times: 100 });
  const before = await h.rt.store.getContent(ref);
  await h.act(await h.taskLink(ref, "officer@example.org"), {
    category: "programme",
    severity: "low",
    admissible: "yes",
  });
  await h.advance("PT1M");
  expect(attempts.get(`${ref}:Assign: await`)).toBe(1); // not a transient error: no retry
  const record = await h.record(ref);
  expect(record.flags).toContain("needs-attention");
  expect(record.category).toBe("programme"); // the triage decision is kept
  expect(await h.rt.store.getContent(ref)).toMatchObject({
    description: before.description,
    complainant: before.complainant,
  });
  const execution = h.wf.sfn.describeExecution({
    executionArn: `arn:aws:states:us-east-1:000000000000:execution:cfm-complaint:${ref}`,
  });
  // Issue 12: needs-attention is a state of the case, not a failed execution: the case waits for the coordinator.
  expect(execution.status).toBe("SUCCEEDED");
  expect(recordedMetrics().some((m) => m.name === "NeedsAttention")).toBe(true);
  const toCoordinator = (await h.mails(ref)).filter((m) => m.to.includes("officer@example.org")).at(-1);
  expect(toCoordinator?.subject).toContain(`[${ref}]`);
  expect(toCoordinator?.text).toContain(`/console/cases/${ref}`);
  expect(
    (await h.rt.store.timeline(ref)).some(
      (e) => e.type === "escalated" && e.detail?.includes("NoRoleHolderError"),
    ),
  ).toBe(true);

  // The cause fixed, the coordinator resumes the case: it continues at its step on a new execution.
  failures.delete(`${ref}:Assign: await`);
  const resumed = await takeAction(
    h.rt,
    { audience: "coordinator", actor: "officer@example.org" },
    ref,
    "resume-after-fix",
    { action: "resume", reason: "Le rôle a de nouveau un titulaire" },
  );
  await h.wf.settled();
  expect(resumed).toMatchObject({ ok: true, applied: true });
  expect((await h.record(ref)).flags).not.toContain("needs-attention");
  expect(
    await h.act(await h.taskLink(ref, "programme@example.org"), {
      decision: "accept",
      courseOfAction: "Entendre les parties et vérifier les faits.",
    }),
  ).toMatchObject({
    kind: "done",
  });
  expect((await h.record(ref)).status).toBe("assigned");
});
