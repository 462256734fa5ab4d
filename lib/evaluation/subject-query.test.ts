import { describe, expect, it } from "vitest";
import { listQuerySchema, subjectOfQuery } from "./views";

const of = (query: Record<string, string>) => subjectOfQuery(listQuerySchema.parse(query));
const SHA = "a".repeat(64);

describe("GET /api/evaluations names exactly one subject", () => {
  it.each([
    [
      { tool: "find_todos", sha256: SHA },
      { kind: "tool", name: "find_todos", sha256: SHA },
    ],
    [
      { skill: "counting", version: "3" },
      { kind: "skill", name: "counting", version: 3 },
    ],
    [
      { memory: "4", workspace: "/w" },
      { kind: "memory", version: 4 },
    ],
    [{ hypothesis: "h1" }, { kind: "hypothesis", id: "h1" }],
  ])("%j", (query, subject) => {
    expect(of(query)).toEqual(subject);
  });

  it.each<Record<string, string>>([
    {},
    { tool: "find_todos" },
    { skill: "counting" },
    { tool: "find_todos", sha256: SHA, hypothesis: "h1" },
    { memory: "2", skill: "counting", version: "1" },
  ])("refuses %j with what to name", (query) => {
    expect(() => of(query)).toThrow(/Name one subject/);
  });

  it("refuses a malformed version or sha256 before anything is read", () => {
    expect(() => of({ memory: "0" })).toThrow();
    expect(() => of({ skill: "counting", version: "v2" })).toThrow();
    expect(() => of({ tool: "find_todos", sha256: "abc" })).toThrow(/sha256/);
  });
});
