// The organisation configuration: everything that differs between two complaint procedures
// (H and T in docs/procedures.md) is data here, so one workflow serves both without code changes.
import * as z from "zod";
import { InvalidConfigError } from "../errors.ts";
import { LANGUAGES, type Language } from "../i18n/languages.ts";
import { isValidLocalDate, isValidTimeZone, type Weekday } from "./calendar.ts";
import { isZeroDuration, parseDuration } from "./duration.ts";
import { e164 } from "./phone.ts";

// Any language with a catalog (functions/i18n/locales/): adding a language needs no change here.
export { InvalidConfigError, LANGUAGES, type Language };

export const WEEKDAYS = [
  "mon",
  "tue",
  "wed",
  "thu",
  "fri",
  "sat",
  "sun",
] as const satisfies readonly Weekday[];

const durationString = z.string().superRefine((value, ctx) => {
  try {
    if (isZeroDuration(parseDuration(value)))
      ctx.addIssue({ code: "custom", message: `duration ${value} is zero` });
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
  }
});

/** A deadline: an ISO 8601 duration counted in calendar days (the default) or working days. */
const deadlineRule = z
  .union([
    durationString,
    z.strictObject({ duration: durationString, days: z.enum(["calendar", "working"]).default("calendar") }),
  ])
  .transform((rule) => (typeof rule === "string" ? { duration: rule, days: "calendar" as const } : rule));
export type DeadlineRule = z.output<typeof deadlineRule>;

// Labels the organisation writes (categories, severities, roles): French and English always, and one per
// other language it uses (any language with a catalog; checked against organisation.languages below).
const otherLanguageLabels = Object.fromEntries(
  LANGUAGES.filter((l) => l !== "fr" && l !== "en").map((l) => [l, z.string().min(1).optional()]),
);
/** A label in French and English, and in any other language of the organisation that has a catalog. */
export type Labels = { fr: string; en: string } & Readonly<Partial<Record<Language, string>>>;
/** A label in `language`; French when the organisation wrote none in it (the config check asks for one). */
export const labelIn = (labels: Labels, language: Language): string => labels[language] ?? labels.fr;
/** The label of a category or severity by id, in `language` (French when it has none); the id if unknown. */
export const labelOf = (
  rows: readonly { id: string; label: Labels }[],
  id: string,
  language: Language,
): string => {
  const row = rows.find((r) => r.id === id);
  return row ? labelIn(row.label, language) : id;
};
const labels = z
  .strictObject({ fr: z.string().min(1), en: z.string().min(1), ...otherLanguageLabels })
  .transform((l) => l as Labels);
const id = z.string().regex(/^[a-z][a-z0-9-]*$/, "must be a lower-case id (letters, digits, dashes)");
const email = z.email("must be an email address").transform((s) => s.toLowerCase());
const localDate = z.string().refine(isValidLocalDate, { message: "is not a date (YYYY-MM-DD)" });

const staffMember = z.strictObject({
  address: email,
  name: z.string().min(1),
  roles: z.array(id).min(1),
  supervisor: email.optional(),
  language: z.enum(LANGUAGES, { message: `must be one of ${LANGUAGES.join(", ")}` }).optional(),
  /** Management, for the conflict-of-interest rule (T-7). */
  management: z.boolean().default(false),
});

const category = z.strictObject({
  id,
  label: labels,
  sensitive: z.boolean(),
  /** H-B3: the role responsible for this nature of complaint. */
  responsible: id.optional(),
  /** H-B3 (d): assign the line manager (supervisor) of the staff member concerned when known. */
  responsibleIsLineManagerOfConcerned: z.boolean().default(false),
  /** H-B2: roles notified when a case is triaged into this category. */
  notify: z.array(id).default([]),
  /** H-C3 (e): out-of-scope cases are referred elsewhere and closed. */
  outcome: z.enum(["investigate", "referral"]).default("investigate"),
});

const severity = z.strictObject({ id, label: labels, respond: deadlineRule.optional() });

