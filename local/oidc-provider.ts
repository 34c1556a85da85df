// The local OpenID provider (CONTRACT.md "Staff console"): a real oidc-provider, so that the console signs in
// locally through the same code path as with Cognito (authorization code + PKCE, openid-client). Its sign-in
// asks for an address of the staff directory and emails a one-time code to it (in the subject); the mail lands
// in the local mailbox (aws-ses-v2-local). Groups: the config's coordinator is in `coordinator`, every other
// staff member in `staff` (in AWS, the Cognito groups).
import {
  createHash,
  generateKeyPair,
  type KeyObject,
  randomBytes,
  randomInt,
  timingSafeEqual,
} from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type Provider from "oidc-provider";
import type { OidcContext } from "oidc-provider";
import * as z from "zod";
import type { OrgConfig } from "../functions/domain/config.ts";
import { escapeHtml } from "../functions/web/escape.ts";

export const LOCAL_CLIENT_ID = "cfm-console";
/** A code is good for 10 minutes and 5 tries (the interaction itself lasts 15 minutes). */
const CODE_TTL_MS = 10 * 60 * 1000;
const MAX_TRIES = 5;

export interface LocalOidc {
  issuer: string;
  clientId: string;
  /** RP-initiated logout: ends the provider's session, then back to the console. */
  logoutUrl: string;
  close(): Promise<void>;
}

export interface LocalOidcOptions {
  port: number;
  /** The console's origin, e.g. http://127.0.0.1:3000 (callback and post-logout URLs). */
  consoleOrigin: string;
  config: OrgConfig;
  sendCode(to: string, code: string): Promise<void>;
  log?: (line: string) => void;
}

interface PendingCode {
  email: string;
  hash: string;
  expires: number;
  tries: number;
}

const emailField = z.object({ email: z.email().max(254) });
const codeField = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/),
});

/** Who may sign in: an address of the staff directory (or the coordinator's). */
export function localAccount(
  config: OrgConfig,
  address: string,
): { email: string; name: string; groups: string[] } | null {
  const email = address.trim().toLowerCase();
  const coordinator = config.organisation.coordinator;
  const member = config.staff.find((s) => s.address === email);
  if (!member && email !== coordinator) return null;
  return {
    email,
    name: member?.name ?? email,
    groups: email === coordinator ? ["coordinator"] : ["staff"],
  };
}

const CSS =
  "body{margin:0;font-family:system-ui,Arial,sans-serif;line-height:1.5;color:#1b1b1b;background:#f4f4f4}" +
  "main{max-width:28rem;margin:2rem auto;padding:1.5rem;background:#fff}h1{font-size:1.35rem}" +
  "label{display:block;font-weight:600;margin:.5rem 0 .25rem}input{font:inherit;width:100%;padding:.5rem;border:2px solid #505050}" +
  "button{font:inherit;font-weight:600;margin-top:1rem;padding:.75rem 1.5rem;border:0;background:#00703c;color:#fff}" +
  ".error{color:#b00020;font-weight:600}.hint{color:#505050}";

function page(title: string, body: string): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${CSS}</style></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

function emailForm(uid: string, error?: string, value = ""): string {
  return page(
    "Connexion à la console cfm",
    `<form method="post" action="/interaction/${escapeHtml(uid)}/email" novalidate>
<label for="email">Adresse électronique professionnelle</label>
<p class="hint" id="email-hint">Un code à usage unique vous sera envoyé à cette adresse.</p>
${error ? `<p class="error" id="email-error">${escapeHtml(error)}</p>` : ""}
<input id="email" name="email" type="email" autocomplete="email" required value="${escapeHtml(value)}" aria-describedby="email-hint${error ? " email-error" : ""}"${error ? ' aria-invalid="true"' : ""}>
<button type="submit">Recevoir un code</button>
</form>`,
  );
}

