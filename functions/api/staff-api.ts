// The staff API (CONTRACT.md "Staff API"), API Gateway HTTP API payload v2. The Lambda handler
// (functions/handlers/staff-api.ts) and the local HTTP server both call handleStaffApi with the same events.
//   POST /api/complaints              staff-recorded intake (H-A1, T-1, T-6, R-6)  → 201 {"reference"}
//   GET  /api/complaints/{reference}  the complaint view of the caller's audience (H-D1)
//   GET  /api/complaints?status=&overdue=true                                      → {"items": [views]}
//   GET  /api/reports?from=&to=&format=  functions/reports/api.ts (issue 8), coordinators only
//   GET  /api/reports/list?from=&to=&list=pending|late&page=  a report's list, page by page (issue 18)
//   POST /api/complaints/{reference}/receipt  a receipt code for the case (issue 16), coordinators only → 201
// Who may do what: functions/api/auth.ts. Responses are JSON; a bad request names each bad field:
// 400 {"errors": {"field.path": "message"}}.

import { createHash } from "node:crypto";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import * as z from "zod";
import { triageOfficers } from "../domain/access.ts";
import {
  type CaseContent,
  type CaseRecord,
  CHANNELS,
  type Channel,
  KINDS,
  WRITTEN_CHANNELS,
} from "../domain/complaint.ts";
import { LANGUAGES, type Language } from "../domain/config-schema.ts";
import { normalisePhone } from "../domain/phone.ts";
import { formatReference, REFERENCE_PATTERN } from "../domain/reference.ts";
import { type FullView, type StatusView, viewFor } from "../domain/views.ts";
import { FilingReferencesExhaustedError, isTransient } from "../errors.ts";
import { openCase } from "../intake/open-case.ts";
import { log } from "../lib/logger.ts";
import { type Runtime, runtime } from "../lib/runtime.ts";
import { MailRejectedError, sendViaOutbox } from "../mail/mailer.ts";
import { type FilingInstructionsData, renderEmail } from "../mail/templates.ts";
import { handleReportListRequest, handleReportsRequest } from "../reports/api.ts";
import { filingStore } from "../store/filing-store.ts";
import { type AuthEvent, authenticate, type Caller, header } from "./auth.ts";
import { parseAction, reassignAll, takeAction } from "./case-actions.ts";
import { listCases, listQuerySchema } from "./case-list.ts";
import { issueReceipt } from "./receipt-issue.ts";

export { FilingReferencesExhaustedError };

/** The parts of an HTTP API (payload v2) event the staff API reads; the local server builds the same. */
export interface StaffApiEvent extends AuthEvent {
  rawPath: string;
  rawQueryString?: string | undefined;
  queryStringParameters?: Record<string, string | undefined> | undefined;
  body?: string | undefined;
  isBase64Encoded?: boolean | undefined;
  requestContext: AuthEvent["requestContext"] & { http: { method: string }; requestId?: string };
}

export interface ApiResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  /** Set for a binary body (the xlsx report): `body` is base64, to be decoded before sending. */
  isBase64Encoded?: boolean;
}

/** Channels staff record; email arrives through the intake address (functions/intake/receive-email.ts). */
/** Email and the web form reach cfm directly; staff record the others. */
export const STAFF_CHANNELS = CHANNELS.filter(
  (c): c is Exclude<Channel, "email" | "web" | "kobo"> => c !== "email" && c !== "web" && c !== "kobo",
);

const MAX_BODY_BYTES = 256 * 1024;
const LIST_CONCURRENCY = 8;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,200}$/;

// ---------------------------------------------------------------------------------------------------------
// Request body of POST /api/complaints

const text = (max: number) =>
  z.string().trim().min(1, "must not be empty").max(max, `at most ${max} characters`);
const emailField = z.email("must be an email address").max(254, "at most 254 characters");
/** Stored in E.164 when it has a country code (the number can then be texted); else as written, to call back. */
const phoneField = text(50).transform((value) => normalisePhone(value) ?? value);

