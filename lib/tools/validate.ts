import { accessSync, constants } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { ExampleReport, ValidationCheck, ValidationReport } from "@/lib/db/schemas/tools";
import { checkArguments, schemaProblem } from "./arguments";
import { mapBmoCapabilities } from "./bmo-capabilities";
import { exampleSchema, matchExpectation, runResultSchema } from "./expect";
import { sha256 } from "./hash";
import { type HostResponse, runInHost } from "./host";
import { describeRefusedImports, refusedImports } from "./import-policy";
import { type Capabilities, capabilitiesSchema, type ToolManifest, wantsNetwork } from "./manifest";
import { scanFlags, scanSecrets } from "./static-scan";

// The report is stored with the tool version: its shape is the schema it is read back with.
export type { ExampleReport, ValidationCheck, ValidationReport };

export const MAX_SOURCE_BYTES = 256 * 1024;
const INSPECT_TIMEOUT_MS = 10_000;
const EXAMPLE_TIMEOUT_MS = 30_000;
const MAX_EXAMPLES = 20;

function onPath(binary: string): boolean {
  if (binary.includes("/")) return false;
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    try {
      accessSync(path.join(dir, binary), constants.X_OK);
      return true;
    } catch {
      // next
    }
  }
  return false;
}

/** Binaries a tool requires that this machine lacks. */
export function missingBinaries(requires: string[]): string[] {
  return requires.filter((b) => !onPath(b));
}

function firstLines(text: string, n = 6): string {
  return text.split("\n").slice(0, n).join("\n");
}

function clip(text: string, max = 500): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

interface Inspected {
  checks: ValidationCheck[];
  manifest: ToolManifest | null;
  examples: unknown[];
  /** The description the module exports, also when the tool is not well-formed. */
  description: string | null;
}

function declaredDescription(response: HostResponse): string | null {
  if (!("description" in response) || typeof response.description !== "string") return null;
  const text = response.description.trim();
  return text ? text : null;
}

/** Reads the loader's report; every well-formedness rule of the module contract lives here. */
function judgeInspection(response: HostResponse): Inspected {
  const checks: ValidationCheck[] = [];
  if (response.phase === "load") {
    checks.push({
      id: "load",
      label: "Loads in the sandbox",
      status: "fail",
      detail: `${response.error.name}: ${response.error.message}\n${firstLines(response.error.stack)}`,
    });
    return { checks, manifest: null, examples: [], description: null };
  }
  if (!("exports" in response)) {
    const detail = "unserializable" in response ? response.unserializable : "no report";
    checks.push({ id: "load", label: "Loads in the sandbox", status: "fail", detail });
    return { checks, manifest: null, examples: [], description: null };
  }
  checks.push({ id: "load", label: "Loads in the sandbox", status: "pass" });
  const problems: string[] = [];
  if (response.exports.run !== "function") problems.push("`run` must be an exported async function");
  if (typeof response.description !== "string" || response.description.trim().length === 0)
    problems.push("`description` must be a non-empty string");
  const requires = response.requires ?? [];
  if (!Array.isArray(requires) || !requires.every((r) => typeof r === "string" && /^[\w.+-]+$/.test(r)))
    problems.push("`requires` must be an array of binary names");
  checks.push({
    id: "exports",
    label: "Exports description, schema and run",
    status: problems.length ? "fail" : "pass",
    ...(problems.length ? { detail: problems.join("; ") } : {}),
  });
  const schemaIssue = schemaProblem(response.schema);
  checks.push({
    id: "schema",
    label: "Schema is valid JSON Schema for an arguments object",
    status: schemaIssue ? "fail" : "pass",
    ...(schemaIssue ? { detail: schemaIssue } : {}),
  });
  // bmo's spellings (filesystem: true, "both", env: true) are read as bmo reads them
  const mapped = mapBmoCapabilities(response.capabilities);
  const caps = capabilitiesSchema.safeParse(mapped.capabilities);
  checks.push({
    id: "capabilities",
    label: "Capabilities are well-formed",
    status: !caps.success ? "fail" : mapped.notes.length ? "warn" : "pass",
    ...(!caps.success
      ? { detail: z.prettifyError(caps.error) }
      : mapped.notes.length
        ? { detail: mapped.notes.join("\n") }
        : {}),
  });
  const examples = Array.isArray(response.examples) ? response.examples : [];
  if (response.examples !== undefined && !Array.isArray(response.examples))
    checks.push({ id: "examples", label: "Examples", status: "fail", detail: "`examples` must be an array" });
  const wellFormed = problems.length === 0 && !schemaIssue && caps.success;
  const manifest: ToolManifest | null = wellFormed
    ? {
        description: String(response.description).trim(),
        schema: response.schema as Record<string, unknown>,
        capabilities: caps.data as Capabilities,
        requires: requires as string[],
        examples: examples.length,
      }
    : null;
  return { checks, manifest, examples, description: declaredDescription(response) };
}

