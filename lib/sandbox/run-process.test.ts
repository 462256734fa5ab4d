import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isGroupAlive, reapOrphans } from "./reap";
import { type RunProcessOptions, type RunProcessResult, runProcess } from "./run-process";
import { MASK } from "./secrets";
import { taskCapSupport } from "./task-cap";
import { waitForGroupGone } from "./test-support";

const MiB = 1024 * 1024;

interface Spawned {
  pid: number;
  pgid: number;
  marker: string;
}

interface Run extends RunProcessResult {
  spawned: Spawned | null;
  streamed: string;
}

async function run(command: string, opts: Partial<RunProcessOptions> = {}): Promise<Run> {
  let spawned: Spawned | null = null;
  let streamed = "";
  const result = await runProcess({
    command,
    cwd: tmpdir(),
    timeoutMs: 10_000,
    modelCapBytes: MiB,
    streamCapBytes: 16 * MiB,
    ...opts,
    onSpawn: (info) => {
      spawned = info;
      opts.onSpawn?.(info);
    },
    onOutput: (chunk) => {
      streamed += chunk;
      opts.onOutput?.(chunk);
    },
  });
  return { ...result, spawned, streamed };
}

function pgidOf(result: Run): number {
  if (!result.spawned) throw new Error("process was not spawned");
  return result.spawned.pgid;
}

describe("runProcess: exit and output", () => {
  it.each([
    ["true", 0],
    ["exit 7", 7],
    ["false", 1],
  ])("reports the exit code of %s", async (command, code) => {
    const result = await run(command);
    expect(result).toMatchObject({ status: "exited", exitCode: code, signal: null, truncated: false });
  });

  it("reports a signal death", async () => {
    const result = await run("kill -KILL $$");
    expect(result).toMatchObject({ status: "exited", exitCode: null, signal: "SIGKILL" });
  });

  it("interleaves stdout and stderr as a terminal shows them", async () => {
    expect((await run("echo a; echo b >&2; echo c")).output).toBe("a\nb\nc\n");
    const many = await run("for i in 1 2 3 4 5; do echo out$i; echo err$i >&2; done");
    expect(many.output).toBe("out1\nerr1\nout2\nerr2\nout3\nerr3\nout4\nerr4\nout5\nerr5\n");
  });

  it("shows shell syntax errors in the output", async () => {
    const result = await run("if then");
    expect(result.exitCode).toBe(2);
    expect(result.output).toContain("syntax error");
  });

  it("runs in cwd with stdin closed", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "run-process-"));
    const result = await run("pwd; cat; echo after-cat", { cwd: dir });
    expect(result.output).toBe(`${dir}\nafter-cat\n`);
  });

  it("hands the command neither the script file nor the gate's stdin", async () => {
    // The shell opens and closes a pipe's descriptors while `ls` lists them, so a
    // listed fd may be gone by the time `ls` reads its link: that race is not ours.
    const result = await run(
      "ls -l /proc/$$/fd 2>/dev/null | grep -c ratchet-script; readlink /proc/$$/fd/0",
    );
    expect(result.output).toBe("0\n/dev/null\n");
  });

  it.skipIf(taskCapSupport().kind === "none")("runs the command inside its pids group", async () => {
    const result = await run("grep pids /proc/$$/cgroup");
    expect(result.output).toMatch(/ratchet\/[0-9a-f-]{36}/);
  });

  it("keeps ANSI colours in the live stream and strips them for the model", async () => {
    const result = await run(String.raw`printf '\e[31mred\e[0m \e]0;title\a plain\n'`);
    expect(result.streamed).toContain("\x1b[31mred\x1b[0m");
    expect(result.output).toBe("red  plain\n");
  });

  it("drops control characters a terminal ignores, from the stream and the model output", async () => {
    const result = await run(String.raw`printf 'a\0b\001c\177\e[31md\e[0m\tz\n'`);
    expect(result.streamed).toBe("abc\x1b[31md\x1b[0m\tz\n");
    expect(result.output).toBe("abcd\tz\n");
    expect(result.outputBytes).toBe(19);
  });

  it("decodes UTF-8 characters split across reads", async () => {
    const split = await run(String.raw`printf '\xe2\x82'; sleep 0.05; printf '\xac\n'`);
    expect(split.output).toBe("€\n");
    const long = await run("yes € | tr -d '\\n' | head -c 300000");
    expect(long.output).toBe("€".repeat(100_000));
    expect(long.streamed).toBe(long.output);
  });

  it("survives a throwing output listener", async () => {
    const result = await run("echo one; echo two", {
      onOutput: () => {
        throw new Error("listener bug");
      },
    });
    expect(result).toMatchObject({ status: "exited", output: "one\ntwo\n" });
  });

  it("resolves with spawn-error when cwd is missing", async () => {
    const result = await run("echo hi", { cwd: "/definitely/not/here" });
    expect(result).toMatchObject({ status: "spawn-error", exitCode: null, output: "", spawned: null });
    expect(result.error).toContain("/definitely/not/here");
  });

  it("resolves with spawn-error when cwd is a file", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "run-process-")), "file");
    writeFileSync(file, "");
    const result = await run("echo hi", { cwd: file });
    expect(result.status).toBe("spawn-error");
    expect(result.error).toContain("not a directory");
  });
});

