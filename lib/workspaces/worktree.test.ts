import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { snapshot, storeFor, uncommittedChanges, workspaceHead } from "@/lib/checkpoints/store";
import { ApiError } from "@/lib/errors";
import { startTestSandbox } from "@/lib/testing/sandbox";
import { testWorkspace } from "@/lib/testing/workspace";
import { findRepo, readHead } from "./git-repo";
import { workingTreeState } from "./git-shadow";
import { createWorktree, WORKTREES_FOLDER } from "./worktree";

const root = () => process.env.RATCHET_WORKSPACE_ROOTS ?? "";

beforeAll(async () => {
  await startTestSandbox();
});

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

/** git as a person runs it in their own checkout. */
function userGit(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], {
    cwd,
    encoding: "utf8",
  });
}

/** A repository on `main` with a committed file, an uncommitted change and an untracked file. */
function repo(): string {
  const folder = testWorkspace("wt-repo-");
  userGit(folder, "init", "-q", "-b", "main");
  writeFileSync(path.join(folder, "app.txt"), "v1\n");
  mkdirSync(path.join(folder, "src"));
  writeFileSync(path.join(folder, "src", "main.ts"), "export {};\n");
  userGit(folder, "add", "-A");
  userGit(folder, "commit", "-q", "-m", "first");
  writeFileSync(path.join(folder, "app.txt"), "v1 edited by hand\n");
  writeFileSync(path.join(folder, "scratch.txt"), "mine\n");
  return folder;
}

describe("a worktree session's folder", () => {
  it("is a clean checkout on a new branch, and the main checkout is left exactly as it was", async () => {
    const main = repo();
    const before = {
      status: userGit(main, "status", "--porcelain"),
      head: readFileSync(path.join(main, ".git", "HEAD"), "utf8"),
      app: readFileSync(path.join(main, "app.txt"), "utf8"),
    };
    const wt = await createWorktree(main, "feature/login");
    expect(wt.folder).toBe(path.join(root(), WORKTREES_FOLDER, `${path.basename(main)}--feature-login`));
    expect(wt.of).toBe(main);
    expect(readFileSync(path.join(wt.folder, "app.txt"), "utf8")).toBe("v1\n");
    expect(readFileSync(path.join(wt.folder, "src", "main.ts"), "utf8")).toBe("export {};\n");
    expect(existsSync(path.join(wt.folder, "scratch.txt"))).toBe(false);
    expect(userGit(wt.folder, "status", "--porcelain")).toBe("");
    expect(userGit(wt.folder, "branch", "--show-current").trim()).toBe("feature/login");
    // a repository of its own, borrowing the main one's objects; the branch is made there too
    expect(statSync(path.join(wt.folder, ".git")).isDirectory()).toBe(true);
    expect(readFileSync(path.join(wt.folder, ".git", "objects", "info", "alternates"), "utf8")).toBe(
      `${path.join(main, ".git", "objects")}\n`,
    );
    expect(userGit(main, "worktree", "list")).not.toContain(wt.folder);
    const start = userGit(main, "rev-parse", "main").trim();
    expect(userGit(main, "rev-parse", "feature/login").trim()).toBe(start);

    writeFileSync(path.join(wt.folder, "app.txt"), "v2 from the session\n");
    userGit(wt.folder, "commit", "-qam", "the session's change");
    expect(userGit(main, "status", "--porcelain")).toBe(before.status);
    expect(readFileSync(path.join(main, ".git", "HEAD"), "utf8")).toBe(before.head);
    expect(readFileSync(path.join(main, "app.txt"), "utf8")).toBe(before.app);
    // the session's commit is its own until the server brings the branch back (./branch-sync.ts)
    expect(userGit(main, "rev-parse", "feature/login").trim()).toBe(start);
  });

  it("shows its branch and state in the folder browser: the borrowed objects are read too", async () => {
    const main = repo();
    const wt = await createWorktree(main, "feature/browse");
    const made = await findRepo(wt.folder, () => true);
    if (!made) throw new Error("no repository in the worktree");
    const head = await readHead(made);
    expect(head).toEqual({ branch: "feature/browse", commit: userGit(main, "rev-parse", "main").trim() });
    expect(await workingTreeState(made, head ?? { branch: null, commit: null })).toEqual({ changes: 0 });
    writeFileSync(path.join(wt.folder, "app.txt"), "changed\n");
    expect(await workingTreeState(made, head ?? { branch: null, commit: null })).toEqual({ changes: 1 });
  });

  it("the Changes panel's uncommitted scope compares it with its HEAD in the borrowed objects", async () => {
    const main = repo();
    const wt = await createWorktree(main, "feature/changes");
    writeFileSync(path.join(wt.folder, "app.txt"), "v2\n");
    const store = storeFor(mkdtempSync(path.join(os.tmpdir(), "ratchet-store-")), wt.folder);
    expect(await workspaceHead(store)).not.toBeNull();
    const now = await snapshot(store, "s", null, "now");
    const changes = await uncommittedChanges(store, now.commit);
    expect(changes?.map((c) => [c.path, c.status])).toEqual([["app.txt", "modified"]]);
  });

  it("runs no filter, hook or fsmonitor the repository's config names", async () => {
    const main = repo();
    const marker = path.join(mkdtempSync(path.join(os.tmpdir(), "ratchet-ran-")), "ran");
    const run = `sh -c 'touch ${marker}'`;
    writeFileSync(path.join(main, ".gitattributes"), "*.txt filter=evil\n");
    userGit(main, "add", ".gitattributes");
    userGit(main, "commit", "-qm", "attributes");
    const config = readFileSync(path.join(main, ".git", "config"), "utf8");
    writeFileSync(
      path.join(main, ".git", "config"),
      `${config}[filter "evil"]\n\tsmudge = ${run}\n\tclean = ${run}\n\tprocess = ${run}\n[core]\n\tfsmonitor = ${run}\n\thooksPath = hooks\n`,
    );
    mkdirSync(path.join(main, "hooks"));
    writeFileSync(path.join(main, "hooks", "post-checkout"), `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    const wt = await createWorktree(main, "safe-branch");
    expect(readFileSync(path.join(wt.folder, "app.txt"), "utf8")).toBe("v1\n");
    expect(existsSync(marker)).toBe(false);
  });

  it("refuses branch names git would misread, and makes nothing", async () => {
    const main = repo();
    for (const branch of [
      "",
      "-b",
      "--orphan",
      "a..b",
      "../x",
      "x.lock",
      "/x",
      "a//b",
      "a b",
      "a~1",
      "a:b",
      ".hidden",
      "x/",
    ]) {
      expect((await refusal(createWorktree(main, branch))).code, JSON.stringify(branch)).toBe("bad_request");
    }
    expect(userGit(main, "branch", "--list").trim()).toBe("* main");
  });

  it("refuses an existing branch, a folder that is no repository and one outside the roots", async () => {
    const main = repo();
    userGit(main, "branch", "taken");
    expect((await refusal(createWorktree(main, "taken"))).code).toBe("conflict");
    mkdirSync(path.join(root(), WORKTREES_FOLDER, `${path.basename(main)}--free`), { recursive: true });
    expect((await refusal(createWorktree(main, "free"))).code).toBe("conflict");
    expect(userGit(main, "branch", "--list", "free")).toBe("");
    expect((await refusal(createWorktree(testWorkspace("plain-"), "b"))).code).toBe("bad_request");
    const outside = mkdtempSync(path.join(os.tmpdir(), "ratchet-outside-"));
    userGit(outside, "init", "-q");
    expect((await refusal(createWorktree(outside, "b"))).code).toBe("bad_request");
  });
});
