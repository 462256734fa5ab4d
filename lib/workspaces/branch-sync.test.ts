import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "@/lib/errors";
import { runProcess, withPrivateTmp } from "@/lib/sandbox";
import { startTestSandbox } from "@/lib/testing/sandbox";
import { testWorkspace } from "@/lib/testing/workspace";
import { syncBranch } from "./branch-sync";
import { createWorktree } from "./worktree";

/**
 * Rows 161–170 of docs/security.md: a worktree session's repository is its own. The
 * agent's git works in the real sandbox, and its writes land in the session's `.git` only; the
 * server brings the one branch back, reading the session's `.git` as hostile input.
 */
beforeAll(async () => {
  await startTestSandbox();
});

const AGENT_GIT = "git -c user.name=Agent -c user.email=agent@example.invalid";

/** git as a person runs it in their own checkout, with nothing of the machine's config. */
function userGit(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" },
  });
}

/** A command of the agent, in the real sandbox, in the session's folder. */
function agent(workspace: string, command: string) {
  return withPrivateTmp((tmp) =>
    runProcess({
      command,
      cwd: workspace,
      env: { TMPDIR: tmp },
      timeoutMs: 60_000,
      modelCapBytes: 256 * 1024,
      streamCapBytes: 4 * 1024 * 1024,
      sandbox: { writable: [workspace, tmp], network: "none", workspace },
    }),
  );
}

/** A repository on `main` with a second branch, an uncommitted change and an untracked file. */
function mainRepo(): string {
  const folder = testWorkspace("sync-repo-");
  userGit(folder, "init", "-q", "-b", "main");
  writeFileSync(path.join(folder, "app.txt"), "v1\n");
  userGit(folder, "add", "-A");
  userGit(folder, "commit", "-q", "-m", "first");
  userGit(folder, "branch", "release");
  writeFileSync(path.join(folder, "app.txt"), "v1 edited by hand\n");
  writeFileSync(path.join(folder, "scratch.txt"), "mine\n");
  return folder;
}

/** Everything of the main repository a session must not change but its one branch. */
function state(main: string, except: string) {
  const refs = userGit(main, "for-each-ref", "--format=%(refname) %(objectname)")
    .split("\n")
    .filter((line) => line && !line.startsWith(`refs/heads/${except} `));
  return {
    refs,
    config: readFileSync(path.join(main, ".git", "config"), "utf8"),
    hooks: readdirSync(path.join(main, ".git", "hooks")).sort(),
    head: readFileSync(path.join(main, ".git", "HEAD"), "utf8"),
    status: userGit(main, "status", "--porcelain"),
    app: readFileSync(path.join(main, "app.txt"), "utf8"),
  };
}

function tip(main: string, branch: string): string {
  return userGit(main, "rev-parse", `refs/heads/${branch}`).trim();
}

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

async function session(branch = "feature/work") {
  const main = mainRepo();
  const wt = await createWorktree(main, branch);
  return { main, branch, folder: wt.folder, target: { workspace: wt.folder, worktreeOf: main, branch } };
}

