import { realpathSync } from "node:fs";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import {
  prestartFor,
  type RunProcessOptions,
  type RunProcessResult,
  runProcess,
  sandboxEnv,
  withPrivateTmp,
} from "@/lib/sandbox";
import {
  ALLOWED_BUILTINS,
  ALLOWED_PACKAGES,
  allowedPackageRoots,
  SUBPROCESS_BUILTINS,
} from "./import-policy";

const appDir = () => process.cwd();
const hostFolder = () => path.join(/*turbopackIgnore: true*/ appDir(), "lib", "tools", "host");
const hostScript = () => path.join(hostFolder(), "tool-host.mjs");

/**
 * No eval or new Function: a tool could otherwise run any text it reads (a workspace file) as code.
 * The inspector would evaluate strings too, and a tool can start it (SIGUSR1, from itself or a
 * program it starts): it is pointed at an address from a documentation range (RFC 5737) that no
 * interface in the sandbox has, so it can never listen.
 */
const NODE_FLAGS = ["--disallow-code-generation-from-strings", "--inspect-port=192.0.2.1:9229"];

/** undici: the host loads it to send a tool's fetch through the sandbox proxy. */
const HOST_PACKAGES = ["undici"];

function installed(name: string): string[] {
  try {
    return [realpathSync(/*turbopackIgnore: true*/ path.join(appDir(), "node_modules", name))];
  } catch {
    return [];
  }
}

/** What the loader hooks allow: the built-ins (child_process only with the capability) and packages. */
function loaderPolicy(subprocess: boolean) {
  return {
    builtins: ALLOWED_BUILTINS.filter((b) => subprocess || !SUBPROCESS_BUILTINS.includes(b)),
    subprocessBuiltins: subprocess ? [] : SUBPROCESS_BUILTINS,
    packages: allowedPackageRoots(appDir()),
    refusal: `a tool may import only Node built-ins (node:fs, node:path, …), the packages ${ALLOWED_PACKAGES.join(", ")}, and nothing else: a tool is one file, and approval covers exactly that file. Put the code in the tool itself`,
    subprocessRefusal:
      "the tool does not declare capabilities.subprocess: true, so it may not start other programs",
  };
}

/** Everything the host reads besides its private folder: itself, node, the packages it may load. */
function hostReadable(): string[] {
  return [
    hostFolder(),
    process.execPath,
    ...Object.values(allowedPackageRoots(appDir())),
    ...HOST_PACKAGES.flatMap(installed),
  ];
}

const thrownSchema = z.object({ name: z.string(), message: z.string(), stack: z.string() });

/** What tool-host.mjs writes back; anything else means the child did not finish its job. */
export const hostResponseSchema = z.union([
  z.object({ phase: z.literal("load"), error: thrownSchema }),
  z.object({ phase: z.enum(["inspect", "call"]), unserializable: z.string() }),
  z.object({
    phase: z.literal("inspect"),
    exports: z.record(z.string(), z.string()),
    description: z.unknown().optional(),
    schema: z.unknown().optional(),
    requires: z.unknown().optional(),
    capabilities: z.unknown().optional(),
    examples: z.unknown().optional(),
  }),
  z.object({ phase: z.literal("call"), thrown: thrownSchema }),
  z.object({ phase: z.literal("call"), returned: z.unknown().optional() }),
]);
export type HostResponse = z.infer<typeof hostResponseSchema>;

export type HostRequest = { mode: "inspect" } | { mode: "call"; args: unknown };

export interface HostRun {
  source: string;
  /** The approved sha256 of `source`: the host's loader refuses to run anything else. */
  sha256: string;
  /** `capabilities.subprocess`: without it the tool may not import child_process. */
  subprocess: boolean;
  request: HostRequest;
  /** The tool's working directory; null gives it a fresh private folder (validation, examples). */
  cwd: string | null;
  /** Files to create in that private folder first (with `cwd` null). */
  files?: Record<string, string>;
  /** May the tool write its working directory? */
  writeCwd: boolean;
  network: boolean;
  env?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  secrets?: string[];
  onOutput?: (chunk: string) => unknown;
  onSpawn?: (info: { pid: number; pgid: number; marker: string }) => void;
}

export interface HostResult {
  response: HostResponse | null;
  /** Why there is no response, when there is none. */
  problem: string | null;
  process: RunProcessResult;
}

const MODEL_CAP = 64 * 1024;
const STREAM_CAP = 4 * 1024 * 1024;
const MAX_RESPONSE_BYTES = 1024 * 1024 + 1024;

function quote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

async function readResponse(
  file: string,
): Promise<{ response: HostResponse | null; problem: string | null }> {
  try {
    if ((await stat(file)).size > MAX_RESPONSE_BYTES)
      return { response: null, problem: "response too large" };
    const parsed = hostResponseSchema.safeParse(JSON.parse(await readFile(file, "utf8")));
    return parsed.success
      ? { response: parsed.data, problem: null }
      : { response: null, problem: "the tool host wrote a malformed response" };
  } catch {
    return { response: null, problem: null };
  }
}

