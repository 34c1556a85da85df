// The organisation configuration file: YAML parsed, then checked against the schema and the cross-references in
// config-schema.ts. Only tooling and the local stack read YAML; a deployed Lambda gets the config compiled in and
// imports config-schema.ts alone, so the YAML parser stays out of its bundle (issue 18).
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import {
  configSchema,
  type DeadlineRule,
  InvalidConfigError,
  type OrgConfig,
  semanticProblems,
} from "./config-schema.ts";

export * from "./config-schema.ts";

export type ConfigResult = { ok: true; config: OrgConfig } | { ok: false; problems: string[] };

/** Parses and validates YAML text. Never throws: every problem comes back as one `path: message` line. */
export function parseConfig(text: string): ConfigResult {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const where = pos ? `line ${pos.line}, column ${pos.col}` : "yaml";
        return `${where}: ${e.message.split("\n")[0]}`;
      }),
    };
  }
  const result = configSchema.safeParse(doc.toJS());
  if (!result.success) {
    return {
      ok: false,
      problems: result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`),
    };
  }
  const problems = semanticProblems(result.data);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config: result.data };
}

/** Parses or throws InvalidConfigError (for code paths where a bad config must stop start-up). */
export function loadConfigText(text: string, source: string): OrgConfig {
  const result = parseConfig(text);
  if (!result.ok) throw new InvalidConfigError(source, result.problems);
  return result.config;
}

/** Reads, parses and checks a config file; throws InvalidConfigError naming the file. */
export function loadConfigFile(path: string): OrgConfig {
  return loadConfigText(readFileSync(path, "utf8"), path);
}

/** A one-paragraph summary for `cfm config check`. */
export function summarise(config: OrgConfig): string {
  const sensitive = config.categories.filter((c) => c.sensitive).map((c) => c.id);
  const d = config.deadlines;
  const fmt = (r: DeadlineRule | undefined) =>
    r ? `${r.duration}${r.days === "working" ? " working" : ""}` : "-";
  return [
    `${config.organisation.name}: intake ${config.organisation.intakeAddress}, ${config.organisation.timeZone}, languages ${config.organisation.languages.join("/")}`,
    `${config.staff.length} staff, ${Object.keys(config.roles).length} roles, ${config.categories.length} categories (sensitive: ${sensitive.join(", ") || "none"}), ${config.severities.length} severities`,
    `intake ${config.intake.channels}; deadlines: acknowledge ${fmt(d.acknowledge)}, contact ${fmt(d.contact)}, respond ${fmt(d.respond)}, appeal window ${fmt(d.appealWindow)}, appeal decision ${fmt(d.appealDecision)}`,
    `appeals: ${config.appeals.max} (extensions ${config.appeals.extensions}); retention ${config.retention}; ${config.reports.length} report schedules`,
    `channels: ${enabledChannels(config).join(", ")}`,
  ].join("\n");
}

/** Every channel a complainant can reach this organisation on (issue 17). */
export function enabledChannels(config: OrgConfig): string[] {
  const { sms, whatsapp, kobo, webhook } = config.channels;
  return [
    "email",
    "web",
    ...(sms ? ["sms"] : []),
    ...(whatsapp ? ["whatsapp"] : []),
    ...(kobo ? [`kobo (${Object.keys(kobo.forms).join(", ")})`] : []),
    ...(webhook ? [`webhook (${Object.keys(webhook.sources).join(", ")})`] : []),
  ];
}
