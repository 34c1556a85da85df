// The short texts of the procedure's messages to the complainant, for SMS and WhatsApp (issue 17): the words
// are in the catalogs under `sms` (French first), every text carries the reference, none carries what a
// shared phone must not show: for a sensitive case no outcome, no response text, no reasoning (H-D1, H-D3).
// SMS texts are made GSM-7 where they can be and cut to the configured number of segments. Pure.
import type { Kind } from "../domain/complaint.ts";
import type { ComplainantMessage } from "../domain/config.ts";
import { type Language, translate } from "../i18n/i18n.ts";
import type { TemplateData } from "../mail/templates.ts";
import { segmentCount, toGsmFriendly } from "./sms-encoding.ts";

export type ShortTextData = { [T in ComplainantMessage]: TemplateData[T] };

export interface ShortTextOptions {
  /** SMS: the text is made GSM-7 where possible and cut to this many segments. WhatsApp: no limit. */
  maxSegments?: number;
  /** Closing the loop: ask the satisfaction question (answered by a reply "1" to "5"). */
  askSatisfaction?: boolean;
}

/** WhatsApp's limit for a text message body. */
const WHATSAPP_MAX_CHARS = 4096;

const shortDates = new Map<string, Intl.DateTimeFormat>();
/** "07/12/2026" (fr) / "07/12/2026" (en-GB): the local date in the organisation's zone. */
export function shortDate(iso: string, timeZone: string, language: Language): string {
  const key = `${language}|${timeZone}`;
  let f = shortDates.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(translate(language, "format.locale"), {
      timeZone,
      day: "2-digit",
      month: "2-digit",
      year: "numeric",
    });
    shortDates.set(key, f);
  }
  return f.format(new Date(iso));
}

/** The text of one message, and its free part (a staff member's words) that may be cut to fit. */
function parts<T extends ComplainantMessage>(
  template: T,
  language: Language,
  input: ShortTextData[T],
  options: ShortTextOptions,
): { text: (free: string) => string; free: string } {
  const data = input as ShortTextData[ComplainantMessage] & Record<string, unknown>;
  const t = (key: string, values: Record<string, string> = {}) => translate(language, `sms.${key}`, values);
  const date = (iso: unknown) =>
    typeof iso === "string" && iso !== "" ? shortDate(iso, data.timeZone, language) : "-";
  const kind: Kind = data.kind ?? "complaint";
  const base = {
    organisation: data.organisation,
    reference: data.reference,
    your: translate(language, `mail.noun.${kind}.your`),
  };
  const fixed = (text: string) => ({ text: () => text, free: "" });
  switch (template) {
    case "acknowledgement":
      return fixed(t("acknowledgement", { ...base, respondBy: date(data.respondBy) }));
    case "written-notice":
      return fixed(t("writtenNotice", { ...base, respondBy: date(data.respondBy) }));
    case "progress-update":
      return fixed(t("progressUpdate", { ...base, nextUpdateBy: date(data.nextUpdateBy) }));
    case "response": {
      // H-D4: where explanations come first, the text says how to ask for them before how to appeal.
      const appeal =
        typeof data.appealDeadline === "string"
          ? ` ${t(data.explanationsFirst === true ? "explanationsHint" : "appealHint", { appealDeadline: date(data.appealDeadline) })}`
          : "";
      // H-D3: a sensitive case is told only that there is an answer, and how to hear it.
      if (data.sensitive === true) return fixed(`${t("responseSensitive", base)}${appeal}`);
      const outcome = translate(language, `labels.outcome.${String(data.outcome)}`).toLocaleLowerCase(
        language,
      );
      return {
        text: (free) => `${t("response", { ...base, outcome, text: free })}${appeal}`,
        free: String(data.responseText ?? "").trim(),
      };
    }
    case "referral":
      return {
        text: (free) => t("referral", { ...base, note: free }).trim(),
        free: String(data.referralNote ?? "").trim(),
      };
    case "inadmissible":
      return {
        text: (free) => t("inadmissible", { ...base, reason: free }),
        free: String(data.reason ?? "").trim(),
      };
    case "appeal-acknowledgement":
      return fixed(t("appealAcknowledgement", { ...base, decisionBy: date(data.decisionBy) }));
    case "appeal-extension":
      return fixed(t("appealExtension", { ...base, decisionBy: date(data.decisionBy) }));
    case "appeal-decision":
      return fixed(t("appealDecision", { ...base, decision: t(`decision.${String(data.decision)}`) }));
    case "closure":
      return fixed(t(options.askSatisfaction ? "closure" : "closureNoQuestion", base));
    case "answer": {
      // the answer (or the thanks) and the closure in one text; never an outcome nor an appeal.
      const answer = String(data.answerText ?? "").trim();
      if (answer === "") return fixed(t("answerThanks", base));
      return { text: (free) => t("answer", { ...base, text: free }), free: answer };
    }
  }
  throw new Error(`no short text for ${String(template)}`);
}

/**
 * The SMS or WhatsApp text of a message to the complainant. With `maxSegments` (SMS) the text is GSM-7 when
 * it can be, and a staff member's words that would make it longer are cut with a pointer to reply for more.
 */
export function renderShortText<T extends ComplainantMessage>(
  template: T,
  language: Language,
  data: ShortTextData[T],
  options: ShortTextOptions = {},
): string {
  const { text, free } = parts(template, language, data, options);
  const max = options.maxSegments;
  const finish = (s: string) => (max === undefined ? s : toGsmFriendly(s));
  const fits = (s: string) =>
    max === undefined ? Array.from(s).length <= WHATSAPP_MAX_CHARS : segmentCount(s) <= max;
  const whole = finish(text(free));
  if (fits(whole) || free === "") return whole;
  // The longest cut of the free text that fits (binary search on code points).
  const chars = Array.from(free);
  const more = translate(language, "sms.truncated");
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(finish(text(`${chars.slice(0, mid).join("").trimEnd()}${more}`)))) lo = mid;
    else hi = mid - 1;
  }
  return finish(text(`${chars.slice(0, lo).join("").trimEnd()}${more}`));
}
