import type { LookupFunction } from "node:net";
import { Agent, fetch as undiciFetch } from "undici";
import { sandboxSettings } from "@/lib/sandbox";
import { decide } from "@/lib/sandbox/net-proxy";

/**
 * The fetch an HTTP MCP server is reached with. The Ratchet server makes the request, so it is
 * held to the rules a sandboxed command's proxy applies: no loopback, link-local, metadata, this
 * machine's own addresses or private ranges Settings did not allow. Every address a name resolves
 * to is judged at connect time (a name that resolves to a public address when checked and to
 * 127.0.0.1 when connected is still refused). Only URLs an admin listed exactly
 * (RATCHET_MCP_ALLOW_URLS) skip this.
 */
export function allowedUrls(): string[] {
  return (process.env.RATCHET_MCP_ALLOW_URLS ?? "")
    .split(",")
    .map((u) => u.trim())
    .filter(Boolean);
}

export function isExemptUrl(url: string): boolean {
  return allowedUrls().includes(url);
}

function rules() {
  return { network: { mode: "open" as const }, allowedPrivate: sandboxSettings().privateNetworks };
}

const guardedLookup: LookupFunction = (hostname, options, callback) => {
  void decide(hostname, 443, rules()).then(
    (decision) => {
      if (!decision.ok) {
        callback(new Error(`Refused: ${hostname} ${decision.reason}`), "", 4);
        return;
      }
      const all = decision.addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
      const first = all[0];
      if (!first) callback(new Error(`could not resolve ${hostname}`), "", 4);
      else if (options.all) (callback as unknown as (e: null, a: typeof all) => void)(null, all);
      else callback(null, first.address, first.family);
    },
    (error: Error) => callback(error, "", 4),
  );
};

const agent = new Agent({ connect: { lookup: guardedLookup } });

/** Refuses an IP-literal host up front (no lookup happens for one), then connects by judged lookup. */
export async function checkUrl(url: string): Promise<void> {
  if (isExemptUrl(url)) return;
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  const port = Number(parsed.port || (parsed.protocol === "https:" ? 443 : 80));
  const decision = await decide(host, port, rules());
  if (!decision.ok) throw new Error(`Refused: ${parsed.host} is ${decision.reason}`);
}

/** A fetch for one server; each request's own URL is judged (an exemption covers that exact URL only). */
export function guardedFetch(_serverUrl: string): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    const exempt = isExemptUrl(url);
    if (!exempt) await checkUrl(url);
    // a redirect would reach a host that was never judged (an IP literal skips the lookup)
    const options = { ...(init ?? {}), redirect: "error", ...(exempt ? {} : { dispatcher: agent }) };
    return undiciFetch(url, options as Parameters<typeof undiciFetch>[1]);
  }) as unknown as typeof fetch;
}
