/**
 * A tool host started before its call (lib/tools/host.ts, `--wait`; lib/sandbox/prestart.ts): it
 * puts its loader hooks in place and waits for its go, and only then reads the call's files. It
 * must run exactly what a fresh host runs, for exactly the tool it was started for, and nothing
 * of any tool before its go.
 */

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closePrestarted, prestartedPids, reopenPrestart } from "@/lib/sandbox/prestart";
import { waitForGroupGone } from "@/lib/sandbox/test-support";
import { startTestSandbox } from "@/lib/testing/sandbox";
import { sha256 } from "./hash";
import { type HostRun, prestartHost, runInHost } from "./host";

const root = mkdtempSync(path.join(os.tmpdir(), "ratchet-host-prestart-"));

const workspace = (): string => mkdtempSync(path.join(root, "ws-"));

function parentOf(pid: number): number {
  try {
    return Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Whether `pid` was started by this test process (other test runs may share the machine). */
function ours(pid: number): boolean {
  for (let p = parentOf(pid), depth = 0; p > 1 && depth < 16; p = parentOf(p), depth++)
    if (p === process.pid) return true;
  return false;
}

/** Node processes of ours waiting as tool hosts (`--wait`), by pid. */
function waitingHosts(): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
        return (
          argv[0] === process.execPath &&
          argv.some((a) => a.endsWith("tool-host.mjs")) &&
          argv.includes("--wait")
        );
      } catch {
        return false;
      }
    })
    .map(Number)
    .filter(ours);
}

/** A zombie waiting to be reaped by its namespace's init counts as gone. */
function isLive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
}

const HEAD = `export const description = "probe"; export const schema = { type: "object", properties: {} };`;

function call(
  source: string,
  cwd: string,
  extra: Partial<Omit<HostRun, "cwd">> = {},
): HostRun & { cwd: string } {
  return {
    source,
    sha256: sha256(source),
    subprocess: false,
    request: { mode: "call", args: { text: "hi" } },
    writeCwd: true,
    network: false,
    timeoutMs: 20_000,
    ...extra,
    cwd,
  };
}

beforeAll(async () => {
  await startTestSandbox();
});

afterAll(async () => {
  await closePrestarted();
  reopenPrestart();
  rmSync(root, { recursive: true, force: true });
});

/** What a tool sees of its process: its stdin, its descriptors, its temp folder, its arguments. */
const PROBE = `${HEAD}
import fs from "node:fs";
export async function run(args) {
  const fds = fs.readdirSync("/proc/self/fd").map((fd) => {
    try { return fd + " " + fs.readlinkSync("/proc/self/fd/" + fd).replace(/[0-9]+/g, "N"); } catch { return fd + " gone"; }
  });
  return {
    args,
    stdin: fs.readlinkSync("/proc/self/fd/0"),
    stdinBytes: fs.readFileSync(0).length,
    fds: fds.sort(),
    tmp: process.env.TMPDIR === fs.realpathSync(process.env.TMPDIR) && fs.readdirSync(process.env.TMPDIR).sort(),
    wroteCwd: (fs.writeFileSync("written.txt", "x"), true),
  };
}`;

