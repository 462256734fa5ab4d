import { db } from "../client";

/** Team members (the User table); a token is stored only as its hash. */
export function insertUser(data: { name: string; role: string; tokenHash: string }) {
  return db().user.create({ data });
}

export function listUserRows() {
  return db().user.findMany({ orderBy: { createdAt: "asc" } });
}

export function findUserById(id: string) {
  return db().user.findUnique({ where: { id } });
}

export function findUserByTokenHash(tokenHash: string) {
  return db().user.findUnique({ where: { tokenHash } });
}

export function updateUserRow(
  id: string,
  data: { role?: string; disabledAt?: Date | null; tokenHash?: string; lastSeenAt?: Date },
) {
  return db().user.update({ where: { id }, data });
}