describe("git inside a worktree session", () => {
  it("works for the agent in the sandbox: status, add -A, commit, log, diff, branch", async () => {
    const { main, branch, folder } = await session();
    const before = state(main, branch);
    const start = tip(main, branch);
    const result = await agent(
      folder,
      [
        "set -e",
        "test -d .git",
        "git status --porcelain",
        "echo new > new.txt && echo v2 > app.txt",
        "git add -A",
        `${AGENT_GIT} commit -q -m 'the agent commits'`,
        "git log --format=%s",
        "git diff --stat HEAD~1",
        "git branch side && git branch --list",
        "git status --porcelain | wc -l",
      ].join("\n"),
    );
    expect(result.exitCode, result.output).toBe(0);
    expect(result.output).toContain("the agent commits\nfirst");
    expect(result.output).toContain("2 files changed");
    expect(result.output).toContain("* feature/work");
    expect(result.output.trim().endsWith("0")).toBe(true);
    // the guard left nothing behind and undid nothing
    expect(result.workspaceGuard).toEqual([]);
    expect(userGit(folder, "log", "-1", "--format=%s").trim()).toBe("the agent commits");
    // nothing of the main repository moved: its branch waits for the server
    expect(tip(main, branch)).toBe(start);
    expect(state(main, branch)).toEqual(before);
  });

  it("cannot reach the main repository's config, hooks, refs or objects", async () => {
    const { main, branch, folder } = await session();
    const before = state(main, branch);
    const mainGit = path.join(main, ".git");
    const result = await agent(
      folder,
      [
        `git --git-dir=${mainGit} branch -f release HEAD 2>&1 || echo refs-refused`,
        `echo '[core] hooksPath = /tmp' >> ${mainGit}/config 2>&1`,
        `rm -rf ${mainGit}/objects 2>&1 || echo objects-refused`,
        `touch ${mainGit}/objects/planted 2>&1 || echo store-read-only`,
        "git config core.hooksPath /tmp 2>&1 || echo own-config-read-only",
        "mkdir -p .git/hooks && printf '#!/bin/sh\\ntouch /tmp/x\\n' > .git/hooks/post-commit",
      ].join("\n"),
    );
    // the workspace guard holds for the session's own repository: the hook went to quarantine
    expect(result.workspaceGuard.join("\n")).toContain(".git/hooks was created by the command");
    expect(existsSync(path.join(folder, ".git", "hooks", "post-commit"))).toBe(false);
    expect(result.output).toContain("refs-refused");
    // the main .git's config is not in the sandbox at all: under the test's /tmp root a write lands
    // in the sandbox's private /tmp and goes with it; the real one is compared below
    expect(result.output).toContain("store-read-only");
    expect(result.output).toContain("own-config-read-only");
    expect(state(main, branch)).toEqual(before);
    expect(existsSync(path.join(mainGit, "objects", "planted"))).toBe(false);
  });
});

describe("what the agent's git can read", () => {
  it("an alternates file it points at another repository in the roots reaches nothing: the mount is the server's record", async () => {
    const { folder } = await session();
    const secret = secretRepo();
    const result = await agent(
      folder,
      [
        `echo ${secret.objects} >> .git/objects/info/alternates`,
        `git cat-file -p ${secret.commit} 2>&1 || echo secret-unreachable`,
        `ls ${secret.objects} 2>&1 || echo store-unreachable`,
        "git log --format=%s -1",
      ].join("\n"),
    );
    expect(result.output).toContain("secret-unreachable");
    expect(result.output).toContain("store-unreachable");
    expect(result.output).not.toContain("the other team's key");
    // its own history still reads: the borrowed store is mounted by the record, not by this file
    expect(result.output.trim().endsWith("first")).toBe(true);
  });
});

describe("bringing the branch back", () => {
  it("fast-forwards only that branch in the main repository; the main checkout's files stay", async () => {
    const { main, branch, folder, target } = await session();
    const before = state(main, branch);
    const result = await agent(folder, `echo v2 > app.txt && git add -A && ${AGENT_GIT} commit -qm two`);
    expect(result.exitCode, result.output).toBe(0);
    const commit = userGit(folder, "rev-parse", "HEAD").trim();
    const start = tip(main, branch);
    expect(await syncBranch(target)).toEqual({
      branch,
      result: "updated",
      from: start,
      to: commit,
      forced: false,
    });
    expect(tip(main, branch)).toBe(commit);
    expect(userGit(main, "show", `${branch}:app.txt`)).toBe("v2\n");
    expect(userGit(main, "fsck", "--no-dangling").trim()).toBe("");
    expect(state(main, branch)).toEqual(before);
    expect((await syncBranch(target)).result).toBe("up-to-date");
  });

  it("refuses what is not a fast-forward unless a person confirms", async () => {
    const { main, branch, folder, target } = await session();
    // the person committed on the branch in the main repository meanwhile
    const theirs = userGit(main, "commit-tree", `${branch}^{tree}`, "-p", branch, "-m", "theirs").trim();
    userGit(main, "update-ref", `refs/heads/${branch}`, theirs);
    await agent(folder, `echo v3 > app.txt && git add -A && ${AGENT_GIT} commit -qm ours`);
    const error = await refusal(syncBranch(target));
    expect(error.code).toBe("conflict");
    expect(error.message).toContain("not a fast-forward");
    expect(tip(main, branch)).toBe(theirs);
    const forced = await syncBranch(target, { force: true });
    expect(forced).toMatchObject({ result: "updated", from: theirs, forced: true });
    expect(tip(main, branch)).toBe(userGit(folder, "rev-parse", "HEAD").trim());
  });

  it("refuses a branch rewritten to an unrelated history, and one checked out in the main checkout", async () => {
    const { main, branch, folder, target } = await session();
    const start = tip(main, branch);
    const rewrite = await agent(
      folder,
      `git checkout -q --orphan other && ${AGENT_GIT} commit -q --allow-empty -m unrelated && git update-ref refs/heads/${branch} HEAD`,
    );
    expect(rewrite.exitCode, rewrite.output).toBe(0);
    expect((await refusal(syncBranch(target))).code).toBe("conflict");
    expect(tip(main, branch)).toBe(start);

    const second = await session("feature/checked-out");
    await agent(second.folder, `echo x > x.txt && git add -A && ${AGENT_GIT} commit -qm x`);
    userGit(second.main, "stash", "-u", "-q");
    userGit(second.main, "checkout", "-q", "feature/checked-out");
    const error = await refusal(syncBranch(second.target));
    expect(error.code).toBe("conflict");
    expect(error.message).toContain("is checked out");
    expect(tip(second.main, "feature/checked-out")).toBe(userGit(second.main, "rev-parse", "main").trim());
  });
});

