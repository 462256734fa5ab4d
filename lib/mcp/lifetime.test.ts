import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { testWorkspace } from "@/lib/testing/workspace";

/** Live processes whose command line carries `tag`, anywhere on the machine. */
function tagged(tag: string): number[] {
  return readdirSync("/proc").flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
      return cmdline.includes(tag) && state !== "Z" ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return check();
}

describe("a stdio MCP server's lifetime", () => {
  it("does not survive the Ratchet server, even killed with SIGKILL", async () => {
    const tag = `ratchet-mcp-orphan-${Math.random().toString(36).slice(2, 10)}`;
    const child = spawn(
      path.join(process.cwd(), "node_modules/.bin/tsx"),
      ["lib/testing/mcp-orphan-child.ts", testWorkspace("mcp-orphan-")],
      // its own group: killing the group kills tsx and the node it runs, as a crash would the server
      { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, MCP_ORPHAN_TAG: tag }, detached: true },
    );
    const ready = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("\n")) resolve(out);
      });
      child.once("exit", (code) => reject(new Error(`child exited ${code}: ${out}`)));
    });
    expect(ready).toMatch(/^ready \d+/);
    expect(await until(() => tagged(tag).length > 0, 10_000)).toBe(true);
    process.kill(-(child.pid ?? 0), "SIGKILL");
    expect(await until(() => tagged(tag).length === 0, 10_000), `left: ${tagged(tag).join(",")}`).toBe(true);
  }, 60_000);
});

describe("a stdio MCP server stopped by Ratchet", () => {
  it("goes, with everything it started, even when it ignores the end of its input and SIGTERM", async () => {
    const { startTestSandbox } = await import("@/lib/testing/sandbox");
    const { spawnLongLived } = await import("@/lib/sandbox/long-lived");
    await startTestSandbox();
    const tag = `ratchet-mcp-stubborn-${Math.random().toString(36).slice(2, 10)}`;
    const workspace = testWorkspace("mcp-stop-");
    const proc = await spawnLongLived({
      command: `exec node -e 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)' ${tag}`,
      cwd: workspace,
      sandbox: { writable: [workspace], network: "none" },
    });
    expect(await until(() => tagged(tag).length > 0, 10_000)).toBe(true);
    await proc.stop();
    expect(await until(() => tagged(tag).length === 0, 10_000), `left: ${tagged(tag).join(",")}`).toBe(true);
  }, 60_000);
});
