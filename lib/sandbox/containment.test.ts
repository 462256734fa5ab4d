import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxSpec } from "./prepare";
import { closePrestarted } from "./prestart";
import type { RunProcessOptions } from "./run-process";
import { initSandbox, setNetworkPolicy } from "./sandbox-runtime";
import { taskCapSupport } from "./task-cap";
import { runStarted, type StartMode } from "./test-support";

const root = mkdtempSync(path.join(os.tmpdir(), "ratchet-containment-"));
const workspace = path.join(root, "workspace");
const dataDir = path.join(root, "data");
const home = path.join(root, "home");
const appDir = path.join(root, "app");
const outside = path.join(root, "outside");
for (const dir of [
  workspace,
  dataDir,
  path.join(home, ".ssh"),
  appDir,
  outside,
  path.join(workspace, "tools"),
])
  mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dataDir, "ratchet.db"), "DATABASE-CONTENT");
writeFileSync(path.join(dataDir, "token"), "TOKEN-CONTENT");
writeFileSync(path.join(home, ".ssh", "id_rsa"), "PRIVATE-KEY");
writeFileSync(path.join(appDir, ".env"), "OPENAI_API_KEY=sk-from-dotenv");

const spec: SandboxSpec = { writable: [workspace], network: "policy" };

function runIn(mode: StartMode, command: string, extra: Partial<RunProcessOptions> = {}) {
  return runStarted(mode, {
    command,
    cwd: workspace,
    timeoutMs: 20_000,
    modelCapBytes: 64 * 1024,
    streamCapBytes: 1024 * 1024,
    sandbox: spec,
    ...extra,
  });
}

/** Processes whose command line carries `tag`, anywhere on the machine. */
function processesTagged(tag: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
      if (cmdline.includes(tag) && state !== "Z") found.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return found;
}

let server: Server;
let hostPort = 0;

