import type { Tool, ToolSet } from "ai";
import { describe, expect, it } from "vitest";
import type { OfferedMcpTool } from "@/lib/mcp/sessions";
import { estimateTokens } from "./context-budget";
import { installMcp, LOAD_TOOL, MCP_EAGER_LIMIT } from "./mcp-disclosure";
import type { CallSpec } from "./tool-call";

/** 3 servers, 40 tools, with descriptions and schemas the size real servers ship (a tracker, docs, a database). */
function fleet(): OfferedMcpTool[] {
  const servers: Array<[string, number]> = [
    ["tracker", 18],
    ["docs", 12],
    ["db", 10],
  ];
  return servers.flatMap(([server, count]) =>
    Array.from({ length: count }, (_, i) => ({
      name: `${server}__action_${i}`,
      server,
      tool: `action_${i}`,
      description: `Performs action ${i} on the ${server}. `.repeat(8),
      inputSchema: {
        type: "object",
        properties: Object.fromEntries(
          ["id", "query", "limit", "cursor", "fields"].map((p) => [
            p,
            { type: "string", description: `The ${p} to use for this ${server} request.` },
          ]),
        ),
        required: ["id"],
      },
      call: async () => ({ state: "completed" as const, output: `${server} ${i} ran`, summary: "ok" }),
    })),
  );
}

/** What the model reads of a tool set each request: name, description and schema of every tool. */
function promptTokens(tools: ToolSet, offered: OfferedMcpTool[]): number {
  const defs = Object.entries(tools).map(([name, tool]) => ({
    name,
    description: tool.description,
    schema: name === LOAD_TOOL ? { server: "string" } : offered.find((t) => t.name === name)?.inputSchema,
  }));
  return estimateTokens(defs);
}

const run: (spec: CallSpec, id: string, signal: AbortSignal | undefined) => Promise<string> = async (spec) =>
  (await spec.run(new AbortController().signal)).output;

async function callTool(tool: Tool | undefined, input: unknown): Promise<unknown> {
  if (!tool?.execute) throw new Error("no such tool");
  return tool.execute(input, { toolCallId: "c1", messages: [], context: {} });
}

describe("MCP progressive disclosure", () => {
  it("offers few tools as they are", () => {
    const few = fleet().slice(0, MCP_EAGER_LIMIT);
    const tools: ToolSet = {};
    installMcp(tools, few, new Set(), run);
    expect(Object.keys(tools)).toHaveLength(few.length);
    expect(tools[LOAD_TOOL]).toBeUndefined();
  });

  it("with 3 servers and 40 tools, offers one loader naming each server in a line, and saves most of the tokens", () => {
    const offered = fleet();
    const eager: ToolSet = {};
    installMcp(eager, offered.slice(0, 0), new Set(), run);
    for (const tool of offered) eager[tool.name] = { description: tool.description } as Tool;
    const lazy: ToolSet = {};
    installMcp(lazy, offered, new Set(), run);
    expect(Object.keys(lazy)).toEqual([LOAD_TOOL]);
    expect(lazy[LOAD_TOOL]?.description).toMatch(/- tracker: 18 tools \(action_0, action_1/);
    const before = promptTokens(eager, offered);
    const after = promptTokens(lazy, offered);
    console.log(`MCP prompt tokens, 3 servers / 40 tools: eager ${before}, on demand ${after}`);
    expect(after).toBeLessThan(before / 10);
  });

  it("loading a server adds its tools for the next step and remembers it for later turns; an unknown one is refused", async () => {
    const offered = fleet();
    const loaded = new Set<string>();
    const tools: ToolSet = {};
    installMcp(tools, offered, loaded, run);
    await expect(callTool(tools[LOAD_TOOL], { server: "nope" })).resolves.toMatch(
      /No approved MCP server named nope/,
    );
    const listing = await callTool(tools[LOAD_TOOL], { server: "docs" });
    expect(listing).toContain("docs__action_0: Performs action 0 on the docs.");
    expect(Object.keys(tools).filter((n) => n.startsWith("docs__"))).toHaveLength(12);
    expect(Object.keys(tools).some((n) => n.startsWith("db__"))).toBe(false);
    expect(loaded).toEqual(new Set(["docs"]));
    const nextTurn: ToolSet = {};
    installMcp(nextTurn, offered, loaded, run);
    expect(Object.keys(nextTurn)).toHaveLength(13);
  });
});
