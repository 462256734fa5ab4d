import { z } from "zod";
import { type EditedFile, type EditRequest, type EditResult, runEdit } from "@/lib/edits/run";
import { maskSecrets } from "@/lib/sandbox";
import { defineTool, type ToolContext, type ToolOutcome } from "@/lib/tools/types";

// apply_patch, edit_file and write_file: the edit runs in the sandbox (lib/edits), the model gets a
// short account (files, +/- counts, the error it can act on), and the terminal each file's diff.

const LETTER: Record<EditedFile["status"], string> = {
  added: "A",
  modified: "M",
  deleted: "D",
  renamed: "R",
};

function fileLine(file: EditedFile): string {
  const name = file.from ? `${file.from} → ${file.path}` : file.path;
  return `  ${LETTER[file.status]} ${name} (+${file.additions} -${file.deletions})`;
}

/** What the model reads back: short, since it wrote the change itself. */
export function describeEdit(result: Extract<EditResult, { ok: true }>): string {
  if (result.files.length === 0) return "No file changed: the new content is the same as the old.";
  const count = result.files.length;
  const lines = [`Changed ${count} file${count === 1 ? "" : "s"}:`, ...result.files.map(fileLine)];
  if (result.notes.length > 0) lines.push("Notes:", ...result.notes.map((note) => `  ${note}`));
  return lines.join("\n");
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

async function runEditTool(request: EditRequest, ctx: ToolContext): Promise<ToolOutcome> {
  const result = await runEdit(request, ctx.workspace, { signal: ctx.signal, secrets: ctx.secrets });
  if (!result.ok) {
    const cancelled = result.process?.status === "cancelled";
    const unavailable = result.process?.status === "sandbox-unavailable";
    return {
      state: "error",
      output:
        result.kind === "refused"
          ? `${result.error}`
          : `The edit could not run: ${result.error}. No file was changed by it.`,
      // the person sees why too, not only the model
      summary: cancelled ? "cancelled" : `${result.kind}: ${firstLine(result.error)}`,
      errorClass: cancelled ? "cancelled" : unavailable ? "sandbox_denial" : "tool_error",
    };
  }
  for (const file of result.files) {
    await ctx.emit({
      type: "file-diff",
      callId: ctx.callId,
      path: maskSecrets(file.path, ctx.secrets),
      status: file.status,
      from: file.from === null ? null : maskSecrets(file.from, ctx.secrets),
      additions: file.additions,
      deletions: file.deletions,
      diff: maskSecrets(file.diff, ctx.secrets),
      omittedLines: file.omittedLines,
    });
  }
  const added = result.files.reduce((n, f) => n + f.additions, 0);
  const removed = result.files.reduce((n, f) => n + f.deletions, 0);
  const count = result.files.length;
  return {
    state: "completed",
    output: describeEdit(result),
    summary: `${count} file${count === 1 ? "" : "s"} · +${added} -${removed}`,
    errorClass: null,
  };
}

const path = z.string().min(1, "path must not be empty").max(4096);

export const applyPatch = defineTool({
  name: "apply_patch",
  description:
    "Edit files with a patch: add, change, delete or rename several files at once. All or nothing: if any part does not apply, no file changes and the error says which file, which hunk, and what the file holds there. Format:\n" +
    "*** Begin Patch\n*** Update File: src/app.ts\n@@ function main\n context line\n-old line\n+new line\n context line\n*** Add File: src/new.ts\n+first line\n*** Delete File: old.txt\n*** End Patch\n" +
    "Paths are relative to the workspace. Give about 3 unchanged lines of context before and after each change, each with its leading space; '@@ <line>' names a line above the change (a function or class) when the context alone is ambiguous. '*** Move to: <path>' right after '*** Update File:' renames. '*** End of File' after a hunk that ends at the end of the file. List hunks in file order.",
  inputSchema: z.object({
    patch: z.string().min(1, "patch must not be empty").max(1_000_000),
  }),
  summarize: (input) => {
    const files = [...input.patch.matchAll(/^\*\*\* (?:Add|Update|Delete) File:\s*(.+)$/gm)].map(
      (m) => m[1]?.trim() ?? "",
    );
    return files.length <= 3 ? files.join(", ") : `${files.slice(0, 3).join(", ")} +${files.length - 3} more`;
  },
  execute: (input, ctx) => runEditTool({ tool: "apply_patch", patch: input.patch }, ctx),
});

export const editFile = defineTool({
  name: "edit_file",
  description:
    "Replace exact text in one file. old_string must occur exactly once (copy it from the file, whitespace and indentation included, with enough surrounding lines to be unique) unless replace_all is true. An empty old_string creates a file that does not exist yet. Line endings of the file are kept.",
  inputSchema: z.object({
    path,
    old_string: z.string().max(1_000_000),
    new_string: z.string().max(1_000_000),
    replace_all: z.boolean().optional().describe("Replace every occurrence. Default false."),
  }),
  summarize: (input) => input.path,
  execute: (input, ctx) =>
    runEditTool(
      {
        tool: "edit_file",
        path: input.path,
        old_string: input.old_string,
        new_string: input.new_string,
        replace_all: input.replace_all === true,
      },
      ctx,
    ),
});

export const writeFile = defineTool({
  name: "write_file",
  description:
    "Write a whole file (created with its folders if missing, replaced if present). For a change to part of an existing file, use edit_file or apply_patch instead: they show what changed.",
  inputSchema: z.object({ path, content: z.string().max(4 * 1024 * 1024) }),
  summarize: (input) => input.path,
  execute: (input, ctx) => runEditTool({ tool: "write_file", path: input.path, content: input.content }, ctx),
});
