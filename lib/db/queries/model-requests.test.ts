import { describe, expect, it } from "vitest";
import { splitRequest } from "@/lib/model/request-record";
import { db } from "../client";
import {
  findModelRequest,
  listModelRequests,
  pruneModelRequests,
  readRequestBlobs,
  saveModelRequest,
} from "./model-requests";
import { createSession } from "./sessions";

const newSession = () =>
  createSession({ title: "r", workspace: "/tmp", budgetUsd: null, model: "m", kind: "agent" });

const SYSTEM = { role: "system", content: `You are Ratchet. ${"working memory ".repeat(200)}` };
const TOOLS = [{ type: "function", function: { name: "run_command", description: "x".repeat(2000) } }];
const body = (history: unknown[]) =>
  JSON.stringify({ model: "m", messages: [SYSTEM, ...history], tools: TOOLS });

describe("stored model requests", () => {
  it("stores each blob once across steps and sessions, and reads a request back only in its session", async () => {
    const [a, b] = [await newSession(), await newSession()];
    const user = { role: "user", content: `hello ${a.id}` };
    const answer = { role: "assistant", content: "hi" };
    for (const [sessionId, step, history] of [
      [a.id, 1, [user]],
      [a.id, 2, [user, answer]],
      [b.id, 1, [user]],
    ] as const) {
      const { skeleton, blobs, bytes } = splitRequest(body([...history]));
      await saveModelRequest({ sessionId, turnId: null, step, skeleton, bytes }, blobs);
    }
    const listed = await listModelRequests(a.id);
    expect(listed.map((r) => r.step)).toEqual([1, 2]);
    const hashes = splitRequest(body([user, answer])).blobs;
    const stored = await readRequestBlobs([...hashes.keys()]);
    expect(stored.size).toBe(4); // system, tools, the user's message, the answer: once each
    expect(await findModelRequest(b.id, listed[0]?.id ?? "")).toBeNull();
    expect((await findModelRequest(a.id, listed[1]?.id ?? ""))?.skeleton.messages).toHaveLength(3);
  });

  it("drops requests past the retention and the blobs no kept request has used since", async () => {
    const session = await newSession();
    const old = new Date("2020-01-01T00:00:00Z");
    const only = { role: "user", content: `only in the old request ${session.id}` };
    const shared = { role: "user", content: `in both ${session.id}` };
    const first = splitRequest(body([only, shared]));
    await saveModelRequest(
      { sessionId: session.id, turnId: null, step: 1, skeleton: first.skeleton, bytes: first.bytes },
      first.blobs,
      old,
    );
    const second = splitRequest(body([shared]));
    await saveModelRequest(
      { sessionId: session.id, turnId: null, step: 2, skeleton: second.skeleton, bytes: second.bytes },
      second.blobs,
    );
    await pruneModelRequests(new Date("2021-01-01T00:00:00Z"));
    expect((await listModelRequests(session.id)).map((r) => r.step)).toEqual([2]);
    const kept = await readRequestBlobs([...first.blobs.keys()]);
    // the blob only the old request used is gone; those the new one used again are kept
    expect(kept.size).toBe(first.blobs.size - 1);
    expect([...kept.values()].some((t) => t.includes("only in the old request"))).toBe(false);
  });

  it("costs a turn its new messages and a few hundred bytes a step, not its history again", async () => {
    const session = await newSession();
    const before = await blobBytes();
    const history: unknown[] = [{ role: "user", content: "fix the tests" }];
    let skeletons = 0;
    for (let step = 1; step <= 5; step++) {
      const { skeleton, blobs, bytes } = splitRequest(body(history));
      await saveModelRequest({ sessionId: session.id, turnId: "t", step, skeleton, bytes }, blobs);
      skeletons += JSON.stringify(skeleton).length;
      history.push({ role: "assistant", content: `step ${step} ${"output ".repeat(50)}` });
    }
    const sent = JSON.stringify(body(history)).length * 5;
    const stored = (await blobBytes()) - before + skeletons;
    // five steps send the system prompt and the tools five times; they are stored once
    expect(stored).toBeLessThan(sent / 3);
    expect(skeletons / 5).toBeLessThan(1000);
  });
});

async function blobBytes(): Promise<number> {
  const rows = await db().requestBlob.findMany({ select: { text: true } });
  return rows.reduce((n, r) => n + r.text.length, 0);
}
