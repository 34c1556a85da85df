// The hooks (issue 17) on Hono, behind the HTTP API without an authoriser (each request carries its own
// credential) and in the local stack:
//   POST /hooks/kobo/{form}        a KoboToolbox REST Services submission; header X-Cfm-Secret
//   POST /hooks/messages/{source}  a message from another gateway (RapidPro, an operator's SMS gateway);
//                                  headers X-Cfm-Timestamp and X-Cfm-Signature: sha256=HMAC(key, ts + "." + body)
// A refused request gets a 4xx saying why, and its payload is kept in the raw bucket under hooks/rejected/
// for inspection (an operator alarm counts them). Logs carry ids and reasons, never the payload.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { type Context, Hono } from "hono";
import * as z from "zod";
import { e164 } from "../domain/phone.ts";
import { isTransient } from "../errors.ts";
import { receiveText } from "../intake/receive-text.ts";
import { log } from "../lib/logger.ts";
import { emitMetric } from "../lib/metrics.ts";
import { type Runtime, requireEnv } from "../lib/runtime.ts";
import { s3 } from "../lib/s3.ts";
import { receiveKobo } from "./kobo-intake.ts";
import { koboSubmissionSchema, mapKoboSubmission } from "./kobo-mapping.ts";
import { hookSecrets } from "./secrets.ts";

/** Kobo's submissions are small (attachments are fetched separately); gateways send one message. */
export const HOOK_BODY_MAX_BYTES = 1024 * 1024;
/** A signed webhook request older or newer than this is refused (replay). */
export const SIGNATURE_TOLERANCE_S = 300;

/** The documented body of POST /hooks/messages/{source}. */
export const webhookMessageSchema = z.strictObject({
  /** The gateway's id of the message: the same id twice is one message. */
  id: z.string().min(1).max(200),
  from: e164,
  text: z.string().min(1).max(10_000),
  receivedAt: z.iso.datetime({ offset: true }).optional(),
  name: z.string().max(200).optional(),
});

/** The real time, for signature timestamps (the local stack's virtual clock jumps by days). */
const realNowSeconds = () => Math.floor((performance.timeOrigin + performance.now()) / 1000);

function sameSecret(given: string, expected: string): boolean {
  const a = createHmac("sha256", "cfm").update(given).digest();
  const b = createHmac("sha256", "cfm").update(expected).digest();
  return timingSafeEqual(a, b);
}

export function signature(key: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", key).update(`${timestamp}.${body}`).digest("hex")}`;
}

