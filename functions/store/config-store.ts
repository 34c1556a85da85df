// Issue 12: the live part of the organisation config in the table, versioned. A push writes the new version
// (VERSION#<n>, never changed afterwards) and moves CURRENT to it in one transaction conditioned on the version
// it replaces, so two operators pushing at once cannot lose one push silently. Encrypted with the stack's key
// and restored with the cases by point-in-time recovery, like the cases that record which version they
// started with. The Lambdas read CURRENT (GetItem), which every one of them is already allowed to.
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { type LiveConfig, liveConfigSchema, liveDigest } from "../domain/live-config.ts";
import { ConfigPushConflictError, StoredConfigError } from "../errors.ts";
import { keys } from "./keys.ts";

export const storedConfigSchema = z.strictObject({
  version: z.number().int().min(1),
  digest: z.string().min(1),
  pushedAt: z.iso.datetime({ offset: true }),
  pushedBy: z.string().min(1).max(200),
  /** The file it was pushed from, as the operator named it (no path outside their machine is implied). */
  source: z.string().max(500),
  live: liveConfigSchema,
});
export type StoredConfig = z.output<typeof storedConfigSchema>;

export { ConfigPushConflictError, StoredConfigError };

/** The live config in force, or null before the first push. A malformed item throws StoredConfigError. */
export async function readCurrentConfig(
  doc: DynamoDBDocumentClient,
  tableName: string,
): Promise<StoredConfig | null> {
  const out = await doc.send(
    new GetCommand({ TableName: tableName, Key: keys.configCurrent, ConsistentRead: true }),
  );
  if (!out.Item) return null;
  const { pk: _pk, sk: _sk, ...item } = out.Item;
  const parsed = storedConfigSchema.safeParse(item);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StoredConfigError(`CONFIG/CURRENT: ${issue?.path.join(".") || "(item)"}: ${issue?.message}`);
  }
  return parsed.data;
}

export interface PushResult {
  version: number;
  /** False when the live config pushed was already the one in force (nothing written). */
  changed: boolean;
  previous: number | null;
}

/** Writes `live` as the next version and makes it current, unless it is the current one already. */
export async function pushConfig(
  doc: DynamoDBDocumentClient,
  tableName: string,
  live: LiveConfig,
  meta: { pushedBy: string; source: string; at: Date },
): Promise<PushResult> {
  const current = await readCurrentConfig(doc, tableName);
  const digest = liveDigest(live);
  if (current?.digest === digest)
    return { version: current.version, changed: false, previous: current.version };
  const version = (current?.version ?? 0) + 1;
  const item: StoredConfig = {
    version,
    digest,
    pushedAt: meta.at.toISOString(),
    pushedBy: meta.pushedBy.slice(0, 200),
    source: meta.source.slice(0, 500),
    live,
  };
  try {
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName,
              Item: { ...keys.configVersion(version), ...item },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: { ...keys.configCurrent, ...item },
              ...(current
                ? {
                    ConditionExpression: "version = :v",
                    ExpressionAttributeValues: { ":v": current.version },
                  }
                : { ConditionExpression: "attribute_not_exists(pk)" }),
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (error instanceof TransactionCanceledException)
      throw new ConfigPushConflictError(
        `another push made version ${version} meanwhile: check what it changed, then push again`,
      );
    throw error;
  }
  return { version, changed: true, previous: current?.version ?? null };
}

/** One pushed version (the history: what a case's recorded version held). */
export async function readConfigVersion(
  doc: DynamoDBDocumentClient,
  tableName: string,
  version: number,
): Promise<StoredConfig | null> {
  const out = await doc.send(
    new GetCommand({ TableName: tableName, Key: keys.configVersion(version), ConsistentRead: true }),
  );
  if (!out.Item) return null;
  const { pk: _pk, sk: _sk, ...item } = out.Item;
  return storedConfigSchema.parse(item);
}
