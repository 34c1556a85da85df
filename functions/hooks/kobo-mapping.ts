// A KoboToolbox submission (REST Services JSON) mapped to a case through the organisation config (issue 17).
// Kobo sends each answer under its question's XPath ("complainant/phone"), plus metadata: `_uuid` (the
// instance), `meta/rootUuid` (the first instance of an edited submission), `meta/deprecatedID` (the instance
// an edit replaced), `_attachments` (files, downloadable from the Kobo API). Pure: no AWS, no I/O.
import * as z from "zod";
import { KINDS, type Kind } from "../domain/complaint.ts";
import { type KOBO_CHANNELS, LANGUAGES, type Language, type OrgConfig } from "../domain/config-schema.ts";
import { normalisePhone } from "../domain/phone.ts";

export type KoboForm = NonNullable<OrgConfig["channels"]["kobo"]>["forms"][string];

const uuid = z.string().regex(/^(uuid:)?[0-9a-fA-F-]{8,64}$/, "must be a Kobo instance UUID");

/** The part of Kobo's JSON cfm relies on; every other key is an answer, read through the mapping. */
export const koboSubmissionSchema = z.looseObject({
  _uuid: uuid,
  _id: z.number().int().optional(),
  _submission_time: z.string().optional(),
  "meta/rootUuid": uuid.optional(),
  "meta/instanceID": z.string().optional(),
  "meta/deprecatedID": z.string().optional(),
  _attachments: z
    .array(
      z.looseObject({
        download_url: z.url(),
        filename: z.string().min(1).max(1000),
        mimetype: z.string().max(200).default("application/octet-stream"),
      }),
    )
    .max(50)
    .default([]),
});
export type KoboSubmission = z.output<typeof koboSubmissionSchema>;

export interface KoboCase {
  /** The submission's identity across edits and resubmissions: `kobo:<form>:<root uuid>`. */
  sourceId: string;
  /** The instance an edit replaced (its case is this one's). */
  replaces: string | null;
  kind: Kind;
  channel: (typeof KOBO_CHANNELS)[number];
  language: Language;
  anonymous: boolean;
  complainant: { name?: string; phone?: string; email?: string } | null;
  description: string;
  place: string | null;
  factsDate: string | null;
  /** A category id of the config the field officer suggested (triage decides). */
  categoryHint: string | null;
  attachments: Array<{ url: string; filename: string; contentType: string }>;
}

const bare = (id: string) => id.replace(/^uuid:/, "").toLowerCase();

function answer(submission: Record<string, unknown>, path: string | undefined): string | undefined {
  if (!path) return undefined;
  const value = submission[path];
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

export type MappingResult = { ok: true; value: KoboCase } | { ok: false; problems: string[] };

/** Maps a validated submission; problems name the form's field (its XPath), never its value. */
export function mapKoboSubmission(
  config: OrgConfig,
  formId: string,
  form: KoboForm,
  submission: KoboSubmission,
): MappingResult {
  const problems: string[] = [];
  const s = submission as Record<string, unknown>;
  const f = form.fields;
  const description = answer(s, f.description);
  if (!description) problems.push(`${f.description}: required (the description)`);

  const kindAnswer = answer(s, f.kind);
  let kind: Kind = form.kind;
  if (kindAnswer) {
    if ((KINDS as readonly string[]).includes(kindAnswer)) kind = kindAnswer as Kind;
    else problems.push(`${f.kind}: must be one of ${KINDS.join(", ")}`);
  }
  const channelAnswer = answer(s, f.channel);
  let channel = form.channel;
  if (channelAnswer) {
    const allowed = ["kobo", "in-person", "suggestion-box", "letter", "hotline", "phone"] as const;
    const found = allowed.find((c) => c === channelAnswer);
    if (found) channel = found;
    else problems.push(`${f.channel}: must be one of ${allowed.join(", ")}`);
  }
  const languageAnswer = answer(s, f.language);
  const fallback = config.organisation.languages[0] ?? "fr";
  let language: Language = fallback;
  if (languageAnswer) {
    const found = LANGUAGES.find((l) => l === languageAnswer);
    if (found && config.organisation.languages.includes(found)) language = found;
    else problems.push(`${f.language}: must be one of ${config.organisation.languages.join(", ")}`);
  }
  const anonymous = /^(yes|oui|true|1)$/i.test(answer(s, f.anonymous) ?? "");
  const phoneAnswer = answer(s, f.phone);
  const phone = phoneAnswer ? normalisePhone(phoneAnswer) : null;
  if (phoneAnswer && !phone) problems.push(`${f.phone}: not a phone number with its country code`);
  const emailAnswer = answer(s, f.email);
  const email = emailAnswer && z.email().safeParse(emailAnswer).success ? emailAnswer.toLowerCase() : null;
  if (emailAnswer && !email) problems.push(`${f.email}: not an email address`);
  const name = answer(s, f.name)?.slice(0, 200);
  const factsAnswer = answer(s, f.factsDate);
  const factsDate = factsAnswer && /^\d{4}-\d{2}-\d{2}$/.test(factsAnswer) ? factsAnswer : null;
  if (factsAnswer && !factsDate) problems.push(`${f.factsDate}: must be a date (YYYY-MM-DD)`);
  const hint = answer(s, f.category);
  const categoryHint = hint && config.categories.some((c) => c.id === hint) ? hint : null;
  if (problems.length > 0) return { ok: false, problems };

  const root = bare(submission["meta/rootUuid"] ?? submission._uuid);
  const deprecated = submission["meta/deprecatedID"];
  const person = {
    ...(name ? { name } : {}),
    ...(phone ? { phone } : {}),
    ...(email ? { email } : {}),
  };
  return {
    ok: true,
    value: {
      sourceId: `kobo:${formId}:${root}`,
      replaces: deprecated ? `kobo:${formId}:${bare(deprecated)}` : null,
      kind,
      channel,
      language,
      anonymous,
      complainant: anonymous || Object.keys(person).length === 0 ? null : person,
      description: description ?? "",
      place: answer(s, f.location)?.slice(0, 500) ?? null,
      factsDate,
      categoryHint,
      attachments: submission._attachments.map((a) => ({
        url: a.download_url,
        // Kobo's filename is a storage path ("user/attachments/<uuid>/photo.jpg"): the last part.
        filename: a.filename.split("/").at(-1) || "attachment",
        contentType: a.mimetype,
      })),
    },
  };
}
