// Task pages: GET/HEAD /t/{token} render (and change nothing: mail scanners fetch links), POST acts once.
// API Gateway HTTP API (payload v2) in AWS; the local stack calls this same handler with the same events.
import { randomUUID } from "node:crypto";
import middy from "@middy/core";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { z } from "zod";
import type { Channel } from "../domain/complaint.ts";
import { categoryOf, staffMember } from "../domain/routing.ts";
import { log } from "../lib/logger.ts";
import { runtime } from "../lib/runtime.ts";
import { formatDate } from "../mail/templates.ts";
import { FormBodyTooLargeError, parseFormBody, type TaskAction } from "../tasks/forms.ts";
import {
  pageOptionsFromConfig,
  renderAlreadyDonePage,
  renderDonePage,
  renderErrorPage,
  renderExpiredPage,
  renderForbiddenPage,
  renderNotFoundPage,
  renderTaskPage,
} from "../tasks/pages.ts";
import { type LoadedTask, loadTask, type SubmitResult, submitTask } from "../tasks/task-actions.ts";
import type { HtmlResponse } from "../web/layout.ts";

const rt = runtime();

const STEP_LABELS: Record<TaskAction, { fr: string; en: string }> = {
  triage: { fr: "Trier la plainte", en: "Triage the complaint" },
  assignment: { fr: "Examiner et attribuer", en: "Review and assign" },
  contact: { fr: "Contacter le plaignant", en: "Contact the complainant" },
  progress: { fr: "Noter l'avancement", en: "Record progress" },
  conclusion: { fr: "Conclure et répondre", en: "Conclude and respond" },
  "appeal-decision": { fr: "Décider du recours", en: "Decide the appeal" },
  closure: { fr: "Vérifier et clôturer", en: "Check and close" },
  appeal: { fr: "Faire appel de la décision", en: "Appeal the decision" },
};

const CHANNEL_LABELS: Record<Channel, { fr: string; en: string }> = {
  email: { fr: "Courriel", en: "Email" },
  web: { fr: "Formulaire web", en: "Web form" },
  letter: { fr: "Lettre", en: "Letter" },
  phone: { fr: "Téléphone", en: "Phone" },
  "in-person": { fr: "En personne", en: "In person" },
  "suggestion-box": { fr: "Boîte à suggestions", en: "Suggestion box" },
  hotline: { fr: "Ligne d'écoute", en: "Hotline" },
  "staff-report": { fr: "Signalement du personnel (FSEI)", en: "Staff report" },
};

const eventSchema = z.object({
  requestContext: z.object({ http: z.object({ method: z.string() }) }),
  pathParameters: z.object({ token: z.string().max(200) }).optional(),
  rawPath: z.string(),
  headers: z.record(z.string(), z.string().optional()).default({}),
  body: z.string().optional(),
  isBase64Encoded: z.boolean().optional(),
});

function toResult(page: HtmlResponse, head = false): APIGatewayProxyStructuredResultV2 {
  return { statusCode: page.statusCode, headers: page.headers, body: head ? "" : page.body };
}

/** What the page shows. For a sensitive case only the intended actor reaches this page, and it is fetched now, never emailed. */
async function details(
  task: LoadedTask,
  language: "fr" | "en",
): Promise<Array<{ label: string; value: string }>> {
  const { record, link } = task;
  const fr = language === "fr";
  const rows: Array<{ label: string; value: string }> = [
    {
      label: fr ? "Reçue le" : "Received",
      value: formatDate(record.receivedAt, rt.config.organisation.timeZone, language),
    },
  ];
  if (link.actor === "complainant") return rows;
  const content = await rt.store.getContent(record.reference);
  rows.push({ label: fr ? "Canal" : "Channel", value: CHANNEL_LABELS[record.channel][language] });
  if (record.category)
    rows.push({
      label: fr ? "Catégorie" : "Category",
      value: categoryOf(rt.config, record.category).label[language],
    });
  if (record.flags.length > 0)
    rows.push({ label: fr ? "Signalements" : "Flags", value: record.flags.join(", ") });
  if (!record.anonymous && content.complainant?.name)
    rows.push({ label: fr ? "Plaignant" : "Complainant", value: content.complainant.name });
  if (content.subject) rows.push({ label: fr ? "Objet" : "Subject", value: content.subject });
  rows.push({ label: fr ? "Description" : "Description", value: content.description || "-" });
  if (content.factsDate)
    rows.push({ label: fr ? "Date des faits" : "Date of the facts", value: content.factsDate });
  if (content.risks) rows.push({ label: fr ? "Risques" : "Risks", value: content.risks });
  if (link.step === "appeal-decision" && content.appealReason)
    rows.push({ label: fr ? "Motif du recours" : "Grounds of appeal", value: content.appealReason });
  if ((link.step === "appeal-decision" || link.step === "closure") && content.response)
    rows.push({ label: fr ? "Réponse donnée" : "Response given", value: content.response });
  return rows;
}