function codeForm(uid: string, email: string, error?: string): string {
  return page(
    "Saisissez votre code",
    `<p>Un code à 6 chiffres a été envoyé à <strong>${escapeHtml(email)}</strong>. Il est valable 10 minutes.</p>
<form method="post" action="/interaction/${escapeHtml(uid)}/code" novalidate>
<label for="code">Code reçu par courriel</label>
${error ? `<p class="error" id="code-error">${escapeHtml(error)}</p>` : ""}
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required${error ? ' aria-invalid="true" aria-describedby="code-error"' : ""}>
<button type="submit">Se connecter</button>
</form>
<p><a href="/interaction/${escapeHtml(uid)}">Utiliser une autre adresse</a></p>`,
  );
}

function readForm(request: IncomingMessage): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > 16 * 1024) {
        reject(new Error("form too large"));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on("end", () =>
      resolve(Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")))),
    );
    request.on("error", reject);
  });
}

const hashCode = (code: string) => createHash("sha256").update(code).digest("hex");

export async function startLocalOidc(options: LocalOidcOptions): Promise<LocalOidc> {
  // options.config is read at each sign-in: the staff directory may change while the stack runs (issue 12).
  const { consoleOrigin } = options;
  const issuer = `http://127.0.0.1:${options.port}`;
  // The signing key is made on libuv's thread pool while the module loads (issue 18: start time).
  const privateKey = new Promise<KeyObject>((resolve, reject) =>
    generateKeyPair("rsa", { modulusLength: 2048 }, (error, _publicKey, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
  const codes = new Map<string, PendingCode>();

  // Imported when the stack starts it: on Node 20 the module prints a warning at import, which would
  // come before start-up's one-line errors (no Java, a port in use).
  const { default: OidcProvider } = await import("oidc-provider");
  const jwk = { ...(await privateKey).export({ format: "jwk" }), use: "sig", alg: "RS256", kid: "cfm-local" };
  const provider = new OidcProvider(issuer, {
    clients: [
      {
        client_id: LOCAL_CLIENT_ID,
        client_name: "cfm console",
        // A public client: PKCE is required (oidc-provider's default for token_endpoint_auth_method none).
        token_endpoint_auth_method: "none",
        grant_types: ["authorization_code"],
        response_types: ["code"],
        redirect_uris: [`${consoleOrigin}/console/callback`],
        post_logout_redirect_uris: [`${consoleOrigin}/console/signed-out`],
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "groups"] },
    // The ID token carries the email, name and groups, as Cognito's does.
    conformIdTokenClaims: false,
    ttl: { Session: 12 * 3600, Interaction: 15 * 60, Grant: 12 * 3600, AccessToken: 3600, IdToken: 3600 },
    findAccount: async (_ctx: unknown, sub: string) => {
      const account = localAccount(options.config, sub);
      if (!account) return undefined;
      return {
        accountId: account.email,
        claims: async () => ({
          sub: account.email,
          email: account.email,
          email_verified: true,
          name: account.name,
          groups: account.groups,
        }),
      };
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    // One first-party client: no consent screen; the grant is made when the staff member signs in.
    loadExistingGrant: async (ctx: OidcContext) => {
      const { client, session, provider: p } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (grantId) return p.Grant.find(grantId);
      const grant = new p.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: OidcContext, form: string) => {
          ctx.type = "html";
          ctx.body = page(
            "Se déconnecter",
            `${form}<p>Vous quittez la console cfm.</p><button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Oui, me déconnecter</button>`,
          );
        },
        postLogoutSuccessSource: async (ctx: OidcContext) => {
          ctx.type = "html";
          ctx.body = page(
            "Vous êtes déconnecté",
            `<p><a href="${escapeHtml(consoleOrigin)}/console/">Console</a></p>`,
          );
        },
      },
    },
    renderError: async (ctx: OidcContext, out: Record<string, string>) => {
      ctx.type = "html";
      ctx.body = page(
        "Connexion impossible",
        `<p>${escapeHtml(out.error_description ?? out.error ?? "")}</p><p><a href="${escapeHtml(consoleOrigin)}/console/">Recommencer</a></p>`,
      );
    },
  });
  const callback = provider.callback();

  const send = (response: ServerResponse, status: number, html: string) => {
    response.writeHead(status, {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Frame-Options": "DENY",
      "Content-Security-Policy": `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${consoleOrigin}`,
    });
    response.end(html);
  };

  const interaction = async (request: IncomingMessage, response: ServerResponse, url: URL) => {
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(email|code))?$/.exec(url.pathname);
    if (!match) return false;
    const [, uid = "", step] = match;
    let details: Awaited<ReturnType<Provider["interactionDetails"]>>;
    try {
      details = await provider.interactionDetails(request, response);
    } catch {
      send(
        response,
        400,
        page(
          "Connexion expirée",
          `<p><a href="${escapeHtml(consoleOrigin)}/console/">Recommencer la connexion</a></p>`,
        ),
      );
      return true;
    }
    if (details.uid !== uid) {
      send(
        response,
        400,
        page("Connexion expirée", `<p><a href="${escapeHtml(consoleOrigin)}/console/">Recommencer</a></p>`),
      );
      return true;
    }
    if (request.method === "GET") {
      send(response, 200, emailForm(uid));
      return true;
    }
    if (request.method !== "POST") return false;
    const form = await readForm(request);
    if (step === "email") {
      const parsed = emailField.safeParse(form);
      if (!parsed.success) {
        send(
          response,
          400,
          emailForm(
            uid,
            "Saisissez une adresse électronique, par exemple nom@organisation.org.",
            form.email ?? "",
          ),
        );
        return true;
      }
      const account = localAccount(options.config, parsed.data.email);
      if (!account) {
        send(
          response,
          400,
          emailForm(uid, "Cette adresse n'est pas dans l'annuaire du personnel.", parsed.data.email),
        );
        return true;
      }
      const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
      codes.set(uid, {
        email: account.email,
        hash: hashCode(code),
        expires: Date.now() + CODE_TTL_MS,
        tries: 0,
      });
      await options.sendCode(account.email, code);
      options.log?.(`oidc: sign-in code sent (interaction ${uid.slice(0, 6)})`);
      send(response, 200, codeForm(uid, account.email));
      return true;
    }
    if (step === "code") {
      const pending = codes.get(uid);
      if (!pending || Date.now() > pending.expires || pending.tries >= MAX_TRIES) {
        codes.delete(uid);
        send(
          response,
          400,
          emailForm(uid, "Ce code a expiré ou a été trop souvent mal saisi : demandez-en un nouveau."),
        );
        return true;
      }
      const parsed = codeField.safeParse(form);
      pending.tries += 1;
      const given = Buffer.from(hashCode(parsed.success ? parsed.data.code : ""), "hex");
      if (!parsed.success || !timingSafeEqual(given, Buffer.from(pending.hash, "hex"))) {
        send(
          response,
          400,
          codeForm(uid, pending.email, "Ce code n'est pas le bon. Vérifiez le dernier courriel reçu."),
        );
        return true;
      }
      codes.delete(uid);
      await provider.interactionFinished(
        request,
        response,
        { login: { accountId: pending.email } },
        { mergeWithLastSubmission: false },
      );
      return true;
    }
    return false;
  };

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", issuer);
    if (url.pathname.startsWith("/interaction/")) {
      interaction(request, response, url).then(
        (handled) => {
          if (!handled) send(response, 404, page("Introuvable", ""));
        },
        (error: Error) => {
          options.log?.(`oidc: interaction failed: ${error.name}`);
          if (!response.headersSent) send(response, 500, page("Erreur", "<p>Réessayez.</p>"));
        },
      );
      return;
    }
    callback(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  const logoutUrl = `${issuer}/session/end?${new URLSearchParams({
    client_id: LOCAL_CLIENT_ID,
    post_logout_redirect_uri: `${consoleOrigin}/console/signed-out`,
  })}`;
  return {
    issuer,
    clientId: LOCAL_CLIENT_ID,
    logoutUrl,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
