import { describe, expect, it } from "vitest";
import { parseHypothesisChange } from "./hypothesis-ref";

describe("the change a hypothesis is about, from its subject", () => {
  it.each([
    ["tool_version", "find_todos@v3", { kind: "tool", name: "find_todos", version: 3 }],
    ["tool_version", "find_todos v3", { kind: "tool", name: "find_todos", version: 3 }],
    ["tool_version", "find_todos@3", { kind: "tool", name: "find_todos", version: 3 }],
    ["tool_version", " lint @ v12 ", { kind: "tool", name: "lint", version: 12 }],
    ["tool_version", "cm1a2b3c4d5e6f7g8h9i0jklm", { kind: "tool", id: "cm1a2b3c4d5e6f7g8h9i0jklm" }],
    ["skill", "testing", { kind: "skill", name: "testing", version: null }],
    ["skill", "testing@v2", { kind: "skill", name: "testing", version: 2 }],
    ["skill", "Testing v2", { kind: "skill", name: "testing", version: 2 }],
    ["working_memory", "memory", { kind: "memory", version: null }],
    ["working_memory", "working memory", { kind: "memory", version: null }],
    ["working_memory", "working_memory@v4", { kind: "memory", version: 4 }],
    ["working_memory", "v4", { kind: "memory", version: 4 }],
    ["working_memory", "4", { kind: "memory", version: 4 }],
  ])("%s %j", (type, ref, change) => {
    expect(parseHypothesisChange(type, ref)).toEqual({ ok: true, change });
  });

  it.each([
    ["tool_version", "find_todos", /names no version/],
    ["tool_version", "../../etc/passwd@v1", /names no version/],
    ["skill", "../secrets", /not a skill name/],
    ["skill", "a--b", /not a skill name/],
    ["working_memory", "the prompt", /not a working-memory version/],
    ["prompt", "system prompt", /not one an evaluation can replay/],
  ])("refuses %s %j with a reason", (type, ref, reason) => {
    const parsed = parseHypothesisChange(type, ref);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });
});
