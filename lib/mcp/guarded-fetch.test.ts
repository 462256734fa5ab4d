import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkUrl, guardedFetch } from "./guarded-fetch";
import { addServer } from "./service";

/** An HTTP MCP server is reached by the Ratchet server itself: the address classes of the command proxy apply. */
let host: Server;
let port = 0;
let hits = 0;
const unique = () => Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  host = createServer((_req, res) => {
    hits++;
    res.end("HOST-SERVICE");
  });
  await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
  port = (host.address() as AddressInfo).port;
});

afterAll(async () => {
  delete process.env.RATCHET_MCP_ALLOW_URLS;
  await new Promise((resolve) => host.close(resolve));
});

// every spelling of this machine, its metadata service and private ranges an attacker would try
const REFUSED = [
  "http://127.0.0.1:PORT/mcp",
  "http://localhost:PORT/mcp",
  "http://[::1]:PORT/mcp",
  "http://127.1:PORT/mcp",
  "http://0.0.0.0:PORT/mcp",
  "http://2130706433:PORT/mcp",
  "http://0x7f000001:PORT/mcp",
  "http://[::ffff:127.0.0.1]:PORT/mcp",
  "http://169.254.169.254/latest/meta-data/",
  "http://[fd00:ec2::254]/latest/meta-data/",
  "http://10.0.0.1/mcp",
  "http://192.168.1.1/mcp",
];

describe("HTTP MCP servers: address classes", () => {
  for (const template of REFUSED) {
    it(`refuses ${template}`, async () => {
      const url = template.replace("PORT", String(port));
      const before = hits;
      await expect(checkUrl(url)).rejects.toThrow(/Refused/);
      await expect(guardedFetch(url)(url)).rejects.toThrow();
      expect(hits).toBe(before);
    });
  }

  it("adds a loopback server as an error that names the refusal, and never reaches it", async () => {
    const before = hits;
    const view = await addServer({
      name: `h-${unique()}`,
      transport: "http",
      url: `http://127.0.0.1:${port}/mcp`,
    });
    expect(view.status).toBe("error");
    expect(view.error).toMatch(/Refused/);
    expect(hits).toBe(before);
  });

  it("reaches a loopback URL an admin listed exactly, and only that URL", async () => {
    const allowed = `http://127.0.0.1:${port}/mcp`;
    process.env.RATCHET_MCP_ALLOW_URLS = allowed;
    const response = await guardedFetch(allowed)(allowed);
    expect(await response.text()).toBe("HOST-SERVICE");
    const other = `http://127.0.0.1:${port}/other`;
    await expect(guardedFetch(other)(other)).rejects.toThrow();
    delete process.env.RATCHET_MCP_ALLOW_URLS;
  });

  it("never returns header values: only their names", async () => {
    const view = await addServer({
      name: `h-${unique()}`,
      transport: "http",
      url: "http://127.0.0.1:1/mcp",
      headers: { Authorization: "Bearer header-secret-value-123456" },
    });
    expect(view.headers).toEqual(["Authorization"]);
    expect(JSON.stringify(view)).not.toContain("header-secret-value");
  });
});
