// Issue 12, first slice: coordinator actions on the whole local stack (CONTRACT.md "Operations"):
// POST /api/complaints/{reference}/actions with `note` and `reassign`, each with a reason, one transaction with
// its timeline event, idempotent; general staff refused; a reassigned step works only through the new link.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPage, startTestStack, type TestStack } from "../helpers/local-stack.ts";

const OFFICER = "officer@example.org";
const HANDLER = "handler@example.org";
let s: TestStack;
let reference = "";

beforeAll(async () => {
  s = await startTestStack();
  const response = await fetch(`${s.httpUrl}/api/complaints`, {
    method: "POST",
    headers: {
      Authorization: "Bearer local-coordinator",
      "Content-Type": "application/json",
      "Idempotency-Key": "actions-case-1",
    },
    body: JSON.stringify({
      channel: "phone",
      description: "La distribution de vivres a été annulée sans explication.",
      complainant: { name: "Kadidia Sow", email: "kadidia@example.net" },
    }),
  });
  expect(response.status).toBe(201);
  reference = ((await response.json()) as { reference: string }).reference;
}, 180_000);

afterAll(async () => {
  await s?.stop();
}, 60_000);

async function act(body: unknown, key: string, token = "local-coordinator") {
  const response = await fetch(`${s.httpUrl}/api/complaints/${reference}/actions`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "Idempotency-Key": key },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("coordinator actions", () => {
  it("refuses an action without a reason, an unknown action, and any action by general staff", async () => {
    expect(await act({ action: "note" }, "n-0")).toMatchObject({
      status: 400,
      body: { errors: { reason: "required" } },
    });
    const unknown = await act({ action: "dance", reason: "because" }, "n-1");
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain("must be one of note, reassign, resume");
    const staff = await act({ action: "note", reason: "Je note" }, "n-2", "local-staff");
    expect(staff).toMatchObject({
      status: 403,
      body: { errors: { action: "only the coordinator takes actions on a case" } },
    });
    const noKey = await fetch(`${s.httpUrl}/api/complaints/${reference}/actions`, {
      method: "POST",
      headers: { Authorization: "Bearer local-coordinator", "Content-Type": "application/json" },
      body: JSON.stringify({ action: "note", reason: "Sans clé" }),
    });
    expect(noKey.status).toBe(400);
  });

  it("adds a note once, with who and why, however often it is retried", async () => {
    const body = { action: "note", reason: "Appel du chef de village : il confirme l'annulation." };
    expect(await act(body, "note-1")).toMatchObject({ status: 200, body: { applied: true } });
    expect(await act(body, "note-1")).toMatchObject({ status: 200, body: { applied: false } });
    const notes = (await s.view(reference)).timeline.filter((e) => e.type === "note");
    expect(notes).toEqual([
      expect.objectContaining({
        actor: OFFICER,
        detail: "Appel du chef de village : il confirme l'annulation.",
      }),
    ]);
  });

  it("reassigns the current step: only the new actor's link works, and they are emailed it", async () => {
    const oldLink = await s.linkFrom(OFFICER, reference);
    expect((await getPage(oldLink)).status).toBe(200);
    expect(await act({ action: "reassign", to: "nobody@example.org", reason: "Congé" }, "r-0")).toMatchObject(
      {
        status: 422,
        body: { errors: { to: "to: not in the staff directory" } },
      },
    );
    const moved = await act(
      { action: "reassign", to: HANDLER, reason: "La responsable est en congé" },
      "r-1",
    );
    expect(moved).toMatchObject({ status: 200, body: { applied: true, assignee: HANDLER } });
    expect((await getPage(oldLink)).status).not.toBe(200);
    const newLink = await s.linkFrom(HANDLER, reference);
    const page = await getPage(newLink);
    expect(page.status).toBe(200);
    expect(page.html).toContain(reference);
    const view = await s.view(reference);
    expect(view.assignee).toBe(HANDLER);
    expect(view.timeline.filter((e) => e.type === "reassigned")).toEqual([
      expect.objectContaining({
        actor: OFFICER,
        detail: `${OFFICER} → ${HANDLER}: La responsable est en congé`,
      }),
    ]);
    // A replay changes nothing and sends nothing more.
    const mailsBefore = (await s.mails()).length;
    expect(
      await act({ action: "reassign", to: HANDLER, reason: "La responsable est en congé" }, "r-1"),
    ).toMatchObject({
      status: 200,
      body: { applied: false },
    });
    expect((await s.mails()).length).toBe(mailsBefore);
    expect((await getPage(newLink)).status).toBe(200);
  });
});
