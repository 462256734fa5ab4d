import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSandbox } from "@/lib/testing/sandbox";
import {
  closePrestarted,
  prestartedPids,
  prestartStats,
  reopenPrestart,
  setPrestartIdleMs,
} from "./prestart";
import { prestartFor, type RunProcessOptions, runProcess } from "./run-process";
import { setNetworkPolicy, setSandboxSettings } from "./sandbox-runtime";
import { waitForGroupGone } from "./test-support";

/**
 * A sandbox started before its command (lib/sandbox/prestart.ts) is used only while it is what a
 * fresh one would be; anything that changed in between sends the command to a fresh sandbox,
 * and a discarded one leaves no process and no change behind.
 */
const root = mkdtempSync(path.join(os.tmpdir(), "ratchet-prestart-"));
const readable = path.join(root, "readable");
let n = 0;

function workspaceFor(name: string): string {
  const dir = path.join(root, `${name}-${++n}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function request(
  workspace: string,
  command: string,
  extra: Partial<RunProcessOptions> = {},
): RunProcessOptions {
  return {
    command,
    cwd: workspace,
    privateTmp: true,
    prestart: true,
    timeoutMs: 20_000,
    modelCapBytes: 256 * 1024,
    streamCapBytes: 4 * 1024 * 1024,
    sandbox: { writable: [workspace], network: "policy", workspace },
    ...extra,
  };
}

/** What a command sees of its sandbox, with what differs between any two commands left out. */
const PROBE = [
  "id -u; pwd; echo \"tmp=${TMPDIR#/tmp/ratchet-tmp-}\" | sed 's/=.*/=set/'",
  "env | grep -v -e '^TMPDIR=' -e '^TMP=' -e '^TEMP=' -e '^RATCHET_PROC=' -e '^_=' | sort",
  'for f in /proc/$$/fd/*; do echo "fd ${f##*/}"; done',
  "awk '{print $5, $6}' /proc/self/mountinfo | grep -v '^/tmp/ratchet-tmp-' | sed 's/ratchet-tmp-[A-Za-z0-9]*/TMP/' | sort",
  "ls / ; ls ~; echo $$",
  'read -r line; echo "stdin rc=$?"',
].join("; ");

beforeAll(async () => {
  mkdirSync(readable, { recursive: true });
  writeFileSync(path.join(readable, "note.txt"), "ADMIN-READABLE");
  await startTestSandbox();
});

afterAll(async () => {
  await closePrestarted();
  reopenPrestart();
});

describe("a command in a prestarted sandbox", () => {
  it("sees exactly what it would see in a fresh one, and the sandbox after it is started for the next", async () => {
    const ws = workspaceFor("same");
    const fresh = await runProcess(request(ws, PROBE, { prestart: false }));
    await prestartFor(request(ws, PROBE));
    const used = await runProcess(request(ws, PROBE));
    expect(fresh.prestarted).toBe(false);
    expect(used.prestarted).toBe(true);
    expect(used.status).toBe("exited");
    expect(used.output).toBe(fresh.output);
    expect(used.output).toContain("stdin rc=1");
    // the one after is being started: the third command finds it
    await prestartFor(request(ws, "true"));
    expect((await runProcess(request(ws, "echo third"))).prestarted).toBe(true);
  });

  it("gets its whole command, byte for byte, however long and whatever it holds", async () => {
    const ws = workspaceFor("long");
    // ≈ 90 KB: one argument of `bash -c` holds at most 128 KiB, in a fresh sandbox as here
    const body = Array.from(
      { length: 1500 },
      (_, i) => `line ${i} 'quoted' "double" \\ $HOME \`tick\` ü`,
    ).join("\n");
    const command = `cat <<'EOF' | sha256sum\n${body}\nEOF\n  `;
    await prestartFor(request(ws, command));
    const result = await runProcess(request(ws, command));
    expect(result.prestarted).toBe(true);
    expect(result.output.trim().split(/\s+/)[0]).toBe(createHash("sha256").update(`${body}\n`).digest("hex"));
  });

  it("stops at its timeout and on abort like a fresh one, with its group gone", async () => {
    const ws = workspaceFor("stop");
    await prestartFor(request(ws, "sleep 30"));
    const pids: number[] = [];
    const timedOut = await runProcess(
      request(ws, "sleep 30", { timeoutMs: 300, onSpawn: (info) => pids.push(info.pgid) }),
    );
    expect(timedOut.prestarted).toBe(true);
    expect(timedOut.status).toBe("timeout");
    expect(await waitForGroupGone(pids[0] ?? 0)).toBe(true);
    await prestartFor(request(ws, "sleep 30"));
    const controller = new AbortController();
    const aborted = runProcess(
      request(ws, "echo started; sleep 30", {
        signal: controller.signal,
        onOutput: () => controller.abort(),
      }),
    );
    expect((await aborted).status).toBe("cancelled");
  });

  it.each([
    ["prestarted", true],
    ["fresh", false],
  ])(
    "aborted while its %s sandbox was being taken or built: stopped, and the command never runs",
    async (_, prestart) => {
      const ws = workspaceFor("aborted");
      const opts = request(ws, "touch ran.txt; sleep 5", { prestart });
      if (prestart) await prestartFor(opts);
      const controller = new AbortController();
      const running = runProcess({ ...opts, signal: controller.signal });
      // after runProcess's first check, before the command is handed over
      controller.abort();
      const result = await running;
      expect(result.status).toBe("cancelled");
      expect(existsSync(path.join(ws, "ran.txt"))).toBe(false);
    },
  );

  it("runs a command holding a NUL in a fresh sandbox, as bash cannot hold one in a variable", async () => {
    const ws = workspaceFor("nul");
    await prestartFor(request(ws, "true"));
    const result = await runProcess(request(ws, "echo a\0b"));
    expect(result.prestarted).toBe(false);
    expect(result.status).toBe("exited");
  });
});

