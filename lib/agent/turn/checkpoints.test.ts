import { describe, expect, it, vi } from "vitest";
import { checkpointTurnStart } from "@/lib/checkpoints/service";
import { resolveModelConfig } from "@/lib/settings/model-config";
import { startCheckpoints } from "./checkpoints";
import { recordRequest } from "./requests";
import { newTurnState } from "./state";

vi.mock("@/lib/checkpoints/service", () => ({
  checkpointTurnStart: vi.fn(() => Promise.resolve()),
  checkpointStep: vi.fn(() => Promise.resolve()),
}));
vi.mock("@/lib/model/requests", () => ({
  pruneOldRequests: vi.fn(() => Promise.resolve()),
  storeModelRequest: vi.fn(() => Promise.resolve()),
}));

const recorded = vi.mocked(checkpointTurnStart);
const macrotask = () => new Promise((resolve) => setImmediate(resolve));

function turn() {
  return newTurnState({
    sessionId: "s",
    turnId: "t",
    userText: "hi",
    kind: "agent",
    workspace: "/ws",
    budgetUsd: null,
    controller: new AbortController(),
    config: resolveModelConfig({ baseUrl: "http://127.0.0.1:9", model: "m" }),
    tierOverride: "auto",
  });
}

describe("the turn-start checkpoint", () => {
  it("is recorded once the first model request is out, never in front of it", async () => {
    recorded.mockClear();
    const state = turn();
    startCheckpoints(state);
    await macrotask();
    await macrotask();
    // its sandboxed process and its queries would hold the thread the request leaves on
    expect(recorded).not.toHaveBeenCalled();
    recordRequest(state, "{}");
    expect(recorded).not.toHaveBeenCalled();
    await state.checkpoints;
    expect(recorded).toHaveBeenCalledOnce();
    expect(recorded).toHaveBeenCalledWith("s", "/ws", "t");
  });

  it("is recorded all the same by a turn that ends before it sends a request", async () => {
    recorded.mockClear();
    const state = turn();
    startCheckpoints(state);
    await macrotask();
    expect(recorded).not.toHaveBeenCalled();
    state.markRequestOut();
    await state.checkpoints;
    expect(recorded).toHaveBeenCalledOnce();
  });
});