const personSchema = z.strictObject({
  name: text(200).optional(),
  email: emailField.optional(),
  phone: phoneField.optional(),
  address: text(500).optional(),
});

export const complaintBodySchema = z
  .strictObject({
    kind: z.enum(KINDS, `must be one of ${KINDS.join(", ")}`).default("complaint"), // R-6
    channel: z.enum(
      STAFF_CHANNELS,
      `must be one of ${STAFF_CHANNELS.join(", ")} (email arrives through the intake address)`,
    ),
    anonymous: z.boolean("must be true or false").default(false),
    complainant: personSchema.optional(),
    // H-A1: a third party or representative may file for the complainant.
    representative: z
      .strictObject({
        name: text(200),
        email: emailField.optional(),
        phone: phoneField.optional(),
        address: text(500).optional(),
        relation: text(200),
      })
      .optional(),
    description: text(200_000),
    subject: text(1000).optional(),
    // T-6: the date of the facts, the service and persons concerned, the complainant's expectations.
    factsDate: z.iso.date("must be a date YYYY-MM-DD").optional(),
    service: text(500).optional(),
    personsConcerned: text(2000).optional(),
    expectations: text(5000).optional(),
    // T-8: the complainant agrees that their identity be shared beyond the people handling the case.
    consentToShare: z.boolean("must be true or false").optional(),
    language: z.enum(LANGUAGES, `must be one of ${LANGUAGES.join(", ")}`).optional(),
    // H-B3 (d), T-3, T-7: staff addresses concerned by the complaint.
    concernedStaff: z.array(emailField).max(20, "at most 20 addresses").optional(),
  })
  // Checked even when other fields are bad (`when`), so that one answer names every bad field.
  .refine((body) => !(body.anonymous === true && body.complainant !== undefined), {
    path: ["complainant"],
    message: "must be omitted for an anonymous complaint (the identity is not recorded)",
    when: identityFieldsValid,
  })
  .refine((body) => body.anonymous === true || body.complainant !== undefined, {
    path: ["complainant"],
    message: "required unless anonymous",
    when: identityFieldsValid,
  })
  .refine((body) => body.anonymous === true || !body.complainant || Boolean(body.complainant.name), {
    path: ["complainant", "name"],
    message: "required unless anonymous",
    when: identityFieldsValid,
  });

function identityFieldsValid(payload: z.core.ParsePayload): boolean {
  return !payload.issues.some(
    (issue) => issue.path?.[0] === "anonymous" || issue.path?.[0] === "complainant",
  );
}

export type ComplaintBody = z.output<typeof complaintBodySchema>;

// "required" for a missing field instead of zod's "expected string, received undefined".
const errorMap: z.core.$ZodErrorMap = (issue) =>
  issue.code === "invalid_type" && issue.input === undefined ? "required" : undefined;

