import { mkdirSync, mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decide, matchesAllowlist, splitAuthority } from "./net-proxy";
import type { NetworkPolicy } from "./policy";
import { withPrivateTmp } from "./private-tmp";
import { runProcess } from "./run-process";
import { initSandbox, setNetworkPolicy } from "./sandbox-runtime";

/**
 * Row 24: the network by address class. Every spelling of this machine, of loopback, of the
 * metadata service is refused after name resolution, in every policy, and each refusal is recorded
 * for the command that asked. The probes run as a command would: curl inside the sandbox, forced
 * through the proxy (NO_PROXY would otherwise keep loopback names on the sandbox's own loopback).
 */
const root = mkdtempSync(path.join(os.tmpdir(), "ratchet-netproxy-"));
const workspace = path.join(root, "ws");
mkdirSync(workspace, { recursive: true });

const hostServers: Server[] = [];
let port = 0;

/** An address of one of this machine's interfaces other than loopback, if it has one. */
const interfaceAddress = Object.values(os.networkInterfaces())
  .flat()
  .find((i) => i && !i.internal && i.family === "IPv4")?.address;

async function listen(host: string, at: number): Promise<number> {
  const server = createServer((_req, res) => res.end("HOST-SERVICE"));
  hostServers.push(server);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(at, host, resolve);
  });
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  const status = await initSandbox({
    locations: {
      dataDir: path.join(root, "data"),
      appDir: path.join(root, "app"),
      toolsDir: path.join(root, "tools"),
      skillsDir: path.join(root, "skills"),
      home: path.join(root, "home"),
    },
    network: { mode: "open" },
    disabled: false,
  });
  expect(status.mode, status.reason ?? "").toBe("on");
  // every address of the machine, IPv4 and IPv6, answers on this port
  port = await listen("::", 0);
});

afterAll(async () => {
  for (const server of hostServers) await new Promise((resolve) => server.close(resolve));
});

function run(command: string) {
  return withPrivateTmp((tmp) =>
    runProcess({
      command,
      cwd: workspace,
      env: { TMPDIR: tmp },
      timeoutMs: 60_000,
      modelCapBytes: 256 * 1024,
      streamCapBytes: 4 * 1024 * 1024,
      sandbox: { writable: [workspace, tmp], network: "policy", workspace },
    }),
  );
}

const SPELLINGS = [
  "127.0.0.1",
  "127.0.0.2",
  "127.1",
  "0x7f.1",
  "0x7f000001",
  "2130706433",
  "0177.0.0.1",
  "0.0.0.0",
  "0",
  "localhost",
  "localhost.",
  "LOCALHOST",
  "[::1]",
  "[::]",
  "[0:0:0:0:0:0:0:1]",
  "[::ffff:127.0.0.1]",
  "[::ffff:7f00:1]",
  "[0:0:0:0:0:ffff:127.0.0.1]",
  "[::ffff:0.0.0.0]",
  "[64:ff9b::127.0.0.1]",
  ...(interfaceAddress ? [interfaceAddress, `[::ffff:${interfaceAddress}]`] : []),
];

