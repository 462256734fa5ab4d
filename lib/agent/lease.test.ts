import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type FakeLLM, reply, startFakeLLM } from "@/e2e/support/fake-llm";
import { otherInstanceClient } from "@/lib/boot/test-support";
import { type Db, db } from "@/lib/db/client";
import { createSession, findSession } from "@/lib/db/queries/sessions";
import { ApiError } from "@/lib/errors";
import { testWorkspace } from "@/lib/testing/workspace";
import { type ActiveTurn, activeTurns } from "./active-turns";
import {
  acquireTurnLease,
  heartbeat,
  heldLeases,
  instanceId,
  LEASE_MS,
  type LeaseHolder,
  localHolder,
  releaseLease,
  releaseTurnLease,
  renewLeases,
  tryAcquireLease,
} from "./lease";
import { sendMessage } from "./runner";

// The model setting is shared by every test file on this database: this file's turns use their own.
const model = vi.hoisted(() => ({ url: "" }));
vi.mock("@/lib/settings/model-config", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/settings/model-config")>();
  return {
    ...actual,
    loadModelConfig: async () =>
      actual.resolveModelConfig({
        baseUrl: model.url,
        apiKey: "sk-test-lease-0000000000",
        model: "fake-model",
      }),
  };
});

let other: Db;
let closeOther: () => Promise<void>;
let a: LeaseHolder;
let b: LeaseHolder;
let llm: FakeLLM;
let workspace: string;

beforeAll(async () => {
  ({ client: other, close: closeOther } = otherInstanceClient());
  a = { client: db(), owner: "instance-a" };
  b = { client: other, owner: "instance-b" };
  llm = await startFakeLLM({ port: 0 });
  process.env.RATCHET_TOOLS_DIR = mkdtempSync(path.join(os.tmpdir(), "ratchet-tools-"));
  workspace = testWorkspace("ws-");
  model.url = llm.url;
});

afterAll(async () => {
  await closeOther();
  await llm.close();
});

const newSession = () => createSession({ title: "lease", workspace, budgetUsd: null, model: "fake-model" });
const later = (ms: number) => new Date(Date.now() + ms);

describe("session leases", () => {
  it("go to exactly one of two instances racing for them", async () => {
    const sessions = await Promise.all(Array.from({ length: 20 }, newSession));
    for (const { id } of sessions) {
      const [gotA, gotB] = await Promise.all([tryAcquireLease(a, id), tryAcquireLease(b, id)]);
      expect(Number(gotA) + Number(gotB)).toBe(1);
      const row = await findSession(id);
      expect(row?.leaseOwner).toBe(gotA ? a.owner : b.owner);
      expect(row?.leaseExpiresAt?.getTime()).toBeGreaterThan(Date.now() + LEASE_MS - 5000);
    }
  });

  it("are kept by their holder, refused to others, and free again once lapsed or released", async () => {
    const { id } = await newSession();
    expect(await tryAcquireLease(a, id)).toBe(true);
    expect(await tryAcquireLease(a, id)).toBe(true);
    expect(await tryAcquireLease(b, id)).toBe(false);
    expect(await tryAcquireLease(b, id, later(LEASE_MS - 2000))).toBe(false);
    // a dead holder stops renewing: once the lease lapses another instance takes over
    expect(await tryAcquireLease(b, id, later(LEASE_MS + 1000))).toBe(true);
    expect(await renewLeases(a, [id])).toEqual([id]);
    await releaseLease(a, id);
    expect((await findSession(id))?.leaseOwner).toBe(b.owner);
    await releaseLease(b, id);
    expect(await findSession(id)).toMatchObject({ leaseOwner: null, leaseExpiresAt: null });
    expect(await tryAcquireLease(a, id)).toBe(true);
  });

  it("are renewed by the heartbeat; a lease taken over stops the local turn", async () => {
    const { id } = await newSession();
    expect(instanceId()).toMatch(new RegExp(`/${process.pid}/`));
    expect(await acquireTurnLease(id)).toBe(true);
    expect(heldLeases()).toContain(id);
    const controller = new AbortController();
    const turn: ActiveTurn = { turnId: "t", controller, done: Promise.resolve() };
    activeTurns().set(id, turn);
    try {
      const before = (await findSession(id))?.leaseExpiresAt?.getTime() ?? 0;
      await heartbeat(Date.now() + 3000);
      expect((await findSession(id))?.leaseExpiresAt?.getTime()).toBeGreaterThan(before);
      expect(controller.signal.aborted).toBe(false);

      await other.session.update({ where: { id }, data: { leaseOwner: b.owner } });
      await heartbeat();
      expect(controller.signal.aborted).toBe(true);
      expect(turn.stopReason).toBe("shutdown");
      expect(heldLeases()).not.toContain(id);
    } finally {
      activeTurns().delete(id);
      await releaseTurnLease(id);
    }
  });
});

describe("the runner with leases", () => {
  it("refuses a message with 409 while another instance holds the session", async () => {
    const { id } = await newSession();
    expect(await tryAcquireLease(b, id)).toBe(true);
    const refused = await sendMessage(id, "hello").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(409);
    expect((refused as ApiError).message).toMatch(/another Ratchet instance/);
    expect(activeTurns().has(id)).toBe(false);
    expect((await findSession(id))?.leaseOwner).toBe(b.owner);
    expect(await db().turn.count({ where: { sessionId: id } })).toBe(0);
  });

  it("holds the lease for the turn and gives it up when the turn ends", async () => {
    const { id } = await newSession();
    llm.enqueue(reply().text("hi").build());
    await sendMessage(id, "hello");
    expect((await findSession(id))?.leaseOwner).toBe(localHolder().owner);
    expect(await tryAcquireLease(b, id)).toBe(false);
    await activeTurns().get(id)?.done;
    expect(await findSession(id)).toMatchObject({ status: "idle", leaseOwner: null, leaseExpiresAt: null });
    expect(heldLeases()).not.toContain(id);
  });
});