function fieldErrors(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  const add = (path: PropertyKey[], message: string) => {
    const key = path.map(String).join(".") || "body";
    errors[key] ??= message;
  };
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys")
      for (const key of issue.keys) add([...issue.path, key], "unknown field");
    else add(issue.path, issue.message);
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------------------
// Entry point

export async function handleStaffApi(event: StaffApiEvent, rt: Runtime = runtime()): Promise<ApiResponse> {
  const auth = authenticate(event, { coordinatorAddress: rt.config.organisation.coordinator });
  if (!auth.ok) return json(auth.statusCode, { error: auth.error });
  return routeStaffApi(event, rt, auth.caller);
}

/** The staff API for an authenticated caller: a bearer token above, or the console's session (/console/api/). */
export async function routeStaffApi(event: StaffApiEvent, rt: Runtime, caller: Caller): Promise<ApiResponse> {
  const method = event.requestContext.http.method.toUpperCase();
  const path = event.rawPath.length > 1 ? event.rawPath.replace(/\/+$/, "") : event.rawPath;
  try {
    if (path === "/api/complaints") {
      if (method === "POST") return await recordComplaint(rt, caller, event);
      if (method === "GET") return await listComplaints(rt, caller, queryOf(event));
      return methodNotAllowed("GET, POST");
    }
    // Issue 12: every open step of one person, on every case, to another (before leave).
    if (path === "/api/staff/reassign") {
      if (method !== "POST") return methodNotAllowed("POST");
      return await staffReassign(rt, caller, event);
    }
    const actions = /^\/api\/complaints\/([^/]+)\/actions$/.exec(path);
    if (actions) {
      if (method !== "POST") return methodNotAllowed("POST");
      return await caseAction(rt, caller, event, safeDecode(actions[1] ?? ""));
    }
    const receipt = /^\/api\/complaints\/([^/]+)\/receipt$/.exec(path);
    if (receipt) {
      if (method !== "POST") return methodNotAllowed("POST");
      return await receiptCode(rt, caller, safeDecode(receipt[1] ?? ""));
    }
    const one = /^\/api\/complaints\/([^/]+)$/.exec(path);
    if (one) {
      if (method !== "GET") return methodNotAllowed("GET");
      return await getComplaint(rt, caller, safeDecode(one[1] ?? ""));
    }
    if (path === "/api/reports" || path === "/api/reports/list") {
      if (method !== "GET") return methodNotAllowed("GET");
      // Issue 8: the reports module owns its rules (coordinators only, H-D1; see auth.ts). It reads the query
      // from queryStringParameters only, filled here from rawQueryString when a caller sent only that.
      const reportsEvent = { ...event, queryStringParameters: queryOf(event) };
      const handle = path === "/api/reports" ? handleReportsRequest : handleReportListRequest;
      return normalise(await handle(reportsEvent as unknown as APIGatewayProxyEventV2, caller.audience, rt));
    }
    return json(404, { error: "not found" });
  } catch (error) {
    const name = (error as Error).name;
    if (isTransient(error)) {
      log("WARN", "staff-api: transient failure", { error: name, requestId: event.requestContext.requestId });
      return json(
        503,
        { error: "temporarily unavailable: retry (with the same Idempotency-Key)" },
        { "Retry-After": "2" },
      );
    }
    // Names and our own messages only (they carry field names and ids, never values).
    log("ERROR", "staff-api: request failed", {
      error: name,
      message: (error as Error).message?.slice(0, 300),
      requestId: event.requestContext.requestId,
    });
    return json(500, { error: "internal error" });
  }
}

// ---------------------------------------------------------------------------------------------------------
// POST /api/complaints/{reference}/actions (functions/api/case-actions.ts)

async function caseAction(
  rt: Runtime,
  caller: Caller,
  event: StaffApiEvent,
  rawReference: string,
): Promise<ApiResponse> {
  const reference = rawReference.trim().toUpperCase();
  const errors: Record<string, string> = {};
  if (!REFERENCE_PATTERN.test(reference)) errors.reference = "must be a reference CFM-YYYY-NNNNNN";
  const key = header(event.headers, "idempotency-key")?.trim();
  if (!key) errors["Idempotency-Key"] = "required header (a unique id per action, reused on retries)";
  else if (!IDEMPOTENCY_KEY.test(key))
    errors["Idempotency-Key"] = "must be 1 to 200 characters: letters, digits, '.', '_', ':' or '-'";
  const raw = event.body ?? "";
  const text = event.isBase64Encoded ? Buffer.from(raw, "base64").toString("utf8") : raw;
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    errors.body = "must be a JSON object";
  }
  const parsed = errors.body ? { errors: {} } : parseAction(input);
  Object.assign(errors, parsed.errors);
  if (Object.keys(errors).length > 0 || !parsed.action || !key) return json(400, { errors });
  const result = await takeAction(rt, caller, reference, key, parsed.action);
  if (!result.ok) return json(result.status, { errors: result.errors });
  return json(200, {
    reference,
    action: parsed.action.action,
    applied: result.applied,
    status: result.record.status,
    assignee: result.record.assignee,
  });
}

// ---------------------------------------------------------------------------------------------------------
// POST /api/complaints/{reference}/receipt (functions/api/receipt-issue.ts, issue 16)

