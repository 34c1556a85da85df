// Issue 16: a passed human check is spent once. The check itself is a signed token (tokens.ts) valid for
// HUMAN_CHECK_MS; without this record a bot could solve one question and replay its token on every form it
// sends for two hours. The token's random id is stored (conditional put) until the token would expire anyway,
// when DynamoDB deletes it by TTL. The same form sent again (its submission id: a confirmation lost on a bad
// connection) may reuse its check: openWebCase answers it with the same case, never a second one.
import { createHash } from "node:crypto";
import type { Runtime } from "../lib/runtime.ts";
import { humanCheckStore } from "../store/human-check-store.ts";
import { HUMAN_CHECK_MS, type HumanCheck } from "./tokens.ts";

// Hashes: the table never holds a usable token, nor anything about who answered.
const digest = (value: string) => createHash("sha256").update(value).digest("base64url");

/** True the first time a check is spent, and again only for the same submission; false for any other form. */
export async function spendHumanCheck(
  rt: Runtime,
  check: HumanCheck,
  submissionId: string,
): Promise<boolean> {
  const submission = digest(submissionId);
  // Kept a minute past the token's own expiry (TTL deletion is late, never early in effect: an expired token
  // is refused by readHumanCheck before this record is looked at).
  const spent = await humanCheckStore(rt).spend(
    digest(check.id),
    submission,
    Math.ceil((check.at + HUMAN_CHECK_MS) / 1000) + 60,
  );
  return spent === true || spent === submission;
}
