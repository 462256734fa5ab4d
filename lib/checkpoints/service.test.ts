import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, renameSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { listTurns } from "@/lib/db/queries/checkpoints";
import { listEventsAfter } from "@/lib/db/queries/events";
import { createSession, finishTurn, startTurn } from "@/lib/db/queries/sessions";
import { drainEvents } from "@/lib/events/log";
import { startTestSandbox } from "@/lib/testing/sandbox";
import { testWorkspace } from "@/lib/testing/workspace";
import { checkpointStep, checkpointTurnStart, revert, sessionChanges, sessionCheckpoints } from "./service";
import { MAX_FILE_BYTES } from "./store";
import { changesSummaryView, changesView, checkpointsView, fileChangeView } from "./views";

beforeAll(async () => {
  await startTestSandbox();
});

/** A session whose agent ran three turns, each writing files, checkpointed as the runner does. */
async function threeTurns() {
  const workspace = testWorkspace("checkpoints-");
  const session = await createSession({ title: "t", workspace, budgetUsd: null, model: "m" });
  const write = (rel: string, text: string) => writeFileSync(path.join(workspace, rel), text);
  write("a.txt", "a0\n");
  write("b.txt", "b0\n");
  const turns = [
    () => write("a.txt", "a1\n"),
    () => {
      write("b.txt", "b2\n");
      write("c.txt", "c2\n");
    },
    () => write("a.txt", "a3\n"),
  ];
  for (const work of turns) {
    const turn = await startTurn(session.id);
    await checkpointTurnStart(session.id, workspace, turn.id);
    work();
    await checkpointStep(session.id, workspace, turn.id, 1);
    await finishTurn(turn.id, { status: "completed", steps: 1 });
  }
  return { session, workspace, read: (rel: string) => readFileSync(path.join(workspace, rel), "utf8") };
}

describe("checkpoints of a session", () => {
  it("numbers turns from 1 and shows what each turn and the session changed", async () => {
    const { session } = await threeTurns();
    const checkpoints = await sessionCheckpoints(session.id);
    expect(checkpoints.map((c) => [c.turn, c.kind])).toEqual([
      [1, "turn-start"],
      [1, "step"],
      [2, "turn-start"],
      [2, "step"],
      [3, "turn-start"],
      [3, "step"],
    ]);
    const second = await sessionChanges(session.id, { scope: "turn", turn: 2 });
    expect(second.map((f) => [f.path, f.status])).toEqual([
      ["b.txt", "modified"],
      ["c.txt", "added"],
    ]);
    const all = await sessionChanges(session.id, { scope: "session" });
    expect(all.map((f) => f.path)).toEqual(["a.txt", "b.txt", "c.txt"]);
    await expect(sessionChanges(session.id, { scope: "turn", turn: 9 })).rejects.toThrow(/no turn 9/);
  });

  it("rewinds turn 2 of 3: files back, turns 2 and 3 marked, never deleted, an event in the stream", async () => {
    const { session, workspace, read } = await threeTurns();
    const result = await revert(session.id, { turn: 2 }, "tester");
    expect(result).toEqual({ ok: true, restored: ["a.txt", "b.txt", "c.txt"] });
    expect(read("a.txt")).toBe("a1\n");
    expect(read("b.txt")).toBe("b0\n");
    expect(existsSync(path.join(workspace, "c.txt"))).toBe(false);
    const turns = await listTurns(session.id);
    expect(turns.map((t) => t.rewoundAt !== null)).toEqual([false, true, true]);
    await drainEvents(session.id);
    const events = await listEventsAfter(session.id, 0, 1000);
    expect(events.some((e) => e.type === "turns-rewound")).toBe(true);
  });

  it("reverts one file, and refuses a file changed by hand since unless forced", async () => {
    const { session, read, workspace } = await threeTurns();
    writeFileSync(path.join(workspace, "a.txt"), "edited by hand\n");
    expect(await revert(session.id, { turn: 3, path: "a.txt" }, "tester")).toEqual({
      ok: false,
      conflicts: ["a.txt"],
    });
    expect(read("a.txt")).toBe("edited by hand\n");
    expect(await revert(session.id, { turn: 2, path: "b.txt" }, "tester")).toEqual({
      ok: true,
      restored: ["b.txt"],
    });
    expect(read("b.txt")).toBe("b0\n");
    expect(await revert(session.id, { turn: 3, path: "a.txt", force: true }, "tester")).toEqual({
      ok: true,
      restored: ["a.txt"],
    });
    expect(read("a.txt")).toBe("a1\n");
  });

  it("shows the workspace's own uncommitted changes when it is a git repository", async () => {
    const { session, workspace } = await threeTurns();
    expect(await changesView(session.id, { scope: "git" })).toEqual({
      files: [],
      skipped: [],
      notARepository: true,
    });
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: workspace });
    git("init", "-q");
    git("add", "a.txt");
    git("commit", "-qm", "first");
    writeFileSync(path.join(workspace, "a.txt"), "changed\n");
    const view = await changesView(session.id, { scope: "git" });
    expect(view.files.map((f) => [f.path, f.status]).sort()).toEqual([
      ["a.txt", "modified"],
      ["b.txt", "added"],
      ["c.txt", "added"],
    ]);
    // the repository itself is unchanged: nothing staged, nothing written into .git
    expect(
      execFileSync("git", ["diff", "--cached", "--name-only"], { cwd: workspace, encoding: "utf8" }),
    ).toBe("");
  });
});

