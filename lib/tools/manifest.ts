import { z } from "zod";

export const TOOL_NAME = /^[a-z][a-z0-9_]{1,63}$/;

export const toolNameSchema = z
  .string()
  .regex(
    TOOL_NAME,
    "tool names are 2–64 characters: lowercase letters, digits and _, starting with a letter",
  );

/** What a tool may do; enforced by the sandbox, shown in plain words beside Approve. */
export const capabilitiesSchema = z.strictObject({
  filesystem: z.enum(["project", "none"]).default("project"),
  network: z
    .union([z.boolean(), z.array(z.string().trim().toLowerCase().min(1).max(253)).max(50)])
    .default(false),
  subprocess: z.boolean().default(false),
  env: z
    .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "env entries are variable names"))
    .max(20)
    .default([]),
});
export type Capabilities = z.infer<typeof capabilitiesSchema>;

export const DEFAULT_CAPABILITIES: Capabilities = capabilitiesSchema.parse({});

/** What the sandboxed loader reported about a module that loaded and is well-formed. */
export interface ToolManifest {
  description: string;
  schema: Record<string, unknown>;
  capabilities: Capabilities;
  requires: string[];
  examples: number;
}

export function wantsNetwork(caps: Capabilities): boolean {
  return caps.network === true || (Array.isArray(caps.network) && caps.network.length > 0);
}

/** Plain words for the approval card. */
export function describeCapabilities(caps: Capabilities): string[] {
  const lines = [
    caps.filesystem === "project"
      ? "Files: reads anything the sandbox allows; writes only inside the session's workspace"
      : "Files: writes nothing outside its private temp folder",
  ];
  if (caps.network === true) lines.push("Network: yes, within the Settings network policy");
  else if (Array.isArray(caps.network) && caps.network.length)
    lines.push(`Network: declares ${caps.network.join(", ")} (within the Settings network policy)`);
  else lines.push("Network: none (no network namespace exit)");
  lines.push(
    caps.subprocess
      ? "Processes: may start other programs (what they run is not part of this approval)"
      : "Processes: starts none (child_process is not available to it)",
  );
  if (caps.env.length) lines.push(`Environment: receives ${caps.env.join(", ")} once approved`);
  return lines;
}
