import { z } from "zod";
import { parseCidr } from "./address-class";

/** Network access for `run_command`, set in Settings. Agent tools never get more than this. */
export const networkPolicySchema = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("open") }),
  z.object({
    mode: z.literal("allowlist"),
    domains: z
      .array(
        z
          .string()
          .trim()
          .toLowerCase()
          .regex(/^(\*\.)?([a-z0-9-]+\.)*[a-z0-9-]+(:\d{1,5})?$/, {
            message: "each domain must look like example.com, *.example.com or example.com:443",
          }),
      )
      .max(200),
  }),
  z.object({ mode: z.literal("none") }),
]);
export type NetworkPolicy = z.infer<typeof networkPolicySchema>;

export const DEFAULT_NETWORK_POLICY: NetworkPolicy = { mode: "open" };

export interface ProtectedLocations {
  /** Database, token, logs. */
  dataDir: string;
  /** Where the server runs from: source, build, node_modules, `.env*` files. */
  appDir: string;
  toolsDir: string;
  skillsDir: string;
  /** The SQLite database file's folder when it is outside the data dir. */
  databaseDir?: string;
  home?: string;
}

/**
 * What an admin may add to every sandbox in Settings: readable folders (a shared toolchain, a
 * corporate CA bundle), variables passed through by name, private ranges the proxy may reach.
 */
export const sandboxSettingsSchema = z.object({
  readPaths: z
    .array(
      z
        .string()
        .trim()
        .min(1)
        .max(4096)
        .refine((p) => p.startsWith("/"), "each read path must be absolute"),
    )
    .max(50)
    .default([]),
  envNames: z
    .array(
      z
        .string()
        .trim()
        .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, {
          message: "each variable must be a name such as JAVA_OPTS",
        }),
    )
    .max(100)
    .default([]),
  privateNetworks: z
    .array(
      z
        .string()
        .trim()
        .refine((c) => parseCidr(c) !== null, "each private network must be a CIDR such as 10.20.0.0/16"),
    )
    .max(50)
    .default([]),
});
export type SandboxSettings = z.infer<typeof sandboxSettingsSchema>;

export const DEFAULT_SANDBOX_SETTINGS: SandboxSettings = { readPaths: [], envNames: [], privateNetworks: [] };

/** Plain words for the Settings page and the model. */
export function describeNetworkPolicy(policy: NetworkPolicy): string {
  switch (policy.mode) {
    case "open":
      return "open: any public host; this machine, loopback, link-local, cloud metadata and private network addresses stay blocked";
    case "allowlist":
      return policy.domains.length
        ? `allowlist: only ${policy.domains.join(", ")}`
        : "allowlist: no domains listed, so no network";
    case "none":
      return "none: no network at all";
  }
}

/** Hosts a sandboxed process reaches without the proxy: only its own private loopback. */
export const SANDBOX_NO_PROXY = "localhost,127.0.0.1,::1";
