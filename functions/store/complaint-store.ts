// Complaint persistence on DynamoDB (table design in table-design.ts).
// Every state change and its timeline event are written in one transaction, conditioned on the record's
// version (optimistic locking) and on the event id being new (idempotent retries). References are
// allocated in the same transaction as the case, so a failed creation never burns a number (no gaps).
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import type * as z from "zod";
import {
  type CaseContent,
  type CaseDetails,
  type CaseRecord,
  caseContentSchema,
  caseDetailsSchema,
  caseRecordSchema,
  type DeadlineStep,
  type DetailsPatch,
  emptyDetails,
  type Status,
  type TimelineEvent,
  timelineEventSchema,
} from "../domain/complaint.ts";
import { type CaseCalendar, caseCalendarSchema } from "../domain/live-config.ts";
import { formatReference } from "../domain/reference.ts";
import { lateAtRest, nextDeadlineDay, receivedDay, storedTally, sumTallies } from "../domain/report-tally.ts";
import {
  CaseNotFoundError,
  InvalidPageTokenError,
  StoreValidationError,
  VersionConflictError,
} from "../errors.ts";
import {
  AGGREGATED_IN,
  AggregateStore,
  aggregateUpdate,
  caseAggregateUpdates,
  itemOf,
  LATE_ITEM,
  nextUpdates,
} from "./aggregate-store.ts";
import { indexKeys, keys } from "./keys.ts";
import { INDEX_SET_ENV, type IndexDesign, type IndexSet, indexFor } from "./table-design.ts";

export { CaseNotFoundError, InvalidPageTokenError, StoreValidationError, VersionConflictError };
/** A position in an index (DynamoDB's LastEvaluatedKey): key attributes only, strings. */
export type PageToken = Record<string, string>;

const caseKey = keys.casePartition;
const INTERNAL = new Set([
  "pk",
  "sk",
  "gsi1pk",
  "gsi1sk",
  "gsi2pk",
  "gsi2sk",
  "gsi3pk",
  "gsi3sk",
  "gsi4pk",
  "gsi4sk",
  AGGREGATED_IN,
]);
const MAX_ALLOCATION_ATTEMPTS = 200;

/**
 * Reference allocations of one process, chained per table and year (issue 18). The conditional write on the
 * year's counter keeps the numbers gapless across processes; within one process (the local stack, a burst of 20
 * messages at once) concurrent creations would each read the same number and all but one retry, 5.5 tries per
 * complaint measured: queued, each tries once. A Lambda container handles one event at a time: no change there.
 */
const allocationQueues = new Map<string, Promise<unknown>>();
function oneAllocationAtATime<T>(key: string, allocate: () => Promise<T>): Promise<T> {
  const run = (allocationQueues.get(key) ?? Promise.resolve()).then(allocate);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  allocationQueues.set(key, tail);
  void tail.then(() => {
    if (allocationQueues.get(key) === tail) allocationQueues.delete(key);
  });
  return run;
}
/** Counted for the bench (issue 18): creations and their tries of the counter's conditional write. */
export const allocationStats = { creations: 0, tries: 0 };
const BATCH_GET_MAX = 100;
/** Backfill: cases per transaction (with their day items, 100 actions at most: countInAggregates). */
const BACKFILL_CASES = 60;
/** Backfill: counters per day-item update, so its UpdateExpression stays well under DynamoDB's 4 KB. */
const BACKFILL_COUNTERS = 250;
type TransactItem = NonNullable<
  ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]
>[number];

function validate<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new StoreValidationError(what, issue?.path.join(".") || "(root)", issue?.message ?? "invalid");
  }
  return result.data;
}

function strip(item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (!INTERNAL.has(k) && k !== "expiresAt") out[k] = v;
  return out;
}

/**
 * Fields of the status record left out of the stored item while they hold their empty value, and given it back
 * when read (issue 18): every write of the record is billed by its size in whole kilobytes, and these empty
 * values were about 100 of its 1,000-odd bytes. Absent reads as empty to the index filters too (`contains`,
 * `size`, `=` are false on a missing attribute, as on an empty list or a null).
 */
const EMPTY_FIELDS = {
  closure: null,
  category: null,
  severity: null,
  admissible: null,
  assignee: null,
  responsible: null,
  appealOutcome: null,
  closedAt: null,
  overdue: [],
  flags: [],
  reminders: {},
  appeals: 0,
  appealExtensions: 0,
  attachments: 0,
} as const satisfies Partial<Record<keyof CaseRecord, unknown>>;

const isEmptyValue = (value: unknown, empty: unknown): boolean =>
  value === empty ||
  (Array.isArray(empty) && Array.isArray(value) && value.length === 0) ||
  (empty !== null &&
    typeof empty === "object" &&
    !Array.isArray(empty) &&
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 0);

/** The status record as stored: its empty fields left out (EMPTY_FIELDS). */
function compact(record: CaseRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { ...record };
  for (const [field, empty] of Object.entries(EMPTY_FIELDS))
    if (isEmptyValue(out[field], empty)) delete out[field];
  return out;
}

/** A stored status record read back whole: its internal attributes dropped, its empty fields restored. */
function recordOf(item: Record<string, unknown>): CaseRecord {
  const fields = strip(item);
  for (const [field, empty] of Object.entries(EMPTY_FIELDS))
    if (!(field in fields))
      fields[field] = Array.isArray(empty) ? [] : typeof empty === "object" && empty ? {} : empty;
  return caseRecordSchema.parse(fields);
}

/**
 * Where a case's pinned calendar (issue 12) is kept. "apart": its own item (keys.calendar, issue 18), written
 * once at receipt; "inline": on the status record, as cases received before issue 18 (and every case while the
 * old indexes are read) have it; "none": a case received before calendars were pinned.
 */
