import { z } from "zod";
import { type Capabilities, capabilitiesSchema } from "@/lib/db/schemas/tools";

export const TOOL_NAME = /^[a-z][a-z0-9_]{1,63}$/;

export const toolNameSchema = z
  .string()
  .regex(
    TOOL_NAME,
    "tool names are 2–64 characters: lowercase letters, digits and _, starting with a letter",
  );

// A manifest is stored with its tool version, so its schema lives with the database's
// (lib/db/schemas/tools.ts); tools are declared and checked under these names.
export { type Capabilities, capabilitiesSchema, type ToolManifest } from "@/lib/db/schemas/tools";

export const DEFAULT_CAPABILITIES: Capabilities = capabilitiesSchema.parse({});

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