/**
 * the short path of a kind that is not a complaint (a suggestion, an information request, positive
 * feedback): acknowledged, routed to the holder of `route`, answered (or thanked) within `answer` from receipt,
 * closed. No severity, admissibility, investigation or appeal. Unset: the triage role, the response deadline.
 */
const shortPath = z.strictObject({ route: id, answer: deadlineRule });
export type ShortPath = z.output<typeof shortPath>;

const reportSchedule = z.strictObject({
  kind: z.enum(["weekly-pending", "monthly", "quarterly", "annual"]),
  schedule: z
    .string()
    .regex(/^(cron|rate)\(.+\)$/, "must be an EventBridge Scheduler cron(...) or rate(...) expression"),
  to: z.array(email).min(1),
});

/** Fields the public web form may ask for beyond kind, description, name and contact (T-6, H-A1). */
export const WEB_FIELDS = [
  "representative",
  "factsDate",
  "place",
  "service",
  "personsConcerned",
  "expectations",
] as const;
export type WebField = (typeof WEB_FIELDS)[number];

const WEB_DEFAULTS = {
  fields: ["representative", "factsDate", "place"] as WebField[],
  humanCheck: false,
  rateLimit: { submissions: 20, window: "PT10M", followUpAttempts: 10 },
};

/** The complainant's web form and follow-up page (CONTRACT.md "The complainant's web form and follow-up"). */
const webSchema = z
  .strictObject({
    fields: z.array(z.enum(WEB_FIELDS)).default(WEB_DEFAULTS.fields),
    /** A question answered on the page, checked by the server: no third-party service, no script. */
    humanCheck: z.boolean().default(false),
    /**
     * Per network address (kept only as a keyed hash, for one window): at most `submissions` forms and
     * `followUpAttempts` wrong receipt codes. Generous: many people share one address behind a mobile
     * operator's NAT.
     */
    rateLimit: z
      .strictObject({
        submissions: z.number().int().min(1).max(10_000).default(20),
        window: durationString.default("PT10M"),
        followUpAttempts: z.number().int().min(1).max(1000).default(10),
      })
      .default(WEB_DEFAULTS.rateLimit),
  })
  .default(WEB_DEFAULTS);

/** The messages the procedure sends the complainant, each of which has a short SMS/WhatsApp text (issue 17). */
export const COMPLAINANT_MESSAGES = [
  "acknowledgement",
  "written-notice",
  "progress-update",
  "response",
  "referral",
  "inadmissible",
  "appeal-acknowledgement",
  "appeal-extension",
  "appeal-decision",
  "closure",
  "answer",
] as const;
export type ComplainantMessage = (typeof COMPLAINANT_MESSAGES)[number];

/** A Meta-approved WhatsApp template: its name and, per language of the organisation, its language code. */
const whatsappTemplate = z.strictObject({
  name: z.string().regex(/^[a-z0-9_]{1,512}$/, "must be a WhatsApp template name (lower case, digits, _)"),
  languages: z.partialRecord(z.enum(LANGUAGES), z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/)),
});

/** Where a Kobo field (its XPath, e.g. `group_person/phone`) goes on the case. */
const koboFields = z.strictObject({
  description: z.string().min(1),
  kind: z.string().min(1).optional(),
  channel: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  phone: z.string().min(1).optional(),
  email: z.string().min(1).optional(),
  location: z.string().min(1).optional(),
  category: z.string().min(1).optional(),
  language: z.string().min(1).optional(),
  anonymous: z.string().min(1).optional(),
  factsDate: z.string().min(1).optional(),
});

/** Channels a Kobo form may record (a field officer at a distribution, the suggestion box opened). */
export const KOBO_CHANNELS = ["kobo", "in-person", "suggestion-box", "letter", "hotline", "phone"] as const;

const koboForm = z.strictObject({
  fields: koboFields,
  /** The case's channel when the form has no channel field (or an empty one). */
  channel: z.enum(KOBO_CHANNELS).default("kobo"),
  kind: z.enum(["complaint", "suggestion", "information-request", "positive"]).default("complaint"),
  /** Local stack only: the shared secret Kobo sends as X-Cfm-Secret. In AWS it is in Secrets Manager. */
  localSecret: z.string().min(16).optional(),
  /** Local stack only: the Kobo API token attachments are fetched with. In AWS it is in Secrets Manager. */
  localApiToken: z.string().min(1).optional(),
});

