// Issue 16 on the local stack, without a browser: a receipt code issued on request for a case from another
// channel (POST /api/complaints/{reference}/receipt), and the web form's human check spent once.
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  COORDINATOR_AUTH,
  HUMANITARIAN_CONFIG,
  startTestStack,
  type TestStack,
} from "../helpers/local-stack.ts";

let s: TestStack;

beforeAll(async () => {
  // The humanitarian example with the web form's human check turned on (the examples leave it off).
  const config = readFileSync(HUMANITARIAN_CONFIG, "utf8").replace(/humanCheck: false/, "humanCheck: true");
  expect(config).toContain("humanCheck: true");
  const configPath = join(mkdtempSync(join(tmpdir(), "cfm-receipt-config-")), "humanitarian.yaml");
  writeFileSync(configPath, config);
  s = await startTestStack({ configPath });
}, 180_000);

afterAll(async () => {
  await s?.stop();
});

const STAFF_AUTH = { Authorization: "Bearer local-staff" } as const;

async function phoneComplaint(): Promise<string> {
  const response = await fetch(`${s.httpUrl}/api/complaints`, {
    method: "POST",
    headers: { ...COORDINATOR_AUTH, "Content-Type": "application/json", "Idempotency-Key": randomUUID() },
    body: JSON.stringify({
      kind: "complaint",
      channel: "phone",
      complainant: { name: "Mariam Keïta", phone: "+223 70 11 22 33" },
      description: "Ma famille n'a pas reçu les bons de la distribution du mois dernier à Kati.",
      language: "fr",
    }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { reference: string }).reference;
}

const issue = (reference: string, auth: Record<string, string> = COORDINATOR_AUTH) =>
  fetch(`${s.httpUrl}/api/complaints/${reference}/receipt`, { method: "POST", headers: auth });

const followUp = (reference: string, receipt: string) =>
  fetch(`${s.httpUrl}/follow-up`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ language: "fr", reference, receipt }).toString(),
  });

describe("a receipt code on request, for a case from any channel (issue 16)", () => {
  it("is issued by the coordinator, shown once, opens the follow-up page and is recorded without the code", async () => {
    const reference = await phoneComplaint();

    const response = await issue(reference);

    expect(response.status).toBe(201);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as { reference: string; receipt: string; replaced: boolean };
    expect(body).toMatchObject({ reference, replaced: false });
    expect(body.receipt).toMatch(/^([0-9A-Z]{4}-){4}[0-9A-Z]{4}$/);
    const page = await followUp(reference, body.receipt);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`<span class="nowrap">${reference}</span>`);
    const view = await s.viewText(reference);
    expect(JSON.parse(view).timeline).toContainEqual(
      expect.objectContaining({ type: "receipt-issued", actor: "officer@example.org" }),
    );
    // Neither the view nor the timeline holds the code, in any spelling.
    expect(view).not.toContain(body.receipt);
    expect(view).not.toContain(body.receipt.replaceAll("-", ""));
  });

  it("issued again, replaces the old code: the old one no longer opens the case", async () => {
    const reference = await phoneComplaint();
    const first = ((await (await issue(reference)).json()) as { receipt: string }).receipt;

    const second = (await (await issue(reference)).json()) as { receipt: string; replaced: boolean };

    expect(second.replaced).toBe(true);
    expect(second.receipt).not.toBe(first);
    expect((await followUp(reference, first)).status).toBe(422);
    expect((await followUp(reference, second.receipt)).status).toBe(200);
    const events = (await s.view(reference)).timeline.filter((e) => e.type === "receipt-issued");
    expect(events).toHaveLength(2);
  });

  it("is refused to general staff (403), and answers 404 for an unknown case and 400 for a bad reference", async () => {
    const reference = await phoneComplaint();

    expect((await issue(reference, STAFF_AUTH)).status).toBe(403);
    expect((await issue("CFM-2026-999999")).status).toBe(404);
    expect((await issue("nope")).status).toBe(400);
    expect(
      (await fetch(`${s.httpUrl}/api/complaints/${reference}/receipt`, { headers: COORDINATOR_AUTH })).status,
    ).toBe(405);
    expect((await s.view(reference)).timeline.some((e) => e.type === "receipt-issued")).toBe(false);
  });
});

describe("the web form's human check is spent once (issue 16)", () => {
  /** The form as a browser gets it: its hidden fields and the question's answer. */
  async function form() {
    const html = await (await fetch(`${s.httpUrl}/submit`)).text();
    const hidden = (name: string) =>
      new RegExp(`<input type="hidden" name="${name}" value="([^"]+)">`).exec(html)?.[1] ?? "";
    const [, a, b] = /Combien font (\d+) \+ (\d+)\s\?/.exec(html) ?? [];
    expect(a && b).toBeTruthy();
    return {
      check: hidden("check"),
      submission: hidden("submission"),
      answer: String(Number(a) + Number(b)),
    };
  }
  const submit = (fields: Record<string, string>) =>
    fetch(`${s.httpUrl}/submit`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        language: "fr",
        kind: "complaint",
        description: `Le chef de site demande de l'argent pour la distribution (${randomUUID()}).`,
        anonymous: "yes",
        ...fields,
      }).toString(),
    });
  const webCases = async () => {
    const response = await fetch(`${s.httpUrl}/api/complaints?limit=500`, { headers: COORDINATOR_AUTH });
    return ((await response.json()) as { items: Array<{ channel: string }> }).items.filter(
      (i) => i.channel === "web",
    ).length;
  };

  it("a solved question replayed on another form within its 2 hours is asked again, and opens nothing", async () => {
    const solved = await form();
    const before = await webCases();

    const first = await submit(solved);
    const replayed = await submit({ ...solved, submission: randomUUID().replaceAll("-", "") });

    expect(first.status).toBe(201);
    expect(replayed.status).toBe(422);
    const page = await replayed.text();
    expect(page).toContain("pas bon. Essayez la nouvelle question.");
    // A new question, and the text typed kept.
    expect(page).not.toContain(`value="${solved.check}"`);
    expect(page).toContain("Le chef de site demande de l&#39;argent");
    expect(await webCases()).toBe(before + 1);
  });

  it("the same form sent again (a confirmation lost on a bad connection) still gets its answer, one case", async () => {
    const solved = await form();
    const before = await webCases();

    const first = await submit({
      ...solved,
      description: "Les latrines du site 3 sont fermées depuis un mois.",
    });
    const again = await submit({
      ...solved,
      description: "Les latrines du site 3 sont fermées depuis un mois.",
    });

    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(await webCases()).toBe(before + 1);
  });

  it("a form sent back for a fix keeps its question, spent only when the case opens", async () => {
    const solved = await form();

    const invalid = await submit({ ...solved, description: "" });
    const fixed = await submit(solved);

    expect(invalid.status).toBe(422);
    expect(await invalid.text()).toContain(`value="${solved.check}"`);
    expect(fixed.status).toBe(201);
  });
});