export function createHooksApp(rt: Runtime, nowSeconds: () => number = realNowSeconds) {
  const app = new Hono();

  /** Keeps a refused payload and answers why. */
  const refuse = async (
    c: Context,
    status: 400 | 401 | 404 | 413 | 415,
    kind: string,
    error: string,
    body: string,
  ) => {
    const key = `hooks/rejected/${kind}/${new Date(nowSeconds() * 1000).toISOString().slice(0, 10)}/${randomBytes(8).toString("hex")}.json`;
    try {
      await s3().send(
        new PutObjectCommand({
          Bucket: requireEnv("RAW_BUCKET"),
          Key: key,
          Body: body,
          ContentType: "application/json",
          Metadata: { reason: error.slice(0, 500).replace(/[^\x20-\x7e]/g, "?"), status: String(status) },
          ...(process.env.KMS_KEY_ID
            ? { ServerSideEncryption: "aws:kms", SSEKMSKeyId: process.env.KMS_KEY_ID, BucketKeyEnabled: true }
            : {}),
        }),
      );
    } catch (putError) {
      log("ERROR", "hooks: a refused payload could not be kept", { kind, error: (putError as Error).name });
    }
    emitMetric("ChannelHookRejected", { Hook: kind.split("/")[0] ?? kind });
    log("WARN", "hooks: request refused", { kind, status, error, kept: key });
    return c.json({ error, kept: key }, status);
  };

  const readBody = async (c: Context): Promise<string | null> => {
    const declared = Number(c.req.header("content-length") ?? 0);
    if (declared > HOOK_BODY_MAX_BYTES) return null;
    const text = await c.req.text();
    return Buffer.byteLength(text, "utf8") > HOOK_BODY_MAX_BYTES ? null : text;
  };

  const parseJson = (text: string): { ok: true; value: unknown } | { ok: false } => {
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch {
      return { ok: false };
    }
  };

  app.post("/hooks/kobo/:form", async (c) => {
    const form = c.req.param("form");
    const kind = `kobo/${form.replace(/[^a-z0-9-]/g, "_").slice(0, 60)}`;
    const body = await readBody(c);
    if (body === null) return refuse(c, 413, kind, `body: larger than ${HOOK_BODY_MAX_BYTES} bytes`, "");
    const settings = rt.config.channels.kobo?.forms[form];
    if (!settings) return refuse(c, 404, kind, `unknown form "${form}": not in channels.kobo.forms`, body);
    const secrets = await hookSecrets(rt.config);
    const expected = secrets.kobo[form]?.secret;
    const given = c.req.header("x-cfm-secret");
    if (!expected || !given || !sameSecret(given, expected))
      return refuse(c, 401, kind, "X-Cfm-Secret: missing or wrong for this form", body);
    if (!/json/i.test(c.req.header("content-type") ?? "application/json"))
      return refuse(c, 415, kind, "Content-Type: must be application/json", body);
    const json = parseJson(body);
    if (!json.ok) return refuse(c, 400, kind, "body: not JSON", body);
    const parsed = koboSubmissionSchema.safeParse(json.value);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join("/") || "(body)"}: ${i.message}`);
      return refuse(c, 400, kind, `not a Kobo submission: ${problems.join("; ")}`, body);
    }
    const mapped = mapKoboSubmission(rt.config, form, settings, parsed.data);
    if (!mapped.ok)
      return refuse(
        c,
        400,
        kind,
        `the submission does not fit the form's mapping: ${mapped.problems.join("; ")}`,
        body,
      );
    try {
      const result = await receiveKobo(
        rt,
        form,
        mapped.value,
        parsed.data._uuid,
        body,
        secrets.kobo[form]?.apiToken,
      );
      return result.created
        ? c.json({ reference: result.reference }, 201)
        : c.json({ reference: result.reference, duplicate: true }, 200);
    } catch (error) {
      // Kobo retries a failed submission: a transient failure answers 503 and nothing half-written remains.
      if (isTransient(error)) return c.json({ error: "temporarily unavailable, retry" }, 503);
      throw error;
    }
  });

  app.post("/hooks/messages/:source", async (c) => {
    const source = c.req.param("source");
    const kind = `webhook/${source.replace(/[^a-z0-9-]/g, "_").slice(0, 60)}`;
    const body = await readBody(c);
    if (body === null) return refuse(c, 413, kind, `body: larger than ${HOOK_BODY_MAX_BYTES} bytes`, "");
    const settings = rt.config.channels.webhook?.sources[source];
    if (!settings)
      return refuse(c, 404, kind, `unknown source "${source}": not in channels.webhook.sources`, body);
    const key = (await hookSecrets(rt.config)).webhook[source];
    const timestamp = c.req.header("x-cfm-timestamp") ?? "";
    const given = c.req.header("x-cfm-signature") ?? "";
    if (!key) return refuse(c, 401, kind, "no signing key is set for this source", body);
    if (!/^\d{9,11}$/.test(timestamp))
      return refuse(c, 401, kind, "X-Cfm-Timestamp: missing or not Unix seconds", body);
    if (Math.abs(nowSeconds() - Number(timestamp)) > SIGNATURE_TOLERANCE_S)
      return refuse(
        c,
        401,
        kind,
        `X-Cfm-Timestamp: more than ${SIGNATURE_TOLERANCE_S} s from now (replay?)`,
        body,
      );
    if (!sameSecret(given, signature(key, timestamp, body)))
      return refuse(c, 401, kind, "X-Cfm-Signature: does not match sha256=HMAC(key, timestamp.body)", body);
    const json = parseJson(body);
    if (!json.ok) return refuse(c, 400, kind, "body: not JSON", body);
    const parsed = webhookMessageSchema.safeParse(json.value);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`);
      return refuse(c, 400, kind, problems.join("; "), body);
    }
    const m = parsed.data;
    const conversation =
      settings.channel === "sms" || settings.channel === "whatsapp" ? settings.channel : null;
    try {
      const result = await receiveText(rt, {
        messageId: `webhook:${source}:${m.id}`,
        channel: settings.channel,
        conversation,
        from: m.from,
        text: m.text,
        receivedAt: m.receivedAt ? new Date(m.receivedAt).toISOString() : rt.now().toISOString(),
        ...(m.name ? { name: m.name } : {}),
        raw: body,
        actor: `webhook:${source}`,
      });
      const created = "reference" in result && Object.keys(result).length === 2;
      return c.json(result, created ? 201 : 200);
    } catch (error) {
      if (isTransient(error)) return c.json({ error: "temporarily unavailable, retry" }, 503);
      throw error;
    }
  });

  app.all("/hooks/*", (c) => c.json({ error: "POST /hooks/kobo/{form} or /hooks/messages/{source}" }, 404));
  return app;
}
