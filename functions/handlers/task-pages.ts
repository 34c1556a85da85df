// Task pages: GET/HEAD /t/{token} render (and change nothing: mail scanners fetch links), POST acts once.
// API Gateway HTTP API (payload v2) in AWS; the local stack calls this same handler with the same events.

import { randomUUID } from "node:crypto";
import middy from "@middy/core";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import * as z from "zod";
import { keepsDetailsPrivate, taskShowsInvestigation } from "../domain/access.ts";
import { investigationOf } from "../domain/complaint.ts";
import type { Language } from "../domain/config.ts";
import { labelIn } from "../domain/config-schema.ts";
import { showsComplainantContact } from "../domain/procedure.ts";
import { categoryOf, staffMember } from "../domain/routing.ts";
import { isTransient } from "../errors.ts";
import { translate } from "../i18n/i18n.ts";
import { label } from "../i18n/labels.ts";
import { invocationDeadline } from "../lib/invocation.ts";
import { log } from "../lib/logger.ts";
import { liveConfig } from "../lib/middleware.ts";
import { runtime } from "../lib/runtime.ts";
import { formatDate } from "../mail/templates.ts";
import { FormBodyTooLargeError, parseFormBody } from "../tasks/forms.ts";
import {
  pageOptionsFromConfig,
  renderAlreadyDonePage,
  renderAppealMemberPage,
  renderClosurePendingPage,
  renderDonePage,
  renderErrorPage,
  renderExpiredPage,
  renderExplanationsPage,
  renderForbiddenPage,
  renderNotFoundPage,
  renderTaskPage,
  type TaskPagePreview,
} from "../tasks/pages.ts";
import {
  type LoadedTask,
  loadTask,
  previewTask,
  type SubmitResult,
  submitTask,
} from "../tasks/task-actions.ts";
import type { HtmlResponse } from "../web/layout.ts";

const rt = runtime();

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
  language: Language,
): Promise<Array<{ label: string; value: string }>> {
  const { record, link } = task;
  const t = (key: string) => translate(language, `pages.task.detail.${key}`);
  const rows: Array<{ label: string; value: string }> = [
    { label: t("received"), value: formatDate(record.receivedAt, rt.config.organisation.timeZone, language) },
  ];
  if (link.actor === "complainant") return rows;
  const content = await rt.store.getContent(record.reference);
  rows.push({ label: t("kind"), value: label(language, "kind", record.kind) });
  rows.push({ label: t("channel"), value: label(language, "channel", record.channel) });
  if (record.category)
    rows.push({
      label: t("category"),
      value: labelIn(categoryOf(rt.config, record.category).label, language),
    });
  if (record.flags.length > 0) rows.push({ label: t("flags"), value: record.flags.join(", ") });
  if (!record.anonymous && content.complainant?.name)
    rows.push({ label: t("complainant"), value: content.complainant.name });
  if (content.subject) rows.push({ label: t("subject"), value: content.subject });
  rows.push({ label: t("description"), value: content.description || "-" });
  if (content.factsDate) rows.push({ label: t("factsDate"), value: content.factsDate });
  // H-C3: the person who must contact the complainant sees how to reach them (only on that step's page).
  if (showsComplainantContact(record, link.step)) {
    const who = content.representative ?? content.complainant;
    if (content.representative?.name)
      rows.push({ label: t("representative"), value: content.representative.name });
    if (who?.phone) rows.push({ label: t("contactPhone"), value: who.phone });
    if (who?.email) rows.push({ label: t("contactEmail"), value: who.email });
    if (who?.address) rows.push({ label: t("contactAddress"), value: who.address });
  }
  // H-D1: a sensitive case's investigation shows only to its keepers (and the appeal officer, H-E2).
  const shown = taskShowsInvestigation(record, link.step, link.actor);
  const found = shown
    ? investigationOf(
        content,
        keepsDetailsPrivate(record) ? await rt.store.getDetails(record.reference) : null,
      )
    : null;
  // H-C1: the course of action the responsible person decided, for the later steps (H-D1: its keepers only).
  if (found?.courseOfAction) rows.push({ label: t("courseOfAction"), value: found.courseOfAction });
  if (found?.risks) rows.push({ label: t("risks"), value: found.risks });
  if ((link.step === "appeal-decision" || link.step === "closure") && content.appealReason)
    rows.push({ label: t("appealReason"), value: content.appealReason });
  // H-E2: the member handling the appeal, once the appeal officer named them.
  if ((link.step === "appeal-decision" || link.step === "closure") && record.appealHandler)
    rows.push({
      label: t("appealHandler"),
      value: staffMember(rt.config, record.appealHandler)?.name ?? record.appealHandler,
    });
  // H-F2: the closure check reads the appeal's decision before confirming the appeal was completed correctly.
  if (link.step === "closure" && record.appealOutcome) {
    rows.push({
      label: t("appealDecision"),
      value: translate(language, `pages.task.fields.appealDecision.${record.appealOutcome}`),
    });
    if (content.appealReasoning) rows.push({ label: t("appealReasoning"), value: content.appealReasoning });
  }
  if ((link.step === "appeal-decision" || link.step === "closure") && found?.response)
    rows.push({ label: t("response"), value: found.response });
  return rows;
}

