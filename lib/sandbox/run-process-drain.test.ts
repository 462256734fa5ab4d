import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runProcess } from "./run-process";

const dir = mkdtempSync(path.join(tmpdir(), "ratchet-drain-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Exited and not yet reaped (or gone). */
function exited(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.charAt(stat.lastIndexOf(")") + 2) === "Z";
  } catch {
    return true;
  }
}

/** Holds the event loop, as a busy server does, for at least `minMs` and until `done`. */
function busy(minMs: number, done: () => boolean = () => true): void {
  const start = performance.now();
  while (performance.now() - start < minMs || !done()) {
    if (performance.now() - start > 10_000) throw new Error("gave up waiting");
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("runProcess: output written before the shell exits", () => {
  /**
   * Node learns of an exit from SIGCHLD, which libuv handles after the other events of a poll by
   * reaping every child that has exited by then. A shell that printed and exited while the server
   * handled those events is reported exited before its output, still in the pipe, is read; the
   * output comes in the next poll, and a busy server may reach the drain deadline first. Seen as
   * `exit 0` with no output under load (e2e row 14). This forces that interleaving.
   */
  it("is kept when the exit is seen first and the server is busy past the drain deadline", async () => {
    const ready = path.join(dir, "ready");
    const go = path.join(dir, "go");
    let pid = 0;
    const run = runProcess({
      command: `: > ${ready}; until [ -e ${go} ]; do sleep 0.005; done; echo last words`,
      cwd: dir,
      timeoutMs: 20_000,
      modelCapBytes: 4096,
      streamCapBytes: 4096,
      onSpawn: (info) => {
        pid = info.pid;
      },
    });
    while (!existsSync(ready)) await tick();
    // another child that prints and exits: its output and its SIGCHLD come in the same poll
    const other = spawn("sh", ["-c", "echo other"], { stdio: ["ignore", "pipe", "ignore"] });
    other.stdout.once("data", () => {
      // while the server handles that output, the command prints and exits, so the SIGCHLD
      // handled next reaps it before its output is read
      writeFileSync(go, "");
      busy(20, () => exited(pid));
      // and the server stays busy past the drain deadline before it polls again
      setImmediate(() => busy(300));
    });
    busy(20, () => exited(other.pid ?? 0));
    const result = await run;
    expect(result).toMatchObject({ status: "exited", exitCode: 0, output: "last words\n" });
  });
});