async function seed(dir: string, files: Record<string, string>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const target = path.join(dir, rel);
    if (!target.startsWith(dir + path.sep)) throw new Error(`example file outside its folder: ${rel}`);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

/**
 * The host's command line. The loader policy and the approved hash are its arguments, so that a
 * host started before its call (`waiting`, with `--wait`) has its hooks in place while it waits; its folder is
 * named through $TMPDIR, the command's private temp folder, which a prestarted sandbox has before
 * any call does.
 */
function hostCommands(run: HostRun): { fresh: string; waiting: string } {
  const policy = JSON.stringify({ loader: loaderPolicy(run.subprocess), sha256: run.sha256 });
  const argv = [process.execPath, ...NODE_FLAGS, hostScript()].map(quote).join(" ");
  // Node parses every NODE_EXTRA_CA_CERTS certificate at startup, often longer than the rest of
  // its start; without a network a tool has no use for them
  const host = `${run.network ? "" : "unset NODE_EXTRA_CA_CERTS; "}exec ${argv} "$TMPDIR/host" ${quote(policy)}`;
  return { fresh: host, waiting: `${host} --wait` };
}

type TmpFiles = NonNullable<RunProcessOptions["tmpFiles"]>;

/** What every host process gets, wherever it runs. */
function baseOptions(run: HostRun, command: string) {
  return {
    command,
    env: { ...(run.env ?? {}), ...(run.network ? { RATCHET_TOOL_NETWORK: "1" } : {}) },
    timeoutMs: run.timeoutMs,
    modelCapBytes: MODEL_CAP,
    streamCapBytes: STREAM_CAP,
    ...(run.signal ? { signal: run.signal } : {}),
    ...(run.secrets ? { secrets: run.secrets } : {}),
    ...(run.onOutput ? { onOutput: run.onOutput } : {}),
    ...(run.onSpawn ? { onSpawn: run.onSpawn } : {}),
  };
}

const networkOf = (run: HostRun) => (run.network ? ("policy" as const) : ("none" as const));

/**
 * A call in a workspace: the host of the tool's next call is started, hooks in place, as soon
 * as this one ends (lib/sandbox/prestart.ts), and waits there for its call's files.
 */
function inWorkspace(run: HostRun, cwd: string, tmpFiles: TmpFiles): RunProcessOptions {
  const commands = hostCommands(run);
  return {
    ...baseOptions(run, commands.fresh),
    cwd,
    sandbox: { writable: run.writeCwd ? [cwd] : [], readable: hostReadable(), network: networkOf(run) },
    privateTmp: true,
    tmpFiles,
    prestart: true,
    prestartCommand: commands.waiting,
  };
}

/**
 * Validation and examples: a scratch folder inside the temp folder is the tool's working folder,
 * so there is no sandbox to start before the call.
 */
function inScratch(run: HostRun, tmpFiles: TmpFiles): Promise<RunProcessResult> {
  return withPrivateTmp(async (tmp) => {
    const scratch = path.join(tmp, "work");
    await Promise.all([tmpFiles.before(tmp), mkdir(scratch)]);
    if (run.files) await seed(scratch, run.files);
    const base = baseOptions(run, hostCommands(run).fresh);
    const result = await runProcess({
      ...base,
      cwd: scratch,
      env: { ...base.env, ...sandboxEnv(tmp) },
      sandbox: { writable: [tmp], readable: hostReadable(), network: networkOf(run) },
    });
    await tmpFiles.after(tmp);
    return result;
  });
}

/** Loads and runs a tool module in a sandboxed child process, never in this one. */
export async function runInHost(run: HostRun): Promise<HostResult> {
  let read: { response: HostResponse | null; problem: string | null } = { response: null, problem: null };
  const tmpFiles: TmpFiles = {
    before: async (tmp) => {
      const hostDir = path.join(tmp, "host");
      await mkdir(hostDir);
      await Promise.all([
        writeFile(path.join(hostDir, "tool.mjs"), run.source),
        writeFile(path.join(hostDir, "request.json"), JSON.stringify(run.request)),
      ]);
    },
    after: async (tmp) => {
      read = await readResponse(path.join(tmp, "host", "response.json"));
    },
  };
  const processResult =
    run.cwd === null ? await inScratch(run, tmpFiles) : await runProcess(inWorkspace(run, run.cwd, tmpFiles));
  const { response, problem } = read;
  return {
    response,
    problem: response ? null : (problem ?? describeNoResponse(processResult)),
    process: processResult,
  };
}

/**
 * Starts the host that `run`'s call would find waiting, and resolves once it is ready: for tests
 * and benchmarks that must know the call runs in one.
 */
export async function prestartHost(run: HostRun & { cwd: string }): Promise<void> {
  const unused = { before: async () => {}, after: async () => {} };
  await prestartFor(inWorkspace(run, run.cwd, unused));
}

function describeNoResponse(result: RunProcessResult): string {
  switch (result.status) {
    case "timeout":
      return "timed out; the tool and everything it started were killed";
    case "cancelled":
      return "cancelled";
    case "output-cap":
      return "killed: it printed too much output";
    case "sandbox-unavailable":
    case "spawn-error":
      return result.error ?? "could not start the sandbox";
    default: {
      const tail = result.output.trim().split("\n").slice(-8).join("\n");
      return `the tool process exited (code ${result.exitCode ?? result.signal}) without a result${tail ? `:\n${tail}` : ""}`;
    }
  }
}
