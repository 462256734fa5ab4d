/**
 * A Streamable HTTP MCP server, reached by the Ratchet server: only because an admin listed its
 * exact loopback URL; its header secret is sent and never shown.
 */
import { createServer, type Server as HttpServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findMcpServer } from "@/lib/db/queries/mcp-servers";
import { testWorkspace } from "@/lib/testing/workspace";
import { addServer, approveServer, changeServer, type ServerChange, serverChangeSchema } from "./service";
import { sessionMcpTools, stopAllMcp } from "./sessions";

const TOKEN = "Bearer http-mcp-secret-0123456789abcdef";
let http: HttpServer;
let url = "";
const seen: IncomingHttpHeaders[] = [];
const unique = () => Math.random().toString(36).slice(2, 8);

/** One MCP server per request (stateless Streamable HTTP), as a small hosted server would be. */
function mcpServer(): Server {
  const server = new Server({ name: "http-test", version: "1.0.0" }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: [
      {
        name: "whoami",
        description: "Says which authorization header it got.",
        inputSchema: { type: "object", properties: {} },
      },
    ],
  }));
  server.setRequestHandler(CallToolRequestSchema, async (_request, extra) => ({
    content: [
      { type: "text", text: `you sent ${String(extra.requestInfo?.headers.authorization ?? "nothing")}` },
    ],
  }));
  return server;
}

beforeAll(async () => {
  http = createServer(async (req, res) => {
    seen.push(req.headers);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined;
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    await mcpServer().connect(transport);
    await transport.handleRequest(req, res, body);
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
});

afterAll(async () => {
  delete process.env.RATCHET_MCP_ALLOW_URLS;
  await stopAllMcp();
  await new Promise((resolve) => http.close(resolve));
});

describe("MCP over Streamable HTTP", () => {
  it("is refused on loopback until an admin lists the exact URL; then add, approve and call it, the header sent and masked", async () => {
    delete process.env.RATCHET_MCP_ALLOW_URLS;
    const refused = await addServer({
      name: `h-${unique()}`,
      transport: "http",
      url,
      headers: { Authorization: TOKEN },
    });
    expect(refused.status).toBe("error");
    expect(seen).toHaveLength(0);

    process.env.RATCHET_MCP_ALLOW_URLS = url;
    const name = `h-${unique()}`;
    const view = await addServer({ name, transport: "http", url, headers: { Authorization: TOKEN } });
    expect(view.status, view.error).toBe("needs_approval");
    expect(view.tools.map((t) => t.name)).toEqual(["whoami"]);
    expect(JSON.stringify(view)).not.toContain("http-mcp-secret");
    await approveServer(name, view.toolsSha256 ?? "", "tester");

    const tools = await sessionMcpTools(`s-${unique()}`, testWorkspace("mcp-http-"));
    const whoami = tools.find((t) => t.name === `${name}__whoami`);
    const result = await whoami?.call({}, { signal: new AbortController().signal, timeoutMs: 10_000 });
    expect(result?.state).toBe("completed");
    expect(seen.at(-1)?.authorization).toBe(TOKEN);
    // the server echoed its token back: what the model reads has it masked
    expect(result?.output).toMatch(/^you sent /);
    expect(result?.output).not.toContain("http-mcp-secret");
  });

  it("changes one header and keeps another whose value it never saw; bad changes are refused whole", async () => {
    process.env.RATCHET_MCP_ALLOW_URLS = url;
    const name = `h-${unique()}`;
    await addServer({ name, transport: "http", url, headers: { Authorization: TOKEN, "X-Team": "red" } });
    const before = (await findMcpServer(name))?.secrets;

    // each refused with 422 and nothing stored changes
    const refused: ServerChange[] = [
      { keepHeaders: ["X-Missing"] },
      { keepHeaders: ["Authorization"], headers: { authorization: "Bearer other" } },
      { headers: { "X-A": "v\r\nX-Injected: 1" } },
    ];
    for (const change of refused) {
      await expect(changeServer(name, change), JSON.stringify(change)).rejects.toMatchObject({ status: 422 });
      expect((await findMcpServer(name))?.secrets).toEqual(before);
    }

    // as the route reads it: a body naming only headers is no stdio change (args and env had defaults)
    const change = serverChangeSchema.parse({
      keepHeaders: ["Authorization"],
      headers: { "X-Team": "blue" },
    });
    expect(change).toEqual({ keepHeaders: ["Authorization"], headers: { "X-Team": "blue" } });
    const view = await changeServer(name, change);
    expect(view.headers).toEqual(["Authorization", "X-Team"]);
    expect(JSON.stringify(view)).not.toContain("http-mcp-secret");
    // the re-listing sent the kept value and the new one
    expect(seen.at(-1)?.authorization).toBe(TOKEN);
    expect(seen.at(-1)?.["x-team"]).toBe("blue");

    // headers without keepHeaders replace them all: X-Team is gone
    await changeServer(name, { headers: { Authorization: "Bearer rotated-0123456789" } });
    expect((await findMcpServer(name))?.secrets).toEqual({ Authorization: "Bearer rotated-0123456789" });
    expect(seen.at(-1)?.["x-team"]).toBeUndefined();
  });
});