async function taskPage(
  task: LoadedTask,
  token: string,
  extra: { values?: Record<string, unknown>; errors?: Record<string, string> } = {},
) {
  const language = task.link.language;
  return renderTaskPage({
    action: task.link.step,
    language,
    reference: task.record.reference,
    stepLabel: STEP_LABELS[task.link.step][language],
    dueAt: task.link.expiresAt,
    timeZone: rt.config.organisation.timeZone,
    details: await details(task, language),
    options: pageOptionsFromConfig(rt.config, language, {
      late: task.late,
      extensionAvailable: task.extensionAvailable,
    }),
    nonce: task.nonce,
    postUrl: `/t/${token}`,
    ...extra,
  });
}

function problemPage(result: Exclude<SubmitResult, { kind: "done" | "invalid" }>, fallback: "fr" | "en") {
  if (result.kind === "forbidden") return renderForbiddenPage({ language: fallback });
  if (result.kind === "not-found") return renderNotFoundPage({ language: fallback });
  const language = result.link.language;
  const reference = result.link.reference;
  if (result.kind === "already-done") return renderAlreadyDonePage({ language, reference });
  const contact =
    staffMember(rt.config, rt.config.organisation.coordinator)?.address ?? rt.config.organisation.coordinator;
  return renderExpiredPage({ language, reference, contact });
}

export async function handleTaskRequest(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  const fallback = rt.config.organisation.languages[0] ?? "fr";
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) return toResult(renderNotFoundPage({ language: fallback }));
  const method = parsed.data.requestContext.http.method.toUpperCase();
  const token = parsed.data.pathParameters?.token ?? parsed.data.rawPath.replace(/^\/t\//, "");
  try {
    if (method === "GET" || method === "HEAD") {
      const task = await loadTask(rt, token);
      const page = task.kind === "open" ? await taskPage(task, token) : problemPage(task, fallback);
      return toResult(page, method === "HEAD");
    }
    if (method !== "POST") return { statusCode: 405, headers: { Allow: "GET, HEAD, POST" }, body: "" };
    const raw = parsed.data.body ?? "";
    const text = parsed.data.isBase64Encoded ? Buffer.from(raw, "base64").toString("utf8") : raw;
    let body: Record<string, string | string[]>;
    try {
      body = parseFormBody(text);
    } catch (error) {
      if (error instanceof FormBodyTooLargeError)
        return { statusCode: 413, headers: { "Content-Type": "text/plain" }, body: "" };
      throw error;
    }
    const result = await submitTask(rt, token, body);
    if (result.kind === "done")
      return toResult(renderDonePage({ language: result.link.language, reference: result.link.reference }));
    if (result.kind === "invalid")
      return toResult(await taskPage(result.task, token, { values: result.values, errors: result.errors }));
    return toResult(problemPage(result, fallback));
  } catch (error) {
    // No stack trace on the page: a correlation id the officer can quote, the error in the log (no personal data).
    const correlationId = randomUUID();
    log("ERROR", "task page failed", { correlationId, error: (error as Error).name });
    return toResult(renderErrorPage({ language: fallback, correlationId }));
  }
}

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>().handler(
  handleTaskRequest,
);
