// The console as an OpenID Connect relying party: authorization code with PKCE (S256), state and nonce,
// through openid-client. The same code runs in AWS (issuer: the Cognito user pool, its managed login) and
// locally (issuer: the oidc-provider that `npm start` runs, local/oidc-provider.ts).
import * as client from "openid-client";
import { z } from "zod";
import type { Audience } from "../domain/access.ts";
import { SignInError } from "../errors.ts";

export interface OidcSettings {
  issuer: string;
  clientId: string;
  /** Where sign-out sends the browser to end the identity provider's session too (Cognito: /logout). */
  logoutUrl?: string | undefined;
}

const envSchema = z.object({
  OIDC_ISSUER: z.url("must be the issuer URL"),
  OIDC_CLIENT_ID: z.string().min(1, "must be the app client id"),
  OIDC_LOGOUT_URL: z.url().optional(),
});

/** Read at init by the console handler: a misconfigured function fails at start, clearly. */
export function oidcSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): OidcSettings {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success)
    throw new SignInError(
      `console sign-in is not configured: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`,
    );
  return {
    issuer: parsed.data.OIDC_ISSUER,
    clientId: parsed.data.OIDC_CLIENT_ID,
    logoutUrl: parsed.data.OIDC_LOGOUT_URL,
  };
}

const discovered = new Map<string, Promise<client.Configuration>>();

/** Discovery once per container (a failed discovery is retried on the next sign-in). */
export function oidcConfiguration(settings: OidcSettings): Promise<client.Configuration> {
  const key = `${settings.issuer} ${settings.clientId}`;
  let found = discovered.get(key);
  if (!found) {
    const issuer = new URL(settings.issuer);
    // Plain HTTP only for the local provider on loopback; in AWS the issuer is https.
    const insecure = issuer.protocol === "http:" && ["127.0.0.1", "localhost"].includes(issuer.hostname);
    found = client.discovery(
      issuer,
      settings.clientId,
      undefined,
      client.None(),
      insecure ? { execute: [client.allowInsecureRequests] } : undefined,
    );
    found.catch(() => discovered.delete(key));
    discovered.set(key, found);
  }
  return found;
}

export interface StartedSignIn {
  url: URL;
  state: string;
  nonce: string;
  verifier: string;
}

export async function startSignIn(settings: OidcSettings, redirectUri: string): Promise<StartedSignIn> {
  const config = await oidcConfiguration(settings);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: "openid email profile",
    response_type: "code",
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  return { url, state, nonce, verifier };
}

export interface SignedInStaff {
  email: string;
  name: string;
  audience: Audience;
}

/** Exchanges the code (PKCE verifier, state and nonce checked) and reads who signed in from the ID token. */
export async function finishSignIn(
  settings: OidcSettings,
  callbackUrl: URL,
  checks: { state: string; nonce: string; verifier: string },
): Promise<SignedInStaff | { refused: "no-group" | "no-email" }> {
  const config = await oidcConfiguration(settings);
  const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: checks.verifier,
    expectedState: checks.state,
    expectedNonce: checks.nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  if (!claims) throw new SignInError("the identity provider returned no ID token");
  return staffFromClaims(claims);
}

/** `cognito:groups` (Cognito) or `groups` (the local provider, federated providers mapped to it). */
export function staffFromClaims(
  claims: Record<string, unknown>,
): SignedInStaff | { refused: "no-group" | "no-email" } {
  const email = typeof claims.email === "string" ? claims.email.trim().toLowerCase() : "";
  if (!email) return { refused: "no-email" };
  const raw = claims["cognito:groups"] ?? claims.groups;
  const groups = Array.isArray(raw) ? raw.filter((g): g is string => typeof g === "string") : [];
  const audience: Audience | null = groups.includes("coordinator")
    ? "coordinator"
    : groups.includes("staff")
      ? "staff"
      : null;
  if (!audience) return { refused: "no-group" };
  const name = typeof claims.name === "string" && claims.name.trim() !== "" ? claims.name.trim() : email;
  return { email, name, audience };
}
