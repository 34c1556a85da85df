// Words and formats of the console pages (French first). Category and severity names come from the config;
// the labels shared with the reports come from functions/reports/labels.ts.
import {
  type CaseRecord,
  CHANNELS,
  CLOSURES,
  DEADLINE_STEPS,
  type DeadlineStep,
  KINDS,
  STATUSES,
} from "../domain/complaint.ts";
import type { DeadlineRule, OrgConfig } from "../domain/config.ts";
import { respondRule } from "../domain/deadlines.ts";
import { parseDuration } from "../domain/duration.ts";
import { type Language, translate } from "../i18n/i18n.ts";
import { type LabelGroup, label } from "../i18n/labels.ts";
import type { TaskAction } from "../tasks/forms.ts";

/** The shared labels (catalog group `labels`), French, by id. */
function labels<T extends string>(group: LabelGroup, ids: readonly T[]): Record<T, { fr: string }> {
  return Object.fromEntries(ids.map((id) => [id, { fr: label("fr", group, id as never) }])) as Record<
    T,
    { fr: string }
  >;
}
export const CHANNEL_LABELS = labels("channel", CHANNELS);
export const KIND_LABELS = labels("kind", KINDS);
export const STATUS_LABELS = labels("status", STATUSES);
export const CLOSURE_LABELS = labels("closure", [...CLOSURES, "open"] as const);
export const STEP_LABELS = labels("step", DEADLINE_STEPS);

export const TASK_LABELS: Record<TaskAction, string> = {
  triage: "Trier la plainte",
  assignment: "Examiner et attribuer",
  contact: "Contacter le plaignant",
  progress: "Noter l'avancement",
  conclusion: "Conclure et répondre",
  "appeal-decision": "Décider de l'appel",
  closure: "Vérifier et clôturer",
  appeal: "Faire appel de la décision",
};

export const EVENT_LABELS: Record<string, string> = {
  received: "Reçue",
  acknowledged: "Accusé de réception envoyé",
  triaged: "Triée",
  notified: "Notification envoyée",
  assigned: "Attribuée",
  delegated: "Déléguée",
  contacted: "Plaignant contacté",
  progress: "Avancement noté",
  message: "Message du plaignant",
  responded: "Réponse envoyée",
  "appeal-filed": "Appel déposé",
  "appeal-extended": "Délai de l'appel prolongé",
  "appeal-decided": "Appel tranché",
  reminder: "Rappel",
  escalated: "Escalade",
  closed: "Clôturé",
  note: "Note du coordinateur",
  reassigned: "Étape confiée à une autre personne",
  resumed: "Dossier repris par le coordinateur",
  retriaged: "Tri corrigé",
  reopened: "Dossier rouvert",
  "receipt-issued": "Code de suivi remis au plaignant",
};

export const FLAG_LABELS: Record<string, string> = {
  "suspected-spam": "Spam suspecté",
  "sender-unverified": "Expéditeur non vérifié",
  unreadable: "Illisible",
  "attachment-oversized": "Pièce jointe trop volumineuse",
  "sender-recovered": "Adresse de l'expéditeur retrouvée",
  "no-reply-address": "Aucune adresse de réponse",
  "unknown-sender": "Message d'un expéditeur inconnu",
  "content-sanitised": "Contenu corrigé à la réception",
  "needs-attention": "Demande une action du coordinateur",
  "conflict-of-interest": "Conflit d'intérêts",
  late: "En retard",
};

export const OUTCOME_LABELS: Record<string, string> = {
  founded: label("fr", "outcome", "founded"),
  unfounded: label("fr", "outcome", "unfounded"),
  "partly-founded": label("fr", "outcome", "partly-founded"),
};

