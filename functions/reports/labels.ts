// The words of the reports, in French and English. Category and severity names come from the
// organisation config; everything else is here.
import type { Channel, Closure, DeadlineStep, Kind, Status } from "../domain/complaint.ts";
import type { Language } from "../domain/config.ts";
import type { ReportKind } from "./periods.ts";

type Words = Record<Language, string>;

export const KIND_TITLES: Record<ReportKind, Words> = {
  "weekly-pending": { fr: "Liste hebdomadaire des dossiers en attente", en: "Weekly list of pending cases" },
  monthly: { fr: "Rapport mensuel", en: "Monthly report" },
  quarterly: { fr: "Rapport trimestriel", en: "Quarterly report" },
  annual: { fr: "Rapport annuel d'activité", en: "Annual activity report" },
  custom: { fr: "Rapport", en: "Report" },
};

export const KIND_LABELS: Record<Kind, Words> = {
  complaint: { fr: "Plainte", en: "Complaint" },
  suggestion: { fr: "Suggestion", en: "Suggestion" },
  "information-request": { fr: "Demande d'information", en: "Information request" },
  positive: { fr: "Retour positif", en: "Positive feedback" },
};

export const CHANNEL_LABELS: Record<Channel, Words> = {
  email: { fr: "Courriel", en: "Email" },
  letter: { fr: "Courrier", en: "Letter" },
  phone: { fr: "Téléphone", en: "Phone" },
  "in-person": { fr: "En personne", en: "In person" },
  "suggestion-box": { fr: "Boîte à suggestions", en: "Suggestion box" },
  hotline: { fr: "Ligne d'assistance", en: "Hotline" },
  "staff-report": { fr: "Signalement interne", en: "Staff report" },
};

export const STATUS_LABELS: Record<Status, Words> = {
  received: { fr: "Reçu", en: "Received" },
  acknowledged: { fr: "Accusé de réception envoyé", en: "Acknowledged" },
  triage: { fr: "Trié", en: "Triaged" },
  assigned: { fr: "Attribué", en: "Assigned" },
  investigating: { fr: "En cours de traitement", en: "Being investigated" },
  responded: { fr: "Réponse envoyée", en: "Responded" },
  appeal: { fr: "En recours", en: "Under appeal" },
  closed: { fr: "Clôturé", en: "Closed" },
};

export const CLOSURE_LABELS: Record<Closure | "open", Words> = {
  resolved: { fr: "Résolu", en: "Resolved" },
  referred: { fr: "Orienté ailleurs", en: "Referred elsewhere" },
  inadmissible: { fr: "Irrecevable", en: "Inadmissible" },
  "no-response": { fr: "Sans réponse du plaignant", en: "No reply from the complainant" },
  "appeal-decided": { fr: "Recours tranché", en: "Appeal decided" },
  open: { fr: "Pas encore clôturé", en: "Not closed yet" },
};

export const STEP_LABELS: Record<DeadlineStep, Words> = {
  acknowledge: { fr: "Accusé de réception", en: "Acknowledgement" },
  writtenNotice: { fr: "Avis écrit", en: "Written notice" },
  triage: { fr: "Tri", en: "Triage" },
  assign: { fr: "Attribution", en: "Assignment" },
  contact: { fr: "Contact du plaignant", en: "Contact with the complainant" },
  respond: { fr: "Réponse", en: "Response" },
  appealWindowEnds: { fr: "Délai de recours", en: "Appeal window" },
  appealDecision: { fr: "Décision sur recours", en: "Appeal decision" },
  closure: { fr: "Clôture", en: "Closure" },
};