describe("runProcess: caps", () => {
  it("truncates the model output with a marker but streams everything", async () => {
    const result = await run("seq 1 100000", { modelCapBytes: 1000 });
    expect(result.status).toBe("exited");
    expect(result.truncated).toBe(true);
    expect(result.outputBytes).toBe(588_895);
    expect(result.output).toMatch(/^1\n2\n3\n[\s\S]*\n\[… output truncated: kept 1000 B of 575\.1 KiB …\]$/);
    expect(result.streamed.length).toBe(588_895);
  });

  it("cuts the model output on a character boundary", async () => {
    const result = await run("printf 'a€b'", { modelCapBytes: 2 });
    expect(result.output).toBe("a\n[… output truncated: kept 1 B of 5 B …]");
  });

  it("kills the group at the stream cap without buffering the output", async () => {
    const before = process.memoryUsage();
    const result = await run("yes; echo never", { streamCapBytes: 16 * MiB });
    const after = process.memoryUsage();
    expect(result.status).toBe("output-cap");
    expect(result.truncated).toBe(true);
    expect(result.outputBytes).toBeGreaterThanOrEqual(16 * MiB);
    expect(result.outputBytes).toBeLessThan(17 * MiB);
    expect(Buffer.byteLength(result.output)).toBeLessThan(MiB + 200);
    expect(result.output).toMatch(
      /kept 1\.0 MiB of 16\.\d MiB; process killed after 16\.0 MiB of output …\]$/,
    );
    expect(result.streamed).not.toContain("never");
    expect(after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers).toBeLessThan(
      64 * MiB,
    );
    expect(await waitForGroupGone(pgidOf(result))).toBe(true);
  });

  it("counts the NULs it does not stream toward the stream cap", async () => {
    const result = await run("head -c 50000000 /dev/zero; echo never", { streamCapBytes: 16 * MiB });
    expect(result.status).toBe("output-cap");
    expect(result.outputBytes).toBeGreaterThanOrEqual(16 * MiB);
    expect(result.outputBytes).toBeLessThan(17 * MiB);
    expect(result.streamed).toBe("");
    expect(result.output).toMatch(
      /^\n\[… output truncated: kept 0 B of 16\.\d MiB; process killed after 16\.0 MiB/,
    );
    expect(await waitForGroupGone(pgidOf(result))).toBe(true);
  });
});

