/**
 * Rows 32 and 35 (docs/security.md): at most 16 open event streams per credential, and an
 * open stream closes when its login ends, its user is disabled or its token is reset, also when that
 * happens on another instance.
 */
import { afterEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { onAuthRevoked } from "@/lib/db/queries/auth-sessions";
import { ApiError } from "@/lib/errors";
import { sessionEventStream } from "@/lib/events/sse";
import { createUser, resetUserToken, updateUser } from "@/lib/team/users";
import { authenticate, type Credentials } from "./guard";
import { loginCookieFor } from "./login";
import { endSession } from "./sessions";
import {
  holdStream,
  MAX_STREAMS_PER_CREDENTIAL,
  openStreamCount,
  RECHECK_MS,
  recheckStreams,
  type StreamLease,
} from "./streams";

const TOKEN = process.env.RATCHET_TOKEN ?? "";
const unique = () => Math.random().toString(36).slice(2, 10);
const leases: StreamLease[] = [];

afterEach(() => {
  for (const lease of leases.splice(0)) lease.release();
});

function hold(credentials: Credentials): StreamLease {
  const lease = holdStream(credentials);
  leases.push(lease);
  return lease;
}

async function viaCookie(token: string): Promise<Credentials> {
  const cookie = /^(ratchet_session=[^;]+)/.exec((await loginCookieFor(token)) ?? "")?.[1];
  if (!cookie) throw new Error("no login");
  return authenticate(new Headers({ cookie }));
}

const viaBearer = (token: string) => authenticate(new Headers({ authorization: `Bearer ${token}` }));

/** Resolves with how long the signal took to abort, or rejects after `withinMs`. */
function abortedWithin(signal: AbortSignal, withinMs: number): Promise<number> {
  const started = performance.now();
  if (signal.aborted) return Promise.resolve(0);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not aborted within ${withinMs} ms`)), withinMs);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve(performance.now() - started);
    });
  });
}

describe("open event streams per credential", () => {
  it("are capped at 16 per login or token; the 17th gets 429; a slot comes back when a stream ends", async () => {
    const login = await viaCookie(TOKEN);
    const other = await viaCookie(TOKEN);
    const bearer = await viaBearer(TOKEN);
    const held = Array.from({ length: MAX_STREAMS_PER_CREDENTIAL }, () => hold(login));
    expect(openStreamCount(login)).toBe(16);
    let refused: unknown;
    try {
      hold(login);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(429);
    expect((refused as ApiError).message).toMatch(/already has 16 open event streams/);
    // another login of the same person, and the token itself, count separately
    for (let i = 0; i < MAX_STREAMS_PER_CREDENTIAL; i++) hold(other);
    for (let i = 0; i < MAX_STREAMS_PER_CREDENTIAL; i++) hold(bearer);
    expect(() => hold(bearer)).toThrow(ApiError);
    // releasing twice frees one slot, not two
    held[0]?.release();
    held[0]?.release();
    expect(openStreamCount(login)).toBe(15);
    hold(login);
    expect(() => hold(login)).toThrow(ApiError);
  });

  it("close at once when their login is logged out on this instance", async () => {
    const login = await viaCookie(TOKEN);
    const bystander = await viaCookie(TOKEN);
    const lease = hold(login);
    const other = hold(bystander);
    if (login.proof.kind !== "session") throw new Error("expected a session");
    await endSession(login.proof.id);
    // announced on this process's bus: well before the periodic re-check
    expect(await abortedWithin(lease.signal, RECHECK_MS - 500)).toBeLessThan(RECHECK_MS);
    await recheckStreams();
    expect(other.signal.aborted).toBe(false);
  });

  it("close when the user is disabled (cookie and token) or their token is reset (token); the owner's stay", async () => {
    const { user, token } = await createUser({ name: `str-${unique()}`, role: "viewer" });
    const cookieLease = hold(await viaCookie(token));
    const tokenLease = hold(await viaBearer(token));
    const owner = hold(await viaBearer(TOKEN));
    await updateUser(user.id, { disabled: true });
    await abortedWithin(cookieLease.signal, RECHECK_MS - 500);
    await abortedWithin(tokenLease.signal, RECHECK_MS - 500);

    await updateUser(user.id, { disabled: false });
    const again = hold(await viaBearer(token));
    await resetUserToken(user.id);
    await abortedWithin(again.signal, RECHECK_MS - 500);
    await recheckStreams();
    expect(owner.signal.aborted).toBe(false);
  });

  it("close within a few seconds when another instance revokes the login (nothing announced here)", async () => {
    const login = await viaCookie(TOKEN);
    if (login.proof.kind !== "session") throw new Error("expected a session");
    const lease = hold(login);
    await db().authSession.update({ where: { id: login.proof.id }, data: { revokedAt: new Date() } });
    await abortedWithin(lease.signal, RECHECK_MS + 2000);
  });

  it("hear of every revocation on this instance the moment it is written (logout, disable, token reset)", async () => {
    let heard = 0;
    const stop = onAuthRevoked(() => {
      heard++;
    });
    try {
      const login = await viaCookie(TOKEN);
      if (login.proof.kind !== "session") throw new Error("expected a session");
      await endSession(login.proof.id);
      expect(heard).toBe(1);
      const { user } = await createUser({ name: `ann-${unique()}`, role: "viewer" });
      await updateUser(user.id, { disabled: true });
      expect(heard).toBe(2);
      await resetUserToken(user.id);
      expect(heard).toBe(3);
      // a role change or re-enabling revokes nothing
      await updateUser(user.id, { disabled: false, role: "member" });
      expect(heard).toBe(3);
    } finally {
      stop();
    }
  });

  it("end the event stream itself and give the slot back", async () => {
    const login = await viaCookie(TOKEN);
    if (login.proof.kind !== "session") throw new Error("expected a session");
    const lease = holdStream(login);
    const stream = sessionEventStream(`no-such-session-${unique()}`, 0, lease.signal, lease.release);
    const reader = stream.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("retry: 1000\n\n");
    expect(openStreamCount(login)).toBe(1);
    await endSession(login.proof.id);
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
    }
    expect(openStreamCount(login)).toBe(0);
  });
});