/** A secret repository elsewhere in the roots, whose commit the agent knows but cannot read. */
function secretRepo(): { objects: string; commit: string } {
  const folder = testWorkspace("secret-");
  userGit(folder, "init", "-q", "-b", "main");
  writeFileSync(path.join(folder, "secret.txt"), "the other team's key\n");
  userGit(folder, "add", "-A");
  userGit(folder, "commit", "-q", "-m", "secret");
  return {
    objects: path.join(folder, ".git", "objects"),
    commit: userGit(folder, "rev-parse", "HEAD").trim(),
  };
}

interface Hostile {
  name: string;
  /** Rewrites the session's `.git` (as the agent could, or worse: the server trusts none of it). */
  plant(s: { folder: string; main: string; branch: string; marker: string }): void;
  /** What syncBranch answers: a refusal's code, or `updated` when the content is harmless to it. */
  expect: "bad_request" | "conflict" | "updated";
}

const runs = (marker: string) => `sh -c 'touch ${marker}'`;

const HOSTILE: Hostile[] = [
  {
    name: "a config naming programs (fsmonitor, hooksPath, sshCommand, uploadpack, pager) and hooks",
    plant({ folder, marker }) {
      const git = path.join(folder, ".git");
      writeFileSync(
        path.join(git, "config"),
        `[core]\n\tfsmonitor = ${runs(marker)}\n\thooksPath = hooks\n\tsshCommand = ${runs(marker)}\n\tpager = ${runs(marker)}\n[uploadpack]\n\tpackObjectsHook = ${runs(marker)}\n\tallowAnySHA1InWant = true\n[include]\n\tpath = /etc/passwd\n`,
      );
      mkdirSync(path.join(git, "hooks"), { recursive: true });
      for (const hook of ["reference-transaction", "post-update", "pre-receive", "post-index-change"])
        writeFileSync(path.join(git, "hooks", hook), `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    },
    expect: "updated",
  },
  {
    name: "alternates pointing at another repository, the branch at a commit only there",
    plant({ folder, branch }) {
      const secret = secretRepo();
      writeFileSync(path.join(folder, ".git", "objects", "info", "alternates"), `${secret.objects}\n`);
      writeFileSync(path.join(folder, ".git", "refs", "heads", ...branch.split("/")), `${secret.commit}\n`);
    },
    expect: "bad_request",
  },
  {
    name: "alternates pointing at /, the branch at an object that exists nowhere",
    plant({ folder, branch }) {
      writeFileSync(path.join(folder, ".git", "objects", "info", "alternates"), "/\n/etc\n");
      writeFileSync(path.join(folder, ".git", "refs", "heads", ...branch.split("/")), `${"ab".repeat(20)}\n`);
    },
    expect: "bad_request",
  },
  {
    name: "the branch only in packed-refs under odd spellings (.., //, trailing /, two spaces, other case)",
    plant({ folder, branch }) {
      const head = readFileSync(
        path.join(folder, ".git", "refs", "heads", ...branch.split("/")),
        "utf8",
      ).trim();
      rmSync(path.join(folder, ".git", "refs", "heads", ...branch.split("/")));
      writeFileSync(
        path.join(folder, ".git", "packed-refs"),
        [
          `${head} refs/heads/../../config`,
          `${head} refs/heads//${branch}`,
          `${head} refs/heads/${branch}/`,
          `${head} refs/heads/${branch.toUpperCase()}`,
          `${head}  refs/heads/${branch}`,
          `../../etc/passwd refs/heads/${branch}`,
          "",
        ].join("\n"),
      );
    },
    expect: "conflict",
  },
  {
    name: "the branch's ref file a link to the main repository's ref",
    plant({ folder, main, branch }) {
      const ref = path.join(folder, ".git", "refs", "heads", ...branch.split("/"));
      rmSync(ref);
      symlinkSync(path.join(main, ".git", "refs", "heads", "release"), ref);
    },
    expect: "conflict",
  },
  {
    name: "a symlinked .git (to the main repository's)",
    plant({ folder, main }) {
      rmSync(path.join(folder, ".git"), { recursive: true });
      symlinkSync(path.join(main, ".git"), path.join(folder, ".git"));
    },
    expect: "conflict",
  },
  {
    name: "a .git file pointing at the main repository (how older worktree sessions look)",
    plant({ folder, main }) {
      rmSync(path.join(folder, ".git"), { recursive: true });
      writeFileSync(path.join(folder, ".git"), `gitdir: ${path.join(main, ".git")}\n`);
    },
    expect: "conflict",
  },
  {
    name: "objects a link to the main repository's object store",
    plant({ folder, main }) {
      rmSync(path.join(folder, ".git", "objects"), { recursive: true });
      symlinkSync(path.join(main, ".git", "objects"), path.join(folder, ".git", "objects"));
    },
    expect: "conflict",
  },
  {
    name: "a commit whose tree names a blob that does not exist",
    plant({ folder, branch }) {
      const env = { ...process.env, GIT_DIR: path.join(folder, ".git") };
      const tree = execFileSync("git", ["mktree", "--missing"], {
        input: `100644 blob ${"cd".repeat(20)}\tghost.txt\n`,
        env,
        encoding: "utf8",
      }).trim();
      const parent = execFileSync("git", ["rev-parse", "HEAD"], { env, encoding: "utf8" }).trim();
      const commit = execFileSync(
        "git",
        ["-c", "user.name=a", "-c", "user.email=a@a", "commit-tree", tree, "-p", parent, "-m", "ghost"],
        { env, encoding: "utf8" },
      ).trim();
      writeFileSync(path.join(folder, ".git", "refs", "heads", ...branch.split("/")), `${commit}\n`);
    },
    expect: "bad_request",
  },
];