describe("runProcess: stopping", () => {
  it("kills a lone command on timeout so the group is gone at once", async () => {
    const result = await run("sleep 600", { timeoutMs: 200 });
    expect(result).toMatchObject({ status: "timeout", exitCode: null, signal: "SIGTERM" });
    expect(() => process.kill(-pgidOf(result), 0)).toThrow(expect.objectContaining({ code: "ESRCH" }));
  });

  it("kills the group on timeout", async () => {
    const result = await run("sleep 600 & sleep 600", { timeoutMs: 200 });
    expect(result).toMatchObject({ status: "timeout", exitCode: null, signal: "SIGTERM" });
    expect(result.durationMs).toBeLessThan(2000);
    expect(await waitForGroupGone(pgidOf(result))).toBe(true);
  });

  it("escalates to SIGKILL when the group ignores SIGTERM", async () => {
    const result = await run("trap '' TERM; sleep 600 & sleep 600", { timeoutMs: 100 });
    expect(result).toMatchObject({ status: "timeout", signal: "SIGKILL" });
    expect(result.durationMs).toBeGreaterThanOrEqual(2000);
    expect(result.durationMs).toBeLessThan(5000);
    expect(await waitForGroupGone(pgidOf(result))).toBe(true);
  });

  it("kills the group when the signal aborts, after live output arrived", async () => {
    const controller = new AbortController();
    const result = await run("echo ready; sleep 600", {
      signal: controller.signal,
      onOutput: (chunk) => {
        if (chunk.includes("ready")) controller.abort();
      },
    });
    expect(result).toMatchObject({ status: "cancelled", output: "ready\n" });
    expect(result.durationMs).toBeLessThan(2000);
    expect(await waitForGroupGone(pgidOf(result))).toBe(true);
  });

  it("does not spawn when already aborted", async () => {
    const result = await run("echo hi", { signal: AbortSignal.abort() });
    expect(result).toMatchObject({ status: "cancelled", spawned: null, output: "" });
  });

  it.each([
    ["holding the pipe", "sleep 600 & echo started"],
    ["detached from the pipe", "sleep 600 >/dev/null 2>&1 & echo started"],
  ])("returns promptly and leaves no survivor when a background job is %s", async (_name, command) => {
    const result = await run(command);
    expect(result).toMatchObject({ status: "exited", exitCode: 0, output: "started\n" });
    expect(result.durationMs).toBeLessThan(1000);
    expect(await waitForGroupGone(pgidOf(result))).toBe(true);
  });
});

describe("runProcess: environment and secrets", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  });

  it("hides secret variables from the child", async () => {
    process.env.FOO_TOKEN = "foo-token-value-1";
    process.env.OPENAI_API_KEY = "sk-test-abcdefghijklmnopqrst";
    process.env.SHORT_PASSWORD = "pw";
    const result = await run(
      'echo "[$FOO_TOKEN][$OPENAI_API_KEY][$SHORT_PASSWORD]"; env | grep -c -E "_TOKEN=|_KEY=|_PASSWORD=" || true',
    );
    expect(result.output).toBe("[][][]\n0\n");
  });

  it("runs no shell start-up file before the command (~/.bashrc with SHLVL unset, BASH_ENV, ENV)", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "ratchet-home-"));
    const startup = (name: string) => {
      const file = path.join(home, name);
      writeFileSync(file, `echo "ran ${name}"; touch "${file}.ran"\n`);
      return file;
    };
    startup(".bashrc");
    startup(".bash_profile");
    process.env.HOME = home;
    process.env.BASH_ENV = startup("bash-env.sh");
    process.env.ENV = startup("env.sh");
    // as under a service manager or in a container: bash counts itself a top-level shell
    delete process.env.SHLVL;
    const result = await run('echo "command"');
    expect(result.output).toBe("command\n");
    expect(readdirSync(home).filter((f) => f.endsWith(".ran"))).toEqual([]);
  });

  it("keeps the server's own settings from the command (NODE_ENV, NODE_OPTIONS, PORT, HOST, RATCHET_*)", async () => {
    Object.assign(process.env, {
      NODE_ENV: "production",
      NODE_OPTIONS: "--max-old-space-size=64",
      PORT: "3100",
      HOST: "127.0.0.1",
      RATCHET_X: "1",
    });
    const result = await run('echo "[$NODE_ENV][$NODE_OPTIONS][$PORT][$HOST][$RATCHET_X]"');
    expect(result.output).toBe("[][][][][]\n");
  });

  it("sets terminal variables, extra env and the marker", async () => {
    const result = await run(
      'echo "$TERM $FORCE_COLOR $CLICOLOR_FORCE $PAGER $GIT_PAGER $GIT_TERMINAL_PROMPT $EXTRA $RATCHET_PROC"',
      {
        env: { EXTRA: "yes" },
      },
    );
    expect(result.output).toBe(`xterm-256color 1 1 cat cat 0 yes ${result.spawned?.marker}\n`);
    expect(result.spawned?.marker).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.spawned?.pgid).toBe(result.spawned?.pid);
  });

  it("masks given secrets and server env secrets in live and model output", async () => {
    process.env.BAR_SECRET = "server-side-secret-1";
    const result = await run("echo configured-key-42 server-side-secret-1 ghp_abcdefghijklmnopqrstuvwxyz", {
      secrets: ["configured-key-42"],
    });
    const expected = `${MASK} ${MASK} ${MASK}\n`;
    expect(result.output).toBe(expected);
    expect(result.streamed).toBe(expected);
  });

  it("masks a secret printed with NULs between its characters", async () => {
    // three octal digits, or printf would read the secret's own digits as part of the escape
    const spaced = [..."configured-key-42"].join("\\000");
    const result = await run(`printf '${spaced}\\n'`, { secrets: ["configured-key-42"] });
    expect(result.streamed).toBe(`${MASK}\n`);
    expect(result.output).toBe(`${MASK}\n`);
  });

  it("masks a secret the child prints in pieces", async () => {
    const result = await run("printf 'configured-'; sleep 0.05; printf 'key-42\\n'", {
      secrets: ["configured-key-42"],
    });
    expect(result.streamed).toBe(`${MASK}\n`);
  });
});