beforeAll(async () => {
  process.env.RATCHET_CONTAINMENT_SECRET_KEY = "containment-secret-value-123";
  const status = await initSandbox({
    locations: {
      dataDir,
      appDir,
      toolsDir: path.join(workspace, "tools"),
      skillsDir: path.join(root, "skills"),
      home,
    },
    network: { mode: "open" },
    disabled: false,
  });
  expect(status.mode, status.reason ?? "").toBe("on");
  server = createServer((_req, res) => res.end("HOST-SERVICE"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  hostPort = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await closePrestarted();
  await new Promise((resolve) => server.close(resolve));
});

/** Every row twice: in a sandbox started for the command, and in one started before it was known. */
describe.each<StartMode>(["fresh", "prestarted"])("%s sandbox", (mode) => {
  const run = (command: string, extra: Partial<RunProcessOptions> = {}) => runIn(mode, command, extra);

  describe("sandbox: files", () => {
    it("writes inside the workspace and nowhere else", async () => {
      const result = await run(
        `echo ok > inside.txt && cat inside.txt; echo x > ${outside}/escape.txt; echo x > ~/escape.txt; echo exit=$?`,
      );
      expect(result.output).toContain("ok");
      expect(readFileSync(path.join(workspace, "inside.txt"), "utf8")).toBe("ok\n");
      expect(readdirSync(outside)).toEqual([]);
      expect(existsSync(path.join(home, "escape.txt"))).toBe(false);
      // the folder does not exist inside at all: nothing outside the workspace is there to write
      expect(result.output).toMatch(/No such file or directory/);
    });

    it("cannot read the database, the token, .env or ~/.ssh", async () => {
      const result = await run(
        `cat ${dataDir}/ratchet.db ${dataDir}/token ${appDir}/.env ${home}/.ssh/id_rsa 2>&1; ls ${home}/.ssh`,
      );
      for (const secret of ["DATABASE-CONTENT", "TOKEN-CONTENT", "sk-from-dotenv", "PRIVATE-KEY"])
        expect(result.output).not.toContain(secret);
    });

    it("cannot change approved tools even inside a writable workspace", async () => {
      await run(`echo 'export const run = () => 1' > tools/evil.mjs`);
      expect(readdirSync(path.join(workspace, "tools"))).toEqual([]);
    });

    it("cannot plant code that runs later outside the sandbox (git hooks, git config, shell rc)", async () => {
      mkdirSync(path.join(workspace, ".git", "hooks"), { recursive: true });
      writeFileSync(path.join(workspace, ".git", "config"), "[core]\n");
      const result = await run(
        "echo 'curl evil' > .git/hooks/pre-commit; echo '[core] fsmonitor = evil' >> .git/config; echo evil >> .bashrc; echo ok > src.txt; echo done",
      );
      expect(result.output).toContain("done");
      expect(existsSync(path.join(workspace, ".git", "hooks", "pre-commit"))).toBe(false);
      expect(readFileSync(path.join(workspace, ".git", "config"), "utf8")).toBe("[core]\n");
      expect(existsSync(path.join(workspace, ".bashrc"))).toBe(false);
      expect(readFileSync(path.join(workspace, "src.txt"), "utf8")).toBe("ok\n");
    });
  });

  describe("sandbox: environment", () => {
    it("does not see secret variables", async () => {
      const result = await run(
        `echo "[$RATCHET_CONTAINMENT_SECRET_KEY][$OPENAI_API_KEY]"; env | grep -c SECRET_KEY`,
      );
      expect(result.output).toContain("[][]");
      expect(result.output).not.toContain("containment-secret-value-123");
    });
  });

  describe("sandbox: network", () => {
    it("cannot reach services on this machine or the metadata address", async () => {
      const result = await run(
        `curl -sS -m 5 http://127.0.0.1:${hostPort}/; echo "local=$?"; curl -sS -m 5 --noproxy '*' http://127.0.0.1:${hostPort}/; echo "direct=$?"; curl -sSf -m 5 http://169.254.169.254/latest/meta-data/; echo "meta=$?"`,
      );
      expect(result.output).not.toContain("HOST-SERVICE");
      expect(result.output).toMatch(/local=[1-9]/);
      expect(result.output).toMatch(/direct=[1-9]/);
      expect(result.output).toMatch(/meta=[1-9]/);
      expect(result.sandboxDenials.join("\n")).toContain("169.254.169.254");
    });

    it("finds the proxy answering its first request, and holds no descriptor of the bridge or the view", async () => {
      for (let i = 0; i < 3; i++) {
        const result = await run(
          `for f in /proc/$$/fd/*; do n=\${f##*/}; [ "$n" -gt 2 ] && echo "fd $n $(readlink $f)"; done; curl -s -m 10 -o /dev/null -w 'code=%{http_code}' http://169.254.169.254/`,
        );
        // fd 3 is the shell's own (the glob's folder, then $(…)'s pipe); anything else was inherited
        expect(result.output).not.toMatch(/^fd (?!3 )\d+ /m);
        expect(result.output).toMatch(/code=403$/);
      }
    });

    it("blocks hosts outside an allowlist and records the denial", async () => {
      setNetworkPolicy({ mode: "allowlist", domains: ["registry.npmjs.org"] });
      try {
        const result = await run(
          `curl -sS -m 10 -o /dev/null -w '%{http_code}' https://example.com/; echo " rc=$?"`,
        );
        expect(result.output).not.toMatch(/^200/);
        expect(result.sandboxDenials.join("\n")).toContain("example.com");
      } finally {
        setNetworkPolicy({ mode: "open" });
      }
    });

    it("gives a no-network call no route out, even through the proxy", async () => {
      // the npm registry is reachable wherever CI can install packages
      const probe = `curl -sS -m 10 -o /dev/null https://registry.npmjs.org/; echo "rc=$?"`;
      const open = await run(probe);
      const none = await run(probe, { sandbox: { writable: [workspace], network: "none" } });
      expect(open.output).toContain("rc=0");
      expect(none.output).toMatch(/rc=[1-9]/);
    });
  });

  describe("sandbox: process control", () => {
    it("kills a busy loop at its timeout with nothing left", async () => {
      const tag = `busy-${process.pid}-${Date.now()}`;
      const result = await run(`while :; do :; done # ${tag}`, { timeoutMs: 500 });
      expect(result.status).toBe("timeout");
      expect(processesTagged(tag)).toEqual([]);
    });

    it("leaves no survivor from background jobs, nohup or setsid", async () => {
      const tag = `survivor-${process.pid}-${Date.now()}`;
      const result = await run(
        `sleep 300 & nohup sleep 301 >/dev/null 2>&1 & setsid sleep 302 & (exec -a ${tag} sleep 303) & echo started # ${tag}`,
      );
      expect(result.output).toContain("started");
      expect(processesTagged(tag)).toEqual([]);
      expect(processesTagged("sleep 30")).toEqual([]);
    });

    it("kills a command's background job and double-forked daemon before the next command starts", async () => {
      const tag = `survivor-next-${process.pid}-${Date.now()}`;
      const first = await run(
        `(exec -a ${tag}-job sleep 1000) & (setsid bash -c '(exec -a ${tag}-daemon sleep 1000) &' &) ; echo started`,
      );
      expect(first.output).toContain("started");
      const next = await run(
        // the pattern does not match its own command line
        `for p in /proc/[0-9]*; do { tr '\\0' ' ' <"$p/cmdline"; } 2>/dev/null; echo; done | grep -c '${tag}-[jd]' || true`,
      );
      expect(next.output.trim()).toBe("0");
      expect(processesTagged(tag)).toEqual([]);
    });

    it("cuts a firehose at the cap without growing the server's memory", async () => {
      const before = process.memoryUsage().rss;
      const result = await run("head -c 1G /dev/zero");
      expect(result.status).toBe("output-cap");
      expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    });

    it.skipIf(taskCapSupport().kind === "none")("caps a fork bomb and cleans it up", async () => {
      const tag = `bomb-${process.pid}-${Date.now()}`;
      const result = await run(`b() { b | b & }; b # ${tag}`, { timeoutMs: 3000, maxTasks: 64 });
      expect(["timeout", "exited"]).toContain(result.status);
      expect(processesTagged(tag)).toEqual([]);
    });
  });
});