describe("a prestarted sandbox that is no longer current is discarded, never used", () => {
  it("a protected file created after it started: the command gets a fresh view with the file read-only", async () => {
    const ws = workspaceFor("hooks");
    mkdirSync(path.join(ws, ".git", "hooks"), { recursive: true });
    await prestartFor(request(ws, "true"));
    // the user's own git (or anything outside the sandbox) adds a hook between two commands
    writeFileSync(path.join(ws, ".git", "hooks", "pre-commit"), "#!/bin/sh\necho user hook\n");
    const before = prestartStats().discarded;
    const result = await runProcess(request(ws, "echo evil >> .git/hooks/pre-commit; echo rc=$?"));
    expect(result.prestarted).toBe(false);
    expect(prestartStats().discarded).toBe(before + 1);
    expect(result.output).toMatch(/rc=[1-9]/);
    expect(readFileSync(path.join(ws, ".git", "hooks", "pre-commit"), "utf8")).toBe(
      "#!/bin/sh\necho user hook\n",
    );
  });

  it("a .git planted as a link to a folder outside after it started: discarded, and the folder is not written through it", async () => {
    const ws = workspaceFor("git-link");
    const outside = workspaceFor("outside-repo");
    writeFileSync(path.join(outside, "config"), "[core]\n");
    await prestartFor(request(ws, "true"));
    symlinkSync(outside, path.join(ws, ".git"));
    const result = await runProcess(request(ws, "echo '[core] fsmonitor = evil' >> .git/config; echo done"));
    expect(result.prestarted).toBe(false);
    expect(readFileSync(path.join(outside, "config"), "utf8")).toBe("[core]\n");
  });

  it("discarding one leaves the workspace as it is: a change made outside in between is not undone", async () => {
    const ws = workspaceFor("keep");
    mkdirSync(path.join(ws, ".git"), { recursive: true });
    await prestartFor(request(ws, "true"));
    writeFileSync(path.join(ws, ".git", "config"), "[core]\n\tbare = false\n");
    await runProcess(request(ws, "true"));
    expect(readFileSync(path.join(ws, ".git", "config"), "utf8")).toBe("[core]\n\tbare = false\n");
  });

  it("a workspace folder replaced by another folder of the same name: the command sees the new one", async () => {
    const ws = workspaceFor("replaced");
    writeFileSync(path.join(ws, "which.txt"), "OLD");
    await prestartFor(request(ws, "true"));
    renameSync(ws, `${ws}-old`);
    mkdirSync(ws);
    writeFileSync(path.join(ws, "which.txt"), "NEW");
    const result = await runProcess(request(ws, "cat which.txt; echo planted > planted.txt"));
    expect(result.prestarted).toBe(false);
    expect(result.output).toContain("NEW");
    expect(existsSync(path.join(`${ws}-old`, "planted.txt"))).toBe(false);
  });

  it("a workspace swapped for a link after it started: refused, as for a fresh one", async () => {
    const ws = workspaceFor("linked");
    await prestartFor(request(ws, "true"));
    renameSync(ws, `${ws}-real`);
    symlinkSync(path.join(root, "app-target"), ws);
    mkdirSync(path.join(root, "app-target"), { recursive: true });
    const result = await runProcess(request(ws, "touch planted && echo RAN"));
    expect(result.prestarted).toBe(false);
    expect(result.output).not.toContain("RAN");
    expect(existsSync(path.join(root, "app-target", "planted"))).toBe(false);
  });

  it("an admin's read path added in Settings is in the next command's view", async () => {
    const ws = workspaceFor("settings");
    await prestartFor(request(ws, "true"));
    setSandboxSettings({ readPaths: [readable], envNames: [], privateNetworks: [] });
    try {
      const result = await runProcess(request(ws, `cat ${readable}/note.txt`));
      expect(result.prestarted).toBe(false);
      expect(result.output).toContain("ADMIN-READABLE");
    } finally {
      setSandboxSettings({ readPaths: [], envNames: [], privateNetworks: [] });
    }
  });

  it("the network turned off in Settings: the next command has no bridge and no route", async () => {
    const ws = workspaceFor("offline");
    await prestartFor(request(ws, "true"));
    setNetworkPolicy({ mode: "none" });
    try {
      const result = await runProcess(
        request(
          ws,
          'echo "proxy=${HTTPS_PROXY:-none}"; curl -sS -m 5 https://registry.npmjs.org/ -o /dev/null; echo "rc=$?"',
        ),
      );
      expect(result.prestarted).toBe(false);
      expect(result.output).toContain("proxy=none");
      expect(result.output).toMatch(/rc=[1-9]/);
    } finally {
      setNetworkPolicy({ mode: "open" });
    }
  });

  it("an allowlist set after it started applies to its command (the proxy reads the policy per connection)", async () => {
    const ws = workspaceFor("allowlist");
    await prestartFor(request(ws, "true"));
    setNetworkPolicy({ mode: "allowlist", domains: ["registry.npmjs.org"] });
    try {
      const result = await runProcess(
        request(ws, "curl -sS -m 10 -o /dev/null -w '%{http_code}' https://example.com/; echo \" rc=$?\""),
      );
      expect(result.prestarted).toBe(true);
      expect(result.output).not.toMatch(/^200/);
      expect(result.sandboxDenials.join("\n")).toContain("example.com");
    } finally {
      setNetworkPolicy({ mode: "open" });
    }
  });

  it("one that died meanwhile: the command runs fresh and gets its real result", async () => {
    const ws = workspaceFor("died");
    await closePrestarted();
    reopenPrestart();
    await prestartFor(request(ws, "true"));
    const [pid] = prestartedPids();
    expect(pid).toBeGreaterThan(1);
    process.kill(-(pid ?? 0), "SIGKILL");
    expect(await waitForGroupGone(pid ?? 0)).toBe(true);
    const result = await runProcess(request(ws, "echo alive; exit 3"));
    expect(result.prestarted).toBe(false);
    expect(result.exitCode).toBe(3);
    expect(result.output).toContain("alive");
  });
});