describe("what the Changes panel reads", () => {
  it("a summary leaves the diffs out; one file comes with both sides' text; the turns say which were rewound", async () => {
    const { session } = await threeTurns();
    const summary = await changesSummaryView(session.id, { scope: "turn", turn: 2 });
    expect(summary).toEqual({
      files: [
        { path: "b.txt", status: "modified", additions: 1, deletions: 1, binary: false },
        { path: "c.txt", status: "added", additions: 1, deletions: 0, binary: false },
      ],
      skipped: [],
    });
    const one = await fileChangeView(session.id, { scope: "turn", turn: 2 }, "b.txt");
    expect(one.file).toMatchObject({ path: "b.txt", before: "b0\n", after: "b2\n", tooLarge: false });
    expect(one.file.diff).toContain("-b0\n+b2");
    const added = await fileChangeView(session.id, { scope: "session" }, "c.txt");
    expect(added.file).toMatchObject({ status: "added", before: null, after: "c2\n" });
    await expect(fileChangeView(session.id, { scope: "turn", turn: 1 }, "c.txt")).rejects.toThrow(
      /No change to c.txt/,
    );
    await revert(session.id, { turn: 3 }, "tester");
    // a rewound turn still shows what it changed then
    expect((await changesView(session.id, { scope: "turn", turn: 3 })).files.map((f) => f.path)).toEqual([
      "a.txt",
    ]);
    const { turns } = await checkpointsView(session.id);
    expect(turns.map((t) => [t.turn, t.checkpointed, t.rewoundAt !== null])).toEqual([
      [1, true, false],
      [2, true, false],
      [3, true, true],
    ]);
  });

  it("names the large files a turn's checkpoints left out", async () => {
    const workspace = testWorkspace("checkpoints-large-");
    const session = await createSession({ title: "t", workspace, budgetUsd: null, model: "m" });
    const turn = await startTurn(session.id);
    await checkpointTurnStart(session.id, workspace, turn.id);
    const big = path.join(workspace, "dump.bin");
    writeFileSync(big, "");
    truncateSync(big, MAX_FILE_BYTES + 1);
    writeFileSync(path.join(workspace, "small.txt"), "s\n");
    await checkpointStep(session.id, workspace, turn.id, 1);
    const view = await changesView(session.id, { scope: "turn", turn: 1 });
    expect(view.files.map((f) => f.path)).toEqual(["small.txt"]);
    expect(view.skipped).toEqual([{ path: "dump.bin", bytes: MAX_FILE_BYTES + 1 }]);
  });

  it("several views at once of a workspace that changes all wait their turn for git's index", async () => {
    const { session, workspace } = await threeTurns();
    writeFileSync(path.join(workspace, "d.txt"), "d\n");
    const views = await Promise.all([
      changesView(session.id, { scope: "session" }),
      changesSummaryView(session.id, { scope: "turn", turn: 3 }),
      fileChangeView(session.id, { scope: "session" }, "d.txt"),
      changesView(session.id, { scope: "turn", turn: 3 }),
    ]);
    expect(views[0].files.map((f) => f.path)).toEqual(["a.txt", "b.txt", "c.txt", "d.txt"]);
    expect(views[1].files.map((f) => f.path)).toEqual(["a.txt", "d.txt"]);
    expect(views[2].file.after).toBe("d\n");
  });

  it("reverting a renamed file brings it back under its old name", async () => {
    const { session, workspace, read } = await threeTurns();
    const turn = await startTurn(session.id);
    await checkpointTurnStart(session.id, workspace, turn.id);
    renameSync(path.join(workspace, "b.txt"), path.join(workspace, "renamed.txt"));
    await checkpointStep(session.id, workspace, turn.id, 1);
    await finishTurn(turn.id, { status: "completed", steps: 1 });
    const [change] = (await changesView(session.id, { scope: "turn", turn: 4 })).files;
    expect(change).toMatchObject({ path: "renamed.txt", from: "b.txt", status: "renamed" });
    const result = await revert(session.id, { turn: 4, path: "renamed.txt" }, "tester");
    expect(result).toEqual({ ok: true, restored: ["b.txt", "renamed.txt"] });
    expect(read("b.txt")).toBe("b2\n");
    expect(existsSync(path.join(workspace, "renamed.txt"))).toBe(false);
  });
});
