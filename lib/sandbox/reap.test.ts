import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isGroupAlive, MARKER_VAR, reapOrphans } from "./reap";
import { waitForGroupGone } from "./test-support";

const started: ChildProcess[] = [];
const reapModule = path.join(import.meta.dirname, "reap.ts");

/** A detached `sleep` group, optionally carrying the marker, plus a promise for its end. */
function startGroup(marker?: string): { pgid: number; exited: Promise<string | null> } {
  const env = { ...process.env, ...(marker ? { [MARKER_VAR]: marker } : {}) };
  const child = spawn("bash", ["-c", "sleep 600 & wait"], { detached: true, stdio: "ignore", env });
  started.push(child);
  if (child.pid === undefined) throw new Error("spawn failed");
  const exited = new Promise<string | null>((resolve) =>
    child.once("exit", (_code, signal) => resolve(signal)),
  );
  return { pgid: child.pid, exited };
}

afterEach(() => {
  for (const child of started.splice(0)) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid, "SIGKILL");
    }
  }
});

describe("reapOrphans", () => {
  it("kills a group started with the marker", async () => {
    const marker = randomUUID();
    const group = startGroup(marker);
    expect(await isGroupAlive(group.pgid)).toBe(true);
    expect(await reapOrphans([{ pgid: group.pgid, marker }])).toBe(1);
    expect(await group.exited).toBe("SIGKILL");
    expect(await waitForGroupGone(group.pgid)).toBe(true);
  });

  it("refuses a group without the marker", async () => {
    const group = startGroup();
    expect(await reapOrphans([{ pgid: group.pgid, marker: randomUUID() }])).toBe(0);
    expect(await isGroupAlive(group.pgid)).toBe(true);
  });

  it("refuses a group whose marker only starts the same", async () => {
    const marker = randomUUID();
    const group = startGroup(`${marker}-other`);
    expect(await reapOrphans([{ pgid: group.pgid, marker }])).toBe(0);
    expect(await isGroupAlive(group.pgid)).toBe(true);
  });

  it("counts only the groups it killed", async () => {
    const marker = randomUUID();
    const ours = startGroup(marker);
    const foreign = startGroup();
    const finished = startGroup(marker);
    process.kill(-finished.pgid, "SIGKILL");
    await finished.exited;
    const records = [ours, foreign, finished].map(({ pgid }) => ({ pgid, marker }));
    expect(await reapOrphans(records)).toBe(1);
    expect(await isGroupAlive(foreign.pgid)).toBe(true);
  });

  it.each([0, 1, -1, Number.NaN])("never signals a special pgid (%d)", async (pgid) => {
    expect(await reapOrphans([{ pgid, marker: "x" }])).toBe(0);
  });

  it("never kills the group of the calling process", async () => {
    const marker = randomUUID();
    const script = `const { reapOrphans } = await import(${JSON.stringify(reapModule)});
      console.log(await reapOrphans([{ pgid: process.pid, marker: ${JSON.stringify(marker)} }]));`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      detached: true,
      env: { ...process.env, [MARKER_VAR]: marker },
      stdio: ["ignore", "pipe", "inherit"],
    });
    started.push(child);
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect({ code, out }).toEqual({ code: 0, out: "0\n" });
  });

  it("does nothing for no records", async () => {
    expect(await reapOrphans([])).toBe(0);
  });
});

describe("isGroupAlive", () => {
  it("is false once the group is killed", async () => {
    const group = startGroup();
    expect(await isGroupAlive(group.pgid)).toBe(true);
    process.kill(-group.pgid, "SIGKILL");
    await group.exited;
    expect(await waitForGroupGone(group.pgid)).toBe(true);
  });

  it("is false for pgid 0 and 1 instead of probing our group or every process", async () => {
    expect(await isGroupAlive(0)).toBe(false);
    expect(await isGroupAlive(1)).toBe(false);
  });
});