async function receiptCode(rt: Runtime, caller: Caller, rawReference: string): Promise<ApiResponse> {
  const reference = rawReference.trim().toUpperCase();
  if (!REFERENCE_PATTERN.test(reference))
    return json(400, { errors: { reference: "must be a reference CFM-YYYY-NNNNNN" } });
  const issued = await issueReceipt(rt, caller, reference);
  if (!issued.ok) return json(issued.status, { error: issued.error });
  // Shown once: the answer is never cached (json() sends no-store) and the code is kept only as its hash.
  return json(201, { reference, receipt: issued.receipt, replaced: issued.replaced });
}

// ---------------------------------------------------------------------------------------------------------
// POST /api/staff/reassign (functions/api/case-actions.ts reassignAll)

const reassignAllSchema = z.strictObject({
  from: z.email("must be a staff address").transform((a) => a.toLowerCase()),
  to: z.email("must be a staff address").transform((a) => a.toLowerCase()),
  reason: z.string("required").trim().min(3, "give the reason (at least 3 characters)").max(2000),
});

async function staffReassign(rt: Runtime, caller: Caller, event: StaffApiEvent): Promise<ApiResponse> {
  const errors: Record<string, string> = {};
  const key = header(event.headers, "idempotency-key")?.trim();
  if (!key) errors["Idempotency-Key"] = "required header (a unique id per action, reused on retries)";
  else if (!IDEMPOTENCY_KEY.test(key))
    errors["Idempotency-Key"] = "must be 1 to 200 characters: letters, digits, '.', '_', ':' or '-'";
  const raw = event.body ?? "";
  let input: unknown;
  try {
    input = JSON.parse(event.isBase64Encoded ? Buffer.from(raw, "base64").toString("utf8") : raw);
  } catch {
    errors.body = "must be a JSON object";
  }
  const parsed = reassignAllSchema.safeParse(input);
  if (!errors.body && !parsed.success) Object.assign(errors, fieldErrors(parsed.error));
  if (Object.keys(errors).length > 0 || !parsed.success || !key) return json(400, { errors });
  if (!rt.config.staff.some((s) => s.address === parsed.data.to))
    return json(422, { errors: { to: "to: not in the staff directory" } });
  if (parsed.data.to === parsed.data.from)
    return json(422, { errors: { to: "to: this person already holds the steps" } });
  const result = await reassignAll(rt, caller, key, parsed.data);
  if ("refused" in result && !("moved" in result))
    return json(result.refused.status, { errors: { action: result.refused.error } });
  return json(200, result);
}

// ---------------------------------------------------------------------------------------------------------
// POST /api/complaints

async function recordComplaint(rt: Runtime, caller: Caller, event: StaffApiEvent): Promise<ApiResponse> {
  const raw = event.body ?? "";
  const bodyText = event.isBase64Encoded ? Buffer.from(raw, "base64").toString("utf8") : raw;
  if (Buffer.byteLength(bodyText, "utf8") > MAX_BODY_BYTES)
    return json(413, { error: `request body larger than ${MAX_BODY_BYTES} bytes` });

  const errors: Record<string, string> = {};
  const key = header(event.headers, "idempotency-key")?.trim();
  if (!key) errors["Idempotency-Key"] = "required header (a unique id per complaint, reused on retries)";
  else if (!IDEMPOTENCY_KEY.test(key))
    errors["Idempotency-Key"] = "must be 1 to 200 characters: letters, digits, '.', '_', ':' or '-'";

  let input: unknown;
  try {
    input = JSON.parse(bodyText);
  } catch {
    errors.body = "must be a JSON object";
  }
  let body: ComplaintBody | undefined;
  if (!("body" in errors)) {
    const checked = validateComplaint(rt, input);
    body = checked.body;
    Object.assign(errors, checked.errors);
  }
  if (Object.keys(errors).length > 0 || !body || !key) return json(400, { errors });

  return openFromBody(rt, caller, key, body, input);
}

/**
 * The same validation for the API's JSON and the console's intake form: the schema, then the checks that
 * depend on the organisation, on the raw fields, so that one answer names every bad field.
 */
