import { describe, expect, it } from "vitest";
import type { McpCallRow } from "@/lib/db/queries/mcp-calls";
import { toolHealth } from "./health";

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
const call = (tool: string, durationMs: number, minute: number, failed?: string): McpCallRow => ({
  tool,
  ok: !failed,
  errorClass: failed ? "timeout" : null,
  errorMessage: failed ?? null,
  durationMs,
  createdAt: at(minute),
});

describe("an MCP server's per-tool health", () => {
  // newest first, as the query returns them
  const calls = [
    call("docs__search", 30, 9),
    call("docs__search", 1000, 8, "Timed out: after 1000 ms"),
    call("mcp_resources", 5, 7),
    ...Array.from({ length: 18 }, (_, i) => call("docs__search", 10 + i, 6 - i / 10)),
    call("docs__search", 900, 1, "an older failure"),
  ];
  const rows = toolHealth("docs", calls, ["search", "fetch"]);

  it("counts calls and failures per tool, with the server's own tool names", () => {
    expect(rows.map((r) => [r.tool, r.calls, r.failures])).toEqual([
      ["search", 21, 2],
      ["mcp_resources", 1, 0],
      ["fetch", 0, 0],
    ]);
  });

  it("takes p50 and p95 by nearest rank, last use and the newest failure", () => {
    const search = rows.find((r) => r.tool === "search");
    expect(search?.p50Ms).toBe(20);
    expect(search?.p95Ms).toBe(900);
    expect(search?.lastUsedAt).toBe(at(9).toISOString());
    expect(search?.lastError).toEqual({
      at: at(8).toISOString(),
      errorClass: "timeout",
      message: "Timed out: after 1000 ms",
    });
  });

  it("shows an approved tool nobody called as a zero row", () => {
    expect(rows.find((r) => r.tool === "fetch")).toEqual({
      tool: "fetch",
      calls: 0,
      failures: 0,
      p50Ms: null,
      p95Ms: null,
      lastUsedAt: null,
      lastError: null,
    });
  });
});
