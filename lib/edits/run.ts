import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { type RunProcessResult, runProcess, sandboxEnv, withPrivateTmp } from "@/lib/sandbox";

// The edit tools' way into the sandbox: the request goes to a private folder, the edit host
// (./host/edit-host.mjs) runs in the workspace with it writable and nothing else, and its JSON answer
// comes back. The server never opens a workspace file for an edit: the host sees exactly what a
// command sees, links and protected files included.

const hostFolder = () => path.join(/*turbopackIgnore: true*/ process.cwd(), "lib", "edits", "host");

export type EditRequest =
  | { tool: "apply_patch"; patch: string }
  | { tool: "edit_file"; path: string; old_string: string; new_string: string; replace_all: boolean }
  | { tool: "write_file"; path: string; content: string };

export const editedFileSchema = z.object({
  path: z.string(),
  status: z.enum(["added", "modified", "deleted", "renamed"]),
  /** The old path of a renamed file. */
  from: z.string().nullable(),
  additions: z.number().int().nonnegative(),
  deletions: z.number().int().nonnegative(),
  /** Unified diff, cut after the limits below; the counts are always whole. */
  diff: z.string(),
  omittedLines: z.number().int().nonnegative(),
});
export type EditedFile = z.infer<typeof editedFileSchema>;

const editResponseSchema = z.union([
  z.object({ ok: z.literal(true), files: z.array(editedFileSchema), notes: z.array(z.string()) }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);

export type EditResult =
  | { ok: true; files: EditedFile[]; notes: string[] }
  /** `refused`: the edit was wrong (the model can fix it); `failed`: the host did not finish. */
  | { ok: false; kind: "refused" | "failed"; error: string; process: RunProcessResult | null };

export const EDIT_LIMITS = {
  timeoutMs: 30_000,
  maxDiffLines: 400,
  maxDiffBytes: 64 * 1024,
  maxResponseBytes: 8 * 1024 * 1024,
};

function quote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

function describeFailure(result: RunProcessResult): string {
  switch (result.status) {
    case "timeout":
      return `the edit did not finish in ${EDIT_LIMITS.timeoutMs / 1000}s and was stopped`;
    case "cancelled":
      return "cancelled";
    case "sandbox-unavailable":
    case "spawn-error":
      return result.error ?? "could not start the sandbox";
    default: {
      const tail = result.output.trim().split("\n").slice(-5).join("\n");
      return `the edit host exited (code ${result.exitCode ?? result.signal}) without an answer${tail ? `:\n${tail}` : ""}`;
    }
  }
}

/** Applies one edit in the sandbox, in `workspace`; nothing changes unless all of it applies. */
export function runEdit(
  request: EditRequest,
  workspace: string,
  options: { signal?: AbortSignal; secrets?: string[] } = {},
): Promise<EditResult> {
  return withPrivateTmp(async (tmp) => {
    const request_ = path.join(tmp, "request.json");
    await writeFile(
      request_,
      JSON.stringify({
        ...request,
        maxDiffLines: EDIT_LIMITS.maxDiffLines,
        maxDiffBytes: EDIT_LIMITS.maxDiffBytes,
      }),
    );
    const script = path.join(hostFolder(), "edit-host.mjs");
    const result = await runProcess({
      // no network, so Node need not parse the extra CA certificates at start
      command: `unset NODE_EXTRA_CA_CERTS; exec ${[process.execPath, script, tmp].map(quote).join(" ")}`,
      cwd: workspace,
      env: sandboxEnv(tmp),
      sandbox: {
        writable: [workspace, tmp],
        readable: [hostFolder(), process.execPath],
        network: "none",
        workspace,
      },
      timeoutMs: EDIT_LIMITS.timeoutMs,
      modelCapBytes: 16 * 1024,
      streamCapBytes: 1024 * 1024,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.secrets ? { secrets: options.secrets } : {}),
    });
    const file = path.join(tmp, "response.json");
    let parsed: z.infer<typeof editResponseSchema> | null = null;
    try {
      if ((await stat(file)).size <= EDIT_LIMITS.maxResponseBytes) {
        const checked = editResponseSchema.safeParse(JSON.parse(await readFile(file, "utf8")));
        if (checked.success) parsed = checked.data;
      }
    } catch {
      parsed = null;
    }
    if (!parsed || result.status !== "exited")
      return { ok: false, kind: "failed", error: describeFailure(result), process: result };
    if (!parsed.ok) return { ok: false, kind: "refused", error: parsed.error, process: null };
    // a protected file (.bashrc, .git/hooks/…) the edit created is moved out by the workspace guard
    return {
      ...parsed,
      notes: [...parsed.notes, ...result.workspaceGuard.map((line) => `[sandbox] ${line}`)],
    };
  });
}
