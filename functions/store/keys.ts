// Every key of the one table, built here and nowhere else (table-design.ts lists the item kinds). Pure: no
// AWS import, so the store, the mailer, the intake, the task links and the reports share the spelling.

export interface ItemKey {
  pk: string;
  sk: string;
}

const casePk = (reference: string) => `CASE#${reference}`;

export const keys = {
  /** The partition holding a case's records, events, outbox, link pointers and submissions. */
  casePartition: casePk,
  /** The status record: no personal data (H-D1). */
  status: (reference: string): ItemKey => ({ pk: casePk(reference), sk: "STATUS" }),
  /**
   * Issue 18: the calendar the case pinned at receipt (issue 12), written once beside the status record. Its sort
   * key begins with the status record's, so one Query (`begins_with(sk, statusPrefix)`) reads both.
   */
  calendar: (reference: string): ItemKey => ({ pk: casePk(reference), sk: "STATUS#CALENDAR" }),
  statusPrefix: "STATUS",
  /** The content record: complainant, description, investigation details (H-D1, T-8). */
  content: (reference: string): ItemKey => ({ pk: casePk(reference), sk: "CONTENT" }),
  /** H-D1: a sensitive case's investigation details, read only by the people access.ts names. */
  details: (reference: string): ItemKey => ({ pk: casePk(reference), sk: "DETAILS" }),
  eventPrefix: "EVENT#",
  event: (reference: string, id: string): ItemKey => ({ pk: casePk(reference), sk: `EVENT#${id}` }),
  /** One outgoing email about a case, sent once. */
  outbox: (reference: string, emailKey: string): ItemKey => ({
    pk: casePk(reference),
    sk: `OUTBOX#${emailKey}`,
  }),
  /** The T-1 filing instructions sent for an oral complaint (no case: keyed by its source). */
  filingOutbox: (sourceId: string): ItemKey => ({
    pk: `SOURCE#${sourceId}`,
    sk: "OUTBOX#filing-instructions",
  }),
  /** A scheduled report, sent once per kind and period. */
  reportOutbox: (kind: string, period: string): ItemKey => ({ pk: `REPORT#${kind}#${period}`, sk: "OUTBOX" }),
  /** Creation idempotency: a source id (SES message, Idempotency-Key) to the case it opened. */
  source: (sourceId: string): ItemKey => ({ pk: `SOURCE#${sourceId}`, sk: "SOURCE" }),
  /** T-1: an oral complaint answered with filing instructions (no case opened). */
  filing: (sourceId: string): ItemKey => ({ pk: `SOURCE#${sourceId}`, sk: "FILING" }),
  /** The last case reference number of a year. */
  counter: (year: number | string): ItemKey => ({ pk: `COUNTER#${year}`, sk: "COUNTER" }),
  /** The number of T-1 filings of a year (their own sequence, never a case reference). */
  filingCounter: (year: number | string): ItemKey => ({ pk: `FILING#${year}`, sk: "COUNTER" }),
  /** A task link, by the hash of its id only. */
  link: (idHash: string): ItemKey => ({ pk: `LINK#${idHash}`, sk: "LINK" }),
  /** The current link of a case's step, so a re-issue revokes the old one. */
  linkPointer: (reference: string, step: string): ItemKey => ({
    pk: casePk(reference),
    sk: `LINKPTR#${step}`,
  }),
  linkPointerPrefix: "LINKPTR#",
  submissionPrefix: "SUBMISSION#",
  /** A decision posted on a task page, waiting for the workflow to apply it. */
  submission: (reference: string, id: string): ItemKey => ({ pk: casePk(reference), sk: `SUBMISSION#${id}` }),
  viewPrefix: "VIEW#",
  /** One opening of a case's details in the console (who saw what, when). */
  view: (reference: string, at: string, who: string): ItemKey => ({
    pk: casePk(reference),
    sk: `VIEW#${at}#${who}`,
  }),
  /** What became of one inbound message (RECEIPT, NOISE or QUARANTINE). */
  inboxPartition: (messageId: string) => `INBOX#${messageId}`,
  inbox: (messageId: string, kind: string): ItemKey => ({ pk: `INBOX#${messageId}`, sk: kind }),
  /**
   * Issue 17: the open case of one phone number on one channel (SMS, WhatsApp), by a keyed hash of the
   * number (never the number itself), with the time of its last inbound message (WhatsApp's 24-hour window).
   */
  conversation: (channel: string, phoneHash: string): ItemKey => ({
    pk: `CONVERSATION#${channel}#${phoneHash}`,
    sk: "CONVERSATION",
  }),
  /** Issue 17: a number that sent STOP (or ARRET): no SMS goes to it any more. */
  optOut: (phoneHash: string): ItemKey => ({ pk: `OPTOUT#${phoneHash}`, sk: "OPTOUT" }),
  /** A web case's receipt code, as a salted scrypt hash (functions/public/receipt.ts). */
  receipt: (reference: string): ItemKey => ({ pk: casePk(reference), sk: "RECEIPT" }),
  /** Issue 16: a web form's human check, spent once, by the hash of its id (TTL: the check's validity). */
  humanCheck: (idHash: string): ItemKey => ({ pk: `HUMANCHECK#${idHash}`, sk: "HUMANCHECK" }),
  /** A public page's rate-limit window for one keyed hash of (bucket, address, window) (TTL). */
  throttle: (hash: string): ItemKey => ({ pk: `THROTTLE#${hash}`, sk: "THROTTLE" }),
  /**
   * Issue 18: the report counters of the cases received on one local day (functions/reports/tally.ts), in the
   * organisation's time zone; one partition per time zone, so a period's days are one Query.
   */
  aggregatePartition: (timeZone: string) => `AGG#${timeZone}`,
  aggregateDayPrefix: "DAY#",
  /** `part`: the day's item of one step's completion times (kept apart: they grow with the day's cases). */
  aggregateDay: (timeZone: string, day: string, part?: string): ItemKey => ({
    pk: `AGG#${timeZone}`,
    sk: part ? `DAY#${day}#${part}` : `DAY#${day}`,
  }),
  /**
   * Issue 18: how many open cases have their next deadline (any step) on one local day: the pending list's count
   * is the sum of the days before the report's, with no record or index entry read.
   */
  aggregateNextPrefix: "NEXT#",
  aggregateNext: (timeZone: string, day: string): ItemKey => ({ pk: `AGG#${timeZone}`, sk: `NEXT#${day}` }),
  /** Issue 18: written when every case is counted in that time zone's days (the backfill finished). */
  aggregateReady: (timeZone: string): ItemKey => ({ pk: `AGG#${timeZone}`, sk: "READY" }),
  /** Issue 12: the live part of the organisation config now in force (the last `cfm config push`). */
  configCurrent: { pk: "CONFIG", sk: "CURRENT" } as ItemKey,
  /** Issue 12: one pushed version of the live config, never changed (the history of pushes). */
  configVersion: (version: number): ItemKey => ({
    pk: "CONFIG",
    sk: `VERSION#${String(version).padStart(10, "0")}`,
  }),
} as const;

/** Index partition values (table-design.ts INDEXES). */
export const indexKeys = {
  byStatus: (status: string) => `STATUS#${status}`,
  /** Inbound mail that opened no case, listed for the officer on the byStatus index. */
  inboxList: (kind: string) => `INBOX#${kind}`,
  byAssignee: (address: string) => `ASSIGNEE#${address}`,
  /** Sparse: only open cases carry it. */
  open: "OPEN",
  byPeriod: (month: string) => `RECEIVED#${month}`,
} as const;