/** The channels beyond email and the web form (issue 17). Each is off unless declared. */
const channelsSchema = z
  .strictObject({
    /** Two-way SMS through AWS End User Messaging SMS. */
    sms: z
      .strictObject({
        /** The number complainants text, in E.164; replies go out from it. */
        number: e164,
        /** SendTextMessage OriginationIdentity: the number itself, its phone-number id or ARN, or a pool. */
        originationIdentity: z.string().min(1).optional(),
        /** An End User Messaging configuration set (delivery events), when there is one. */
        configurationSet: z.string().min(1).optional(),
        /** The most segments one message may take (a longer response is cut and points to the follow-up). */
        maxSegments: z.number().int().min(1).max(10).default(4),
      })
      .optional(),
    /** WhatsApp through AWS End User Messaging Social. */
    whatsapp: z
      .strictObject({
        /** The number complainants write to, in E.164. */
        number: e164,
        /** The End User Messaging Social phone number id (phone-number-id-…). */
        phoneNumberId: z.string().regex(/^phone-number-id-[0-9a-f]+$/, "must be a phone-number-id-… id"),
        metaApiVersion: z
          .string()
          .regex(/^v\d+\.\d+$/)
          .default("v20.0"),
        /**
         * Outside the 24-hour service window WhatsApp delivers only approved templates: one per message of
         * the procedure, or `default` for every message without its own. Each takes one parameter: the
         * reference.
         */
        templates: z
          .partialRecord(z.enum([...COMPLAINANT_MESSAGES, "default"]), whatsappTemplate)
          .default({}),
      })
      .optional(),
    /** KoboToolbox REST Services: POST /hooks/kobo/{form}. */
    kobo: z
      .strictObject({
        /** The Kobo server attachments are fetched from (and from nowhere else). */
        server: z.url().default("https://kf.kobotoolbox.org"),
        forms: z.record(id, koboForm),
      })
      .optional(),
    /** Signed webhooks of other gateways (a local operator's SMS gateway, RapidPro): POST /hooks/messages/{source}. */
    webhook: z
      .strictObject({
        sources: z.record(
          id,
          z.strictObject({
            channel: z.enum(["sms", "whatsapp", "hotline", "phone"]),
            /** Local stack only: the HMAC key. In AWS it is in Secrets Manager. */
            localSecret: z.string().min(16).optional(),
          }),
        ),
      })
      .optional(),
  })
  .default({});
export type ChannelsConfig = z.output<typeof channelsSchema>;