describe("runProcess: orphan protection", () => {
  it("can be reaped by marker while running", async () => {
    // reaped once the command runs (at boot, orphans have long since started)
    let spawned: Spawned | undefined;
    let reaped = Promise.resolve(0);
    const result = await run("sleep 600 & echo started; wait", {
      onSpawn: (info) => {
        spawned = info;
      },
      onOutput: (chunk) => {
        if (chunk.includes("started") && spawned) reaped = reapOrphans([spawned]);
      },
    });
    expect(await reaped).toBe(1);
    expect(result.signal).toBe("SIGKILL");
  });

  it.skipIf(!existsSync("/usr/bin/setpriv"))("kills the shell when the server is SIGKILLed", async () => {
    const script = path.join(mkdtempSync(path.join(tmpdir(), "run-process-")), "server.mts");
    const entry = path.join(import.meta.dirname, "run-process.ts");
    writeFileSync(
      script,
      `import { runProcess } from ${JSON.stringify(entry)};
       let info;
       await runProcess({ command: "sleep 600 & echo bg-started; wait", cwd: "/tmp", timeoutMs: 60000,
         modelCapBytes: 1000, streamCapBytes: 1000, onSpawn: (i) => { info = i; },
         onOutput: (chunk) => { if (chunk.includes("bg-started")) console.log(JSON.stringify(info)); } });`,
    );
    const server = spawn(process.execPath, ["--import", "tsx", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const info = await new Promise<Spawned>((resolve) =>
      server.stdout.once("data", (d) => resolve(JSON.parse(String(d)))),
    );
    const gone = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGKILL");
    await gone;
    expect(await waitForProcessGone(info.pid)).toBe(true);
    // the background sleep survives its shell; that is what reaping is for
    expect(await isGroupAlive(info.pgid)).toBe(true);
    expect(await reapOrphans([info])).toBe(1);
    expect(await waitForGroupGone(info.pgid)).toBe(true);
  });
});

async function waitForProcessGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 250; i++) {
    const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, "utf8") : "";
    if (stat === "" || stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

describe("sandbox sources", () => {
  it("never block the event loop on a child", () => {
    const sources = readdirSync(import.meta.dirname).filter(
      (f) => f.endsWith(".ts") && !f.endsWith(".test.ts"),
    );
    for (const file of sources) {
      expect(readFileSync(path.join(import.meta.dirname, file), "utf8"), file).not.toMatch(
        /\b(spawnSync|execSync|execFileSync)\b/,
      );
    }
  });
});

describe("runProcess: fail closed", () => {
  it("refuses a sandboxed command while the sandbox is unavailable", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ratchet-failclosed-"));
    const result = await runProcess({
      command: "touch ran",
      cwd: dir,
      timeoutMs: 5000,
      modelCapBytes: 1024,
      streamCapBytes: 1024,
      sandbox: { writable: [dir], network: "policy" },
    });
    expect(result.status).toBe("sandbox-unavailable");
    expect(result.error).toMatch(/Refused/);
    expect(existsSync(path.join(dir, "ran"))).toBe(false);
  });
});
