// KoboToolbox REST Services and the signed gateway webhook end to end (issue 17) on the local stack: a Kobo
// server of our own serves the attachments (the API token checked), the payloads go through POST /hooks/…,
// refused ones are answered 4xx and kept in the raw bucket (s3rver) for inspection.
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signature } from "../../functions/hooks/app.ts";
import { runtime } from "../../functions/lib/runtime.ts";
import { s3 } from "../../functions/lib/s3.ts";
import { freePort } from "../../local/dynamodb-local.ts";
import { HUMANITARIAN_CONFIG, startTestStack, type TestStack } from "../helpers/local-stack.ts";

const SECRET = "local-kobo-secret";
const TOKEN = "kobo-api-token-for-tests";
const PHOTO = Buffer.from("\x89PNG\r\n\x1a\n fake photo of the broken tap", "binary");
const RECORDING = Buffer.from("ID3 fake voice note", "binary");

let t: TestStack;
let kobo: Server;
let koboUrl = "";
const koboRequests: Array<{ path: string; auth: string | undefined }> = [];

beforeAll(async () => {
  const port = await freePort();
  koboUrl = `http://127.0.0.1:${port}`;
  kobo = createServer((request, response) => {
    koboRequests.push({ path: request.url ?? "", auth: request.headers.authorization });
    if (request.headers.authorization !== `Token ${TOKEN}`) {
      response.writeHead(401).end();
      return;
    }
    const file = request.url?.endsWith("photo.png")
      ? PHOTO
      : request.url?.endsWith("note.mp3")
        ? RECORDING
        : null;
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "Content-Type": "application/octet-stream" }).end(file);
  });
  await new Promise<void>((resolve) => kobo.listen(port, "127.0.0.1", resolve));
  // The example config, with its Kobo server pointed at ours and an API token for the local stack.
  const dir = mkdtempSync(join(tmpdir(), "cfm-kobo-"));
  const config = join(dir, "humanitarian.yaml");
  writeFileSync(
    config,
    readFileSync(HUMANITARIAN_CONFIG, "utf8")
      .replace("server: https://kf.kobotoolbox.org", `server: ${koboUrl}`)
      .replace(
        "localSecret: local-kobo-secret",
        `localSecret: local-kobo-secret\n        localApiToken: ${TOKEN}`,
      ),
  );
  t = await startTestStack({ configPath: config });
}, 120_000);

afterAll(async () => {
  await t?.stop();
  await new Promise<void>((resolve) => kobo?.close(() => resolve()));
});

function submission(overrides: Record<string, unknown> = {}) {
  const uuid = randomUUID();
  return {
    _id: 4242,
    _uuid: uuid,
    "formhub/uuid": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    "meta/instanceID": `uuid:${uuid}`,
    _submission_time: "2026-03-05T10:12:00",
    _xform_id_string: "aBcD1234efGh",
    start: "2026-03-05T09:58:00.000+00:00",
    end: "2026-03-05T10:11:00.000+00:00",
    kind: "complaint",
    channel: "in-person",
    description: "Le robinet du point d'eau de Sévaré est cassé depuis deux semaines.",
    "complainant/name": "Oumou Sidibé",
    "complainant/phone": "+223 76 00 04 04",
    "complainant/anonymous": "no",
    location: "Sévaré, quartier Mossinkoré",
    category_hint: "programme",
    language: "fr",
    facts_date: "2026-02-20",
    _attachments: [
      {
        download_url: `${koboUrl}/api/v2/assets/aBcD1234efGh/data/4242/attachments/1/photo.png`,
        filename: `oumou/attachments/${uuid}/photo.png`,
        mimetype: "image/png",
        question_xpath: "photo",
      },
      {
        download_url: `${koboUrl}/api/v2/assets/aBcD1234efGh/data/4242/attachments/2/note.mp3`,
        filename: `oumou/attachments/${uuid}/note.mp3`,
        mimetype: "audio/mpeg",
        question_xpath: "voice",
      },
    ],
    ...overrides,
  };
}