describe("a tool call in a host started before it", () => {
  it("returns what a fresh host returns, sees the same process, and the host for the next call is started after it", async () => {
    const ws = workspace();
    const fresh = await runInHost(call(PROBE, ws));
    expect(fresh.process.prestarted).toBe(false);
    expect(fresh.response).toMatchObject({ phase: "call" });
    const prestarted = await runInHost(call(PROBE, ws));
    expect(prestarted.process.prestarted).toBe(true);
    expect(prestarted.response).toEqual(fresh.response);
    // stdin is /dev/null, as a fresh command's is: the tool holds no pipe of the server's
    expect(prestarted.response).toMatchObject({
      returned: { stdin: "/dev/null", stdinBytes: 0, args: { text: "hi" }, wroteCwd: true },
    });
    expect(readFileSync(path.join(ws, "written.txt"), "utf8")).toBe("x");
    // and the next one waits already
    const third = await runInHost(call(PROBE, ws));
    expect(third.process.prestarted).toBe(true);
  });

  it("runs nothing of the tool before its go: its top level runs only when the call comes", async () => {
    const ws = workspace();
    const marker = path.join(ws, "TOP-LEVEL-RAN");
    const source = `${HEAD}\nimport fs from "node:fs";\nfs.writeFileSync(${JSON.stringify(marker)}, String(Date.now()));\nexport async function run() { return "ran"; }`;
    await prestartHost(call(source, ws));
    expect(prestartedPids().length).toBeGreaterThan(0);
    expect(existsSync(marker)).toBe(false);
    const result = await runInHost(call(source, ws));
    expect(result.process.prestarted).toBe(true);
    expect(result.response).toEqual({ phase: "call", returned: "ran" });
    expect(existsSync(marker)).toBe(true);
  });

  it("the tool's own arguments arrive with its call, whatever they hold", async () => {
    const ws = workspace();
    const source = `${HEAD}\nexport async function run(args) { return args; }`;
    await prestartHost(call(source, ws));
    const args = { text: "line\nbreak ' \" $(touch pwned) `id` \u0000 é", n: [1, 2, { deep: true }] };
    const result = await runInHost(call(source, ws, { request: { mode: "call", args } }));
    expect(result.process.prestarted).toBe(true);
    expect(result.response).toEqual({ phase: "call", returned: args });
    expect(existsSync(path.join(ws, "pwned"))).toBe(false);
  });
});

/** Each row: what differs between the host that waits and the call that comes. */
const MISMATCHES: { name: string; change: (run: HostRun & { cwd: string }) => HostRun & { cwd: string } }[] =
  [
    {
      name: "another version of the tool (another approved hash)",
      change: (run) => {
        const source = `${run.source}\n// v2`;
        return { ...run, source, sha256: sha256(source) };
      },
    },
    { name: "the subprocess capability granted", change: (run) => ({ ...run, subprocess: true }) },
    { name: "the workspace writable", change: (run) => ({ ...run, writeCwd: !run.writeCwd }) },
    { name: "the network allowed", change: (run) => ({ ...run, network: true }) },
    { name: "other granted variables", change: (run) => ({ ...run, env: { RATCHET_PROBE_GRANT: "1" } }) },
  ];

describe("a waiting host serves only the call it was started for; any other runs fresh", () => {
  for (const { name, change } of MISMATCHES) {
    it(name, async () => {
      const ws = workspace();
      const source = `${HEAD}\nimport cp from "node:child_process";\nexport async function run() { return { sub: typeof cp.spawn, grant: process.env.RATCHET_PROBE_GRANT ?? null }; }`;
      const waiting = call(source, ws, { writeCwd: false });
      await prestartHost(waiting);
      const other = change(waiting);
      const result = await runInHost(other);
      expect(result.process.prestarted).toBe(false);
      // it ran under its own policy: child_process only with the capability
      if (other.subprocess)
        expect(result.response).toMatchObject({ phase: "call", returned: { sub: "function" } });
      else expect(result.response).toMatchObject({ phase: "load" });
      // and the one that waited still serves its own call
      const own = await runInHost(waiting);
      expect(own.process.prestarted).toBe(true);
      expect(own.response).toMatchObject({ phase: "load" });
    });
  }
});

describe("a waiting host that is never used", () => {
  it("is gone with the server's shutdown, having run and written nothing", async () => {
    const ws = workspace();
    const source = `${HEAD}\nexport async function run() { return "never"; }`;
    await prestartHost(call(source, ws));
    const pids = prestartedPids();
    expect(pids.length).toBeGreaterThan(0);
    // node itself, inside the sandbox's namespaces, waiting
    const hosts = waitingHosts();
    expect(hosts.length).toBeGreaterThan(0);
    await closePrestarted();
    reopenPrestart();
    for (const pid of pids) expect(await waitForGroupGone(pid)).toBe(true);
    expect(prestartedPids()).toEqual([]);
    for (const pid of hosts) expect(existsSync(`/proc/${pid}/cmdline`) && isLive(pid)).toBe(false);
  });
});
