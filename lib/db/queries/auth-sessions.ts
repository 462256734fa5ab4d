import { EventEmitter } from "node:events";
import { processState } from "@/lib/process-state";
import { db } from "../client";

/**
 * Browser logins (the AuthSession table). Every revocation is also announced on this process's
 * bus, so what holds a login open here (an event stream) can re-check it at once; other instances
 * notice on their next periodic check (lib/auth/streams.ts).
 */
export interface AuthSessionRow {
  id: string;
  userId: string | null;
  credential: string;
  createdAt: Date;
  expiresAt: Date;
  lastSeenAt: Date;
  revokedAt: Date | null;
}

const revocations = processState("auth.revocations", () => {
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  return bus;
});

/** Calls `listener` after any login or token of this process is revoked; returns the unsubscribe. */
export function onAuthRevoked(listener: () => void): () => void {
  revocations().on("revoked", listener);
  return () => revocations().off("revoked", listener);
}

export function announceAuthRevoked(): void {
  revocations().emit("revoked");
}

export function insertAuthSession(row: {
  id: string;
  userId: string | null;
  credential: string;
  expiresAt: Date;
}): Promise<AuthSessionRow> {
  return db().authSession.create({ data: row });
}

/** The session and, for a team member's, the user it belongs to. */
export function findAuthSession(id: string) {
  return db().authSession.findUnique({ where: { id }, include: { user: true } });
}

export async function touchAuthSession(id: string, at: Date): Promise<void> {
  await db().authSession.updateMany({ where: { id, revokedAt: null }, data: { lastSeenAt: at } });
}

export async function revokeAuthSession(id: string, at = new Date()): Promise<void> {
  await db().authSession.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
  announceAuthRevoked();
}

/** Ends every open login of a user (disabled, token reset). */
export async function revokeUserAuthSessions(userId: string, at = new Date()): Promise<number> {
  const { count } = await db().authSession.updateMany({
    where: { userId, revokedAt: null },
    data: { revokedAt: at },
  });
  announceAuthRevoked();
  return count;
}

/** Expired rows are of no use to anyone: they are deleted when someone logs in. */
export async function deleteExpiredAuthSessions(now = new Date()): Promise<number> {
  const { count } = await db().authSession.deleteMany({ where: { expiresAt: { lt: now } } });
  return count;
}
