// A fresh table per test file on the run's DynamoDB Local, created from the same definition as the stack.
import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { inject } from "vitest";
import { ensureTable, LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/dynamodb-local.ts";

/** `stage`: a stage of the index upgrade (table-design.ts INDEX_STAGES); default the design's indexes. */
export async function freshTable(prefix = "cfm-test", stage?: number) {
  const endpoint = inject("dynamoEndpoint");
  const tableName = `${prefix}-${randomUUID().slice(0, 8)}`;
  await ensureTable(endpoint, tableName, stage);
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  return {
    endpoint,
    tableName,
    client,
    doc: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
  };
}
