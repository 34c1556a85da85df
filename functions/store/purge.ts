// T-12: the case's items for the purge (functions/retention/purge-case.ts, which erases a case whole): whether
// it is expired, every item of its partition, the evidence its content record points to in S3, and the
// deletion of the items, the content last. Only this module knows how a case's partition is laid out.
import { BatchWriteCommand, GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { PurgeIncompleteError } from "../errors.ts";
import { keys } from "./keys.ts";
import type { Table } from "./table.ts";

/** What the purge needs of a content record: where the case's evidence is in S3. */
export interface Evidence {
  rawMessageKey: string | null;
  attachments: ReadonlyArray<{ key: string; oversized: boolean }>;
  messages: ReadonlyArray<{
    rawMessageKey: string;
    attachments?: ReadonlyArray<{ key: string; oversized: boolean }> | undefined;
  }>;
}

const file = z.object({ key: z.string(), oversized: z.boolean() });
/** The evidence fields of a content item (extra fields ignored: the purge reads no personal data). */
const evidenceSchema = z.object({
  rawMessageKey: z.string().nullable(),
  attachments: z.array(file),
  messages: z.array(z.object({ rawMessageKey: z.string(), attachments: z.array(file).optional() })),
});

/** The same fields in a stream record's image (DynamoDB JSON), for a content record the TTL removed. */
const s = z.object({ S: z.string() });
const fileImage = z.object({ M: z.object({ key: s, oversized: z.object({ BOOL: z.boolean() }) }) });
const evidenceImage = z.object({
  rawMessageKey: z.union([s, z.object({ NULL: z.literal(true) })]).optional(),
  attachments: z.object({ L: z.array(fileImage) }).optional(),
  messages: z
    .object({
      L: z.array(
        z.object({
          M: z.object({ rawMessageKey: s, attachments: z.object({ L: z.array(fileImage) }).optional() }),
        }),
      ),
    })
    .optional(),
});

export function evidenceFromImage(image: unknown): Evidence {
  const parsed = evidenceImage.parse(image);
  const files = (list?: { L: Array<z.infer<typeof fileImage>> }) =>
    (list?.L ?? []).map((f) => ({ key: f.M.key.S, oversized: f.M.oversized.BOOL }));
  return {
    rawMessageKey: parsed.rawMessageKey && "S" in parsed.rawMessageKey ? parsed.rawMessageKey.S : null,
    attachments: files(parsed.attachments),
    messages: (parsed.messages?.L ?? []).map((m) => ({
      rawMessageKey: m.M.rawMessageKey.S,
      attachments: files(m.M.attachments),
    })),
  };
}

const BATCH_WRITE = 25;

/** The items of an expired case, in the order they are deleted (the content last), and its evidence. */
export interface ExpiredCase {
  evidence: Evidence | undefined;
  /** Opaque to the caller: what deleteCaseItems deletes. */
  readonly items: ReadonlyArray<{ pk: unknown; sk: unknown }>;
}

/**
 * An expired case's items (T-12): null when its status record is there and not past its expiry (a reopened
 * case, say). The status and content records carry the same TTL and DynamoDB deletes them in no set order.
 */
export async function expiredCaseItems(
  table: Table,
  reference: string,
  nowSeconds: number,
): Promise<ExpiredCase | null> {
  const status = (
    await table.doc.send(
      new GetCommand({ TableName: table.tableName, Key: keys.status(reference), ConsistentRead: true }),
    )
  ).Item;
  if (status && !(typeof status.expiresAt === "number" && status.expiresAt <= nowSeconds)) return null;
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.doc.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": keys.casePartition(reference) },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  const contentItem = items.find((item) => item.sk === keys.content(reference).sk);
  return {
    evidence: contentItem ? evidenceSchema.parse(contentItem) : undefined,
    // The content last: it lists the S3 objects, and stays until they and the rest are gone.
    items: [...items.filter((i) => i !== contentItem), ...(contentItem ? [contentItem] : [])].map((i) => ({
      pk: i.pk,
      sk: i.sk,
    })),
  };
}

/** Deletes the items of an expired case, in order, retrying what DynamoDB leaves unprocessed. */
export async function deleteCaseItems(
  table: Table,
  reference: string,
  expired: ExpiredCase,
): Promise<number> {
  const ordered = expired.items;
  for (let i = 0; i < ordered.length; i += BATCH_WRITE) {
    let requests = ordered
      .slice(i, i + BATCH_WRITE)
      .map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt === 5)
        throw new PurgeIncompleteError(`${reference}: items still unprocessed after retries`);
      if (attempt > 0) await new Promise((r) => setTimeout(r, 100 * 2 ** attempt * Math.random()));
      const out = await table.doc.send(
        new BatchWriteCommand({ RequestItems: { [table.tableName]: requests } }),
      );
      requests = (out.UnprocessedItems?.[table.tableName] ?? []) as typeof requests;
    }
  }
  return ordered.length;
}
