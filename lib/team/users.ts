import { createHash, randomBytes } from "node:crypto";
import { revokeUserAuthSessions } from "@/lib/db/queries/auth-sessions";
import {
  findUserById,
  findUserByTokenHash,
  insertUser,
  listUserRows,
  updateUserRow,
} from "@/lib/db/queries/users";
import { ApiError } from "@/lib/errors";
import { processState } from "@/lib/process-state";
import { type Actor, OWNER_NAME } from "./actor";
import { isRole, type Role } from "./roles";

/** Lower-case letters, digits, dot, dash, underscore; 1 to 40 characters, starting with a letter or digit. */
export const USER_NAME = /^[a-z0-9][a-z0-9._-]{0,39}$/;
const TOKEN_PREFIX = "rtu_";
/** lastSeenAt is written at most this often per user (not on every request). */
const SEEN_EVERY_MS = 60_000;

export interface UserRow {
  id: string;
  name: string;
  role: string;
  tokenHash: string;
  createdAt: Date;
  lastSeenAt: Date | null;
  disabledAt: Date | null;
}

export interface UserView {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  lastSeenAt: string | null;
  disabledAt: string | null;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** A user's token: shown once at creation (or reset); only its hash is stored. */
export function newUserToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
}

/** A stored role that is not one of ours (edited by hand) reads as viewer: it grants nothing. */
function roleOf(row: UserRow): Role {
  return isRole(row.role) ? row.role : "viewer";
}

export function userView(row: UserRow): UserView {
  return {
    id: row.id,
    name: row.name,
    role: roleOf(row),
    createdAt: row.createdAt.toISOString(),
    lastSeenAt: row.lastSeenAt?.toISOString() ?? null,
    disabledAt: row.disabledAt?.toISOString() ?? null,
  };
}

export function actorOfUser(row: UserRow): Actor {
  return { kind: "user", id: row.id, name: row.name, role: roleOf(row) };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === "P2002";
}

function checkName(name: string): void {
  if (!USER_NAME.test(name)) {
    throw new ApiError(
      "unprocessable",
      "name: use 1 to 40 lower-case letters, digits, '.', '-' or '_', starting with a letter or digit",
    );
  }
  if (name === OWNER_NAME) {
    throw new ApiError("unprocessable", `name: "${OWNER_NAME}" is reserved for the install's own token`);
  }
}

export async function createUser(input: {
  name: string;
  role: Role;
}): Promise<{ user: UserView; token: string }> {
  checkName(input.name);
  const token = newUserToken();
  try {
    const row = await insertUser({ name: input.name, role: input.role, tokenHash: hashToken(token) });
    return { user: userView(row), token };
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ApiError("conflict", `A user named ${input.name} already exists.`);
    throw error;
  }
}

export async function listUsers(): Promise<UserView[]> {
  const rows = await listUserRows();
  return rows.map(userView);
}

export function findUserRow(id: string): Promise<UserRow | null> {
  return findUserById(id);
}

async function requireUser(id: string): Promise<UserRow> {
  const row = await findUserRow(id);
  if (!row) throw new ApiError("not_found", `No user ${id}.`);
  return row;
}

/**
 * Changes a user's role and/or disables or re-enables them; returns the user before and after.
 * Disabling ends the user's logins for good: re-enabling does not bring them back.
 */
export async function updateUser(
  id: string,
  change: { role?: Role; disabled?: boolean },
): Promise<{ before: UserView; after: UserView }> {
  const before = await requireUser(id);
  const disabledAt =
    change.disabled === undefined ? undefined : change.disabled ? (before.disabledAt ?? new Date()) : null;
  const after = await updateUserRow(id, {
    ...(change.role ? { role: change.role } : {}),
    ...(disabledAt !== undefined ? { disabledAt } : {}),
  });
  if (change.disabled === true) await revokeUserAuthSessions(id);
  return { before: userView(before), after: userView(after) };
}

/** Replaces a user's token (the old one and its logins stop working at once). */
export async function resetUserToken(id: string): Promise<{ user: UserView; token: string }> {
  await requireUser(id);
  const token = newUserToken();
  const row = await updateUserRow(id, { tokenHash: hashToken(token) });
  await revokeUserAuthSessions(id);
  return { user: userView(row), token };
}

/** The user a token belongs to (disabled or not), or null. Looked up by the token's hash. */
export async function userByToken(token: string): Promise<UserRow | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  return findUserByTokenHash(hashToken(token));
}

/** When each user's request was last recorded by this process. */
const lastRecorded = processState("team.lastSeen", () => new Map<string, number>());

/** Records that a user made a request, at most once a minute per user; never fails the request. */
export function touchLastSeen(id: string, now = Date.now()): void {
  const seen = lastRecorded();
  if (now - (seen.get(id) ?? 0) < SEEN_EVERY_MS) return;
  seen.set(id, now);
  updateUserRow(id, { lastSeenAt: new Date(now) }).catch((error: unknown) =>
    console.error("[ratchet] could not record a user's last request", error),
  );
}
