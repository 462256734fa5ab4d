import { describe, expect, it, vi } from "vitest";
import { processState } from "./process-state";

const unique = () => `test.${Math.random().toString(36).slice(2, 10)}`;

describe("processState", () => {
  it("creates the value once, on first use, and hands out the same one afterwards", () => {
    const create = vi.fn(() => new Map<string, number>());
    const slot = processState(unique(), create);
    expect(create).not.toHaveBeenCalled();
    slot().set("a", 1);
    expect(slot().get("a")).toBe(1);
    expect(create).toHaveBeenCalledTimes(1);
  });

  it("is one value for every copy of a module, as Next's chunks each load their own copy", async () => {
    const name = unique();
    const first = await import("./process-state");
    vi.resetModules();
    const second = await import("./process-state");
    expect(second.processState).not.toBe(first.processState);
    const a = first.processState(name, () => ({ from: "first" }));
    const b = second.processState(name, () => ({ from: "second" }));
    expect(a().from).toBe("first");
    expect(b()).toBe(a());
  });

  it("is shared by two copies of a module that keeps state in it (lib/agent/active-turns.ts)", async () => {
    const first = await import("@/lib/agent/active-turns");
    vi.resetModules();
    const second = await import("@/lib/agent/active-turns");
    expect(second.activeTurns).not.toBe(first.activeTurns);
    expect(second.activeTurns()).toBe(first.activeTurns());
  });

  it("keeps nothing when creating throws, so the next call tries again", () => {
    let attempts = 0;
    const slot = processState(unique(), () => {
      attempts++;
      if (attempts === 1) throw new Error("not yet");
      return attempts;
    });
    expect(() => slot()).toThrow("not yet");
    expect(slot()).toBe(2);
    expect(slot()).toBe(2);
  });

  it("can be replaced and reset", () => {
    const name = unique();
    const slot = processState(name, () => "made");
    slot.set("injected");
    expect(processState(name, () => "other")()).toBe("injected");
    slot.reset();
    expect(slot()).toBe("made");
  });
});