export type CalendarPlace = "apart" | "inline" | "none";

/** A status item and its calendar item (either may be missing) as one record, and where the calendar was. */
function withCalendar(
  status: Record<string, unknown>,
  calendar: Record<string, unknown> | undefined,
): { record: CaseRecord; calendarAt: CalendarPlace } {
  if (status.calendar !== undefined) return { record: recordOf(status), calendarAt: "inline" };
  if (!calendar) return { record: recordOf(status), calendarAt: "none" };
  const { pk: _pk, sk: _sk, ...pinned } = calendar;
  return { record: recordOf({ ...status, calendar: pinned }), calendarAt: "apart" };
}

/** Which index partition a listing reads (listPage). */
export type ListSource =
  | { by: "status"; status: Status; newestFirst?: boolean }
  | { by: "assignee"; address: string; newestFirst?: boolean }
  | { by: "open"; newestFirst?: boolean }
  /** One calendar month (UTC) of the byPeriod index, optionally narrowed to [from, to] on receivedAt. */
  | { by: "month"; month: string; from?: string; to?: string; newestFirst?: boolean };

/**
 * A DynamoDB FilterExpression, on the attributes the indexes project (table-design.ts LIST_ATTRIBUTES) only: an
 * attribute an index does not hold reads as absent there.
 */
export interface ListFilter {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

function sourceQuery(
  source: ListSource,
  set: IndexSet,
): {
  index: IndexDesign;
  partition: string;
  sort: string;
  key: string;
  range?: [string, string];
} {
  const on = (index: IndexDesign) => ({ index, partition: index.partitionKey, sort: index.sortKey });
  switch (source.by) {
    case "status":
      return { ...on(indexFor("status", set)), key: indexKeys.byStatus(source.status) };
    case "assignee":
      return {
        ...on(indexFor("assignee", set)),
        key: indexKeys.byAssignee(source.address.toLowerCase()),
      };
    case "open":
      return { ...on(indexFor("deadline", set)), key: indexKeys.open };
    case "month":
      return {
        ...on(indexFor("period", set)),
        key: indexKeys.byPeriod(source.month),
        // The sort key is receivedAt (new) or `<receivedAt>#<reference>` (old): "~" sorts after either.
        ...(source.from || source.to
          ? {
              range: [source.from ?? `${source.month}`, `${source.to ?? `${source.month}-99`}~`] as [
                string,
                string,
              ],
            }
          : {}),
      };
  }
}

/** The index position of an item (what DynamoDB's LastEvaluatedKey holds for a GSI query). */
function positionOf(item: Record<string, unknown>, index: IndexDesign): PageToken {
  return {
    pk: String(item.pk),
    sk: String(item.sk),
    [index.partitionKey]: String(item[index.partitionKey]),
    [index.sortKey]: String(item[index.sortKey]),
  };
}

/** The earliest deadline of a step not completed yet: what the byDeadline and byAssignee indexes sort on. */
export function nextDeadline(record: CaseRecord): string | null {
  if (record.status === "closed") return null;
  let next: string | null = null;
  for (const [step, at] of Object.entries(record.deadlines) as [DeadlineStep, string][]) {
    if (record.met[step] !== undefined) continue;
    if (next === null || at < next) next = at;
  }
  return next;
}

/**
 * The index attributes of a status record (also used by the report seeding of tests and benchmarks). The new
 * indexes sort on attributes the record has anyway (receivedAt, gsi3sk: table-design.ts), so gsi1sk, gsi2sk and
 * gsi4sk, copies of those, are written only while the old indexes are read (`set` legacy): about 130 bytes less
 * in every write of the record (issue 18).
 */
export function indexAttributes(record: CaseRecord, set: IndexSet = "current") {
  const next = nextDeadline(record) ?? "9999";
  const legacy = set === "legacy";
  const attributes: Record<string, string> = {
    gsi1pk: indexKeys.byStatus(record.status),
    gsi4pk: indexKeys.byPeriod(record.receivedAt.slice(0, 7)),
    ...(legacy
      ? {
          gsi1sk: `${record.receivedAt}#${record.reference}`,
          gsi4sk: `${record.receivedAt}#${record.reference}`,
        }
      : {}),
  };
  if (record.assignee && record.status !== "closed") {
    attributes.gsi2pk = indexKeys.byAssignee(record.assignee);
    if (legacy) attributes.gsi2sk = `${next}#${record.reference}`;
  }
  if (record.status !== "closed") {
    attributes.gsi3pk = indexKeys.open;
    attributes.gsi3sk = `${next}#${record.reference}`;
  }
  return attributes;
}

export type NewCase = {
  sourceId: string;
  /** A digest of the request that opened the case (staff API): a replay with another body is told apart. */
  sourceFingerprint?: string;
  record: Omit<CaseRecord, "reference" | "sourceId" | "version" | "updatedAt">;
  content: Omit<CaseContent, "reference">;
  actor: string;
};

export interface Change {
  record?: Partial<Omit<CaseRecord, "reference" | "version" | "sourceId">>;
  content?: Partial<Omit<CaseContent, "reference">>;
  /**
   * H-D1: the private details of a sensitive case (their own item): the fields given are set, `progress` is
   * appended to the notes already kept.
   */
  details?: DetailsPatch;
  /** Required when the status changes; bookkeeping changes (deadlines, assignee) may have none. */
  event?: Omit<TimelineEvent, "at"> & { at?: string };
  /** Further events of the same change (e.g. a reminder and its escalation), each written once. */
  also?: Array<Omit<TimelineEvent, "at"> & { at?: string }>;
  /** Epoch seconds after which DynamoDB may delete the case (T-12 retention), set at closure. */
  expiresAt?: number;
}

const detailsPatchSchema = caseDetailsSchema.omit({ reference: true }).partial();

/** The UpdateItem of a details patch: fields set, progress notes appended (no read needed). */
function detailsUpdate(patch: DetailsPatch) {
  const sets: string[] = [];
  const names: Record<string, string> = { "#r": "reference" };
  const values: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    names[`#${field}`] = field;
    values[`:${field}`] = value;
    sets.push(
      field === "progress"
        ? `#progress = list_append(if_not_exists(#progress, :empty), :progress)`
        : `#${field} = :${field}`,
    );
    if (field === "progress") values[":empty"] = [];
  }
  return { sets, names, values };
}

