// Who is calling the staff API, and which view they get (H-D1).
//
// In AWS the HTTP API's JWT authoriser (Cognito, infra/constructs/api.ts) has verified the token before the
// Lambda runs: only its claims are read here, never the token. The `cognito:groups` claim decides:
// "coordinator" → the full view of every case, "staff" → the general-staff view (sensitive cases show their
// status only). A verified caller in neither group is refused (403).
// Locally (CFM_LOCAL_AUTH=1) two fixed bearer tokens stand in for the groups: `local-coordinator` and
// `local-staff`; any other Authorization gets 401 (CONTRACT.md "Staff API").
//
// What each audience may do (functions/api/staff-api.ts):
// - staff and coordinators record complaints (POST /api/complaints: H-A1, any programme staff member records
//   a complaint), read one case and list cases, each case in the view of their audience;
// - only coordinators read reports (GET /api/reports, enforced by functions/reports/api.ts): a report spans
//   sensitive cases (per-category counts of abuse or fraud), which H-D1 keeps from general staff.
import type { Audience } from "../domain/access.ts";

export type { Audience };

export interface Caller {
  audience: Audience;
  /** Who acts, for the timeline ("received" by): the staff address when the token carries it. */
  actor: string;
}

export type AuthResult =
  | { ok: true; caller: Caller }
  | { ok: false; statusCode: 401 | 403; error: "unauthorized" | "forbidden" };

/** The parts of an API Gateway HTTP API (payload v2) event that authentication reads. */
export interface AuthEvent {
  headers?: Record<string, string | undefined> | undefined;
  requestContext?: {
    authorizer?: { jwt?: { claims?: Record<string, unknown> | undefined } | undefined } | undefined;
  };
}

export const LOCAL_TOKENS = {
  "local-coordinator": "coordinator",
  "local-staff": "staff",
} as const satisfies Record<string, Audience>;

const UNAUTHORIZED = { ok: false, statusCode: 401, error: "unauthorized" } as const;
const FORBIDDEN = { ok: false, statusCode: 403, error: "forbidden" } as const;

export function localAuthEnabled(): boolean {
  return process.env.CFM_LOCAL_AUTH === "1";
}

export function authenticate(
  event: AuthEvent,
  options: { local?: boolean; coordinatorAddress: string } = { coordinatorAddress: "coordinator" },
): AuthResult {
  const local = options.local ?? localAuthEnabled();
  if (local) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header(event.headers, "authorization") ?? "");
    const token = match?.[1];
    if (token === "local-coordinator")
      return { ok: true, caller: { audience: "coordinator", actor: options.coordinatorAddress } };
    if (token === "local-staff") return { ok: true, caller: { audience: "staff", actor: "local-staff" } };
    return UNAUTHORIZED;
  }
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  if (!claims) return UNAUTHORIZED;
  const groups = groupsOf(claims["cognito:groups"]);
  const audience: Audience | null = groups.includes("coordinator")
    ? "coordinator"
    : groups.includes("staff")
      ? "staff"
      : null;
  if (!audience) return FORBIDDEN;
  return { ok: true, caller: { audience, actor: actorOf(claims) } };
}

/**
 * `cognito:groups` as API Gateway passes it: an array in the token, but HTTP API JWT authorisers flatten
 * array claims to a string, "[coordinator staff]"; a JSON array string or a comma list are accepted too.
 */
export function groupsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((g): g is string => typeof g === "string");
  if (typeof claim !== "string") return [];
  const text = claim.trim();
  if (text.startsWith("[") && text.includes('"')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.filter((g): g is string => typeof g === "string");
    } catch {
      // Not JSON: the flattened form below.
    }
  }
  return text
    .replace(/^\[|\]$/g, "")
    .split(/[\s,]+/)
    .filter((g) => g !== "");
}

function actorOf(claims: Record<string, unknown>): string {
  for (const name of ["email", "cognito:username", "username", "sub"]) {
    const value = claims[name];
    if (typeof value === "string" && value.trim() !== "") return value.trim().toLowerCase().slice(0, 320);
  }
  return "staff";
}

/** Header lookup by name, case-insensitively (API Gateway lower-cases them; a local server may not). */
export function header(
  headers: Record<string, string | undefined> | undefined,
  name: string,
): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}
