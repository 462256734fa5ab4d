import type { Tool, ToolSet } from "ai";
import { describe, expect, it } from "vitest";
import type { OfferedMcpPrompt, OfferedMcpResources } from "@/lib/mcp/sessions";
import type { ToolOutcome } from "@/lib/tools/types";
import {
  installMcpPrompts,
  installMcpResources,
  PROMPT_TOOL,
  promptLine,
  RESOURCES_TOOL,
} from "./mcp-resources";
import type { CallSpec } from "./tool-call";

/** What reached the server, and the spec each call ran with (as executeCall would get it). */
const sent: unknown[] = [];
const specs: CallSpec[] = [];
const ok = (output: string): ToolOutcome => ({ state: "completed", output, summary: output });

const review: OfferedMcpPrompt = {
  server: "docs",
  name: "review",
  description: "Reviews a file.\nSecond line.",
  inputSchema: {
    type: "object",
    properties: { file: { type: "string" }, depth: { type: "string" } },
    required: ["file"],
  },
  get: async (args) => {
    sent.push(args);
    return ok(`prompt ${JSON.stringify(args)}`);
  },
};
const docs: OfferedMcpResources = {
  server: "docs",
  list: async (cursor) => {
    sent.push({ list: cursor ?? null });
    return ok("listed");
  },
  read: async (uri) => {
    sent.push({ read: uri });
    return ok(`read ${uri}`);
  },
};

async function execute(spec: CallSpec): Promise<string> {
  specs.push(spec);
  const outcome = await spec.run(new AbortController().signal);
  return `${outcome.state}: ${outcome.output}`;
}

async function run(tools: ToolSet, name: string, input: unknown): Promise<string> {
  const tool: Tool | undefined = tools[name];
  if (!tool?.execute) throw new Error(`${name} not installed`);
  return String(await tool.execute(input, { toolCallId: "c1", messages: [], context: {} }));
}

describe("mcp_prompt: an approved prompt loaded by name with its arguments", () => {
  const tools: ToolSet = {};
  installMcpPrompts(tools, [review], execute);

  it("is listed with its server and arguments (required ones starred)", () => {
    expect(promptLine(review)).toBe(
      "- docs/review (MCP prompt from server docs; load with mcp_prompt; arguments: file*, depth): Reviews a file.",
    );
    expect(tools[PROMPT_TOOL]?.description).toContain(promptLine(review));
  });

  it("passes the approved arguments and records the call under the server", async () => {
    sent.length = 0;
    expect(
      await run(tools, PROMPT_TOOL, { server: "docs", name: "review", arguments: { file: "a.ts" } }),
    ).toBe('completed: prompt {"file":"a.ts"}');
    expect(specs.at(-1)).toMatchObject({ tool: PROMPT_TOOL, version: "mcp:docs", summary: "docs/review" });
  });

  // each refused before anything reaches the server
  const refusals: Array<[string, unknown, RegExp]> = [
    [
      "an argument nobody approved",
      { server: "docs", name: "review", arguments: { file: "a", token: "x" } },
      /no argument token/,
    ],
    [
      "a required argument left out",
      { server: "docs", name: "review", arguments: { depth: "2" } },
      /needs the argument\(s\) file/,
    ],
    [
      "a prompt that was not approved",
      { server: "docs", name: "other" },
      /No approved MCP prompt docs\/other/,
    ],
    [
      "another server's name",
      { server: "elsewhere", name: "review", arguments: { file: "a" } },
      /No approved MCP prompt/,
    ],
  ];
  for (const [what, input, why] of refusals)
    it(`refuses ${what}`, async () => {
      sent.length = 0;
      const result = await run(tools, PROMPT_TOOL, input);
      expect(result).toMatch(/^error: /);
      expect(result).toMatch(why);
      expect(sent).toEqual([]);
    });
});

describe("mcp_resources: list and read the resources of servers whose reading was approved", () => {
  const tools: ToolSet = {};
  installMcpResources(tools, [docs], execute);

  it("lists and reads through the server, recorded under it", async () => {
    sent.length = 0;
    expect(await run(tools, RESOURCES_TOOL, { server: "docs", action: "list" })).toBe("completed: listed");
    expect(await run(tools, RESOURCES_TOOL, { server: "docs", action: "read", uri: "test://a" })).toBe(
      "completed: read test://a",
    );
    expect(sent).toEqual([{ list: null }, { read: "test://a" }]);
    expect(specs.at(-1)).toMatchObject({ tool: RESOURCES_TOOL, version: "mcp:docs" });
  });

  it("refuses a server without approved resources and a read without a uri", async () => {
    sent.length = 0;
    expect(await run(tools, RESOURCES_TOOL, { server: "other", action: "list" })).toMatch(
      /^error: No MCP server named other/,
    );
    expect(await run(tools, RESOURCES_TOOL, { server: "docs", action: "read" })).toMatch(
      /^error: .*needs the resource's uri/,
    );
    expect(sent).toEqual([]);
  });

  it("is not installed when no server's resources are approved", () => {
    const none: ToolSet = {};
    installMcpResources(none, [], execute);
    installMcpPrompts(none, [], execute);
    expect(Object.keys(none)).toEqual([]);
  });
});