/** A status record as stored, with what the record leaves out (see `stored`). */
interface StoredRecord {
  record: CaseRecord;
  /** T-12: the expiry (epoch seconds) of a closed case. */
  expiresAt?: number;
  /** Issue 18: the time zone its report counters are kept in (null: not counted yet). */
  aggregatedIn: string | null;
  calendarAt: CalendarPlace;
}

export interface ApplyResult {
  record: CaseRecord;
  /** False when the event had already been written (a retried handler): nothing changed. */
  applied: boolean;
}

export class ComplaintStore {
  /**
   * `timeZone`: the organisation's, in which the report counters of each case are kept per local day of receipt
   * (issue 18, aggregate-store.ts); reports read them only in the time zone they are made in.
   */
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
    /** Issue 18: the indexes queried (the old ones until a deployed table has the new ones filled). */
    private readonly indexSet: IndexSet = "current",
    readonly timeZone = "UTC",
  ) {}

  /**
   * The status record as written: compacted (EMPTY_FIELDS) once the code reads the new indexes; whole before, so
   * that the code released before issue 18, which a failed deploy of an early index stage rolls back to, still
   * reads every record.
   */
  private asStored(record: CaseRecord): Record<string, unknown> {
    if (this.indexSet !== "current") return { ...record };
    // Issue 18: the pinned calendar lives in its own item (keys.calendar), written once.
    const { calendar: _calendar, ...rest } = compact(record);
    return rest;
  }

  /** The Put of a case's calendar item: the same content each time (a calendar never changes), so idempotent. */
  private calendarPut(reference: string, calendar: CaseCalendar): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...keys.calendar(reference), ...validate(caseCalendarSchema, calendar, "case calendar") },
      },
    };
  }

  /**
   * Whether changes move the report counters (issue 18): from the switch stage on. Before it the code writes
   * the records as the released code reads them (its strict schema refuses an unknown `aggregatedIn`), so that
   * a failed early stage can roll back; the backfill, run after the switch, counts the cases of that time.
   */
  private get counts(): boolean {
    return this.indexSet === "current";
  }

  /** Creates a case once per source id; a second call with the same source id returns the first reference. */
  async create(input: NewCase): Promise<{ reference: string; created: boolean }> {
    const existing = await this.referenceForSource(input.sourceId);
    if (existing) return { reference: existing, created: false };
    const at = this.now().toISOString();
    const year = Number(input.record.receivedAt.slice(0, 4));
    // Validate before any write, with a placeholder reference of the right shape.
    const probe = formatReference(year, 1);
    validate(
      caseRecordSchema,
      { ...input.record, reference: probe, sourceId: input.sourceId, version: 1, updatedAt: at },
      "case record",
    );
    validate(caseContentSchema, { ...input.content, reference: probe }, "case content");
    validate(
      timelineEventSchema,
      { id: "received", at, type: "received", actor: input.actor },
      "timeline event",
    );

    return oneAllocationAtATime(`${this.tableName}#${year}`, () => this.allocate(input, year, at));
  }

  /** Takes the year's next number for the case, with the case's items, in one transaction (gapless). */
  private async allocate(
    input: NewCase,
    year: number,
    at: string,
  ): Promise<{ reference: string; created: boolean }> {
    allocationStats.creations += 1;
    for (let attempt = 0; attempt < MAX_ALLOCATION_ATTEMPTS; attempt++) {
      allocationStats.tries += 1;
      const counter = await this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: keys.counter(year),
          ConsistentRead: true,
        }),
      );
      const last = (counter.Item?.value as number | undefined) ?? 0;
      const reference = formatReference(year, last + 1);
      const record: CaseRecord = {
        ...input.record,
        reference,
        sourceId: input.sourceId,
        version: 1,
        updatedAt: at,
      };
      const content: CaseContent = { ...input.content, reference };
      const event: TimelineEvent = {
        id: "received",
        at: input.record.receivedAt,
        type: "received",
        actor: input.actor,
      };
      try {
        await this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.tableName,
                  Key: keys.counter(year),
                  UpdateExpression: "SET #v = :next",
                  ConditionExpression: last === 0 ? "attribute_not_exists(#v)" : "#v = :last",
                  ExpressionAttributeNames: { "#v": "value" },
                  ExpressionAttributeValues:
                    last === 0 ? { ":next": last + 1 } : { ":next": last + 1, ":last": last },
                },
              },
              {
                Put: {
                  TableName: this.tableName,
                  Item: {
                    ...keys.source(input.sourceId),
                    reference,
                    at,
                    ...(input.sourceFingerprint ? { fingerprint: input.sourceFingerprint } : {}),
                  },
                  ConditionExpression: "attribute_not_exists(pk)",
                },
              },
              {
                Put: {
                  TableName: this.tableName,
                  Item: {
                    ...keys.status(reference),
                    ...this.asStored(record),
                    ...indexAttributes(record, this.indexSet),
                    ...(this.counts ? { [AGGREGATED_IN]: this.timeZone } : {}),
                  },
                  ConditionExpression: "attribute_not_exists(pk)",
                },
              },
              {
                Put: {
                  TableName: this.tableName,
                  Item: { ...keys.content(reference), ...content },
                },
              },
              {
                Put: {
                  TableName: this.tableName,
                  Item: { ...keys.event(reference, event.id), ...event },
                },
              },
              // Issue 18: the pinned calendar in its own item, written once, out of the record every step rewrites.
              ...(this.indexSet === "current" && record.calendar
                ? [this.calendarPut(reference, record.calendar)]
                : []),
              // Issue 18: the case's report counters, in the same transaction (a failed creation counts nothing).
              ...(this.counts ? caseAggregateUpdates(this.tableName, this.timeZone, null, record) : []),
            ],
          }),
        );
        return { reference, created: true };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        if (reasons[1]?.Code === "ConditionalCheckFailed") {
          const winner = await this.referenceForSource(input.sourceId);
          if (winner) return { reference: winner, created: false };
        }
        // Another writer took this number (or a transaction conflict): back off with jitter and retry.
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 5 * 2 ** Math.min(attempt, 6))));
      }
    }
    throw new Error(`could not allocate a reference after ${MAX_ALLOCATION_ATTEMPTS} attempts`);
  }

  /** The last case number allocated in `year` (0: none yet). */
  async lastNumber(year: number): Promise<number> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.counter(year), ConsistentRead: true }),
    );
    return Number(out.Item?.value ?? 0);
  }

  /** The case a source opened, with the fingerprint of the request that opened it. */
  async source(sourceId: string): Promise<{ reference: string; fingerprint: string | null } | null> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.source(sourceId),
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return null;
    return {
      reference: String(out.Item.reference),
      fingerprint: (out.Item.fingerprint as string | undefined) ?? null,
    };
  }

  async referenceForSource(sourceId: string): Promise<string | null> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.source(sourceId),
        ConsistentRead: true,
      }),
    );
    return (out.Item?.reference as string | undefined) ?? null;
  }

  /** A case's status record, with its pinned calendar wherever it is kept. */
  async get(reference: string): Promise<CaseRecord | null> {
    return (await this.stored(reference))?.record ?? null;
  }

  async require(reference: string): Promise<CaseRecord> {
    const record = await this.get(reference);
    if (!record) throw new CaseNotFoundError(`no case ${reference}`);
    return record;
  }

  /**
   * The status record with what the record leaves out: its T-12 expiry (epoch seconds, closed cases only) and
   * the time zone its report counters are kept in (null: not counted yet, issue 18).
   */
  private async requireWithExpiry(reference: string): Promise<StoredRecord> {
    const stored = await this.stored(reference);
    if (!stored) throw new CaseNotFoundError(`no case ${reference}`);
    return stored;
  }

  /**
   * The status record and its calendar item (issue 18), by one strongly consistent Query on the sort keys that
   * begin with STATUS: both together are well under 4 KB, so this costs the one read unit that a GetItem of the
   * status record alone did.
   */
  private async stored(reference: string): Promise<StoredRecord | null> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :status)",
        ExpressionAttributeValues: { ":pk": caseKey(reference), ":status": keys.statusPrefix },
        ConsistentRead: true,
      }),
    );
    const items = out.Items ?? [];
    const status = items.find((item) => item.sk === keys.status(reference).sk);
    if (!status) return null;
    const calendar = items.find((item) => item.sk === keys.calendar(reference).sk);
    const expiresAt = typeof status.expiresAt === "number" ? status.expiresAt : undefined;
    const aggregatedIn = status[AGGREGATED_IN];
    return {
      ...withCalendar(status, calendar),
      ...(expiresAt ? { expiresAt } : {}),
      aggregatedIn: typeof aggregatedIn === "string" ? aggregatedIn : null,
    };
  }

  /** The sensitive part: read only for the full view and by the handlers that need it. */
  async getContent(reference: string): Promise<CaseContent> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.content(reference),
        ConsistentRead: true,
      }),
    );
    if (!out.Item) throw new CaseNotFoundError(`no content for ${reference}`);
    return caseContentSchema.parse(strip(out.Item));
  }

  /**
   * T-13 justifications of the given cases (reports: late cases only), read from their content records with
   * that one attribute projected, by BatchGetItem (100 keys a call, unprocessed keys retried with backoff).
   */
  async lateJustifications(references: readonly string[]): Promise<Map<string, string | null>> {
    const out = new Map<string, string | null>();
    const unique = [...new Set(references)];
    for (let i = 0; i < unique.length; i += BATCH_GET_MAX) {
      let batch: Array<Record<string, unknown>> = unique
        .slice(i, i + BATCH_GET_MAX)
        .map((reference) => ({ ...keys.content(reference) }));
      for (let attempt = 0; batch.length > 0; attempt++) {
        if (attempt > 8)
          throw new Error("reports: content records still unprocessed after 8 BatchGet retries");
        const response = await this.doc.send(
          new BatchGetCommand({
            RequestItems: {
              [this.tableName]: {
                Keys: batch,
                ProjectionExpression: "#r, lateJustification",
                ExpressionAttributeNames: { "#r": "reference" },
              },
            },
          }),
        );
        for (const item of response.Responses?.[this.tableName] ?? [])
          out.set(item.reference as string, (item.lateJustification as string | null | undefined) ?? null);
        batch = (response.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Array<Record<string, unknown>>;
        if (batch.length > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      }
    }
    return out;
  }

  /** Status records by reference (BatchGetItem, strongly consistent); missing ones left out. */
  async records(references: readonly string[]): Promise<CaseRecord[]> {
    return [...(await this.statusRecords(references.map((reference) => caseKey(reference)))).values()];
  }

  /** Issue 18: the report counters kept per local day in this store's time zone (aggregate-store.ts). */
  aggregates(): AggregateStore {
    return new AggregateStore(this.doc, this.tableName, this.timeZone);
  }

  /**
   * H-D1: a sensitive case's private details (empty when none were written). Callers check access first
   * (access.ts `investigation`); the workflow reads them to answer the complainant.
   */
  async getDetails(reference: string): Promise<CaseDetails> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.details(reference), ConsistentRead: true }),
    );
    if (!out.Item) return emptyDetails(reference);
    return caseDetailsSchema.parse({ ...emptyDetails(reference), ...strip(out.Item) });
  }

  /** One timeline event by id (a retried handler checks whether its change was already written). */
  async event(reference: string, id: string): Promise<TimelineEvent | null> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.event(reference, id),
        ConsistentRead: true,
      }),
    );
    return out.Item ? timelineEventSchema.parse(strip(out.Item)) : null;
  }

  async timeline(reference: string): Promise<TimelineEvent[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": caseKey(reference), ":prefix": keys.eventPrefix },
      ConsistentRead: true,
    });
    return items
      .map((item) => timelineEventSchema.parse(strip(item)))
      .sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
  }

  /**
   * Writes one change: the record patch, the content patch and the event, in one transaction, only if
   * the record is still at `expected.version` (VersionConflictError otherwise) and the event id is new
   * (otherwise nothing is written and `applied` is false). The case's report counters move in the same
   * transaction (issue 18): `aggregatedIn` is the time zone the stored record is counted in (null: not yet
   * counted), checked by the write, so a wrong guess is a VersionConflictError like a stale version.
   */
  async transition(
    expected: CaseRecord,
    change: Change,
    content?: CaseContent,
    storedExpiresAt?: number,
    aggregatedIn: string | null = this.timeZone,
    /** Where the stored case keeps its calendar (update() knows; unknown: written to its item to be sure). */
    calendarAt?: CalendarPlace,
  ): Promise<ApplyResult> {
    const at = change.event?.at ?? this.now().toISOString();
    const event = change.event
      ? validate(timelineEventSchema, { ...change.event, at }, "timeline event")
      : undefined;
    if (!event && change.record?.status !== undefined && change.record.status !== expected.status)
      throw new StoreValidationError("timeline event", "event", "a status change needs its timeline event");
    const record = validate(
      caseRecordSchema,
      { ...expected, ...change.record, version: expected.version + 1, updatedAt: this.now().toISOString() },
      "case record",
    );
    let nextContent: CaseContent | undefined;
    if (change.content) {
      if (!content) throw new Error("transition: a content change needs the current content");
      nextContent = validate(caseContentSchema, { ...content, ...change.content }, "case content");
    }
    const ref = expected.reference;
    const detailsPatch = change.details
      ? validate(detailsPatchSchema, change.details, "case details")
      : undefined;
    // T-12: the status record is written whole, so its expiry is carried over: a closed case keeps it through
    // every later change (a note, a satisfaction answer, a message); a case that leaves `closed` (reopen, a late
    // appeal) loses it, so that DynamoDB never deletes an open case. The content record follows the same expiry.
    const expiresAt = record.status === "closed" ? (change.expiresAt ?? storedExpiresAt) : undefined;
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]> = [
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.status(ref),
            ...this.asStored(record),
            ...indexAttributes(record, this.indexSet),
            ...(expiresAt ? { expiresAt } : {}),
            // Before the switch stage the mark is only carried over (none is written: see `counts`).
            ...(this.counts
              ? { [AGGREGATED_IN]: this.timeZone }
              : aggregatedIn
                ? { [AGGREGATED_IN]: aggregatedIn }
                : {}),
          },
          ...(this.counts
            ? {
                ConditionExpression:
                  aggregatedIn === this.timeZone
                    ? "version = :v AND #agg = :tz"
                    : "version = :v AND (attribute_not_exists(#agg) OR #agg <> :tz)",
                ExpressionAttributeNames: { "#agg": AGGREGATED_IN },
                ExpressionAttributeValues: { ":v": expected.version, ":tz": this.timeZone },
              }
            : { ConditionExpression: "version = :v", ExpressionAttributeValues: { ":v": expected.version } }),
        },
      },
    ];
    if (event)
      items.push({
        Put: {
          TableName: this.tableName,
          Item: { ...keys.event(ref, event.id), ...event },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      });
    for (const extra of change.also ?? []) {
      const also = validate(timelineEventSchema, { ...extra, at: extra.at ?? at }, "timeline event");
      items.push({
        Put: {
          TableName: this.tableName,
          Item: { ...keys.event(ref, also.id), ...also },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      });
    }
    if (nextContent)
      items.push({
        Put: {
          TableName: this.tableName,
          Item: { ...keys.content(ref), ...nextContent, ...(expiresAt ? { expiresAt } : {}) },
        },
      });
    else if (expiresAt || storedExpiresAt)
      // Closed (or closed again), or reopened: the content record, the personal part, expires with the case.
      items.push({
        Update: {
          TableName: this.tableName,
          Key: keys.content(ref),
          ConditionExpression: "attribute_exists(pk)",
          ...(expiresAt
            ? { UpdateExpression: "SET expiresAt = :e", ExpressionAttributeValues: { ":e": expiresAt } }
            : { UpdateExpression: "REMOVE expiresAt" }),
        },
      });
    if (detailsPatch) {
      const { sets, names, values } = detailsUpdate(detailsPatch);
      if (sets.length > 0)
        items.push({
          Update: {
            TableName: this.tableName,
            Key: keys.details(ref),
            UpdateExpression: `SET #r = :ref, ${sets.join(", ")}`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ":ref": ref, ...values },
          },
        });
    }
    // Issue 18: the status record is written without the calendar; a case that kept it on the record (received
    // before issue 18) has it moved to its own item by the same transaction, so it is never lost between the two.
    if (
      this.indexSet === "current" &&
      record.calendar &&
      (calendarAt !== "apart" || change.record?.calendar !== undefined)
    )
      items.push(this.calendarPut(ref, record.calendar));
    // Last, so that the indexes of the status record (0) and the event (1) in CancellationReasons stay put.
    items.push(
      ...(this.counts
        ? caseAggregateUpdates(this.tableName, this.timeZone, { record: expected, aggregatedIn }, record)
        : []),
    );
    const only = items.length === 1 ? items[0]?.Put : undefined;
    try {
      // Issue 18: a change of the status record alone (bookkeeping: deadlines, an assignee) is one conditional
      // PutItem, which DynamoDB bills at half a transactional write, for the table and for each index.
      if (only) await this.doc.send(new PutCommand(only));
      else await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return { record, applied: true };
    } catch (error) {
      if (only && (error as Error | undefined)?.name === "ConditionalCheckFailedException")
        throw new VersionConflictError(`case ${ref} changed since version ${expected.version}`);
      // A PutItem on an item a transaction is writing (another change's, the backfill's): nothing was written;
      // the SDK does not retry it, update() reads again and does.
      if (only && (error as Error | undefined)?.name === "TransactionConflictException")
        throw new VersionConflictError(`case ${ref}: a transaction in progress on the same item`);
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (event && reasons[1]?.Code === "ConditionalCheckFailed")
        return { record: await this.require(ref), applied: false };
      if (reasons[0]?.Code === "ConditionalCheckFailed")
        throw new VersionConflictError(`case ${ref} changed since version ${expected.version}`);
      // Another case of the same day moved the same day item at the same instant: nothing was written, and
      // update() reads again and retries, as after a version conflict.
      if (reasons.some((r) => r.Code === "TransactionConflict"))
        throw new VersionConflictError(`case ${ref}: a concurrent transaction on the same item`);
      throw error;
    }
  }

  /**
   * Reads, decides and writes, retrying on a version conflict: `decide` sees the latest record (and content
   * when asked) and returns the change, or null for nothing to do.
   */
  async update(
    reference: string,
    decide: (record: CaseRecord, content: CaseContent | undefined) => Change | null,
    options: { withContent?: boolean; attempts?: number } = {},
  ): Promise<ApplyResult> {
    // Conflicts come in bursts (a day item moved by every case of that day at once): enough attempts, with an
    // exponential backoff (full jitter, capped at 1 s), to outlast one, well inside a Lambda's 30 s.
    const attempts = options.attempts ?? 12;
    for (let attempt = 1; ; attempt++) {
      const { record, expiresAt, aggregatedIn, calendarAt } = await this.requireWithExpiry(reference);
      const content = options.withContent ? await this.getContent(reference) : undefined;
      const change = decide(record, content);
      if (!change) return { record, applied: false };
      try {
        return await this.transition(record, change, content, expiresAt, aggregatedIn, calendarAt);
      } catch (error) {
        if (!(error instanceof VersionConflictError) || attempt >= attempts) throw error;
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(1000, 20 * 2 ** attempt)));
      }
    }
  }

  /**
   * Issue 18's backfill: counts in this time zone's day items each of `records` not counted there yet (written
   * before the aggregates existed, or counted in another zone), marking each so it is counted once. Each
   * transaction marks up to BACKFILL_CASES cases, conditioned on their version, and adds their tallies to their
   * day items; a case changed meanwhile is read again, one counted meanwhile is left out. Idempotent. Returns
   * how many cases it counted.
   */
  async countInAggregates(records: readonly CaseRecord[]): Promise<number> {
    if (!this.counts)
      throw new Error(
        "aggregates backfill: the report counters start at the index switch stage; run it after that deploy",
      );
    let counted = 0;
    const pending = [...records];
    while (pending.length > 0) {
      // One transaction's worth: cases in order, until the case or counter budget is spent.
      let chunk: CaseRecord[] = [];
      const counters = new Set<string>();
      const items = new Set<string>();
      while (pending.length > 0 && chunk.length < BACKFILL_CASES) {
        const next = pending[0]!;
        const names = Object.keys(storedTally(next, this.timeZone));
        const day = receivedDay(next.receivedAt, this.timeZone);
        // The day items this case touches (aggregate-store.ts itemOf): with one mark per case, 100 actions at most.
        const nextDay = nextDeadlineDay(next, this.timeZone);
        const touched = [
          ...names.map((name) => `${day}#${itemOf(name) ?? ""}`),
          ...(lateAtRest(next) ? [`${day}#${LATE_ITEM}`] : []),
          ...(nextDay ? [`NEXT#${nextDay}`] : []),
        ];
        const actions = chunk.length + 1 + new Set([...items, ...touched]).size;
        if (chunk.length > 0 && (new Set([...counters, ...names]).size > BACKFILL_COUNTERS || actions > 100))
          break;
        for (const name of names) counters.add(name);
        for (const item of touched) items.add(item);
        chunk.push(pending.shift()!);
      }
      for (let attempt = 0; chunk.length > 0; attempt++) {
        if (attempt > 10)
          throw new Error("aggregates backfill: a transaction kept failing after 10 attempts");
        try {
          await this.doc.send(new TransactWriteCommand({ TransactItems: this.backfillItems(chunk) }));
          counted += chunk.length;
          chunk = [];
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) throw error;
          const reasons = error.CancellationReasons ?? [];
          const next: CaseRecord[] = [];
          for (const [i, record] of chunk.entries()) {
            if (reasons[i]?.Code !== "ConditionalCheckFailed") {
              next.push(record);
              continue;
            }
            const stored = await this.stored(record.reference);
            if (stored && stored.aggregatedIn !== this.timeZone) next.push(stored.record);
          }
          chunk = next;
          await new Promise((r) => setTimeout(r, Math.random() * Math.min(500, 20 * 2 ** attempt)));
        }
      }
    }
    return counted;
  }

  private backfillItems(chunk: readonly CaseRecord[]): TransactItem[] {
    const marks: TransactItem[] = chunk.map((record) => ({
      Update: {
        TableName: this.tableName,
        Key: keys.status(record.reference),
        UpdateExpression: "SET #agg = :tz",
        ConditionExpression: "version = :v AND (attribute_not_exists(#agg) OR #agg <> :tz)",
        ExpressionAttributeNames: { "#agg": AGGREGATED_IN },
        ExpressionAttributeValues: { ":v": record.version, ":tz": this.timeZone },
      },
    }));
    const byDay = new Map<string, CaseRecord[]>();
    for (const record of chunk) {
      const day = receivedDay(record.receivedAt, this.timeZone);
      byDay.set(day, [...(byDay.get(day) ?? []), record]);
    }
    const days = [...byDay].flatMap(([day, list]) =>
      aggregateUpdate(
        this.tableName,
        this.timeZone,
        day,
        sumTallies(list.map((r) => storedTally(r, this.timeZone))),
        {
          add: list.filter(lateAtRest).map((r) => r.reference),
        },
      ),
    );
    // R-5: each open case in the pending count of its next deadline's day.
    const next = new Map<string, number>();
    for (const record of chunk) {
      const day = nextDeadlineDay(record, this.timeZone);
      if (day) next.set(day, (next.get(day) ?? 0) + 1);
    }
    return [...marks, ...days, ...nextUpdates(this.tableName, this.timeZone, next)];
  }

  async byStatus(status: Status, limit = 500): Promise<CaseRecord[]> {
    return this.queryIndex(indexFor("status", this.indexSet), indexKeys.byStatus(status), limit);
  }

  /** The open cases of one assignee (up to `limit`), earliest next deadline first. */
  async byAssignee(address: string, limit = 500): Promise<CaseRecord[]> {
    const records = await this.queryIndex(
      indexFor("assignee", this.indexSet),
      indexKeys.byAssignee(address.toLowerCase()),
      limit,
    );
    // The index sorts by receipt (issue 18: a key that moved with every next deadline was rewritten at every
    // step); one person's open cases are few, so they are put in deadline order here.
    const due = (r: CaseRecord) => nextDeadline(r) ?? "9999";
    return records.sort((a, b) => due(a).localeCompare(due(b)) || a.reference.localeCompare(b.reference));
  }

  /** Open cases, earliest next deadline first; `before` keeps those due before an instant. */
  async openByNextDeadline(before?: string, limit = 1000): Promise<CaseRecord[]> {
    return this.queryIndex(
      indexFor("deadline", this.indexSet),
      indexKeys.open,
      limit,
      before ? { lt: `${before}` } : undefined,
    );
  }

  /**
   * How many open cases have their next deadline before `before` (reports, R-5: the pending list's total): a
   * COUNT Query of the byDeadline index, which reads no record.
   */
  async countOpenBefore(before: string): Promise<number> {
    const index = indexFor("deadline", this.indexSet);
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.name,
          KeyConditionExpression: `${index.partitionKey} = :pk AND ${index.sortKey} < :lt`,
          ExpressionAttributeValues: { ":pk": indexKeys.open, ":lt": before },
          Select: "COUNT",
          ExclusiveStartKey: start,
        }),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return count;
  }

  /** Cases received in [from, to), by month partition of the byPeriod index. */
  async receivedBetween(from: string, to: string): Promise<CaseRecord[]> {
    const months: string[] = [];
    const cursor = new Date(`${from.slice(0, 7)}-01T00:00:00Z`);
    while (cursor.toISOString().slice(0, 7) <= to.slice(0, 7)) {
      months.push(cursor.toISOString().slice(0, 7));
      cursor.setUTCMonth(cursor.getUTCMonth() + 1);
    }
    const out: CaseRecord[] = [];
    const index = indexFor("period", this.indexSet);
    for (const month of months) {
      const items = await this.queryAll({
        TableName: this.tableName,
        IndexName: index.name,
        KeyConditionExpression: `${index.partitionKey} = :pk AND ${index.sortKey} BETWEEN :from AND :to`,
        ExpressionAttributeValues: { ":pk": indexKeys.byPeriod(month), ":from": from, ":to": `${to}` },
      });
      for (const record of await this.recordsOf(items))
        if (record.receivedAt >= from && record.receivedAt < to) out.push(record);
    }
    return out;
  }

  /**
   * One page of a listing over one index partition (never a Scan): up to `limit` cases that pass `filter`
   * (a DynamoDB FilterExpression on the status record) and `keep` (checked here, e.g. what the viewer may see
   * or a text search in the content), reading at most `budget` index entries. `next` is null once the
   * partition is exhausted; otherwise it is the position after the last case read, so following it reaches
   * every case, and a page may hold fewer than `limit` cases while `next` is still set (a bounded search).
   * `after` must be a position of the same partition (InvalidPageTokenError otherwise).
   */
  async listPage(options: {
    source: ListSource;
    limit: number;
    budget?: number;
    after?: PageToken | undefined;
    filter?: ListFilter | undefined;
    keep?: ((records: CaseRecord[]) => Promise<boolean[]>) | undefined;
    /** A test on the whole record, for what the index does not project (status, assignee), before `keep`. */
    match?: ((record: CaseRecord) => boolean) | undefined;
  }): Promise<{ records: CaseRecord[]; next: PageToken | null; read: number }> {
    const { index, partition, key, sort, range } = sourceQuery(options.source, this.indexSet);
    if (options.after && (options.after[partition] !== key || typeof options.after[sort] !== "string"))
      throw new InvalidPageTokenError();
    const budget = Math.max(options.limit, options.budget ?? options.limit * 20);
    const out: CaseRecord[] = [];
    let start: Record<string, unknown> | undefined = options.after;
    let read = 0;
    for (;;) {
      const res = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.name,
          KeyConditionExpression: `${partition} = :pk${range ? ` AND ${sort} BETWEEN :lo AND :hi` : ""}`,
          ExpressionAttributeValues: {
            ":pk": key,
            ...(range ? { ":lo": range[0], ":hi": range[1] } : {}),
            ...options.filter?.values,
          },
          ...(options.filter?.expression
            ? { FilterExpression: options.filter.expression, ExpressionAttributeNames: options.filter.names }
            : {}),
          ScanIndexForward: !options.source.newestFirst,
          // One more than wanted, so a full last page knows whether anything follows it.
          Limit: Math.min(options.limit - out.length + 1, budget - read),
          ExclusiveStartKey: start,
        }),
      );
      read += res.ScannedCount ?? 0;
      const items = res.Items ?? [];
      // The whole records, in index order (null: deleted since the index was read).
      const records = await this.recordsOf(items, { keepMissing: true });
      const matched = records.map((r) => r !== null && (options.match?.(r) ?? true));
      const candidates = records.filter((r, i): r is CaseRecord => r !== null && matched[i] === true);
      const keptCandidates = options.keep ? await options.keep(candidates) : candidates.map(() => true);
      const kept: boolean[] = [];
      let c = 0;
      for (const m of matched) kept.push(m ? keptCandidates[c++] === true : false);
      for (let i = 0; i < items.length; i++) {
        if (kept[i]) out.push(records[i] as CaseRecord);
        const last = i === items.length - 1 && !res.LastEvaluatedKey;
        if (out.length === options.limit)
          return {
            records: out,
            next: last ? null : positionOf(items[i] as Record<string, unknown>, index),
            read,
          };
      }
      if (!res.LastEvaluatedKey) return { records: out, next: null, read };
      start = res.LastEvaluatedKey;
      if (read >= budget) return { records: out, next: start as PageToken, read };
    }
  }

  private async queryIndex(
    index: IndexDesign,
    key: string,
    limit: number,
    range?: { lt: string },
  ): Promise<CaseRecord[]> {
    const items = await this.queryAll(
      {
        TableName: this.tableName,
        IndexName: index.name,
        KeyConditionExpression: range
          ? `${index.partitionKey} = :pk AND ${index.sortKey} < :lt`
          : `${index.partitionKey} = :pk`,
        ExpressionAttributeValues: range ? { ":pk": key, ":lt": range.lt } : { ":pk": key },
      },
      limit,
    );
    return this.recordsOf(items);
  }

  /**
   * The status records of index items, in their order. An index projecting ALL (the old ones) already holds
   * them; the INCLUDE indexes hold the keys, so the records are read by BatchGetItem (100 keys a call,
   * strongly consistent: never older than the index entry that named them), unprocessed keys retried.
   */
  private async recordsOf(items: Record<string, unknown>[]): Promise<CaseRecord[]>;
  private async recordsOf(
    items: Record<string, unknown>[],
    options: { keepMissing: true },
  ): Promise<Array<CaseRecord | null>>;
  private async recordsOf(
    items: Record<string, unknown>[],
    options: { keepMissing?: boolean } = {},
  ): Promise<Array<CaseRecord | null>> {
    if (this.indexSet === "legacy") return items.map((item) => recordOf(item));
    const found = await this.statusRecords(items.map((item) => String(item.pk)));
    const records = items.map((item) => found.get(String(item.pk)) ?? null);
    return options.keepMissing ? records : records.filter((r): r is CaseRecord => r !== null);
  }

  /**
   * The status records of case partitions, by partition key (100 keys a call, unprocessed keys retried). A case
   * received since issue 18 keeps its pinned calendar apart, which listings do not read (a second item per case,
   * billed by BatchGetItem at a read unit each): its record here has no `calendar`. The domain decisions that
   * count deadlines on it get their record from get, require or update, which read the calendar too.
   */
  private async statusRecords(partitions: readonly string[]): Promise<Map<string, CaseRecord>> {
    const found = new Map<string, CaseRecord>();
    const unique = [...new Set(partitions)];
    for (let i = 0; i < unique.length; i += BATCH_GET_MAX) {
      let batch: Array<Record<string, unknown>> = unique
        .slice(i, i + BATCH_GET_MAX)
        .map((pk) => ({ pk, sk: "STATUS" }));
      for (let attempt = 0; batch.length > 0; attempt++) {
        if (attempt > 8) throw new Error("status records still unprocessed after 8 BatchGet retries");
        const response = await this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: batch, ConsistentRead: true } } }),
        );
        for (const item of response.Responses?.[this.tableName] ?? [])
          found.set(String(item.pk), recordOf(item));
        batch = (response.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Array<Record<string, unknown>>;
        if (batch.length > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      }
    }
    return found;
  }

  private async queryAll(input: QueryCommandInput, limit = Number.POSITIVE_INFINITY) {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      // A finite limit is asked of DynamoDB too: a page of 1 MB would read thousands of entries for a few.
      const left = limit - items.length;
      const out = await this.doc.send(
        new QueryCommand({
          ...input,
          ExclusiveStartKey: startKey,
          ...(Number.isFinite(left) ? { Limit: Math.max(1, left) } : {}),
        }),
      );
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey && items.length < limit);
    return items.slice(0, limit);
  }
}

/** Which index set the functions read: the stack sets INDEX_SET_ENV to "legacy" before the switch stage. */
export function indexSetOfEnvironment(env: NodeJS.ProcessEnv = process.env): IndexSet {
  return env[INDEX_SET_ENV] === "legacy" ? "legacy" : "current";
}
