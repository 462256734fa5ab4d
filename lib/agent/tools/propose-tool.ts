import { z } from "zod";
import { ApiError } from "@/lib/errors";
import { BUILTIN_NAMES } from "@/lib/tools/builtin-names";
import { proposeTool as stageProposal } from "@/lib/tools/lifecycle";
import { reportForModel } from "@/lib/tools/report-text";
import { defineTool } from "@/lib/tools/types";
import { MAX_SOURCE_BYTES } from "@/lib/tools/validate";

export const proposeTool = defineTool({
  name: "propose_tool",
  description:
    "Build a tool now: stage a new tool (or a new version of one) as a single ES module. It is validated in the sandbox " +
    "(loads, exports, JSON Schema, capabilities, secret scan, its examples run) and the report comes back to you. " +
    "If it passes you can call it immediately in this session; a person approves it for every session. " +
    "Module contract: export const description (string); export const schema (JSON Schema of an object of arguments); " +
    "export async function run(args) returning { ok: true, result } or { ok: false, error }; optional export const requires " +
    "(binaries), capabilities ({ filesystem: 'project'|'none', network: false|true|[domains], subprocess: boolean, env: [names] }), " +
    "and examples ([{ args, files?: { 'rel/path': 'content' }, expect: { ok?, result?, contains?, error? } }]) which are its tests. " +
    "A tool is one file: it may import only Node built-ins (not module, vm, worker_threads, cluster, inspector, repl, wasi, v8; " +
    "child_process only with subprocess: true) and the packages marked, yaml and zod, by name as string literals; " +
    "no other files, no workspace modules, no eval or new Function. Relative paths resolve against the workspace (process.cwd()).",
  inputSchema: z.object({
    name: z
      .string()
      .describe("Exact tool name: ^[a-z][a-z0-9_]{1,63}$, not a built-in nor a look-alike of one."),
    source: z.string().min(1).max(MAX_SOURCE_BYTES).describe("The complete module source."),
    reason: z
      .string()
      .max(2000)
      .optional()
      .describe("The friction this tool removes (shown to the reviewer)."),
  }),
  summarize: (input) => `${input.name}${input.reason ? ` · ${input.reason.slice(0, 100)}` : ""}`,
  async execute(input, ctx) {
    try {
      const result = await stageProposal(
        {
          name: input.name,
          source: input.source,
          reason: input.reason ?? null,
          sessionId: ctx.sessionId,
          origin: "agent",
        },
        BUILTIN_NAMES,
      );
      await ctx.reload();
      const text = reportForModel(result.version, result.report, result.duplicate);
      return {
        state: "completed",
        output: text,
        summary: result.report.ok
          ? `${input.name} v${result.version.version} staged · callable now (trial)`
          : `${input.name} v${result.version.version} failed validation`,
      };
    } catch (error) {
      if (error instanceof ApiError)
        return { state: "error", output: error.message, summary: "refused", errorClass: "tool_error" };
      throw error;
    }
  },
});
