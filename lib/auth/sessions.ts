import { randomBytes } from "node:crypto";
import {
  deleteExpiredAuthSessions,
  findAuthSession,
  insertAuthSession,
  revokeAuthSession,
  touchAuthSession,
} from "@/lib/db/queries/auth-sessions";
import { type Actor, OWNER } from "@/lib/team/actor";
import { actorOfUser, touchLastSeen } from "@/lib/team/users";
import { ownerCredential, safeEqual, sha256Hex } from "./token";

/**
 * A login lasts 30 days from sign-in, however much it is used: long enough that a person using
 * Ratchet daily pastes the token about once a month, short enough that a copied cookie does not
 * work forever. Logging out, disabling the user or resetting their token (or the install's) ends it
 * at once, on every instance, since every request reads the row.
 */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60_000;
/** lastSeenAt is written at most this often per login, not on every request. */
const SEEN_EVERY_MS = 60_000;
/** 32 random bytes, base64url: anything else is not one of ours and is not looked up. */
const SECRET = /^[A-Za-z0-9_-]{43}$/;

/** Who a login is for: the owner (the install's token) or a team member (with their token's hash). */
export type LoginSubject = { kind: "owner" } | { kind: "user"; id: string; tokenHash: string };

export interface NewSession {
  /** The cookie value: sent to the browser once, never stored. */
  secret: string;
  expiresAt: Date;
}

export function sessionIdOf(secret: string): string {
  return sha256Hex(secret);
}

export async function startSession(subject: LoginSubject, now = new Date()): Promise<NewSession> {
  const secret = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await deleteExpiredAuthSessions(now);
  await insertAuthSession({
    id: sessionIdOf(secret),
    userId: subject.kind === "user" ? subject.id : null,
    credential: subject.kind === "user" ? subject.tokenHash : ownerCredential(),
    expiresAt,
  });
  return { secret, expiresAt };
}

/**
 * The actor a login (by its row id) still stands for, or null: unknown, expired, revoked, made with
 * a token that has changed since, or a disabled user's.
 */
export async function sessionActor(id: string, now = new Date()): Promise<Actor | null> {
  const row = await findAuthSession(id);
  if (!row || row.revokedAt || row.expiresAt.getTime() <= now.getTime()) return null;
  let actor: Actor;
  if (row.userId === null) {
    if (!safeEqual(row.credential, ownerCredential())) return null;
    actor = OWNER;
  } else {
    const user = row.user;
    if (!user || user.disabledAt || !safeEqual(row.credential, user.tokenHash)) return null;
    touchLastSeen(user.id, now.getTime());
    actor = actorOfUser(user);
  }
  if (now.getTime() - row.lastSeenAt.getTime() >= SEEN_EVERY_MS) {
    touchAuthSession(id, now).catch((error: unknown) =>
      console.error("[ratchet] could not record a login's last request", error),
    );
  }
  return actor;
}

/** The login a cookie value opens, or null (a value of another shape, e.g. a cookie from before sessions, is not looked up). */
export async function sessionFromCookie(
  secret: string,
  now = new Date(),
): Promise<{ id: string; actor: Actor } | null> {
  if (!SECRET.test(secret)) return null;
  const id = sessionIdOf(secret);
  const actor = await sessionActor(id, now);
  return actor ? { id, actor } : null;
}

export function endSession(id: string): Promise<void> {
  return revokeAuthSession(id);
}
