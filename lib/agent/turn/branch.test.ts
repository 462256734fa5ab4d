import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeLLM, startFakeLLM } from "@/e2e/support/fake-llm";
import { listEventsAfter } from "@/lib/db/queries/events";
import { createSession } from "@/lib/db/queries/sessions";
import { saveModelSettings } from "@/lib/settings/model-config";
import { startTestSandbox } from "@/lib/testing/sandbox";
import { testWorkspace } from "@/lib/testing/workspace";
import { createWorktree } from "@/lib/workspaces/worktree";
import { activeTurns } from "../active-turns";
import { sendMessage } from "../runner";

/**
 * After a turn of a worktree session the server brings its branch back to the main repository
 * (./branch.ts), fast-forward only; what it cannot bring back is said in the session.
 */
let llm: FakeLLM;

beforeAll(async () => {
  llm = await startFakeLLM({ port: 0 });
  await startTestSandbox();
  process.env.RATCHET_TOOLS_DIR = mkdtempSync(path.join(os.tmpdir(), "ratchet-tools-"));
});

afterAll(() => llm.close());

beforeEach(async () => {
  llm.reset();
  await saveModelSettings({
    baseUrl: llm.url,
    apiKey: "sk-x",
    model: "fake-model",
    api: "chat",
    stepLimit: 10,
  });
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" },
  });
}

async function worktreeSession(branch: string) {
  const main = testWorkspace("turn-sync-");
  git(main, "init", "-q", "-b", "main");
  writeFileSync(path.join(main, "app.txt"), "v1\n");
  git(main, "add", "-A");
  git(main, "commit", "-q", "-m", "first");
  const wt = await createWorktree(main, branch);
  const session = await createSession({
    title: "sync",
    workspace: wt.folder,
    budgetUsd: null,
    model: "fake-model",
    worktreeOf: main,
    branch,
  });
  return { main, folder: wt.folder, id: session.id };
}

async function turn(id: string, text: string) {
  await sendMessage(id, text);
  await activeTurns().get(id)?.done;
  return listEventsAfter(id, 0, 10_000);
}

const COMMIT =
  "[[cmd: echo v2 > app.txt && git add -A && git -c user.name=A -c user.email=a@a commit -qm 'from the turn']]";

describe("a worktree session's turn", () => {
  it("ends with the agent's commit on the branch in the main repository", async () => {
    const { main, folder, id } = await worktreeSession("turn/ff");
    const events = await turn(id, COMMIT);
    expect(git(main, "log", "--format=%s", "-1", "turn/ff").trim()).toBe("from the turn");
    expect(git(main, "rev-parse", "turn/ff")).toBe(git(folder, "rev-parse", "HEAD"));
    const notices = events.flatMap((e) => (e.type === "notice" ? [e.message] : []));
    expect(notices.some((m) => m.includes("turn/ff in") && m.includes("is now at"))).toBe(true);
  });

  it("leaves a branch that moved in the main repository alone, and says so", async () => {
    const { main, id } = await worktreeSession("turn/diverged");
    const theirs = git(
      main,
      "commit-tree",
      "turn/diverged^{tree}",
      "-p",
      "turn/diverged",
      "-m",
      "theirs",
    ).trim();
    git(main, "update-ref", "refs/heads/turn/diverged", theirs);
    const events = await turn(id, COMMIT);
    expect(git(main, "rev-parse", "turn/diverged").trim()).toBe(theirs);
    const warning = events.find((e) => e.type === "notice" && e.level === "warn");
    expect(warning?.type === "notice" ? warning.message : "").toContain("not a fast-forward");
  });
});
