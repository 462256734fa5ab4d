import { afterAll, describe, expect, it } from "vitest";
import { openPrivateDatabase } from "@/lib/testing/private-database";
import { db } from "../client";
import { recordStatements } from "../statements";
import { takeLearningsForPrompt } from "./learning-events";
import { createSession } from "./sessions";

// turns in other test files take the newest learnings too, and would count these as used
const dropDatabase = await openPrivateDatabase();
afterAll(() => dropDatabase());

const make = () =>
  createSession({ title: "l", workspace: "/tmp", budgetUsd: null, model: "m", kind: "agent" });

describe("learnings taken for a prompt", () => {
  it("are counted as used in one statement, each once, and only those taken", async () => {
    const [current, other] = await Promise.all([make(), make()]);
    const at = new Date();
    const made = [];
    for (let i = 1; i <= 3; i++) {
      made.push(
        await db().learningEvent.create({
          data: {
            sessionId: other.id,
            type: "preference",
            source: "user",
            context: null,
            description: `learning ${i}`,
            createdAt: new Date(at.getTime() + i),
          },
        }),
      );
    }
    let taken: { id: string }[] = [];
    const sql = await recordStatements(async () => {
      taken = await takeLearningsForPrompt(current.id, at, 2);
    });
    expect(sql.filter((s) => !/^\s*SELECT/i.test(s))).toHaveLength(1);
    const rows = await db().learningEvent.findMany({
      where: { id: { in: made.map((m) => m.id) } },
      orderBy: { createdAt: "asc" },
    });
    expect(taken.map((t) => t.id)).toEqual([made[2]?.id, made[1]?.id]);
    expect(rows.map((r) => r.usedCount)).toEqual([0, 1, 1]);
    expect(rows.map((r) => r.lastUsedAt !== null)).toEqual([false, true, true]);
  });
});
