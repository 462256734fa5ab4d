import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { START_READY_MESSAGE } from "./start-gate";

/** A process that boots as the server does under `npm start`: it says when it got past the gate. */
function gatedBoot(): { child: ChildProcess; lines: string[]; line: (text: string) => Promise<void> } {
  const script = `const { waitForStartScript } = await import(${JSON.stringify(path.resolve("lib/boot/start-gate.ts"))});
process.on("message", (m) => { if (m === "ping") setImmediate(() => console.log("pong")); });
console.log("booting"); await waitForStartScript(); console.log("past the gate");`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    env: { ...process.env, RATCHET_START_GATE: "ipc" },
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const lines: string[] = [];
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    for (const l of chunk.split("\n").filter(Boolean)) {
      lines.push(l);
      for (const w of waiters.filter((w) => w.text === l)) w.resolve();
    }
  });
  const line = (text: string) =>
    lines.includes(text)
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiters.push({ text, resolve }));
  return { child, lines, line };
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

describe("the boot's start gate (npm start checks the database while Next loads)", () => {
  it("holds the boot until the start script says ready, whatever else it sends first", async () => {
    const { child, lines, line } = gatedBoot();
    await line("booting");
    child.send("something else");
    child.send({ type: START_READY_MESSAGE });
    // a round trip through the child (answered after its pending work): all sent before is handled
    child.send("ping");
    await line("pong");
    expect(lines).not.toContain("past the gate");
    child.send(START_READY_MESSAGE);
    await line("past the gate");
    expect(await exitOf(child)).toBe(0);
  });

  it("exits when the start script goes away before saying ready: it never boots on an unchecked database", async () => {
    const { child, lines, line } = gatedBoot();
    await line("booting");
    child.disconnect();
    expect(await exitOf(child)).toBe(1);
    expect(lines).not.toContain("past the gate");
  });
});
