// Issue 16: a passed human check is spent once. The check itself is a signed token (tokens.ts) valid for
// HUMAN_CHECK_MS; without this record a bot could solve one question and replay its token on every form it
// sends for two hours. The token's random id is stored (conditional put) until the token would expire anyway,
// when DynamoDB deletes it by TTL. The same form sent again (its submission id: a confirmation lost on a bad
// connection) may reuse its check: openWebCase answers it with the same case, never a second one.
import { createHash } from "node:crypto";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Runtime } from "../lib/runtime.ts";
import { TTL_ATTRIBUTE } from "../store/table-design.ts";
import { HUMAN_CHECK_MS, type HumanCheck } from "./tokens.ts";

const keyOf = (check: HumanCheck) => ({
  // A hash: the table never holds a usable token, nor anything about who answered.
  pk: `HUMANCHECK#${createHash("sha256").update(check.id).digest("base64url")}`,
  sk: "HUMANCHECK",
});

/** True the first time a check is spent, and again only for the same submission; false for any other form. */
export async function spendHumanCheck(
  rt: Runtime,
  check: HumanCheck,
  submissionId: string,
): Promise<boolean> {
  const key = keyOf(check);
  try {
    await rt.doc.send(
      new PutCommand({
        TableName: rt.tableName,
        Item: {
          ...key,
          submission: createHash("sha256").update(submissionId).digest("base64url"),
          // Kept a minute past the token's own expiry (TTL deletion is late, never early in effect: an
          // expired token is refused by readHumanCheck before this record is looked at).
          [TTL_ATTRIBUTE]: Math.ceil((check.at + HUMAN_CHECK_MS) / 1000) + 60,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
    const out = await rt.doc.send(
      new GetCommand({ TableName: rt.tableName, Key: key, ConsistentRead: true }),
    );
    return out.Item?.submission === createHash("sha256").update(submissionId).digest("base64url");
  }
}
