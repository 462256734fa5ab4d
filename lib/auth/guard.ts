import { env } from "@/lib/env";
import { ApiError } from "@/lib/errors";
import { type Actor, OWNER } from "@/lib/team/actor";
import { ROLE_RIGHTS, type Role, roleAllows } from "@/lib/team/roles";
import { actorOfUser, findUserRow, touchLastSeen, type UserRow, userByToken } from "@/lib/team/users";
import { readSessionCookie } from "./cookie";
import { authLimiter } from "./limiter";
import { sessionActor, sessionFromCookie } from "./sessions";
import { accessToken, safeEqual } from "./token";

export function allowedHosts(): Set<string> {
  const { PORT, RATCHET_ALLOWED_HOSTS } = env();
  const hosts = [`127.0.0.1:${PORT}`, `localhost:${PORT}`, `[::1]:${PORT}`];
  for (const h of (RATCHET_ALLOWED_HOSTS ?? "").split(",")) if (h.trim()) hosts.push(h.trim().toLowerCase());
  return new Set(hosts);
}

/** DNS rebinding defence: the Host header must name this server, checked before anything else. */
export function checkHost(headers: Headers): void {
  const host = headers.get("host")?.toLowerCase();
  if (!host || !allowedHosts().has(host)) {
    throw new ApiError(
      "forbidden",
      "Host not allowed. Open Ratchet through the address it printed at start.",
    );
  }
}

export type AuthMethod = "bearer" | "cookie";

/** What a request presented, kept so it can be counted and checked again while a stream stays open. */
export type Proof =
  | { kind: "session"; id: string }
  | { kind: "owner-token" }
  | { kind: "user-token"; userId: string; tokenHash: string };

export interface Credentials {
  method: AuthMethod;
  actor: Actor;
  proof: Proof;
}

/** One name per credential: a login (session), the owner's token, or one team member's token. */
export function credentialKey(proof: Proof): string {
  if (proof.kind === "session") return `session:${proof.id}`;
  if (proof.kind === "user-token") return `user-token:${proof.tokenHash}`;
  return "owner-token";
}

function userActor(row: UserRow): Actor {
  if (row.disabledAt) throw new ApiError("unauthorized", `The user ${row.name} is disabled; ask an admin.`);
  touchLastSeen(row.id);
  return actorOfUser(row);
}

/** The install's token is the owner (every right); a team member's token is that user. */
async function tokenCredentials(token: string): Promise<Credentials | null> {
  if (safeEqual(token, accessToken()))
    return { method: "bearer", actor: OWNER, proof: { kind: "owner-token" } };
  const row = await userByToken(token);
  if (!row) return null;
  return {
    method: "bearer",
    actor: userActor(row),
    proof: { kind: "user-token", userId: row.id, tokenHash: row.tokenHash },
  };
}

async function bearer(authorization: string): Promise<Credentials> {
  // before the token is looked at: during a lockout a right guess gets the same 429 as a wrong one
  authLimiter().check("token");
  const match = /^Bearer\s+(.+)$/i.exec(authorization);
  const credentials = match?.[1] ? await tokenCredentials(match[1].trim()) : null;
  if (credentials) return credentials;
  authLimiter().recordFailure("token");
  throw new ApiError("unauthorized", "Invalid access token.");
}

export const LOGIN_ENDED =
  "Your login has ended (logged out, expired, or revoked by an admin); log in again with the access token.";

export async function authenticate(headers: Headers): Promise<Credentials> {
  const authorization = headers.get("authorization");
  if (authorization) return bearer(authorization);
  const cookie = readSessionCookie(headers);
  if (cookie) {
    const session = await sessionFromCookie(cookie);
    if (session)
      return { method: "cookie", actor: session.actor, proof: { kind: "session", id: session.id } };
    throw new ApiError("unauthorized", LOGIN_ENDED);
  }
  throw new ApiError(
    "unauthorized",
    "Authentication required: send Authorization: Bearer <token> or log in.",
  );
}

/** True while what a request presented still logs in (an open stream asks every few seconds). */
export async function stillValid(proof: Proof): Promise<boolean> {
  if (proof.kind === "owner-token") return true;
  if (proof.kind === "session") return (await sessionActor(proof.id)) !== null;
  const row = await findUserRow(proof.userId);
  return row !== null && !row.disabledAt && safeEqual(row.tokenHash, proof.tokenHash);
}

/**
 * CSRF defence for state-changing requests. A browser always sends Origin on a
 * cross-site POST; with cookie auth a missing or "null" Origin is refused too.
 */
export function checkOrigin(headers: Headers, method: AuthMethod): void {
  const origin = headers.get("origin");
  if (origin === null) {
    if (method === "cookie") throw new ApiError("forbidden", "Missing Origin header.");
    return;
  }
  let host: string;
  try {
    host = new URL(origin).host.toLowerCase();
  } catch {
    throw new ApiError("forbidden", "Origin not allowed.");
  }
  if (origin === "null" || !allowedHosts().has(host)) throw new ApiError("forbidden", "Origin not allowed.");
}

/** 403 unless the actor's role includes `required`; the message names the right and the actor's role. */
export function requireRole(actor: Actor, required: Role): void {
  if (roleAllows(actor.role, required)) return;
  throw new ApiError(
    "forbidden",
    `Not allowed: this needs the ${required} role (${ROLE_RIGHTS[required]}); ${actor.name} is a ${actor.role}.`,
  );
}

const checked = new WeakMap<Request, Credentials>();

/** Everything a protected handler checks, in order: Host, credentials, Origin (mutations), role. */
export async function guardRequest(
  request: Request,
  opts: { mutation: boolean; role: Role },
): Promise<Credentials> {
  checkHost(request.headers);
  const credentials = await authenticate(request.headers);
  if (opts.mutation) checkOrigin(request.headers, credentials.method);
  requireRole(credentials.actor, opts.role);
  checked.set(request, credentials);
  return credentials;
}

/** The credentials guardRequest accepted for this request (401 if it did not run). */
export function credentialsOf(request: Request): Credentials {
  const credentials = checked.get(request);
  if (!credentials) throw new ApiError("unauthorized", "Authentication required.");
  return credentials;
}