export function validateComplaint(
  rt: Runtime,
  input: unknown,
): { body?: ComplaintBody; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (typeof input !== "object" || input === null || Array.isArray(input))
    return { errors: { body: "must be a JSON object" } };
  let body: ComplaintBody | undefined;
  const parsed = complaintBodySchema.safeParse(input, { error: errorMap });
  if (parsed.success) body = parsed.data;
  else Object.assign(errors, fieldErrors(parsed.error));
  const { language, factsDate } = input as { language?: unknown; factsDate?: unknown };
  const languages: readonly string[] = rt.config.organisation.languages;
  if (!errors.language && typeof language === "string" && !languages.includes(language))
    errors.language = `must be one of ${languages.join(", ")}`;
  if (
    !errors.factsDate &&
    typeof factsDate === "string" &&
    factsDate > localDate(rt.now(), rt.config.organisation.timeZone)
  )
    errors.factsDate = "must not be in the future";
  return Object.keys(errors).length > 0 ? { errors } : { body: body as ComplaintBody, errors };
}

/**
 * Opens the case of a valid body (or answers T-1's filing instructions); a replay answers the same case, a key
 * reused with another body 409. `input` is the request as received (its fingerprint).
 */
export async function openFromBody(
  rt: Runtime,
  caller: Caller,
  key: string,
  body: ComplaintBody,
  input: unknown,
): Promise<ApiResponse> {
  // Issue 15: keys are scoped per caller (two staff members' keys never collide), and a key reused with
  // another body is refused (409) rather than answered with the first case (the second complaint would be lost).
  const sourceId = idempotencySource(caller, key);
  const fingerprint = requestFingerprint(input);
  // A replay of a request that opened a case answers that case, whatever the configuration now says.
  const replayed = await rt.store.source(sourceId);
  if (replayed) {
    if (replayed.fingerprint !== null && replayed.fingerprint !== fingerprint) return keyReused();
    return json(200, { reference: replayed.reference });
  }

  const language = body.language ?? rt.config.organisation.languages[0] ?? "fr";
  // T-1: under a written-only procedure, an oral complaint (phone, in person, hotline, suggestion box) opens
  // no case: the complainant gets the filing instructions; the written complaint, when it comes, opens one.
  if (rt.config.intake.channels === "written-only" && !WRITTEN_CHANNELS.includes(body.channel))
    return answerWithFilingInstructions(rt, caller, sourceId, body, language, fingerprint);

  const { reference, created } = await openCase(rt, {
    sourceId,
    sourceFingerprint: fingerprint,
    kind: body.kind,
    channel: body.channel,
    language,
    anonymous: body.anonymous,
    receivedAt: rt.now().toISOString(),
    actor: caller.actor,
    content: contentOf(body),
  });
  log("INFO", created ? "staff-api: case opened" : "staff-api: case already opened", {
    reference,
    channel: body.channel,
    audience: caller.audience,
  });
  if (!created) {
    // A concurrent request with the same key won the race: same body, same case; another body, 409.
    const winner = await rt.store.source(sourceId);
    if (winner?.fingerprint && winner.fingerprint !== fingerprint) return keyReused();
  }
  return json(created ? 201 : 200, { reference });
}

/** `api:<caller digest>:<key>`: the caller is hashed so that the source id holds no address. */
export function idempotencySource(caller: Caller, key: string): string {
  const scope = createHash("sha256").update(caller.actor.toLowerCase()).digest("hex").slice(0, 24);
  return `api:${scope}:${key}`;
}

/** A digest of the request body, independent of key order and whitespace. */
function requestFingerprint(input: unknown): string {
  return createHash("sha256").update(stableJson(input)).digest("hex");
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value) ?? "null";
}

function keyReused(): ApiResponse {
  return json(409, {
    error: "Idempotency-Key already used with a different request body: use a new key for a new complaint",
  });
}