async function runExample(
  source: string,
  manifest: ToolManifest,
  schemaKey: string,
  raw: unknown,
  index: number,
): Promise<ExampleReport> {
  const started = performance.now();
  const done = (pass: boolean, reason?: string, returned?: string): ExampleReport => ({
    index,
    args: (raw as { args?: unknown })?.args ?? null,
    pass,
    ...(reason ? { reason } : {}),
    ...(returned ? { returned } : {}),
    durationMs: Math.round(performance.now() - started),
  });
  const parsed = exampleSchema.safeParse(raw);
  if (!parsed.success) return done(false, `malformed example: ${z.prettifyError(parsed.error)}`);
  const example = parsed.data;
  const argProblem = checkArguments(schemaKey, manifest.schema, example.args);
  if (argProblem) return done(false, `its args do not fit the schema: ${argProblem}`);
  const result = await runInHost({
    source,
    sha256: sha256(source),
    subprocess: manifest.capabilities.subprocess,
    request: { mode: "call", args: example.args },
    cwd: null,
    files: example.files ?? {},
    writeCwd: true,
    network: wantsNetwork(manifest.capabilities),
    timeoutMs: EXAMPLE_TIMEOUT_MS,
  });
  const response = result.response;
  if (response?.phase !== "call") return done(false, result.problem ?? "no result");
  if ("thrown" in response)
    return done(false, `run threw ${response.thrown.name}: ${response.thrown.message}`);
  if ("unserializable" in response)
    return done(false, `run returned a value that is not JSON: ${response.unserializable}`);
  const returned = response.returned;
  const shown = clip(JSON.stringify(returned) ?? "undefined");
  if (!runResultSchema.safeParse(returned).success)
    return done(false, "run must return { ok: true, result } or { ok: false, error: string }", shown);
  const match = matchExpectation(example.expect, returned);
  return done(match.pass, match.reason, shown);
}

/**
 * Validates a tool module entirely inside the sandbox: load, exports, schema, capabilities,
 * binaries, a secret scan, and every example run with pass/fail. Static flags are hints.
 */
