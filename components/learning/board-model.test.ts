import { describe, expect, it } from "vitest";
import { applyMove, evidenceLinks, groupByStatus, neighbourMove, planMove } from "./board-model";

const card = (id: string, status: "todo" | "in_progress" | "done" | "dropped", position: number) => ({
  id,
  status,
  position,
  createdAt: "2026-01-01T00:00:00.000Z",
});

const board = [card("a", "todo", 1), card("b", "todo", 2), card("c", "todo", 3), card("d", "done", 1)];

describe("groupByStatus", () => {
  it("sorts each column by position", () => {
    const groups = groupByStatus([card("x", "todo", 5), card("y", "todo", 1)]);
    expect(groups.todo.map((c) => c.id)).toEqual(["y", "x"]);
    expect(groups.dropped).toEqual([]);
  });
});

describe("planMove", () => {
  it("puts a card between its new neighbours", () => {
    expect(planMove(board, "c", "todo", 1)).toMatchObject({ status: "todo", position: 1.5, renumber: [] });
  });
  it("goes above the first and below the last", () => {
    expect(planMove(board, "c", "todo", 0).position).toBe(0);
    expect(planMove(board, "a", "todo", 5).position).toBe(4);
  });
  it("starts an empty column at 1", () => {
    expect(planMove(board, "a", "in_progress", 0)).toMatchObject({ status: "in_progress", position: 1 });
  });
  it("renumbers a column whose positions ran out of room", () => {
    const tight = [card("a", "todo", 1), card("b", "todo", 1), card("m", "done", 1)];
    const move = planMove(tight, "m", "todo", 1);
    expect(move.position).toBe(2);
    expect(move.renumber).toEqual([{ id: "b", position: 3 }]);
    const after = groupByStatus(applyMove(tight, move)).todo.map((c) => c.id);
    expect(after).toEqual(["a", "m", "b"]);
  });
});

describe("neighbourMove", () => {
  it("moves within a column and stops at its edges", () => {
    expect(neighbourMove(board, "b", "up")).toEqual({ status: "todo", index: 0 });
    expect(neighbourMove(board, "a", "up")).toBeNull();
    expect(neighbourMove(board, "c", "down")).toBeNull();
  });
  it("moves sideways keeping the row where it can", () => {
    expect(neighbourMove(board, "c", "right")).toEqual({ status: "in_progress", index: 0 });
    expect(neighbourMove(board, "a", "left")).toBeNull();
    expect(neighbourMove(board, "d", "right")).toEqual({ status: "dropped", index: 0 });
  });
  it("applied, lands where it said", () => {
    const target = neighbourMove(board, "c", "up");
    if (!target) throw new Error("no move");
    const next = applyMove(board, planMove(board, "c", target.status, target.index));
    expect(groupByStatus(next).todo.map((c) => c.id)).toEqual(["a", "c", "b"]);
  });
});

describe("evidenceLinks", () => {
  const known = { sessions: new Set(["cs1"]), learnings: new Set(["cl1"]) };
  it("reads refs from a battery change", () => {
    const links = evidenceLinks(
      { refs: ["cs1", "run_tests", "cl1", "npm test --watch", "session:cs9"] },
      known,
    );
    expect(links.map((l) => [l.kind, l.id])).toEqual([
      ["session", "cs1"],
      ["tool", "run_tests"],
      ["learning", "cl1"],
      ["text", "npm test --watch"],
      ["session", "cs9"],
    ]);
    expect(links[1]).toMatchObject({ href: "/tools?name=run_tests" });
    expect(links[0]).toMatchObject({ href: "/sessions/cs1" });
  });
  it("uses keys as hints", () => {
    const links = evidenceLinks({ hypothesisId: "h1", sessionIds: ["x", "x"], tool: "grep" }, known);
    expect(links.map((l) => [l.kind, l.id])).toEqual([
      ["hypothesis", "h1"],
      ["session", "x"],
      ["tool", "grep"],
    ]);
  });
  it("is empty for nothing", () => {
    expect(evidenceLinks(null, known)).toEqual([]);
  });
});