function contentOf(body: ComplaintBody): Partial<Omit<CaseContent, "reference">> {
  return {
    complainant: body.anonymous || !body.complainant ? null : body.complainant,
    representative: body.representative ?? null,
    subject: body.subject ?? "",
    description: body.description,
    factsDate: body.factsDate ?? null,
    service: body.service ?? null,
    personsConcerned: body.personsConcerned ?? null,
    expectations: body.expectations ?? null,
    consentToShare: body.consentToShare ?? null,
    concernedStaff: [...new Set((body.concernedStaff ?? []).map((a) => a.toLowerCase()))],
  };
}

/** The organisation's calendar date of an instant (YYYY-MM-DD). */
function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(at);
}

// ---------------------------------------------------------------------------------------------------------
// T-1: filing instructions instead of a case.
//
// SOURCE#api:<key> / FILING records the oral contact (no personal data: channel, time, filing reference) and
// answers replays; SOURCE#api:<key> / OUTBOX#filing-instructions makes the email go at most once (mailer.ts's
// sendOnce keys its outbox on a case, and there is none).
//
// The filing-instructions template (templates.ts) requires a reference, which it puts in the subject and asks
// the complainant to quote. Taking a number from the case sequence would leave a gap in the case numbering;
// inventing one could collide with a later case and thread the complainant's written complaint into a
// stranger's case (T-8). So filing references count DOWN from CFM-YYYY-999999 on their own counter, checked
// against the case counter: never a case's number. When the written complaint quotes one, the intake finds
// no such case and opens a new one, as T-1 requires.

const T1_REASON =
  "T-1: under this procedure a case opens only on a written complaint (letter, email) or a staff report (FSEI); " +
  "the complainant is given the filing instructions";

async function answerWithFilingInstructions(
  rt: Runtime,
  caller: Caller,
  sourceId: string,
  body: ComplaintBody,
  language: Language,
  fingerprint: string,
): Promise<ApiResponse> {
  const to = body.complainant?.email ?? body.representative?.email;
  const filing = await recordFiling(rt, sourceId, body.channel, Boolean(to), fingerprint);
  if (filing.fingerprint && filing.fingerprint !== fingerprint) return keyReused();
  let instructionsSent = false;
  if (to && filing.reference) {
    const data: FilingInstructionsData = {
      reference: filing.reference,
      organisation: rt.config.organisation.name,
      timeZone: rt.config.organisation.timeZone,
      kind: body.kind,
      intakeAddress: rt.config.organisation.intakeAddress,
      contactedAt: filing.at,
    };
    const recipientName = to === body.complainant?.email ? body.complainant?.name : body.representative?.name;
    if (recipientName) data.recipientName = recipientName;
    const outcome = await sendFilingInstructionsOnce(rt, sourceId, to, language, data);
    instructionsSent = outcome !== "rejected";
  }
  log("INFO", "staff-api: no case opened (T-1)", {
    channel: body.channel,
    instructionsSent,
    audience: caller.audience,
  });
  return json(202, {
    caseOpened: false,
    reason: T1_REASON,
    instructionsSent,
    ...(filing.reference ? { filingReference: filing.reference } : {}),
  });
}

async function recordFiling(
  rt: Runtime,
  sourceId: string,
  channel: Channel,
  needsReference: boolean,
  fingerprint: string,
): Promise<{ reference: string | null; at: string; fingerprint?: string }> {
  const filings = filingStore(rt);
  const existing = await filings.get(sourceId);
  if (existing) return existing;
  const at = rt.now().toISOString();
  const reference = needsReference ? await reserveFilingReference(rt, Number(at.slice(0, 4))) : null;
  if (await filings.create(sourceId, { channel, at, reference, fingerprint })) return { reference, at };
  // A concurrent replay won: answer with its record.
  const winner = await filings.get(sourceId);
  return winner ?? { reference: null, at };
}

async function reserveFilingReference(rt: Runtime, year: number): Promise<string> {
  // Filing references count down from 999999, case references up from 1: they never meet unnoticed.
  const n = 1_000_000 - (await filingStore(rt).nextNumber(year));
  if (n < 1 || (await rt.store.lastNumber(year)) >= n)
    throw new FilingReferencesExhaustedError(`no filing reference left for ${year}`);
  return formatReference(year, n);
}

