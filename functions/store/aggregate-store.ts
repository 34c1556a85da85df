// Issue 18: the AGG items, one local day's report counters (functions/reports/tally.ts decides what each case
// adds), kept up to date in the same TransactWriteItems as each change of a case (complaint-store.ts), so they
// cannot drift from the cases. Only this module and complaint-store.ts know their keys. No personal data: a
// counter's name is a vocabulary or category id, or a duration; its value a count.

import type { TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import type { CaseRecord } from "../domain/complaint.ts";
import {
  DUE_PREFIX,
  lateAtRest,
  nextDeadlineDay,
  receivedDay,
  storedTally,
  type Tally,
  tallyDelta,
  tallySchema,
} from "../domain/report-tally.ts";
import { keys } from "./keys.ts";

type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/**
 * The status record's attribute naming the time zone whose day items count the case. Absent on a case written
 * before the aggregates existed (or counted in another zone): its next change adds it whole, and the backfill
 * counts the rest.
 */
export const AGGREGATED_IN = "aggregatedIn";

/** The day item's set of the references of its cases late at rest (lateAtRest): a string set, never a counter. */
const LATE = "late";

/** Which references join or leave a day's late set. */
export interface LateChange {
  add?: readonly string[];
  remove?: readonly string[];
}

/** The day's item of its deadline-day counters. */
export const DUE_ITEM = "due";

/** Histogram items per step and day: a day's duration bins spread over them (see itemOf). */
const HISTOGRAM_ITEMS = 4;

/**
 * Which item of a day a counter lives in (undefined: the counters item). DynamoDB bills a write by the size of
 * the whole item, so what a change does not move lives apart: the histograms of completion times, by duration
 * bin ("t.<step>.<bin>", report-tally.ts durationBin: at most some 140 bins in use per step and day), in
 * HISTOGRAM_ITEMS items per step (DAY#<date>#respond#<bin mod 4>: under 1 KB each), written only when a
 * completion instant changes; the deadline-day counters ("due.<day>.<name>") in DAY#<date>#due, written when
 * a case's undecided deadlines, category or R-11 state change; the late references in DAY#<date>#late, written
 * only when a case becomes late or stops being. A status change writes the counters item (about 2 KB at most: a
 * hundred counters) and the due item.
 */
export function itemOf(name: string): string | undefined {
  if (name.startsWith(DUE_PREFIX)) return DUE_ITEM;
  for (const step of ["acknowledge", "respond"]) {
    const prefix = `t.${step}.`;
    if (name.startsWith(prefix)) {
      const bin = Math.abs(Math.trunc(Number(name.slice(prefix.length))));
      return `${step}#${bin % HISTOGRAM_ITEMS}`;
    }
  }
  return undefined;
}

/** The day's item of its late references. */
export const LATE_ITEM = "late";

/**
 * The UpdateItems adding `delta` to one day's counters (each in its item: itemOf) and moving references in or
 * out of the day's late set (ADD creates an item, a counter at 0 and the set); none when nothing changes. One
 * case's change touches a handful of items, so one transaction holds them with the case's own writes.
 */
export function aggregateUpdate(
  tableName: string,
  timeZone: string,
  day: string,
  delta: Tally,
  late: LateChange = {},
): TransactItem[] {
  const groups = new Map<string | undefined, Array<[string, number]>>([[undefined, []]]);
  for (const [name, value] of Object.entries(delta)) {
    if (value === 0) continue;
    const item = itemOf(name);
    groups.set(item, [...(groups.get(item) ?? []), [name, value]]);
  }
  const out: TransactItem[] = [];
  const update = (item: string | undefined, expression: string, names: object, values: object) =>
    out.push({
      Update: {
        TableName: tableName,
        Key: keys.aggregateDay(timeZone, day, item),
        UpdateExpression: expression,
        ExpressionAttributeNames: names as Record<string, string>,
        ExpressionAttributeValues: values as Record<string, unknown>,
      },
    });
  for (const [item, entries] of groups) {
    if (entries.length === 0) continue;
    const names: Record<string, string> = {};
    const values: Record<string, number> = {};
    const parts = entries.map(([name, value], i) => {
      names[`#c${i}`] = name;
      values[`:c${i}`] = value;
      return `#c${i} :c${i}`;
    });
    update(item, `ADD ${parts.join(", ")}`, names, values);
  }
  // The late references have their item too (written only when a case becomes late or stops being late).
  const add = late.add ?? [];
  const remove = late.remove ?? [];
  if (add.length > 0 || remove.length > 0)
    update(
      LATE_ITEM,
      [
        ...(add.length > 0 ? ["ADD #late :lateIn"] : []),
        ...(remove.length > 0 ? ["DELETE #late :lateOut"] : []),
      ].join(" "),
      { "#late": LATE },
      {
        ...(add.length > 0 ? { ":lateIn": new Set(add) } : {}),
        ...(remove.length > 0 ? { ":lateOut": new Set(remove) } : {}),
      },
    );
  return out;
}

/** The late-set change of a case between two states (null: not there). */
function lateChange(reference: string, before: CaseRecord | null, after: CaseRecord | null): LateChange {
  const was = before !== null && lateAtRest(before);
  const is = after !== null && lateAtRest(after);
  return was === is ? {} : is ? { add: [reference] } : { remove: [reference] };
}

/** The pending count's day items (keys.aggregateNext): `by` added to each day's count. */
export function nextUpdates(
  tableName: string,
  timeZone: string,
  by: ReadonlyMap<string, number>,
): TransactItem[] {
  return [...by]
    .filter(([, n]) => n !== 0)
    .map(([day, n]) => ({
      Update: {
        TableName: tableName,
        Key: keys.aggregateNext(timeZone, day),
        UpdateExpression: "ADD #n :n",
        ExpressionAttributeNames: { "#n": "n" },
        ExpressionAttributeValues: { ":n": n },
      },
    }));
}

/** What one change moves in the pending count: its next deadline's day, before and after. */
function nextChange(before: CaseRecord | null, after: CaseRecord, timeZone: string): Map<string, number> {
  const by = new Map<string, number>();
  const was = before ? nextDeadlineDay(before, timeZone) : null;
  const is = nextDeadlineDay(after, timeZone);
  if (was === is) return by;
  if (was !== null) by.set(was, -1);
  if (is !== null) by.set(is, 1);
  return by;
}

/**
 * The day-item updates of one change of a case: the difference of its tallies when it was already counted in
 * `timeZone` (two days if its date of receipt moved), else its whole new tally.
 */
export function caseAggregateUpdates(
  tableName: string,
  timeZone: string,
  before: { record: CaseRecord; aggregatedIn: string | null } | null,
  after: CaseRecord,
): TransactItem[] {
  const dayAfter = receivedDay(after.receivedAt, timeZone);
  let updates: TransactItem[][];
  if (before && before.aggregatedIn === timeZone) {
    const dayBefore = receivedDay(before.record.receivedAt, timeZone);
    updates =
      dayBefore === dayAfter
        ? [
            aggregateUpdate(
              tableName,
              timeZone,
              dayAfter,
              tallyDelta(before.record, after, timeZone),
              lateChange(after.reference, before.record, after),
            ),
          ]
        : [
            aggregateUpdate(
              tableName,
              timeZone,
              dayBefore,
              tallyDelta(before.record, null, timeZone),
              lateChange(after.reference, before.record, null),
            ),
            aggregateUpdate(
              tableName,
              timeZone,
              dayAfter,
              tallyDelta(null, after, timeZone),
              lateChange(after.reference, null, after),
            ),
          ];
  } else
    updates = [
      aggregateUpdate(
        tableName,
        timeZone,
        dayAfter,
        storedTally(after, timeZone),
        lateChange(after.reference, null, after),
      ),
    ];
  const counted = before && before.aggregatedIn === timeZone ? before.record : null;
  return [...updates.flat(), ...nextUpdates(tableName, timeZone, nextChange(counted, after, timeZone))];
}

/** One day item as a report reads it. */
export interface DayAggregate {
  counters: Tally;
  /** References of the day's cases late at rest. */
  late: string[];
}

const lateSchema = z
  .union([z.set(z.string()), z.array(z.string())])
  .optional()
  .transform((v) => [...(v ?? [])].sort());

/** Reads the day items of one time zone (reports) and the mark that its backfill finished. */
export class AggregateStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
    readonly timeZone: string,
  ) {}

  /**
   * Whether every case is counted in this time zone's day items: set by the backfill once it has counted the
   * cases written before the aggregates existed. Without it a report recounts from the cases.
   */
  async ready(): Promise<boolean> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.aggregateReady(this.timeZone),
        ConsistentRead: true,
      }),
    );
    return out.Item !== undefined;
  }

  async markReady(at: string, counted: number): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.aggregateReady(this.timeZone), at, counted },
      }),
    );
  }

  /**
   * how many open cases have their next deadline before the local day `day` (the pending list's count):
   * the pending-count items of the days before it, one Query of small items.
   */
  async openBefore(day: string): Promise<number> {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
          ExpressionAttributeValues: {
            ":pk": keys.aggregatePartition(this.timeZone),
            ":from": keys.aggregateNextPrefix,
            ":to": `${keys.aggregateNextPrefix}${day}`,
          },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? [])
        if (item.sk !== `${keys.aggregateNextPrefix}${day}`) count += Number(item.n ?? 0);
      start = page.LastEvaluatedKey;
    } while (start);
    return count;
  }

  /** The counters of each local day in [fromDay, toDay] (YYYY-MM-DD) that has any: one Query, paged by DynamoDB. */
  async days(fromDay: string, toDay: string): Promise<Map<string, DayAggregate>> {
    const out = new Map<string, DayAggregate>();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
          ExpressionAttributeValues: {
            ":pk": keys.aggregatePartition(this.timeZone),
            ":from": `${keys.aggregateDayPrefix}${fromDay}`,
            // "~" sorts after the day's other items (DAY#<date>#acknowledge#<n>, #late, #respond#<n>).
            ":to": `${keys.aggregateDayPrefix}${toDay}#~`,
          },
          // The counters move in the cases' transactions: a consistent read sees every committed one.
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const { pk: _pk, sk, [LATE]: late, ...counters } = item;
        const day = String(sk).slice(keys.aggregateDayPrefix.length).split("#")[0] ?? "";
        const kept = out.get(day) ?? { counters: {}, late: [] };
        // A day's items hold different counters: their union is the day's tally.
        Object.assign(kept.counters, tallySchema.parse(counters));
        kept.late.push(...lateSchema.parse(late));
        out.set(day, kept);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }
}
