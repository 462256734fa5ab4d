import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { OUTPUT_BACKLOG, runProcess } from "./run-process";

const KiB = 1024;
const MiB = 1024 * KiB;
/** What one read of the pipe can add past the backlog before the pipe is paused. */
const ONE_READ = 64 * KiB;

/** An output listener like the event log's: a promise per chunk, settled when told to. */
function slowListener() {
  const held: (() => void)[] = [];
  let chars = 0;
  let text = "";
  let acknowledging = false;
  return {
    onOutput(chunk: string): Promise<void> {
      chars += chunk.length;
      if (text.length < 64) text += chunk;
      if (acknowledging) return Promise.resolve();
      return new Promise<void>((resolve) => held.push(resolve));
    },
    chars: () => chars,
    start: () => text,
    /** Settles what it holds and everything after. */
    catchUp(): void {
      acknowledging = true;
      for (const settle of held.splice(0)) settle();
    },
  };
}

/** The process's scheduler state from /proc (R running, S sleeping), "" once it is gone. */
function state(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.charAt(0) ?? "";
  } catch {
    return "";
  }
}

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("runProcess: output the listener has not taken", () => {
  it("stops reading while the listener is more than its backlog behind, so the command waits in its write", async () => {
    const listener = slowListener();
    let pid = 0;
    const running = runProcess({
      // exec: `yes` itself is the process spawned, writing straight into the pipe
      command: "exec yes",
      cwd: tmpdir(),
      timeoutMs: 20_000,
      modelCapBytes: MiB,
      streamCapBytes: 8 * MiB,
      onOutput: (chunk) => listener.onOutput(chunk),
      onSpawn: (info) => {
        pid = info.pid;
      },
    });
    await until("the listener is behind", () => listener.chars() > OUTPUT_BACKLOG);
    // `yes` only ever sleeps when its write blocks
    await until("the command is blocked writing", () => pid > 0 && state(pid) === "S");
    expect(listener.chars()).toBeLessThanOrEqual(OUTPUT_BACKLOG + ONE_READ);

    listener.catchUp();
    const result = await running;
    expect(result.status).toBe("output-cap");
    expect(listener.chars()).toBe(8 * MiB);
    expect(listener.start().startsWith("y\ny\n")).toBe(true);
  });

  it("reads what a command printed before it exited, however far behind the listener is", async () => {
    const listener = slowListener();
    // the listener settles nothing: the pipe pauses past the backlog, and the rest (at least 32 KiB)
    // fits into the pipe's buffer (a socket's: over 200 KiB), so the command can exit
    const size = OUTPUT_BACKLOG + ONE_READ + 32 * KiB;
    const result = await runProcess({
      command: `head -c ${size} /dev/zero | tr '\\0' y`,
      cwd: tmpdir(),
      timeoutMs: 20_000,
      modelCapBytes: MiB,
      streamCapBytes: 16 * MiB,
      onOutput: (chunk) => listener.onOutput(chunk),
    });
    expect(result).toMatchObject({ status: "exited", exitCode: 0, outputBytes: size });
    expect(listener.chars()).toBe(size);
  });

  it("is not held back by a listener that returns nothing or whose promise fails", async () => {
    let chars = 0;
    const result = await runProcess({
      command: `head -c ${4 * OUTPUT_BACKLOG} /dev/zero | tr '\\0' y`,
      cwd: tmpdir(),
      timeoutMs: 20_000,
      modelCapBytes: MiB,
      streamCapBytes: 16 * MiB,
      onOutput: (chunk) => {
        chars += chunk.length;
        return chars % 2 === 0 ? undefined : Promise.reject(new Error("the log is down"));
      },
    });
    expect(result).toMatchObject({ status: "exited", exitCode: 0 });
    expect(chars).toBe(4 * OUTPUT_BACKLOG);
  });
});