export async function validateTool(
  source: string,
  opts: {
    secrets?: string[];
    schemaKey: string;
    /** Where the examples already ran for these exact bytes (a pinned starter): they are not run again. */
    examplesRanIn?: string;
  },
): Promise<{ report: ValidationReport; manifest: ToolManifest | null; description: string | null }> {
  const started = performance.now();
  const flags = scanFlags(source);
  const checks: ValidationCheck[] = [];
  // what the module says it does, kept for a tool that fails validation (the list shows it)
  let description: string | null = null;
  const finish = (manifest: ToolManifest | null, examples: ExampleReport[], unavailable: string | null) => {
    const ok = checks.every((c) => c.status !== "fail");
    return {
      description: manifest?.description ?? description,
      report: {
        ok,
        checks,
        flags,
        examples,
        unavailable,
        durationMs: Math.round(performance.now() - started),
      },
      manifest: ok ? manifest : null,
    };
  };
  if (Buffer.byteLength(source) > MAX_SOURCE_BYTES) {
    checks.push({
      id: "load",
      label: "Loads in the sandbox",
      status: "fail",
      detail: `source is larger than ${MAX_SOURCE_BYTES / 1024} KiB`,
    });
    return finish(null, [], null);
  }
  const secretLines = scanSecrets(source, opts.secrets ?? []);
  checks.push({
    id: "secrets",
    label: "No literal keys or tokens in the source",
    status: secretLines.length ? "fail" : "pass",
    ...(secretLines.length
      ? { detail: `line ${secretLines.join(", ")}: read credentials from declared env instead` }
      : {}),
  });
  const importsLabel = "Imports only Node built-ins and the packages a tool may use";
  // caught before anything runs; child_process waits for the declared capabilities below
  const refused = refusedImports(source, { subprocess: true });
  if (refused.length) {
    checks.push({
      id: "imports",
      label: importsLabel,
      status: "fail",
      detail: describeRefusedImports(refused),
    });
    return finish(null, [], null);
  }
  const inspected = await runInHost({
    source,
    sha256: sha256(source),
    subprocess: true,
    request: { mode: "inspect" },
    cwd: null,
    writeCwd: true,
    network: false,
    timeoutMs: INSPECT_TIMEOUT_MS,
  });
  if (!inspected.response) {
    checks.push({
      id: "load",
      label: "Loads in the sandbox",
      status: "fail",
      detail: inspected.problem ?? "no report",
    });
    return finish(null, [], null);
  }
  const judged = judgeInspection(inspected.response);
  checks.push(...judged.checks);
  description = judged.description;
  const manifest = judged.manifest;
  if (!manifest) return finish(null, [], null);
  const undeclared = refusedImports(source, manifest.capabilities);
  checks.push({
    id: "imports",
    label: importsLabel,
    status: undeclared.length ? "fail" : "pass",
    ...(undeclared.length ? { detail: describeRefusedImports(undeclared) } : {}),
  });
  if (undeclared.length) return finish(null, [], null);
  const missing = missingBinaries(manifest.requires);
  checks.push({
    id: "requires",
    label: "Required programs are installed",
    status: missing.length ? "warn" : "pass",
    ...(missing.length ? { detail: `missing: ${missing.join(", ")}; the tool will be unavailable` } : {}),
  });
  const unavailable = missing.length ? `requires ${missing.join(", ")}, not found on PATH` : null;
  const examples: ExampleReport[] = [];
  if (opts.examplesRanIn && judged.examples.length > 0) {
    checks.push({
      id: "examples",
      label: "Examples pass",
      status: "pass",
      detail: `${judged.examples.length} examples, run by ${opts.examplesRanIn} for this exact sha256`,
    });
  } else if (judged.examples.length === 0) {
    checks.push({
      id: "examples",
      label: "Examples pass",
      status: "warn",
      detail: "no examples: add `examples: [{ args, expect }]` so the tool is tested",
    });
  } else if (judged.examples.length > MAX_EXAMPLES) {
    checks.push({
      id: "examples",
      label: "Examples pass",
      status: "fail",
      detail: `at most ${MAX_EXAMPLES} examples`,
    });
  } else if (!unavailable) {
    for (const [i, raw] of judged.examples.entries())
      examples.push(await runExample(source, manifest, opts.schemaKey, raw, i));
    const failed = examples.filter((e) => !e.pass);
    checks.push({
      id: "examples",
      label: "Examples pass",
      status: failed.length ? "fail" : "pass",
      detail: `${examples.length - failed.length} of ${examples.length} passed`,
    });
  }
  return finish(manifest, examples, unavailable);
}