/** The filing instructions go out once per source (there is no case yet): the outbox item hangs off the source. */
async function sendFilingInstructionsOnce(
  rt: Runtime,
  sourceId: string,
  to: string,
  language: Language,
  data: FilingInstructionsData,
): Promise<"sent" | "already-sent" | "rejected"> {
  const rendered = renderEmail("filing-instructions", language, data);
  try {
    return await sendViaOutbox(
      rt,
      { filingSource: sourceId },
      `filing-instructions for ${sourceId}`,
      { template: "filing-instructions" },
      { to: [to], replyTo: rt.config.organisation.intakeAddress, ...rendered },
    );
  } catch (error) {
    if (!(error instanceof MailRejectedError)) throw error;
    log("WARN", "staff-api: filing instructions rejected by SES", { error: error.name });
    return "rejected";
  }
}

// ---------------------------------------------------------------------------------------------------------
// GET /api/complaints/{reference} and GET /api/complaints

async function getComplaint(rt: Runtime, caller: Caller, rawReference: string): Promise<ApiResponse> {
  const reference = rawReference.trim().toUpperCase();
  if (!REFERENCE_PATTERN.test(reference))
    return json(400, { errors: { reference: "must be a reference CFM-YYYY-NNNNNN" } });
  const record = await rt.store.get(reference);
  if (!record) return json(404, { error: "not found" });
  return json(200, await view(rt, caller, record));
}

/**
 * One page of the list (functions/api/case-list.ts: by status, assignee, period or the open cases by next
 * deadline, never a Scan; filters; a reference or, for the coordinator, text). `next` while more remain:
 * never a silent cap (issue 15).
 */
async function listComplaints(
  rt: Runtime,
  caller: Caller,
  query: Record<string, string>,
): Promise<ApiResponse> {
  const parsed = listQuerySchema.safeParse(query);
  if (!parsed.success) return json(400, { errors: fieldErrors(parsed.error) });
  const result = await listCases(rt, { audience: caller.audience, email: caller.actor }, parsed.data);
  if (!result.ok) return json(400, { errors: result.errors });
  const items = await mapLimit(result.records, LIST_CONCURRENCY, ({ record }) => view(rt, caller, record));
  return json(200, { items, ...(result.next ? { next: result.next } : {}) });
}

function view(rt: Runtime, caller: Caller, record: CaseRecord): Promise<StatusView | FullView> {
  // Who sees what: functions/domain/access.ts (H-D1, H-B1). The status view is built without reading the content.
  return viewFor(
    { audience: caller.audience, email: caller.actor },
    record,
    async () => {
      const [content, timeline] = await Promise.all([
        rt.store.getContent(record.reference),
        rt.store.timeline(record.reference),
      ]);
      return { content, timeline };
    },
    triageOfficers(rt.config),
    {
      load: () => rt.store.getDetails(record.reference),
      coordinatorReads: rt.config.sensitiveDetails.coordinator,
    },
  );
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

/** A path segment decoded; a malformed escape (`%`, `%zz`) is kept as is, so it fails validation (400), not 500. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function queryOf(event: StaffApiEvent): Record<string, string> {
  if (event.rawQueryString !== undefined && event.rawQueryString !== "")
    return Object.fromEntries(new URLSearchParams(event.rawQueryString));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.queryStringParameters ?? {})) if (v !== undefined) out[k] = v;
  return out;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function json(statusCode: number, body: unknown, extra: Record<string, string> = {}): ApiResponse {
  return {
    statusCode,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...extra },
    body: JSON.stringify(body),
  };
}

/** An HTTP API structured result as this API answers it: status, string headers, a body. */
function normalise(result: APIGatewayProxyStructuredResultV2): ApiResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  return {
    statusCode: result.statusCode ?? 200,
    headers,
    body: result.body ?? "",
    ...(result.isBase64Encoded ? { isBase64Encoded: true } : {}),
  };
}

function methodNotAllowed(allow: string): ApiResponse {
  return json(405, { error: "method not allowed" }, { allow });
}
