import { beforeEach, describe, expect, it, vi } from "vitest";
import { pruneOldRequests } from "@/lib/model/requests";
import { PRUNE_EVERY_MS, pruneRequests } from "./requests";

vi.mock("@/lib/model/requests", () => ({
  pruneOldRequests: vi.fn(() => Promise.resolve()),
  storeModelRequest: vi.fn(() => Promise.resolve()),
}));

const prune = vi.mocked(pruneOldRequests);
let clock = 1_000_000_000_000;

describe("pruning stored model requests beside turn starts", () => {
  beforeEach(() => {
    prune.mockClear();
    // far past the previous test's prune
    clock += 10 * PRUNE_EVERY_MS;
  });

  it("prunes on the first turn start, then not again until an interval has passed", () => {
    pruneRequests(clock);
    pruneRequests(clock + 1);
    pruneRequests(clock + PRUNE_EVERY_MS - 1);
    expect(prune).toHaveBeenCalledTimes(1);
    expect(prune).toHaveBeenLastCalledWith(new Date(clock));
    pruneRequests(clock + PRUNE_EVERY_MS);
    expect(prune).toHaveBeenCalledTimes(2);
    expect(prune).toHaveBeenLastCalledWith(new Date(clock + PRUNE_EVERY_MS));
  });

  it("tries again on the next turn start when a prune failed", async () => {
    const failed = Promise.reject(new Error("database is locked"));
    prune.mockReturnValueOnce(failed);
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    pruneRequests(clock);
    await failed.catch(() => {});
    await new Promise((resolve) => setImmediate(resolve));
    expect(logged).toHaveBeenCalledOnce();
    pruneRequests(clock + 1);
    expect(prune).toHaveBeenCalledTimes(2);
    logged.mockRestore();
  });
});
