import { lookup } from "node:dns/promises";
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { connect, isIP, type Server, type Socket } from "node:net";
import os from "node:os";
import type { Duplex } from "node:stream";
import { judgeAddress } from "./address-class";
import type { NetworkPolicy } from "./policy";

/**
 * The only way out of a sandboxed command's network namespace: an HTTP proxy (plain requests and
 * CONNECT tunnels) listening on a Unix socket that exists for one command. The socket is the
 * command's identity, so every refusal is attributed to the command that asked, and nothing inside
 * the sandbox can speak for another.
 *
 * Decisions are made on addresses, after resolution: the name is looked up here, each address it
 * resolves to is judged (address-class.ts), and the connection goes to the judged address itself,
 * never to the name again, so a name that resolves differently the second time (DNS rebinding)
 * cannot slip past.
 */

export interface ProxyRules {
  network: NetworkPolicy;
  /** Private CIDRs an admin allowed in Settings. */
  allowedPrivate: readonly string[];
}

export interface CommandProxy {
  socketPath: string;
  /** What was refused so far, one line each: method, host:port and why. */
  denials(): string[];
  close(): Promise<void>;
}

/** Connections one command may hold open through the proxy at once. */
const MAX_CONNECTIONS = 256;
const CONNECT_TIMEOUT_MS = 30_000;
/** A misbehaving command cannot grow the list without bound. */
const MAX_DENIALS = 200;

type Decision = { ok: true; addresses: string[] } | { ok: false; status: 403 | 502; reason: string };

function localAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .flatMap((i) => (i ? [i.address] : []));
}

/** `example.com`, `*.example.com` (subdomains only) and either with `:port`. */
export function matchesAllowlist(host: string, port: number, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => {
    const [name = "", portText] = pattern.split(/:(?=\d+$)/);
    if (portText !== undefined && Number(portText) !== port) return false;
    if (name.startsWith("*.")) return host.endsWith(name.slice(1)) && host.length > name.length - 1;
    return host === name;
  });
}

/** The host part of `host:port` or `[v6]:port`, lower-cased, without a trailing dot. */
export function splitAuthority(authority: string): { host: string; port: number } | null {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(authority);
  if (!match) return null;
  const port = Number(match[3]);
  const host = (match[1] ?? match[2] ?? "").toLowerCase().replace(/\.$/, "");
  if (!host || port < 1 || port > 65_535) return null;
  return { host, port };
}

export async function decide(host: string, port: number, rules: ProxyRules): Promise<Decision> {
  const { network } = rules;
  if (network.mode === "none") return { ok: false, status: 403, reason: "the network policy is none" };
  if (network.mode === "allowlist" && !matchesAllowlist(host, port, network.domains))
    return { ok: false, status: 403, reason: "not in the network allowlist" };
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      return { ok: false, status: 502, reason: `could not resolve ${host}` };
    }
  }
  const judged = { localAddresses: localAddresses(), allowedPrivate: rules.allowedPrivate };
  for (const address of addresses) {
    const verdict = judgeAddress(address, judged);
    // one forbidden answer refuses the name: which address a client would pick is not ours to guess
    if (!verdict.allowed)
      return {
        ok: false,
        status: 403,
        reason: address === host ? verdict.reason : `resolves to ${address}, ${verdict.reason}`,
      };
  }
  return { ok: true, addresses };
}

function connectFirst(addresses: string[], port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const attempt = (i: number, lastError?: Error) => {
      const address = addresses[i];
      if (address === undefined) {
        reject(lastError ?? new Error("no address"));
        return;
      }
      const socket = connect({ host: address, port, timeout: CONNECT_TIMEOUT_MS });
      socket.once("connect", () => {
        socket.setTimeout(0);
        socket.removeAllListeners("error");
        resolve(socket);
      });
      socket.once("timeout", () => socket.destroy(new Error(`connection to ${address}:${port} timed out`)));
      socket.once("error", (error) => attempt(i + 1, error));
    };
    attempt(0);
  });
}

function refuseTunnel(client: Duplex, status: number, reason: string): void {
  const body = `Ratchet sandbox: ${reason}\n`;
  const title = status === 403 ? "Forbidden" : "Bad Gateway";
  client.end(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: text/plain\r\nX-Proxy-Error: blocked-by-ratchet\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function refuse(res: ServerResponse, status: number, reason: string): void {
  res.writeHead(status, {
    "content-type": "text/plain",
    "x-proxy-error": "blocked-by-ratchet",
    connection: "close",
  });
  res.end(`Ratchet sandbox: ${reason}\n`);
}

const HOP_HEADERS = new Set([
  "proxy-connection",
  "proxy-authorization",
  "connection",
  "keep-alive",
  "te",
  "upgrade",
]);

export async function openCommandProxy(socketPath: string, rules: () => ProxyRules): Promise<CommandProxy> {
  const refused: string[] = [];
  const sockets = new Set<Duplex>();
  const record = (line: string) => {
    if (refused.length < MAX_DENIALS) refused.push(line);
  };

  const onConnect = async (req: IncomingMessage, client: Duplex, head: Buffer) => {
    sockets.add(client);
    client.once("close", () => sockets.delete(client));
    client.on("error", () => client.destroy());
    const target = splitAuthority(req.url ?? "");
    if (!target) return refuseTunnel(client, 400, "CONNECT needs host:port");
    const decision = await decide(target.host, target.port, rules());
    if (!decision.ok) {
      if (decision.status === 403) record(`CONNECT ${target.host}:${target.port}: ${decision.reason}`);
      return refuseTunnel(client, decision.status, decision.reason);
    }
    try {
      const upstream = await connectFirst(decision.addresses, target.port);
      sockets.add(upstream);
      upstream.once("close", () => sockets.delete(upstream));
      upstream.on("error", () => client.destroy());
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    } catch (error) {
      refuseTunnel(client, 502, error instanceof Error ? error.message : "connection failed");
    }
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    let url: URL;
    try {
      url = new URL(req.url ?? "");
    } catch {
      return refuse(res, 400, "send absolute http:// URLs to the proxy");
    }
    if (url.protocol !== "http:") return refuse(res, 400, `${url.protocol} is not proxied; use CONNECT`);
    const host = url.hostname
      .replace(/^\[(.*)\]$/, "$1")
      .toLowerCase()
      .replace(/\.$/, "");
    const port = Number(url.port || 80);
    const decision = await decide(host, port, rules());
    if (!decision.ok) {
      if (decision.status === 403) record(`${req.method} ${host}:${port}: ${decision.reason}`);
      return refuse(res, decision.status, decision.reason);
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([name]) => !HOP_HEADERS.has(name.toLowerCase())),
    );
    const upstream = httpRequest({
      host: decision.addresses[0],
      port,
      method: req.method,
      path: `${url.pathname}${url.search}`,
      headers,
      setHost: false,
      timeout: CONNECT_TIMEOUT_MS,
    });
    upstream.once("response", (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.once("timeout", () => upstream.destroy(new Error("upstream timed out")));
    upstream.once("error", (error) => {
      if (!res.headersSent) refuse(res, 502, error.message);
      else res.destroy();
    });
    req.pipe(upstream);
  };

  const server: Server = createServer((req, res) => void onRequest(req, res));
  server.on("connect", (req, client, head) => void onConnect(req, client, head));
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  server.maxConnections = MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => {
      server.off("error", reject);
      resolve();
    });
  });

  return {
    socketPath,
    denials: () => [...refused],
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