/** Live processes whose command line names one of `paths` (zombies count as gone). */
function liveProcessesMentioning(paths: string[]): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (!paths.some((p) => cmdline.includes(p))) continue;
      if (/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"))) continue;
      found.push(`${pid} ${cmdline.replaceAll("\0", " ").slice(0, 80)}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

describe("bounds", () => {
  it("an unused one is gone after the idle time, with its processes", async () => {
    await closePrestarted();
    reopenPrestart();
    setPrestartIdleMs(200);
    try {
      const ws = workspaceFor("idle");
      await prestartFor(request(ws, "true"));
      const [pid] = prestartedPids();
      expect(pid).toBeGreaterThan(1);
      expect(await waitForGroupGone(pid ?? 0)).toBe(true);
      expect(prestartedPids()).toEqual([]);
    } finally {
      setPrestartIdleMs(120_000);
    }
  });

  it("closing (the server's shutdown) kills every ready one and starts no more", async () => {
    const ws = workspaceFor("close");
    await prestartFor(request(ws, "true"));
    const pids = prestartedPids();
    expect(pids.length).toBeGreaterThan(0);
    await closePrestarted();
    for (const pid of pids) expect(await waitForGroupGone(pid)).toBe(true);
    const after = await runProcess(request(ws, "echo still runs"));
    expect(after.prestarted).toBe(false);
    expect(after.output).toContain("still runs");
    expect(prestartedPids()).toEqual([]);
    reopenPrestart();
  });

  it("a server SIGKILLed while sandboxes start leaves none of them behind", async () => {
    // six networked sandboxes started at once, the server killed as the first is ready: the others
    // are caught at every stage of their start. bwrap sets its parent-death signal a moment after
    // it forks, so one caught before that outlived the server with its bridge (3 of 6 before the
    // bridge got a parent-death signal of its own)
    const workspaces = Array.from({ length: 6 }, () => workspaceFor("killed"));
    const script = path.join(root, `server-${++n}.mts`);
    writeFileSync(
      script,
      `import { startTestSandbox } from ${JSON.stringify(path.join(import.meta.dirname, "..", "testing", "sandbox.ts"))};
       import { prestartFor } from ${JSON.stringify(path.join(import.meta.dirname, "run-process.ts"))};
       await startTestSandbox();
       const dirs = ${JSON.stringify(workspaces)};
       await Promise.race(dirs.map((cwd) => prestartFor({ command: "true", cwd, privateTmp: true, prestart: true,
         timeoutMs: 20000, modelCapBytes: 1024, streamCapBytes: 1024,
         sandbox: { writable: [cwd], network: "policy", workspace: cwd } })));
       process.kill(process.pid, "SIGKILL");`,
    );
    const server = spawn(process.execPath, ["--import", "tsx", script], { stdio: "ignore" });
    const exit = await new Promise<string | null>((resolve) =>
      server.once("exit", (_code, signal) => resolve(signal)),
    );
    expect(exit).toBe("SIGKILL");
    // the kernel ends a namespace whose init died at once; a leaked one never ends
    const left = async () => {
      for (let i = 0; i < 100; i++) {
        const found = liveProcessesMentioning(workspaces);
        if (found.length === 0) return found;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return liveProcessesMentioning(workspaces);
    };
    expect(await left()).toEqual([]);
  });

  it("keeps at most 8 ready, the oldest discarded first", async () => {
    const workspaces = Array.from({ length: 10 }, () => workspaceFor("many"));
    for (const ws of workspaces) await prestartFor(request(ws, "true"));
    expect(prestartedPids()).toHaveLength(8);
    const first = workspaces[0] ?? "";
    const last = workspaces[9] ?? "";
    expect((await runProcess(request(first, "true"))).prestarted).toBe(false);
    expect((await runProcess(request(last, "true"))).prestarted).toBe(true);
  });
});
