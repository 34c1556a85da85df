// Issue 14: the conclusion's internal measures and the text for the complainant are distinct; the page
// previews exactly the message the workflow sends (functions/mail/response-data.ts), on the complainant's
// channel, before anything is recorded.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { emptyContent } from "../../functions/domain/complaint.ts";
import { loadConfigText } from "../../functions/domain/config.ts";
import { previewResponse, responseData } from "../../functions/mail/response-data.ts";
import { renderEmail } from "../../functions/mail/templates.ts";
import { renderTaskPage } from "../../functions/tasks/pages.ts";
import { caseRecord } from "../events/case-record.ts";

const H = loadConfigText(readFileSync("config/humanitarian.example.yaml", "utf8"), "H");
const record = caseRecord({
  reference: "CFM-2026-000042",
  status: "investigating",
  category: "programme",
  reachable: true,
  channel: "email",
});
const content = {
  ...emptyContent(record.reference),
  complainant: { name: "Aïssata Traoré", email: "aissata@example.net" },
};
const answer = { outcome: "founded" as const, response: "Une distribution complémentaire aura lieu à Kati." };

describe("the response to the complainant (issue 14)", () => {
  it("carries the text written for the complainant, never the internal measures", () => {
    const data = responseData(H, record, content, answer, {});
    expect(data).toMatchObject({
      sensitive: false,
      responseText: answer.response,
      recipientName: "Aïssata Traoré",
    });
    expect(data).not.toHaveProperty("measures");
  });

  it("previews exactly the email the workflow renders, subject and text", () => {
    const appeal = { appealUrl: "https://cfm.example.org/t/…", appealDeadline: "2026-04-30T09:00:00.000Z" };
    const preview = previewResponse(H, record, content, answer, appeal);
    const sent = renderEmail("response", "fr", responseData(H, record, content, answer, appeal));
    expect(preview).toEqual({ channel: "email", subject: sent.subject, text: sent.text });
    expect(sent.text).toContain(answer.response);
    // H-D4: procedure H offers explanations first, then the appeal through the same link.
    expect(sent.text).toContain("Demander des explications");
    expect(sent.text).toContain("faire appel de la décision");
  });

  it("a complainant who cannot be reached gets nothing, and the preview says so", () => {
    expect(previewResponse(H, { ...record, reachable: false }, content, answer, {})).toEqual({
      channel: "none",
    });
  });

  it("the conclusion page labels the measures as internal, offers the preview, and shows it", () => {
    const input = {
      action: "conclusion" as const,
      language: "fr" as const,
      reference: record.reference,
      stepLabel: "Conclure et répondre",
      timeZone: "Africa/Bamako",
      details: [],
      options: {},
      nonce: "n",
    };
    const blank = renderTaskPage(input).body;
    expect(blank).toContain("Mesures prises (interne\u00a0: jamais envoyé au plaignant)");
    expect(blank).toContain('name="preview" value="yes"');
    expect(blank).not.toContain('id="preview"');
    const shown = renderTaskPage({
      ...input,
      values: { outcome: "founded", response: answer.response },
      preview: {
        channel: "email",
        subject: "Réponse à votre plainte [CFM-2026-000042]",
        text: answer.response,
      },
    }).body;
    expect(shown).toContain("Ce que le plaignant recevra");
    expect(shown).toContain("Réponse à votre plainte [CFM-2026-000042]");
    expect(shown).toContain("Rien n’est encore enregistré ni envoyé.");
  });
});
