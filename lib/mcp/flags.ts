import type { McpTool } from "@/lib/db/schemas/mcp";
import { maskSecrets } from "@/lib/sandbox";

/**
 * Hints shown beside Approve for what the model would read in a tool's description and schema. Not
 * a gate (a person decides), but what tool poisoning relies on is made visible: text a person
 * does not see, instructions aimed at the model, secrets, and places to send things.
 */
export interface DescriptionFlag {
  id: "hidden_text" | "instructions" | "secret" | "url";
  label: string;
}

// zero-width and joiner characters, bidi controls, Unicode tag characters, other format controls
export const HIDDEN =
  /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|\udb40[\udc00-\udc7f]/;
export const INSTRUCTIONS =
  /<\s*\/?\s*(important|system|instructions?)\s*>|\bignore (all |the )?(previous|prior|above)\b|\bdo not (tell|mention|show|inform)\b|\bbefore (using|calling) (this|any) tool\b|\byou must (first )?(read|call|send|include)\b|\bsystem prompt\b|~\/\.ssh|\bid_rsa\b|\.env\b/i;
const URL_LIKE =
  /\b(?:https?|ftp|wss?):\/\/|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|dev|ai|app|xyz|ru|cn)\b/i;

/** Every string the model reads of a tool: its description and every string inside its schema. */
function texts(tool: McpTool): string[] {
  const out = [tool.name, tool.description];
  const walk = (value: unknown): void => {
    if (typeof value === "string") out.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object")
      for (const [k, v] of Object.entries(value)) {
        out.push(k);
        walk(v);
      }
  };
  walk(tool.inputSchema);
  return out;
}

export function flagTool(tool: McpTool, knownSecrets: string[] = []): DescriptionFlag[] {
  const all = texts(tool);
  const flags: DescriptionFlag[] = [];
  if (all.some((t) => HIDDEN.test(t)))
    flags.push({ id: "hidden_text", label: "contains invisible or direction-changing characters" });
  if (all.some((t) => INSTRUCTIONS.test(t)))
    flags.push({ id: "instructions", label: "contains what reads as instructions to the model" });
  if (all.some((t) => maskSecrets(t, knownSecrets) !== t))
    flags.push({ id: "secret", label: "contains what looks like a key or token" });
  if (all.some((t) => URL_LIKE.test(t))) flags.push({ id: "url", label: "names a URL or domain" });
  return flags;
}