const dateTime = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string, withTime: boolean, locale = "fr-FR"): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${withTime}`;
  let found = dateTime.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(locale, {
      timeZone,
      day: "numeric",
      month: "short",
      year: "numeric",
      ...(withTime ? { hour: "2-digit", minute: "2-digit" } : {}),
    });
    dateTime.set(key, found);
  }
  return found;
}

/** "3 déc. 2026" or "3 déc. 2026, 14:05" in the organisation's time zone. */
export function when(
  iso: string | null | undefined,
  timeZone: string,
  withTime = false,
  language: Language = "fr",
): string {
  if (!iso) return "–";
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? "–"
    : formatter(timeZone, withTime, translate(language, "format.locale")).format(date);
}

/** The shared vocabulary's labels and dates in the console's language (catalog groups `labels`, `format`). */
export function vocabulary(language: Language) {
  return {
    channel: (id: CaseRecord["channel"]) => label(language, "channel", id),
    kind: (id: CaseRecord["kind"]) => label(language, "kind", id),
    status: (id: CaseRecord["status"]) => label(language, "status", id),
    closure: (id: NonNullable<CaseRecord["closure"]>) => label(language, "closure", id),
    step: (id: DeadlineStep) => label(language, "step", id),
    category: (config: OrgConfig, id: string | null) =>
      id
        ? (config.categories.find((c) => c.id === id)?.label[language] ?? id)
        : translate(language, "console.untriaged"),
    when: (iso: string | null | undefined, timeZone: string, withTime = false) =>
      when(iso, timeZone, withTime, language),
  };
}
export type Vocabulary = ReturnType<typeof vocabulary>;

const UNITS: Array<[keyof ReturnType<typeof parseDuration>, string, string]> = [
  ["years", "an", "ans"],
  ["months", "mois", "mois"],
  ["weeks", "semaine", "semaines"],
  ["days", "jour", "jours"],
  ["hours", "heure", "heures"],
  ["minutes", "minute", "minutes"],
];

/** "6 semaines", "3 jours ouvrés", from a configured deadline rule. */
export function describeRule(rule: DeadlineRule): string {
  const parts = parseDuration(rule.duration) as unknown as Record<string, number | undefined>;
  const words = UNITS.filter(([unit]) => (parts[unit] ?? 0) > 0).map(([unit, one, many]) => {
    const n = parts[unit] ?? 0;
    return `${n} ${n > 1 ? many : one}`;
  });
  const text = words.join(" ") || rule.duration;
  return rule.days === "working" ? `${text} (jours ouvrés)` : `${text} (jours calendaires)`;
}

/** Each view deadline: its rule and what it counts from (how the date was computed). */
export function deadlineBasis(
  config: OrgConfig,
  record: CaseRecord,
  step: DeadlineStep,
): { text: string; working: boolean } | null {
  const d = config.deadlines;
  const rules: Partial<Record<DeadlineStep, [DeadlineRule | undefined, string]>> = {
    acknowledge: [d.acknowledge, "la réception"],
    writtenNotice: [d.writtenNotice, "la réception"],
    triage: [d.triage, "la réception"],
    assign: [d.assign, "le tri"],
    contact: [d.contact, "la réception"],
    respond: [
      respondRule(config, record.severity),
      record.severity ? "la réception (selon la gravité)" : "la réception",
    ],
    appealWindowEnds: [d.appealWindow, "la réponse"],
    appealDecision: [d.appealDecision, "l'appel"],
    closure: [d.closure, "la réponse"],
  };
  const found = rules[step];
  if (!found?.[0]) return null;
  return { text: `${describeRule(found[0])} à compter de ${found[1]}`, working: found[0].days === "working" };
}

/** The organisation's holidays between two instants (skipped by working-day deadlines). */
export function holidaysBetween(config: OrgConfig, from: string, to: string): string[] {
  const start = from.slice(0, 10);
  const end = to.slice(0, 10);
  return config.organisation.holidays.filter((day) => day >= start && day <= end);
}

export function categoryLabel(config: OrgConfig, id: string | null): string {
  if (!id) return "Pas encore triée";
  return config.categories.find((c) => c.id === id)?.label.fr ?? id;
}

export function severityLabel(config: OrgConfig, id: string | null): string {
  if (!id) return "–";
  return config.severities.find((s) => s.id === id)?.label.fr ?? id;
}

export function staffName(config: OrgConfig, address: string | null): string {
  if (!address) return "–";
  const member = config.staff.find((s) => s.address === address);
  return member ? `${member.name} (${address})` : address;
}