export const W = {
  organisation: { fr: "Organisation", en: "Organisation" },
  period: { fr: "Période", en: "Period" },
  previousPeriod: { fr: "Période précédente", en: "Previous period" },
  timeZone: { fr: "Fuseau horaire", en: "Time zone" },
  generatedAt: { fr: "Établi le", en: "Generated on" },
  received: { fr: "Dossiers reçus", en: "Cases received" },
  r11Title: {
    fr: "Indicateur R-11 : dossiers traités dans les délais",
    en: "R-11 indicator: cases handled within the set deadlines",
  },
  r11Short: { fr: "traités dans les délais", en: "handled within the deadlines" },
  overall: { fr: "Ensemble (toutes étapes)", en: "Overall (all steps)" },
  step: { fr: "Étape", en: "Step" },
  steps: { fr: "Étapes en retard", en: "Steps overdue" },
  withinDeadline: { fr: "Dans les délais", en: "Within deadline" },
  completed: { fr: "Étapes terminées", en: "Steps completed" },
  casesCompleted: { fr: "Dossiers évalués", en: "Cases assessed" },
  share: { fr: "%", en: "%" },
  previousShare: { fr: "% période précédente", en: "% previous period" },
  change: { fr: "Évolution (points)", en: "Change (points)" },
  trend: { fr: "Évolution de l'indicateur R-11", en: "R-11 indicator over the period" },
  timings: { fr: "Délais de traitement (jours calendaires)", en: "Time taken (calendar days)" },
  measure: { fr: "Mesure", en: "Measure" },
  cases: { fr: "Dossiers", en: "Cases" },
  median: { fr: "Médiane", en: "Median" },
  p90: { fr: "90e centile", en: "90th percentile" },
  timeToAcknowledge: { fr: "Réception → accusé de réception", en: "Receipt → acknowledgement" },
  timeToRespond: { fr: "Réception → réponse", en: "Receipt → response" },
  timingsUnavailable: {
    fr: "Non disponible : les dates de fin d'étape ne sont pas encore enregistrées.",
    en: "Not available: step completion times are not recorded yet.",
  },
  breakdown: { fr: "Répartition des dossiers reçus", en: "Cases received, by" },
  dimension: { fr: "Critère", en: "Dimension" },
  value: { fr: "Valeur", en: "Value" },
  count: { fr: "Nombre", en: "Count" },
  kind: { fr: "Type", en: "Kind" },
  channel: { fr: "Canal", en: "Channel" },
  severity: { fr: "Gravité", en: "Severity" },
  severityNone: { fr: "Non évaluée", en: "Not assessed" },
  status: { fr: "Statut", en: "Status" },
  closure: { fr: "Clôture", en: "Closure" },
  byCategory: { fr: "Par catégorie", en: "By category" },
  category: { fr: "Catégorie", en: "Category" },
  sensitive: { fr: "Sensible", en: "Sensitive" },
  total: { fr: "Total", en: "Total" },
  open: { fr: "Ouverts", en: "Open" },
  closed: { fr: "Clôturés", en: "Closed" },
  overdue: { fr: "En retard", en: "Overdue" },
  respondMet: { fr: "Réponses dans les délais", en: "Responses on time" },
  respondMissed: { fr: "Réponses hors délais", en: "Responses late" },
  respondShare: { fr: "% réponses dans les délais", en: "% responses on time" },
  appealsReferrals: { fr: "Recours et orientations", en: "Appeals and referrals" },
  item: { fr: "Élément", en: "Item" },
  appealsFiled: { fr: "Recours déposés", en: "Appeals filed" },
  appealsDecided: { fr: "Recours tranchés", en: "Appeals decided" },
  appealsUpheld: { fr: "dont décision maintenue", en: "of which upheld" },
  appealsRevised: { fr: "dont décision révisée", en: "of which revised" },
  appealsOpen: { fr: "Recours en cours", en: "Appeals under way" },
  appealsExtended: { fr: "Recours prolongés", en: "Appeals extended" },
  referrals: { fr: "Orientations vers un autre acteur", en: "Referrals elsewhere" },
  referralsClosed: { fr: "dont clôturées", en: "of which closed" },
  pending: { fr: "Dossiers en attente", en: "Pending cases" },
  pendingAsOf: {
    fr: "Dossiers ouverts dont une échéance est dépassée, au",
    en: "Open cases past a deadline, as of",
  },
  reference: { fr: "Référence", en: "Reference" },
  deadline: { fr: "Échéance", en: "Deadline" },
  daysOverdue: { fr: "Jours de retard", en: "Days overdue" },
  assignee: { fr: "Responsable actuel", en: "Current assignee" },
  late: { fr: "Dossiers traités en retard (T-13)", en: "Cases handled late (T-13)" },
  respondedAt: { fr: "Réponse le", en: "Responded on" },
  justified: { fr: "Retard justifié", en: "Delay justified" },
  justification: { fr: "Justification", en: "Justification" },
  lateJustified: { fr: "justifiés", en: "justified" },
  lateUnjustified: { fr: "répondus sans justification", en: "answered without justification" },
  lateAwaiting: { fr: "encore ouverts, réponse attendue", en: "still open, response due" },
  notResponded: { fr: "pas encore répondu", en: "not answered yet" },
  confidential: { fr: "confidentiel", en: "confidential" },
  yes: { fr: "oui", en: "yes" },
  no: { fr: "non", en: "no" },
  none: { fr: "Aucun", en: "None" },
  noData: { fr: "pas de donnée", en: "no data" },
  andMore: { fr: "autres dossiers dans les pièces jointes", en: "more cases in the attachments" },
  legend: { fr: "Légende", en: "Legend" },
  legendSmall: {
    fr: "1 ou 2 dossiers : nombre masqué pour protéger les personnes",
    en: "1 or 2 cases: hidden to protect the people concerned",
  },
  legendComplement: {
    fr: "masqué pour qu'un petit nombre ne puisse pas être recalculé",
    en: "hidden so that a small number cannot be worked out",
  },
  legendSensitive: {
    fr: "Catégories sensibles : nombre de dossiers seulement ; pour un dossier sensible, la référence et l'étape seulement.",
    en: "Sensitive categories: case counts only; for a sensitive case, the reference and the step only.",
  },
  cohort: {
    fr: "Les dossiers sont comptés selon leur date de réception ; leur état est celui du",
    en: "Cases are counted by date of receipt; their state is as of",
  },
  attachments: {
    fr: "Le détail figure dans les pièces jointes (CSV et Excel).",
    en: "The details are in the attachments (CSV and Excel).",
  },
  summarySheet: { fr: "Synthèse", en: "Summary" },
  pendingSheet: { fr: "En attente", en: "Pending" },
  lateSheet: { fr: "En retard", en: "Late" },
  from: { fr: "du", en: "from" },
  to: { fr: "au", en: "to" },
  vsPrevious: { fr: "par rapport à la période précédente", en: "compared with the previous period" },
  points: { fr: "points", en: "points" },
  of: { fr: "sur", en: "of" },
} satisfies Record<string, Words>;
