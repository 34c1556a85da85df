// The one table as the repositories see it. Only functions/store/ talks to DynamoDB (test/unit/store-boundary
// checks it): handlers and modules ask for the repository of an item kind (`outboxStore(rt)`,
// `linkStore(rt)`, …), which the runtime's table handle builds on first use. Each repository is its own
// module, so a Lambda bundles only the repositories it uses (issue 18).
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, type NativeAttributeValue, QueryCommand } from "@aws-sdk/lib-dynamodb";

/** A document client and the table's name: what a DynamoDB adapter is built from. */
export interface Table {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** The deployed table (the client finds its region and credentials in the Lambda's environment). */
export function openTable(tableName: string): Table {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { doc, tableName };
}

/**
 * A repository accessor: one adapter per (client, table), built on first use and kept with the client, so
 * a test's partial runtime and the Lambda's runtime both get theirs without a registry of every kind.
 */
export function repository<T>(build: (table: Table) => T): (table: Table) => T {
  const built = new WeakMap<DynamoDBDocumentClient, Map<string, T>>();
  return (table) => {
    let byName = built.get(table.doc);
    if (!byName) {
      byName = new Map();
      built.set(table.doc, byName);
    }
    let repo = byName.get(table.tableName);
    if (repo === undefined) {
      repo = build(table);
      byName.set(table.tableName, repo);
    }
    return repo;
  };
}

/** DynamoDB refused a conditional write: the item was not in the state the write expected. */
export function isConditionFailed(error: unknown): boolean {
  return (error as Error | undefined)?.name === "ConditionalCheckFailedException";
}

/**
 * Every item of a partition whose sort key starts with `prefix`, strongly consistent, all pages read (a
 * case's partition can pass DynamoDB's 1 MB page: stopping at the first page would silently drop items).
 */
export async function itemsWithPrefix(
  table: Table,
  pk: string,
  prefix: string,
): Promise<Record<string, NativeAttributeValue>[]> {
  const items: Record<string, NativeAttributeValue>[] = [];
  let startKey: Record<string, NativeAttributeValue> | undefined;
  do {
    const out = await table.doc.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": pk, ":prefix": prefix },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
}
