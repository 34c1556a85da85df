// `cfm config push FILE`: checks an organisation config with the same checker as `cfm config check` and, only
// if it is valid, writes its live part (staff, coordinator, calendar, reminders, report recipients) as the next
// version of the live config in the stack's table (issue 12). The Lambdas take it within their cache period
// (60 s); nothing is deployed. The rest of the file (the procedure's structure) takes effect at `cdk deploy`.
import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { parseConfig } from "../functions/domain/config.ts";
import { type LiveConfig, liveOf } from "../functions/domain/live-config.ts";
import { DEFAULT_CONFIG_CACHE_SECONDS } from "../functions/lib/live-config.ts";
import { pushConfig } from "../functions/store/config-store.ts";

export const PUSH_USAGE =
  "usage: cfm config push FILE [--table TABLE] (or CFM_TABLE_NAME; the stack's TableName output)";

type Print = (line: string) => void;

/** A config file's text, or null after saying why it cannot be read (`config check` and `config push`). */
export function readConfigText(file: string, err: Print): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    err(`${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return null;
  }
}

export async function configPush(args: string[], out: Print, err: Print): Promise<number> {
  const [file, ...options] = args;
  let table = process.env.CFM_TABLE_NAME;
  for (let i = 0; i < options.length; i += 2) {
    if (options[i] === "--table" && options[i + 1]) table = options[i + 1];
    else {
      err(PUSH_USAGE);
      return 2;
    }
  }
  if (!file) {
    err(PUSH_USAGE);
    return 2;
  }
  const text = readConfigText(file, err);
  if (text === null) return 1;
  const result = parseConfig(text);
  if (!result.ok) {
    for (const problem of result.problems) err(problem);
    err(`${file}: not pushed (${result.problems.length} problem${result.problems.length > 1 ? "s" : ""})`);
    return 1;
  }
  if (!table) {
    err(
      `${file}: valid, but not pushed: name the table (--table or CFM_TABLE_NAME, the stack's TableName output)`,
    );
    return 2;
  }
  const live = liveOf(result.config);
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  try {
    const pushed = await pushConfig(doc, table, live, {
      pushedBy: process.env.CFM_PUSHED_BY ?? userInfo().username,
      source: file,
      at: new Date(),
    });
    out(`${file}: valid`);
    out(
      pushed.changed
        ? `version ${pushed.version} pushed to ${table} (previous: ${pushed.previous ?? "none, the deployed config"}); in force in every function within ${DEFAULT_CONFIG_CACHE_SECONDS} s, no deploy`
        : `unchanged: version ${pushed.version} is already in force`,
    );
    out(`live: ${describe(live)}`);
    out(
      "not applied by a push (they need `npx cdk deploy` of this file): the organisation's name, intake address, languages and time zone, roles, steps, categories, severities, deadlines, appeals, retention, report schedules, web form and channels",
    );
    return 0;
  } catch (error) {
    err(`${file}: not pushed: ${(error as Error).name}: ${(error as Error).message}`);
    return 1;
  } finally {
    doc.destroy();
  }
}

function describe(live: LiveConfig): string {
  const reminder = live.escalation.reminderInterval;
  return [
    `${live.staff.length} staff`,
    `coordinator ${live.coordinator}`,
    `working days ${live.workingDays.join(" ")}`,
    `${live.holidays.length} holidays`,
    `reminders every ${reminder.duration}${reminder.days === "working" ? " working" : ""} (at most ${live.escalation.maxReminders})`,
    `report recipients: ${live.reports.map((r) => `${r.kind} ${r.to.length}`).join(", ") || "none"}`,
  ].join("; ");
}
