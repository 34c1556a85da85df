// cfm command line: `cfm config check FILE`, `cfm config push FILE`, `cfm report`, `cfm poster`.
import { writeFileSync } from "node:fs";
import { parseConfig, summarise } from "../functions/domain/config.ts";
import { isLanguage } from "../functions/i18n/i18n.ts";
import { renderPoster } from "../functions/public/poster.ts";
import { reportCommand } from "../functions/reports/cli.ts";
import { aggregatesBackfill } from "./aggregates-backfill.ts";
import { configPush, readConfigText } from "./config-push.ts";
import { stackTraceCommand } from "./stack-trace.ts";

const USAGE = `usage:
  cfm config check FILE     validate an organisation configuration
  cfm config push FILE [--table TABLE]
                            validate it, then put its staff, calendar, reminders and report recipients in
                            force in the deployed stack without a deploy (issue 12)
  cfm aggregates backfill FILE [--table TABLE] [--since YEAR]
                            count the cases written before the report aggregates existed, then let the
                            reports read the aggregates (issue 18; idempotent)
  cfm report --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|xlsx|json] [--out FILE]
                            a report from the running local stack (npm start)
  cfm poster --url https://…/submit [--out FILE] [--lang fr|en] [--config FILE]
                            a printable A4 poster with a QR code to the web form
  cfm stack-trace MAP [FILE]
                            a Lambda stack trace mapped to the source (MAP: the asset's index.mjs.map)`;

export async function main(argv: string[], out = console.log, err = console.error): Promise<number> {
  const [group, command, ...rest] = argv;
  if (group === "config" && command === "check") return configCheck(rest, out, err);
  if (group === "config" && command === "push") return configPush(rest, out, err);
  if (group === "aggregates" && command === "backfill") return aggregatesBackfill(rest, out, err);
  if (group === "report") return reportCommand(argv.slice(1), out, err);
  if (group === "poster") return posterCommand(argv.slice(1), out, err);
  if (group === "stack-trace") return stackTraceCommand(argv.slice(1), out, err);
  err(USAGE);
  return 2;
}

function configCheck(args: string[], out: (s: string) => void, err: (s: string) => void): number {
  const file = args[0];
  if (!file) {
    err("usage: cfm config check FILE");
    return 2;
  }
  const text = readConfigText(file, err);
  if (text === null) return 1;
  const result = parseConfig(text);
  if (!result.ok) {
    for (const problem of result.problems) err(problem);
    return 1;
  }
  out(`${file}: valid`);
  out(summarise(result.config));
  return 0;
}

async function posterCommand(
  args: string[],
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const options: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const [name, value] = [args[i], args[i + 1]];
    if (!name?.startsWith("--") || value === undefined) {
      err("usage: cfm poster --url https://…/submit [--out FILE] [--lang fr|en] [--config FILE]");
      return 2;
    }
    options[name.slice(2)] = value;
  }
  if (!options.url) {
    err("cfm poster: --url is required (the address of the web form, …/submit)");
    return 2;
  }
  const file = options.config ?? process.env.CFM_CONFIG ?? "config/humanitarian.example.yaml";
  const text = readConfigText(file, err); // a missing file is a clear error, not a stack trace
  if (text === null) return 1;
  const parsed = parseConfig(text);
  if (!parsed.ok) {
    for (const problem of parsed.problems) err(`${file}: ${problem}`);
    return 1;
  }
  const language = options.lang ?? parsed.config.organisation.languages[0] ?? "fr";
  if (!isLanguage(language)) {
    err(`cfm poster: --lang: no catalog for "${language}"`);
    return 2;
  }
  try {
    const html = await renderPoster(parsed.config, options.url, language);
    if (options.out) {
      writeFileSync(options.out, html);
      out(`poster written to ${options.out}`);
    } else out(html);
    return 0;
  } catch (error) {
    err((error as Error).message);
    return 1;
  }
}