describe("the session's .git is hostile input to the server", () => {
  for (const hostile of HOSTILE) {
    it(`${hostile.name}: ${hostile.expect}, nothing else of the main repository changes`, async () => {
      const { main, branch, folder, target } = await session();
      await agent(folder, `echo v2 > app.txt && git add -A && ${AGENT_GIT} commit -qm two`);
      const marker = path.join(mkdtempSync(path.join(os.tmpdir(), "ratchet-ran-")), "ran");
      const before = state(main, branch);
      const start = tip(main, branch);
      hostile.plant({ folder, main, branch, marker });
      const outcome = await syncBranch(target).then(
        (r) => r.result,
        (e: unknown) => (e instanceof ApiError ? e.code : String(e)),
      );
      expect(outcome).toBe(hostile.expect);
      expect(existsSync(marker), "a program of the session's repository ran").toBe(false);
      expect(state(main, branch)).toEqual(before);
      if (hostile.expect !== "updated") expect(tip(main, branch)).toBe(start);
      expect(userGit(main, "fsck", "--no-dangling", "--connectivity-only").trim()).toBe("");
    });
  }

  it("never lets objects of another repository into the main one", async () => {
    const { main, branch, folder, target } = await session();
    const secret = secretRepo();
    writeFileSync(path.join(folder, ".git", "objects", "info", "alternates"), `${secret.objects}\n`);
    writeFileSync(path.join(folder, ".git", "refs", "heads", ...branch.split("/")), `${secret.commit}\n`);
    await refusal(syncBranch(target));
    expect(() => userGit(main, "cat-file", "-e", secret.commit)).toThrow();
  });
});
