// `cfm aggregates backfill FILE [--table TABLE] [--since YEAR]` (issue 18): counts the cases written before the
// report aggregates existed in the day items of the organisation's time zone (FILE: the organisation config the
// stack was deployed with), then marks them ready; reports recount from the cases until then. Idempotent: run
// it after the deploy that brings the aggregates, and again after a change of the organisation's time zone.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { parseConfig } from "../functions/domain/config.ts";
import { backfillAggregates } from "../functions/reports/backfill.ts";
import { ComplaintStore } from "../functions/store/complaint-store.ts";
import { readConfigText } from "./config-push.ts";

export const BACKFILL_USAGE =
  "usage: cfm aggregates backfill FILE [--table TABLE] [--since YEAR] (TABLE: or CFM_TABLE_NAME, the stack's TableName output)";

type Print = (line: string) => void;

const optionsSchema = z.strictObject({
  table: z.string().min(1),
  since: z.coerce.number().int().min(2000).max(2100).optional(),
});

export async function aggregatesBackfill(args: string[], out: Print, err: Print): Promise<number> {
  const [file, ...rest] = args;
  const raw: Record<string, string | undefined> = { table: process.env.CFM_TABLE_NAME };
  for (let i = 0; i < rest.length; i += 2) {
    const name = rest[i]?.replace(/^--/, "");
    if (!name || !rest[i]?.startsWith("--") || rest[i + 1] === undefined) {
      err(BACKFILL_USAGE);
      return 2;
    }
    raw[name] = rest[i + 1];
  }
  const options = optionsSchema.safeParse(raw);
  if (!file || !options.success) {
    err(
      options.success
        ? BACKFILL_USAGE
        : `${options.error.issues[0]?.path.join(".")}: ${options.error.issues[0]?.message}\n${BACKFILL_USAGE}`,
    );
    return 2;
  }
  const text = readConfigText(file, err);
  if (text === null) return 1;
  const parsed = parseConfig(text);
  if (!parsed.ok) {
    for (const problem of parsed.problems) err(problem);
    return 1;
  }
  const timeZone = parsed.config.organisation.timeZone;
  const client = new DynamoDBClient({});
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  try {
    const store = new ComplaintStore(doc, options.data.table, () => new Date(), "current", timeZone);
    const result = await backfillAggregates(store, {
      now: new Date(),
      ...(options.data.since ? { since: options.data.since } : {}),
      progress: (month, read, counted) => out(`${month}: ${read} cases read, ${counted} counted`),
    });
    out(
      `aggregates ready in ${timeZone}: ${result.counted} cases counted now, ${result.read - result.counted} already counted, ${result.months} months since ${result.since}`,
    );
    return 0;
  } catch (error) {
    err(
      `backfill stopped (run it again: it counts nothing twice): ${(error as Error).name}: ${(error as Error).message}`,
    );
    return 1;
  } finally {
    client.destroy();
  }
}
