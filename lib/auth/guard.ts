import { ApiError } from "@/lib/api/errors";
import { env } from "@/lib/env";
import { type Actor, OWNER } from "@/lib/team/actor";
import { ROLE_RIGHTS, type Role, roleAllows } from "@/lib/team/roles";
import { actorOfUser, findUserRow, touchLastSeen, type UserRow, userByToken } from "@/lib/team/users";
import { accessToken, COOKIE_NAME, cookieValue, safeEqual, userCookieValue } from "./token";

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

function readCookie(headers: Headers, name: string): string | undefined {
  for (const part of (headers.get("cookie") ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return undefined;
}

export type AuthMethod = "bearer" | "cookie";

export interface Credentials {
  method: AuthMethod;
  actor: Actor;
}

function userActor(row: UserRow): Actor {
  if (row.disabledAt) throw new ApiError("unauthorized", `The user ${row.name} is disabled; ask an admin.`);
  touchLastSeen(row.id);
  return actorOfUser(row);
}

/** The install's token is the owner (every right); a team member's token is that user. */
export async function actorForToken(token: string): Promise<Actor | null> {
  if (safeEqual(token, accessToken())) return OWNER;
  const row = await userByToken(token);
  return row ? userActor(row) : null;
}

/** The owner's cookie is a bare mac; a team member's is `<user id>.<mac>` (lib/auth/token.ts). */
async function actorForCookie(value: string): Promise<Actor | null> {
  const dot = value.indexOf(".");
  if (dot === -1) return safeEqual(value, cookieValue()) ? OWNER : null;
  const row = await findUserRow(value.slice(0, dot));
  if (!row || !safeEqual(value, userCookieValue(row.id, row.tokenHash))) return null;
  return userActor(row);
}

export async function authenticate(headers: Headers): Promise<Credentials> {
  const authorization = headers.get("authorization");
  if (authorization) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization);
    const actor = match?.[1] ? await actorForToken(match[1].trim()) : null;
    if (actor) return { method: "bearer", actor };
    throw new ApiError("unauthorized", "Invalid access token.");
  }
  const cookie = readCookie(headers, COOKIE_NAME);
  const actor = cookie ? await actorForCookie(cookie) : null;
  if (actor) return { method: "cookie", actor };
  throw new ApiError(
    "unauthorized",
    "Authentication required: send Authorization: Bearer <token> or log in.",
  );
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

/** Everything a protected handler checks, in order: Host, credentials, Origin (mutations), role. */
export async function guardRequest(
  request: Request,
  opts: { mutation: boolean; role: Role },
): Promise<Credentials> {
  checkHost(request.headers);
  const credentials = await authenticate(request.headers);
  if (opts.mutation) checkOrigin(request.headers, credentials.method);
  requireRole(credentials.actor, opts.role);
  return credentials;
}
