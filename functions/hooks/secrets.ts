// The shared secrets of the hooks (issue 17): Kobo's X-Cfm-Secret and API token per form, the HMAC key per
// webhook source. In AWS they are one Secrets Manager secret (CHANNEL_SECRETS_ARN), JSON:
//   {"kobo": {"<form>": {"secret": "…", "apiToken": "…"}}, "webhook": {"<source>": "…"}}
// read once per container. Locally (no CHANNEL_SECRETS_ARN) they come from the config's local* fields.
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import * as z from "zod";
import type { OrgConfig } from "../domain/config.ts";
import { MissingEnvironmentError } from "../errors.ts";

const secretsSchema = z.object({
  kobo: z
    .record(z.string(), z.object({ secret: z.string().min(16), apiToken: z.string().min(1).optional() }))
    .default({}),
  webhook: z.record(z.string(), z.string().min(16)).default({}),
});
export type HookSecrets = z.output<typeof secretsSchema>;

let cached: Promise<HookSecrets> | undefined;

export function hookSecrets(config: OrgConfig): Promise<HookSecrets> {
  cached ??= load(config).catch((error: unknown) => {
    cached = undefined; // a failed read is tried again on the next request
    throw error;
  });
  return cached;
}

/** Tests: forget the secrets read. */
export function resetHookSecrets(): void {
  cached = undefined;
}

async function load(config: OrgConfig): Promise<HookSecrets> {
  const arn = process.env.CHANNEL_SECRETS_ARN;
  if (!arn) {
    const kobo = Object.fromEntries(
      Object.entries(config.channels.kobo?.forms ?? {}).flatMap(([form, f]) =>
        f.localSecret
          ? [[form, { secret: f.localSecret, ...(f.localApiToken ? { apiToken: f.localApiToken } : {}) }]]
          : [],
      ),
    );
    const webhook = Object.fromEntries(
      Object.entries(config.channels.webhook?.sources ?? {}).flatMap(([source, s]) =>
        s.localSecret ? [[source, s.localSecret]] : [],
      ),
    );
    return { kobo, webhook };
  }
  const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
  if (!out.SecretString) throw new MissingEnvironmentError("the channel secrets are empty");
  const parsed = secretsSchema.safeParse(JSON.parse(out.SecretString));
  if (!parsed.success)
    throw new MissingEnvironmentError(
      `the channel secrets are not {"kobo": {...}, "webhook": {...}}: ${parsed.error.issues[0]?.path.join(".")}`,
    );
  return parsed.data;
}