async function postKobo(form: string, body: unknown, secret = SECRET) {
  const response = await fetch(`${t.httpUrl}/hooks/kobo/${form}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Cfm-Secret": secret },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function kept(key: unknown): Promise<string> {
  const out = await s3().send(new GetObjectCommand({ Bucket: "cfm-raw-mail", Key: String(key) }));
  return (await out.Body?.transformToString()) ?? "";
}

describe("KoboToolbox REST Services: POST /hooks/kobo/{form}", () => {
  let first: ReturnType<typeof submission>;
  let reference = "";

  it("opens one case from a submission, mapped through the config, with its attachments fetched", async () => {
    first = submission();
    const result = await postKobo("example", first);
    expect(result.status).toBe(201);
    reference = String(result.json.reference);
    expect(reference).toMatch(/^CFM-\d{4}-\d{6}$/);
    const view = await t.view(reference);
    expect(view.channel).toBe("in-person");
    expect(view.kind).toBe("complaint");
    expect(view.description).toContain("robinet du point d'eau de Sévaré");
    expect(view.status).toBe("acknowledged"); // H-A2: a phone number was given, acknowledged by SMS
    const attachmentFetches = koboRequests.filter((r) => r.path.includes("/attachments/"));
    expect(attachmentFetches).toHaveLength(2);
    expect(attachmentFetches.every((r) => r.auth === `Token ${TOKEN}`)).toBe(true);
    const outbox = (await (await fetch(`${t.httpUrl}/local/outbox?channel=sms`)).json()) as {
      messages: Array<{ to: string; body: string }>;
    };
    expect(outbox.messages.find((m) => m.to === "+22376000404")?.body).toContain(reference);
  });

  it("stores the attachments with the case", async () => {
    const content = await runtime().store.getContent(reference);
    expect(content.attachments.map((a) => [a.filename, a.size, a.oversized])).toEqual([
      ["photo.png", PHOTO.length, false],
      ["note.mp3", RECORDING.length, false],
    ]);
    expect(content.place).toBe("Sévaré, quartier Mossinkoré");
    expect(content.factsDate).toBe("2026-02-20");
    expect(content.subject).toBe(
      "KoboToolbox (example) · catégorie proposée : Financement ou mise en œuvre d'un programme",
    );
  });

  it("never opens a second case for the same submission resubmitted or edited (same _uuid / root UUID)", async () => {
    const again = await postKobo("example", first);
    expect(again).toEqual({ status: 200, json: { reference, duplicate: true } });
    const editedUuid = randomUUID();
    const edited = await postKobo("example", {
      ...first,
      _uuid: editedUuid,
      "meta/instanceID": `uuid:${editedUuid}`,
      "meta/deprecatedID": first["meta/instanceID"],
      "meta/rootUuid": `uuid:${first._uuid}`,
      description: "Le robinet est cassé depuis trois semaines maintenant.",
    });
    expect(edited).toEqual({ status: 200, json: { reference, duplicate: true } });
    const list = (await (
      await fetch(`${t.httpUrl}/api/complaints`, { headers: { Authorization: "Bearer local-coordinator" } })
    ).json()) as { items: Array<{ reference: string }> };
    expect(list.items.filter((i) => i.reference === reference)).toHaveLength(1);
    expect(list.items).toHaveLength(1);
  });

  it("refuses a wrong secret (401), an unknown form (404) and a malformed payload (400), keeping each", async () => {
    const wrong = await postKobo("example", submission(), "not-the-secret-at-all");
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toMatch(/X-Cfm-Secret/);
    expect(JSON.parse(await kept(wrong.json.kept))._uuid).toBeDefined();

    const unknown = await postKobo("distribution-2027", submission());
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatch(/unknown form "distribution-2027"/);
    expect(await kept(unknown.json.kept)).toContain("robinet");

    const noUuid = await postKobo("example", { description: "sans identifiant" });
    expect(noUuid.status).toBe(400);
    expect(noUuid.json.error).toMatch(/_uuid/);
    expect(await kept(noUuid.json.kept)).toContain("sans identifiant");

    const notJson = await postKobo("example", "{description:");
    expect(notJson.status).toBe(400);
    expect(await kept(notJson.json.kept)).toBe("{description:");

    const badChoice = await postKobo("example", submission({ kind: "rumour", "complainant/phone": "12" }));
    expect(badChoice.status).toBe(400);
    expect(badChoice.json.error).toMatch(/kind: must be one of/);
    expect(badChoice.json.error).toMatch(/complainant\/phone: not a phone number/);
    // None of them opened a case.
    const list = (await (
      await fetch(`${t.httpUrl}/api/complaints`, { headers: { Authorization: "Bearer local-coordinator" } })
    ).json()) as { items: unknown[] };
    expect(list.items).toHaveLength(1);
  });
});

describe("signed webhook: POST /hooks/messages/{source}", () => {
  const KEY = "local-webhook-secret";
  const nowS = () => Math.floor((performance.timeOrigin + performance.now()) / 1000);
  async function postSigned(body: string, timestamp = String(nowS()), key = KEY, source = "rapidpro") {
    const response = await fetch(`${t.httpUrl}/hooks/messages/${source}`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Cfm-Timestamp": timestamp,
        "X-Cfm-Signature": signature(key, timestamp, body),
      },
      body,
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  it("opens a case on the source's channel from a signed message, once per message id", async () => {
    const body = JSON.stringify({ id: "rp-1001", from: "+22376000505", text: "Je n'ai pas reçu ma carte." });
    const opened = await postSigned(body);
    expect(opened.status).toBe(201);
    const reference = String(opened.json.reference);
    expect((await t.view(reference)).channel).toBe("sms");
    const again = await postSigned(body);
    expect(again).toEqual({
      status: 200,
      json: { messageId: "webhook:rapidpro:rp-1001", duplicate: true, reference },
    });
  });

  it("refuses a bad signature, an old timestamp (replay), an unknown source and a malformed body", async () => {
    const body = JSON.stringify({ id: "rp-1002", from: "+22376000606", text: "Bonjour" });
    const bad = await postSigned(body, String(nowS()), "another-key-entirely");
    expect(bad.status).toBe(401);
    expect(bad.json.error).toMatch(/X-Cfm-Signature/);
    const replay = await postSigned(body, String(nowS() - 3600));
    expect(replay.status).toBe(401);
    expect(replay.json.error).toMatch(/replay/);
    const unknown = await postSigned(body, String(nowS()), KEY, "orange-gateway");
    expect(unknown.status).toBe(404);
    const malformed = await postSigned(JSON.stringify({ id: "rp-1003", from: "0706", text: "" }));
    expect(malformed.status).toBe(400);
    expect(malformed.json.error).toMatch(/from: must be a phone number/);
    expect(await kept(malformed.json.kept)).toContain("rp-1003");
  });
});