export const configSchema = z.strictObject({
  organisation: z.strictObject({
    name: z.string().min(1),
    intakeAddress: email,
    languages: z
      .array(
        z.enum(LANGUAGES, {
          // Adding a language is adding its catalog (README "Languages"): say which file is missing.
          error: (issue) =>
            `unknown language: no catalog functions/i18n/locales/${String(issue.input)}.json; supported: ${LANGUAGES.join(", ")}`,
        }),
      )
      .min(1),
    timeZone: z.string().refine(isValidTimeZone, { message: "is not an IANA time zone" }),
    workingDays: z.array(z.enum(WEEKDAYS)).min(1).default(["mon", "tue", "wed", "thu", "fri"]),
    holidays: z.array(localDate).default([]),
    coordinator: email,
  }),
  intake: z.strictObject({
    /** H-A1 any channel; T-1 written only (letter, email, staff report). */
    channels: z.enum(["any", "written-only"]),
    attachmentCapBytes: z
      .number()
      .int()
      .positive()
      .default(10 * 1024 * 1024),
  }),
  roles: z.record(id, labels),
  staff: z.array(staffMember).min(1),
  steps: z.strictObject({
    triage: id,
    triageCopy: z.array(id).default([]),
    investigation: id,
    appeal: id,
    closure: id,
  }),
  categories: z.array(category).min(1),
  severities: z.array(severity).min(1),
  deadlines: z.strictObject({
    acknowledge: deadlineRule,
    writtenNotice: deadlineRule.optional(),
    triage: deadlineRule,
    assign: deadlineRule,
    contact: deadlineRule.optional(),
    respond: deadlineRule,
    progressUpdateInterval: deadlineRule.optional(),
    appealWindow: deadlineRule,
    appealDecision: deadlineRule,
    appealExtension: deadlineRule.optional(),
    closure: deadlineRule,
  }),
  /** one short path per kind that is not a complaint. */
  shortPaths: z
    .strictObject({
      suggestion: shortPath.optional(),
      "information-request": shortPath.optional(),
      positive: shortPath.optional(),
    })
    .default({}),
  admissibility: z.strictObject({ maxFactsAge: deadlineRule.optional() }).default({}),
  conflictOfInterest: z
    .strictObject({
      /** T-7: the role that handles a case naming the management (the president). */
      managementNamed: id,
      /**
       * T-7: a named person who handles it first ("le Président / la Présidente"), when the organisation names
       * one rather than a role; the role's holders follow when that person is named in the complaint too.
       */
      delegate: email.optional(),
    })
    .optional(),
  implicatedStaff: z.strictObject({ notify: z.boolean() }).default({ notify: false }),
  /** After a missed deadline: remind the assignee and escalate every `reminderInterval`, at most `maxReminders` times. */
  escalation: z
    .strictObject({
      reminderInterval: deadlineRule.default({ duration: "P2D", days: "working" }),
      // At most 30 (60 working days of reminders at the default interval): with H-D3's 60 progress updates, one
      // execution's worst-case history stays under Step Functions' 25,000 events (test/infra/workflow-definition).
      maxReminders: z.number().int().min(1).max(30).default(6),
      /** H-D3: updates to the complainant while an investigation runs past the response deadline. */
      maxProgressUpdates: z.number().int().min(0).max(60).default(24),
    })
    .default({
      reminderInterval: { duration: "P2D", days: "working" },
      maxReminders: 6,
      maxProgressUpdates: 24,
    }),
  appeals: z.strictObject({
    max: z.number().int().min(0).max(1),
    extensions: z.number().int().min(0).max(1),
    closeWithoutReply: z.enum(["resolved", "no-response"]),
    /**
     * H-D4: a complainant who is not satisfied is first offered explanations (non-sensitive cases only), then
     * referred to the appeal procedure. Procedure H says so; T does not (default off).
     */
    explanationsFirst: z.boolean().default(false),
  }),
  /**
   * H-D1: a sensitive case's details stay with the responsible person (and the handler); `coordinator: true`
   * lets the coordinator read them too (the organisation's choice: the seed names the responsible person only).
   */
  sensitiveDetails: z
    .strictObject({ coordinator: z.boolean().default(false) })
    .default({ coordinator: false }),
  retention: durationString,
  reports: z.array(reportSchedule).default([]),
  web: webSchema,
  channels: channelsSchema,
});

export type OrgConfig = z.output<typeof configSchema>;
export type Category = OrgConfig["categories"][number];
export type StaffMember = OrgConfig["staff"][number];

