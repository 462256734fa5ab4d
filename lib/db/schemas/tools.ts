import { z } from "zod";

/**
 * A tool version's stored JSON: the manifest the sandboxed loader found and the validation report
 * (lib/tools/validate.ts builds both). A manifest decides what the tool may do when it runs, so a
 * stored one is read back through the same schema its capabilities were first checked with.
 */

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

/** What the sandboxed loader reported about a module that loaded and is well-formed. */
export const toolManifestSchema = z.object({
  description: z.string(),
  schema: z.record(z.string(), z.unknown()),
  capabilities: capabilitiesSchema,
  requires: z.array(z.string()),
  examples: z.number(),
});
export type ToolManifest = z.infer<typeof toolManifestSchema>;

const validationCheckSchema = z.object({
  id: z.enum(["load", "imports", "exports", "schema", "capabilities", "requires", "secrets", "examples"]),
  label: z.string(),
  status: z.enum(["pass", "fail", "warn"]),
  detail: z.string().optional(),
});
export type ValidationCheck = z.infer<typeof validationCheckSchema>;

const exampleReportSchema = z.object({
  index: z.number(),
  args: z.unknown(),
  pass: z.boolean(),
  reason: z.string().optional(),
  returned: z.string().optional(),
  durationMs: z.number(),
});
export type ExampleReport = z.infer<typeof exampleReportSchema>;

/** A hint shown to the reviewer: something the source does that deserves a look (lib/tools/static-scan.ts). */
const sourceFlagSchema = z.object({
  id: z.enum([
    "child_process",
    "network",
    "eval",
    "env",
    "credentials",
    "dynamic_import",
    "filesystem_write",
  ]),
  label: z.string(),
  lines: z.array(z.number()),
});
export type SourceFlag = z.infer<typeof sourceFlagSchema>;

export const validationReportSchema = z.object({
  ok: z.boolean(),
  checks: z.array(validationCheckSchema),
  flags: z.array(sourceFlagSchema),
  examples: z.array(exampleReportSchema),
  /** Missing binaries: the tool loads but is unavailable here. */
  unavailable: z.string().nullable(),
  durationMs: z.number(),
});
export type ValidationReport = z.infer<typeof validationReportSchema>;