describe("row 24: the proxy judges addresses, not names", () => {
  it.each(["open", "allowlist"] as const)(
    "refuses every spelling of this machine, over http and CONNECT, and records each (%s policy)",
    async (mode) => {
      // an allowlist that names the very hosts still cannot reach them: the address decides
      const policy: NetworkPolicy =
        mode === "open"
          ? { mode: "open" }
          : {
              mode: "allowlist",
              domains: ["localhost", "127.0.0.1", ...(interfaceAddress ? [interfaceAddress] : [])],
            };
      setNetworkPolicy(policy);
      try {
        const probes = SPELLINGS.flatMap((host) => [
          `curl -sS -m 5 --noproxy '' -x http://127.0.0.1:3128 http://${host}:${port}/`,
          `curl -sS -m 5 --noproxy '' -x http://127.0.0.1:3128 -p http://${host}:${port}/`,
        ]);
        const result = await run(`${probes.map((p) => `${p}; echo " rc=$?"`).join("\n")}`);
        expect(result.output).not.toContain("HOST-SERVICE");
        const denials = result.sandboxDenials.join("\n");
        expect(result.sandboxDenials.length).toBeGreaterThanOrEqual(SPELLINGS.length);
        expect(denials).toContain("loopback");
        // in allowlist mode the unlisted spellings are refused as unlisted before any lookup
        if (mode === "open") expect(denials).toContain("unspecified");
        if (interfaceAddress) expect(denials).toContain("this machine");
      } finally {
        setNetworkPolicy({ mode: "open" });
      }
    },
  );

  it("refuses the metadata service and link-local addresses in every spelling", async () => {
    const result = await run(
      [
        "169.254.169.254",
        "[::ffff:169.254.169.254]",
        "[::ffff:a9fe:a9fe]",
        "2852039166",
        "[fd00:ec2::254]",
        "100.100.100.200",
        "169.254.170.2",
      ]
        .map((h) => `curl -sS -m 5 --noproxy '' http://${h}/latest/meta-data/; echo " rc=$?"`)
        .join("\n"),
    );
    expect(result.sandboxDenials.join("\n")).toContain("metadata");
    expect(result.sandboxDenials.length).toBeGreaterThanOrEqual(7);
  });

  it("lets a public host through in open mode, and only listed hosts in allowlist mode", async () => {
    // the npm registry is reachable wherever CI can install packages
    const probe = `curl -sS -m 20 -o /dev/null -w '%{http_code}' https://registry.npmjs.org/is-number; echo " rc=$?"`;
    const open = await run(probe);
    expect(open.output).toContain("200 rc=0");
    setNetworkPolicy({ mode: "allowlist", domains: ["example.com"] });
    try {
      const listed = await run(probe);
      expect(listed.output).not.toContain("200 rc=0");
      expect(listed.sandboxDenials.join("\n")).toContain(
        "registry.npmjs.org:443: not in the network allowlist",
      );
    } finally {
      setNetworkPolicy({ mode: "open" });
    }
  });
});

describe("the proxy's rules", () => {
  const open = { network: { mode: "open" } as NetworkPolicy, allowedPrivate: [] };

  it("decides on resolved addresses, private ranges only when allowed", async () => {
    expect(await decide("localhost", 80, open)).toMatchObject({ ok: false, status: 403 });
    expect(await decide("10.99.0.1", 443, open)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/private/),
    });
    expect(await decide("10.99.0.1", 443, { ...open, allowedPrivate: ["10.99.0.0/16"] })).toMatchObject({
      ok: true,
    });
    expect(await decide("127.0.0.1", 443, { ...open, allowedPrivate: ["0.0.0.0/0"] })).toMatchObject({
      ok: false,
    });
    expect(await decide("no-such-host.invalid", 443, open)).toMatchObject({ ok: false, status: 502 });
    expect(await decide("8.8.8.8", 443, { network: { mode: "none" }, allowedPrivate: [] })).toMatchObject({
      ok: false,
      status: 403,
    });
  });

  it("matches allowlist patterns exactly, subdomains only with *., ports when given", () => {
    const list = ["example.com", "*.npmjs.org", "api.test:8443"];
    expect(matchesAllowlist("example.com", 443, list)).toBe(true);
    expect(matchesAllowlist("www.example.com", 443, list)).toBe(false);
    expect(matchesAllowlist("evilexample.com", 443, list)).toBe(false);
    expect(matchesAllowlist("registry.npmjs.org", 443, list)).toBe(true);
    expect(matchesAllowlist("npmjs.org", 443, list)).toBe(false);
    expect(matchesAllowlist("evilnpmjs.org", 443, list)).toBe(false);
    expect(matchesAllowlist("api.test", 8443, list)).toBe(true);
    expect(matchesAllowlist("api.test", 443, list)).toBe(false);
  });

  it("reads CONNECT authorities and refuses malformed ones", () => {
    expect(splitAuthority("example.com:443")).toEqual({ host: "example.com", port: 443 });
    expect(splitAuthority("EXAMPLE.com.:443")).toEqual({ host: "example.com", port: 443 });
    expect(splitAuthority("[::1]:8080")).toEqual({ host: "::1", port: 8080 });
    for (const bad of ["example.com", ":443", "example.com:0", "example.com:70000", "a:b:c", "[::1]"])
      expect(splitAuthority(bad), bad).toBeNull();
  });
});
