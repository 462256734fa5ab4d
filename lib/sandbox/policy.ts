import { readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";

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

/** Files that hold credentials in a typical home directory. */
const HOME_SECRETS = [
  ".ssh",
  ".aws",
  ".azure",
  ".gnupg",
  ".kube",
  ".docker",
  ".netrc",
  ".npmrc",
  ".pypirc",
  ".pgpass",
  ".git-credentials",
  ".config/gh",
  ".config/gcloud",
  ".config/hub",
  ".terraform.d",
];

export interface ProtectedLocations {
  /** Database, token, logs. */
  dataDir: string;
  /** Where the server runs from: its `.env*` files hold keys. */
  appDir: string;
  toolsDir: string;
  skillsDir: string;
  home?: string;
}

function envFiles(dir: string): string[] {
  try {
    return readdirSync(/*turbopackIgnore: true*/ dir)
      .filter((name) => name === ".env" || name.startsWith(".env."))
      .map((name) => path.join(dir, name));
  } catch {
    return [];
  }
}

/** Unreadable inside the sandbox: Ratchet's own secrets and the user's credentials. */
export function deniedReads(loc: ProtectedLocations): string[] {
  const home = loc.home ?? os.homedir();
  return [loc.dataDir, ...envFiles(loc.appDir), ...HOME_SECRETS.map((rel) => path.join(home, rel))];
}

/**
 * Read-only inside the sandbox even when they sit in a writable workspace: approved tools and
 * skills change only through the approval queue and the editor, never by a command.
 */
export function deniedWrites(loc: ProtectedLocations): string[] {
  return [loc.dataDir, loc.toolsDir, loc.skillsDir, ...envFiles(loc.appDir)];
}

/** Plain words for the Settings page and the model. */
export function describeNetworkPolicy(policy: NetworkPolicy): string {
  switch (policy.mode) {
    case "open":
      return "open: any public host; this machine's own services and cloud metadata addresses stay blocked";
    case "allowlist":
      return policy.domains.length
        ? `allowlist: only ${policy.domains.join(", ")}`
        : "allowlist: no domains listed, so no network";
    case "none":
      return "none: no network at all";
  }
}

/**
 * Files inside a writable workspace that would run code later, outside the sandbox (git hooks,
 * git config, shell start-up files, editor tasks). srt protects them only around the server's own
 * working directory, so each writable directory gets them explicitly.
 */
const EXECUTES_LATER = [
  ".git/hooks",
  ".git/config",
  ".gitmodules",
  ".gitconfig",
  ".bashrc",
  ".bash_profile",
  ".zshrc",
  ".zprofile",
  ".profile",
  ".ripgreprc",
  ".mcp.json",
  ".vscode",
  ".idea",
];

export function protectedInWritable(dirs: string[]): string[] {
  return dirs.flatMap((dir) => EXECUTES_LATER.map((rel) => path.join(dir, rel)));
}

/**
 * Hosts a sandboxed process reaches without the proxy: only its own private loopback. Private and
 * link-local ranges (cloud metadata!) go through the proxy, which refuses them and records the denial.
 */
export const SANDBOX_NO_PROXY = "localhost,127.0.0.1,::1";

/**
 * Always refused by the proxy, whatever the policy: this machine and cloud metadata endpoints.
 * srt also refuses names that resolve there, but not when it forwards through an upstream proxy.
 */
export const ALWAYS_DENIED_HOSTS = [
  "localhost",
  "127.0.0.1",
  "::1",
  "0.0.0.0",
  "169.254.169.254",
  "169.254.170.2",
  "fd00:ec2::254",
  "100.100.100.200",
  "metadata.google.internal",
  "metadata.azure.com",
];