/** Cross-references zod cannot see field by field: every problem as `path: message`. */
export function semanticProblems(config: OrgConfig): string[] {
  const problems: string[] = [];
  const roles = new Set(Object.keys(config.roles));
  const holders = new Map<string, string[]>();
  for (const member of config.staff)
    for (const r of member.roles) holders.set(r, [...(holders.get(r) ?? []), member.address]);
  const addresses = new Set(config.staff.map((s) => s.address));

  const knownRole = (role: string, path: string) => {
    if (!roles.has(role)) {
      problems.push(`${path}: unknown role "${role}" (declare it under roles)`);
      return false;
    }
    return true;
  };
  const heldRole = (role: string, path: string, what: string) => {
    if (knownRole(role, path) && !holders.get(role)?.length)
      problems.push(`${path}: ${what} is routed to role "${role}", which nobody in staff holds`);
  };
  const duplicates = <T>(items: T[], key: (t: T) => string, path: string, what: string) => {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      const k = key(item);
      if (seen.has(k)) problems.push(`${path}.${i}: duplicate ${what} "${k}"`);
      seen.add(k);
    });
  };

  duplicates(config.staff, (s) => s.address, "staff", "staff address");
  duplicates(config.categories, (c) => c.id, "categories", "category id");
  duplicates(config.severities, (s) => s.id, "severities", "severity id");
  duplicates(config.organisation.languages, (l) => l, "organisation.languages", "language");
  // every label the organisation writes exists in each of its languages.
  const labelled = (label: Readonly<Record<string, string | undefined>>, path: string) => {
    for (const language of config.organisation.languages)
      if (!label[language])
        problems.push(`${path}.${language}: required (organisation.languages has ${language})`);
  };
  config.categories.forEach((c, i) => {
    labelled(c.label, `categories.${i}.label`);
  });
  config.severities.forEach((s, i) => {
    labelled(s.label, `severities.${i}.label`);
  });
  for (const [role, label] of Object.entries(config.roles)) labelled(label, `roles.${role}`);

  config.staff.forEach((member, i) => {
    member.roles.forEach((r, j) => {
      knownRole(r, `staff.${i}.roles.${j}`);
    });
    if (member.supervisor && !addresses.has(member.supervisor))
      problems.push(`staff.${i}.supervisor: ${member.supervisor} is not in staff`);
    if (member.supervisor === member.address)
      problems.push(`staff.${i}.supervisor: a person cannot supervise themselves`);
  });
  if (!addresses.has(config.organisation.coordinator))
    problems.push(`organisation.coordinator: ${config.organisation.coordinator} is not in staff`);

  for (const step of ["triage", "investigation", "appeal", "closure"] as const)
    heldRole(config.steps[step], `steps.${step}`, `the ${step} step`);
  for (const [kind, path] of Object.entries(config.shortPaths))
    if (path) heldRole(path.route, `shortPaths.${kind}.route`, `the short path of "${kind}"`);
  config.steps.triageCopy.forEach((r, i) => {
    heldRole(r, `steps.triageCopy.${i}`, "the triage copy");
  });

  config.categories.forEach((c, i) => {
    if (c.outcome === "investigate") {
      if (!c.responsible) problems.push(`categories.${i}.responsible: required unless outcome is referral`);
      else heldRole(c.responsible, `categories.${i}.responsible`, `category "${c.id}"`);
    } else if (c.responsible) knownRole(c.responsible, `categories.${i}.responsible`);
    c.notify.forEach((r, j) => {
      heldRole(r, `categories.${i}.notify.${j}`, `the notification for "${c.id}"`);
    });
  });
  const delegate = config.conflictOfInterest?.delegate;
  if (delegate && !addresses.has(delegate))
    problems.push(`conflictOfInterest.delegate: ${delegate} is not in staff`);
  if (config.conflictOfInterest)
    heldRole(
      config.conflictOfInterest.managementNamed,
      "conflictOfInterest.managementNamed",
      "a conflict of interest",
    );
  if (config.appeals.extensions > 0 && !config.deadlines.appealExtension)
    problems.push("deadlines.appealExtension: required when appeals.extensions is 1");
  if (!config.categories.some((c) => c.outcome === "investigate"))
    problems.push("categories: at least one category must be investigated");
  problems.push(...channelProblems(config));
  return problems;
}

/** Issue 17: what zod cannot see in the channels section. */
function channelProblems(config: OrgConfig): string[] {
  const problems: string[] = [];
  const { whatsapp } = config.channels;
  if (whatsapp)
    for (const [message, template] of Object.entries(whatsapp.templates))
      for (const language of config.organisation.languages)
        if (!template?.languages[language])
          problems.push(
            `channels.whatsapp.templates.${message}.languages.${language}: required (organisation.languages has ${language})`,
          );
  if (whatsapp && Object.keys(whatsapp.templates).length === 0)
    problems.push(
      "channels.whatsapp.templates: declare at least `default` (outside the 24-hour window only templates are delivered)",
    );
  if (config.channels.sms && whatsapp && config.channels.sms.number === whatsapp.number)
    problems.push("channels.whatsapp.number: the same number as channels.sms.number");
  return problems;
}