async function taskPage(
  task: LoadedTask,
  token: string,
  extra: {
    values?: Record<string, unknown>;
    errors?: Record<string, string>;
    preview?: TaskPagePreview;
  } = {},
) {
  const language = task.link.language;
  // T-4: the triage form starts from the date of the facts the complainant gave, if any.
  const factsDate =
    task.link.step === "triage" && !extra.values
      ? (await rt.store.getContent(task.record.reference)).factsDate
      : null;
  return renderTaskPage({
    action: task.link.step,
    language,
    reference: task.record.reference,
    // H-D4: the answer's link asks for explanations first, or appeals.
    stepLabel: translate(
      language,
      task.explanations ? "pages.task.title.appealOrExplanations" : `pages.task.title.${task.link.step}`,
    ),
    dueAt: task.link.expiresAt,
    timeZone: rt.config.organisation.timeZone,
    details: await details(task, language),
    options: pageOptionsFromConfig(rt.config, language, {
      late: task.late,
      extensionAvailable: task.extensionAvailable,
      factsTooOld: task.factsTooOld,
      explanations: task.explanations,
    }),
    nonce: task.nonce,
    postUrl: `/t/${token}`,
    ...(factsDate ? { values: { factsDate } } : {}),
    ...extra,
  });
}

function problemPage(result: Exclude<SubmitResult, { kind: "done" | "invalid" }>, fallback: Language) {
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
  // Issue 15: what cannot be a link (`/t/%`, a path) is an unknown link, not a tampered one.
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token))
    return toResult(renderNotFoundPage({ language: fallback }));
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
    // Issue 14: the conclusion's "see what the complainant will receive" button records nothing.
    if (body.preview === "yes") {
      const previewed = await previewTask(rt, token, body);
      if (previewed.kind === "preview")
        return toResult(
          await taskPage(previewed.task, token, { values: previewed.values, preview: previewed.preview }),
        );
      if (previewed.kind === "invalid")
        return toResult(
          await taskPage(previewed.task, token, { values: previewed.values, errors: previewed.errors }),
        );
      return toResult(problemPage(previewed, fallback));
    }
    const result = await submitTask(rt, token, body);
    if (result.kind === "done")
      return toResult(
        (result.pending === "closure"
          ? renderClosurePendingPage
          : result.pending === "appeal-member"
            ? renderAppealMemberPage
            : result.pending === "explanations"
              ? renderExplanationsPage
              : renderDonePage)({
          language: result.link.language,
          reference: result.link.reference,
        }),
      );
    if (result.kind === "invalid")
      return toResult(await taskPage(result.task, token, { values: result.values, errors: result.errors }));
    return toResult(problemPage(result, fallback));
  } catch (error) {
    // No stack trace on the page: a correlation id the officer can quote, the error in the log (no personal data).
    const correlationId = randomUUID();
    const transient = isTransient(error);
    log(transient ? "WARN" : "ERROR", "task page failed", { correlationId, error: (error as Error).name });
    return toResult(renderErrorPage({ language: fallback, correlationId, transient }));
  }
}

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(liveConfig(rt))
  .use(invocationDeadline())
  .handler(handleTaskRequest);
