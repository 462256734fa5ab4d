import { z } from "zod";

/**
 * An MCP server's stored configuration and tool lists (model McpServer). What starts a server and
 * what the model reads are read back through these schemas, never trusted as stored.
 */

export const MCP_SERVER_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;
export const mcpServerNameSchema = z
  .string()
  .regex(MCP_SERVER_NAME, "name must match ^[a-z0-9][a-z0-9-]{0,31}$ (lowercase letters, digits, dashes)");

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** A header name as HTTP allows it (a token); values are secrets and stored apart. */
export const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;

export const stdioConfigSchema = z.strictObject({
  command: z.string().trim().min(1).max(512),
  args: z.array(z.string().max(4096)).max(64).default([]),
  /** Names of the server's environment variables passed in; values are never stored here. */
  env: z.array(z.string().regex(ENV_NAME, "env entries are variable names")).max(32).default([]),
});
export type StdioConfig = z.infer<typeof stdioConfigSchema>;

export const httpConfigSchema = z.strictObject({
  url: z
    .string()
    .max(2048)
    .url()
    .refine((u) => /^https?:\/\//i.test(u), "url must be http:// or https://"),
});
export type HttpConfig = z.infer<typeof httpConfigSchema>;

export const headerSecretsSchema = z
  .record(
    z.string().regex(HEADER_NAME, "header names are HTTP tokens"),
    // a line break would be a second header (or a request split) if anything ever wrote it raw
    z
      .string()
      .max(8192, "a header value is at most 8192 characters")
      .regex(/^[^\r\n\0]*$/, "header values are one line"),
  )
  .refine((h) => Object.keys(h).length <= 32, "at most 32 headers")
  .refine(
    (h) => new Set(Object.keys(h).map((k) => k.toLowerCase())).size === Object.keys(h).length,
    "a header name appears twice (header names ignore case)",
  );
export type HeaderSecrets = z.infer<typeof headerSecretsSchema>;

/**
 * One entry of what a server presents, exactly as the model would read it: a tool (no `kind`, so
 * lists approved before prompts and resources existed hash as they did), one of its prompts, or
 * the one entry that stands for reading its resources.
 */
export const mcpToolSchema = z.object({
  kind: z.enum(["prompt", "resources"]).optional(),
  name: z.string(),
  description: z.string(),
  inputSchema: z.record(z.string(), z.unknown()),
});
export type McpTool = z.infer<typeof mcpToolSchema>;
export const mcpToolListSchema = z.array(mcpToolSchema);
