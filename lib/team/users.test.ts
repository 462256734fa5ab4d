import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { ApiError } from "@/lib/errors";
import { createUser, hashToken, listUsers, resetUserToken, updateUser, userByToken } from "./users";

const unique = () => Math.random().toString(36).slice(2, 10);

async function errorOf(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

describe("users", () => {
  it("are created with a token shown once; only its hash is stored", async () => {
    const name = `alice-${unique()}`;
    const { user, token } = await createUser({ name, role: "member" });
    expect(user).toMatchObject({ name, role: "member", disabledAt: null, lastSeenAt: null });
    expect(token).toMatch(/^rtu_[A-Za-z0-9_-]{43}$/);
    const row = await db().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect((await userByToken(token))?.id).toBe(user.id);
    expect((await listUsers()).some((u) => u.id === user.id)).toBe(true);
  });

  it("refuse a taken name (409), a malformed one and the reserved owner (422)", async () => {
    const name = `bob-${unique()}`;
    await createUser({ name, role: "viewer" });
    expect((await errorOf(createUser({ name, role: "admin" }))).status).toBe(409);
    for (const bad of ["owner", "Bob", "", "-x", "a b", "x".repeat(41)]) {
      expect((await errorOf(createUser({ name: bad, role: "viewer" }))).status).toBe(422);
    }
  });

  it("change role, disable and re-enable, and reset the token", async () => {
    const { user, token } = await createUser({ name: `carol-${unique()}`, role: "viewer" });
    const promoted = await updateUser(user.id, { role: "approver" });
    expect(promoted.before.role).toBe("viewer");
    expect(promoted.after.role).toBe("approver");
    const disabled = await updateUser(user.id, { disabled: true });
    expect(disabled.after.disabledAt).not.toBeNull();
    const again = await updateUser(user.id, { disabled: true });
    expect(again.after.disabledAt).toBe(disabled.after.disabledAt);
    expect((await updateUser(user.id, { disabled: false })).after.disabledAt).toBeNull();

    const reset = await resetUserToken(user.id);
    expect(reset.token).not.toBe(token);
    expect(await userByToken(token)).toBeNull();
    expect((await userByToken(reset.token))?.id).toBe(user.id);
    expect((await errorOf(updateUser("no-such-user", { role: "admin" }))).status).toBe(404);
  });
});
