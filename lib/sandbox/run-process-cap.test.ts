import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import type { TaskCap } from "./task-cap";

/**
 * A shell that joins its pids group by itself (cgroup v1) must run nothing when the join fails:
 * the group here names a file that cannot be written, as a group removed under it would.
 */
const gone = path.join(mkdtempSync(path.join(tmpdir(), "cap-gone-")), "removed-group", "tasks");
vi.mock("./task-cap", async (original) => {
  const real = await original<typeof import("./task-cap")>();
  return {
    ...real,
    createTaskCap: (): TaskCap => ({
      selfJoinFile: gone,
      join: async () => {},
      killAll: async () => {},
      release: async () => {},
    }),
  };
});

const { runProcess } = await import("./run-process");

describe("runProcess: a shell that cannot join its pids group", () => {
  it("runs nothing and reports that it could not cap the command", async () => {
    const witness = path.join(mkdtempSync(path.join(tmpdir(), "cap-witness-")), "ran");
    const result = await runProcess({
      command: `touch ${witness}; echo ran`,
      cwd: tmpdir(),
      timeoutMs: 10_000,
      modelCapBytes: 1024 * 1024,
      streamCapBytes: 1024 * 1024,
    });
    expect(result.status).toBe("spawn-error");
    expect(result.error).toContain("could not cap the command's tasks");
    expect(result.output).toBe("");
    expect(existsSync(witness)).toBe(false);
  });
});
