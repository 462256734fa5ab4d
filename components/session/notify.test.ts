import { describe, expect, it } from "vitest";
import type { SessionEvent } from "@/lib/events/types";
import { noticeFor } from "./notify";

const OPENED = Date.parse("2026-12-06T09:00:00Z");
const ctx = { title: "Fix the flaky test", openedAt: OPENED };
const at = (offsetMs: number) => new Date(OPENED + offsetMs).toISOString();
const turnEnd = (
  status: "completed" | "error" | "cancelled" | "interrupted",
  offsetMs = 5_000,
  error?: string,
) =>
  ({
    type: "turn-end",
    turnId: "t1",
    status,
    ...(error ? { error } : {}),
    seq: 9,
    at: at(offsetMs),
  }) as SessionEvent;
const proposal = (ok: boolean, offsetMs = 5_000) =>
  ({
    type: "tool-result",
    callId: "c7",
    tool: "propose_tool",
    state: ok ? "completed" : "error",
    ok,
    durationMs: 10,
    summary: "find_todos v1",
    seq: 8,
    at: at(offsetMs),
  }) as SessionEvent;

describe("noticeFor", () => {
  it.each([
    ["a finished turn", turnEnd("completed"), "Ratchet: the agent finished", "Fix the flaky test"],
    [
      "a failed turn, with why",
      turnEnd("error", 5_000, "model_timeout"),
      "Ratchet: the turn failed",
      "Fix the flaky test: model_timeout",
    ],
    [
      "an interrupted turn",
      turnEnd("interrupted"),
      "Ratchet: the turn was interrupted",
      "Fix the flaky test",
    ],
    [
      "a proposed tool",
      proposal(true),
      "Ratchet: a tool awaits your approval",
      "Fix the flaky test: find_todos v1",
    ],
    [
      "an event the moment the page opened",
      turnEnd("completed", 0),
      "Ratchet: the agent finished",
      "Fix the flaky test",
    ],
  ])("%s notifies", (_, event, title, body) => {
    expect(noticeFor(event, ctx)).toMatchObject({ title, body });
  });

  it.each([
    ["a turn the person stopped", turnEnd("cancelled")],
    ["a proposal that was refused", proposal(false)],
    ["history replayed when the page opened", turnEnd("completed", -60_000)],
    ["a replayed proposal", proposal(true, -3_000)],
    ["a turn that ended just before a reload", turnEnd("completed", -300)],
    ["any other event", { type: "text-delta", text: "done", seq: 3, at: at(1_000) } as SessionEvent],
  ])("%s does not", (_, event) => {
    expect(noticeFor(event, ctx)).toBeNull();
  });

  it("names an untitled session, keeps the body short and tags by turn so a repeat replaces it", () => {
    const long = turnEnd("error", 1_000, "x".repeat(500));
    const notice = noticeFor(long, { title: "", openedAt: OPENED });
    expect(notice?.body.startsWith("Untitled session: x")).toBe(true);
    expect(notice?.body.length).toBe(200);
    expect(notice?.tag).toBe("turn-t1");
  });
});
