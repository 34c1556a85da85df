// cfm command line: `cfm config check FILE` (and more sub-commands as they land).
import { readFileSync } from "node:fs";
import { parseConfig, summarise } from "../functions/domain/config.ts";
import { reportCommand } from "../functions/reports/cli.ts";

const USAGE = `usage:
  cfm config check FILE     validate an organisation configuration
  cfm report --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|xlsx|json] [--out FILE]
                            a report from the running local stack (npm start)`;

export async function main(argv: string[], out = console.log, err = console.error): Promise<number> {
  const [group, command, ...rest] = argv;
  if (group === "config" && command === "check") return configCheck(rest, out, err);
  if (group === "report") return reportCommand(argv.slice(1), out, err);
  err(USAGE);
  return 2;
}

function configCheck(args: string[], out: (s: string) => void, err: (s: string) => void): number {
  const file = args[0];
  if (!file) {
    err("usage: cfm config check FILE");
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    err(`${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return 1;
  }
  const result = parseConfig(text);
  if (!result.ok) {
    for (const problem of result.problems) err(problem);
    return 1;
  }
  out(`${file}: valid`);
  out(summarise(result.config));
  return 0;
}
