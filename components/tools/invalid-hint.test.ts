import { describe, expect, it } from "vitest";
import { invalidHint } from "./invalid-hint";

describe("invalidHint", () => {
  it("tells the agent's own proposal it got the report", () => {
    expect(invalidHint({ origin: "agent", sessionId: "s1" })).toMatch(/The agent got the report/);
  });

  it.each([
    ["a file a person put in the tools folder", { origin: "user" as const, sessionId: null }],
    ["an agent proposal whose session is gone", { origin: "agent" as const, sessionId: null }],
  ])("does not claim the agent heard of %s", (_label, version) => {
    const hint = invalidHint(version);
    expect(hint).not.toMatch(/agent/);
    expect(hint).toMatch(/Fix the file in the tools folder/);
  });
});
