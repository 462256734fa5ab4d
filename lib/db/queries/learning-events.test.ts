import { describe, expect, it } from "vitest";
import { db } from "../client";
import { listCorrectionsOutside, takeLearningsForPrompt } from "./learning-events";
import { createSession, deleteSessionRow } from "./sessions";

const make = () =>
  createSession({ title: "l", workspace: "/tmp", budgetUsd: null, model: "m", kind: "agent" });

describe("learnings outside a session", () => {
  // SQL's `NOT (sessionId = ?)` is unknown, not true, where sessionId is NULL: a learning a person
  // wrote outside any session, or one whose session was deleted (SetNull), must still count as
  // "from another session".
  it("include those with no session: written by a person, or whose session was deleted", async () => {
    const [current, gone] = await Promise.all([make(), make()]);
    // newest of all while the test runs, whatever other test files write meanwhile
    const at = new Date(Date.now() + 7 * 86_400_000);
    const stamp = (ms: number) => new Date(at.getTime() + ms);
    const rows = [
      { sessionId: null, description: "by a person", createdAt: stamp(1) },
      { sessionId: gone.id, description: "from a session deleted later", createdAt: stamp(2) },
      { sessionId: current.id, description: "from this session", createdAt: stamp(3) },
    ];
    for (const row of rows) {
      await db().learningEvent.create({
        data: { ...row, type: "correction", source: "user", context: null },
      });
    }
    await deleteSessionRow(gone.id);

    const taken = await takeLearningsForPrompt(current.id, at, 10, { countUse: false });
    expect(taken.map((l) => l.description)).toEqual(["from a session deleted later", "by a person"]);
    const outside = await listCorrectionsOutside(current.id, 2);
    expect(outside.map((l) => l.description)).toEqual(["from a session deleted later", "by a person"]);
  });
});
