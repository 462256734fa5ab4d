import { openai } from "@ai-sdk/openai";
import { dynamicTool, type JSONSchema7, jsonSchema, type Tool, type ToolSet } from "ai";
import type { McpOffer } from "@/lib/mcp/sessions";
import { callAgentTool } from "@/lib/tools/call";
import type { CallableTool, Catalog } from "@/lib/tools/catalog";
import type { BuiltinTool } from "@/lib/tools/types";
import { installMcp } from "./mcp-disclosure";
import { installMcpPrompts, installMcpResources } from "./mcp-resources";
import { patchFromOperation } from "./native-patch";
import { sdkSchema } from "./sdk-schema";
import { type CallSpec, executeCall, recordRejectedCall, type ToolSetDeps } from "./tool-call";

export type { ToolSetDeps } from "./tool-call";

export interface ToolSetHandle {
  tools: ToolSet;
  /** Runs a call through the shared bookkeeping and tracks it until it settles. */
  execute(spec: CallSpec, toolCallId: string, abortSignal: AbortSignal | undefined): Promise<string>;
  /**
   * Swaps the agent-written tools for the catalog's. The tool set is read at every model request,
   * so a tool proposed in this turn is callable from the next step on.
   */
  installAgentTools(catalog: Catalog): void;
  /**
   * Adds the session's approved MCP tools (`<server>__<tool>`), or past a limit a loader and the
   * servers in `loaded` (./mcp-disclosure.ts), and the tools that read resources and load prompts
   * (./mcp-resources.ts); a name already taken is skipped.
   */
  installMcpTools(offer: McpOffer, loaded: Set<string>): void;
  /** A call the SDK refused (unknown tool, input failing the schema), recorded like any other; once. */
  recordRefused(call: { callId: string; tool: string; input: unknown; error: unknown }): Promise<void>;
  /** Waits (bounded) for running executions, so a cancelled turn records their results first. */
  settled(timeoutMs: number): Promise<void>;
}

export interface ToolSetOptions {
  /** Offer `apply_patch` as the provider's native tool (./native-patch.ts), run by the same built-in. */
  nativeApplyPatch?: boolean;
}

/** The one place tools become AI SDK tools. Built-ins are added here; agent tools join later. */
export function buildToolSet(
  builtins: readonly BuiltinTool[],
  deps: ToolSetDeps,
  options: ToolSetOptions = {},
): ToolSetHandle {
  /** Call ids whose execution began: a tool error for one of these is its own result, not a refusal. */
  const started = new Set<string>();
  const inflight = new Set<Promise<unknown>>();
  /** Names of the agent-written tools currently in `tools`. */
  const agentTools = new Set<string>();
  const handle: ToolSetHandle = {
    tools: {},
    execute(spec, toolCallId, abortSignal) {
      started.add(toolCallId);
      const work = executeCall(deps, spec, toolCallId, abortSignal ?? new AbortController().signal);
      inflight.add(work);
      void work.then(
        () => inflight.delete(work),
        () => inflight.delete(work),
      );
      return work;
    },
    installAgentTools(catalog) {
      for (const name of agentTools) delete handle.tools[name];
      agentTools.clear();
      for (const tool of catalog.callable) {
        if (handle.tools[tool.name]) continue; // a built-in; names are refused at proposal anyway
        agentTools.add(tool.name);
        handle.tools[tool.name] = agentTool(handle, tool, deps);
      }
    },
    installMcpTools(offer, loaded) {
      installMcp(handle.tools, offer.tools, loaded, handle.execute);
      installMcpResources(handle.tools, offer.resources, handle.execute);
      installMcpPrompts(handle.tools, offer.prompts, handle.execute);
    },
    async recordRefused(call) {
      if (!started.has(call.callId)) await recordRejectedCall(deps, call);
    },
    async settled(timeoutMs) {
      if (inflight.size === 0) return;
      await Promise.race([
        Promise.allSettled([...inflight]),
        new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
      ]);
    },
  };
  for (const def of builtins) {
    if (def.name === "apply_patch" && options.nativeApplyPatch) {
      handle.tools[def.name] = nativeApplyPatch(handle, def, deps);
      continue;
    }
    handle.tools[def.name] = dynamicTool({
      description: def.description,
      inputSchema: sdkSchema(def.inputSchema),
      execute: (rawInput, { toolCallId, abortSignal }) => {
        const input = def.inputSchema.parse(rawInput);
        return handle.execute(
          {
            tool: def.name,
            version: "builtin",
            input,
            summary: def.summarize(input),
            run: (signal) => def.execute(input, deps.context(toolCallId, signal)),
          },
          toolCallId,
          abortSignal,
        );
      },
    });
  }
  return handle;
}

/**
 * The provider's apply_patch: each call is one file operation, written as our patch text and run
 * by the built-in `apply_patch` through the same executeCall, under its own name and with the same
 * input, so permission rules, telemetry and the changes panel see one tool. The provider wants a
 * status back, not a thrown error: a failed edit is `failed` with the text the model acts on.
 */
function nativeApplyPatch(handle: ToolSetHandle, def: BuiltinTool, deps: ToolSetDeps): Tool {
  return openai.tools.applyPatch({
    execute: async ({ operation }, { toolCallId, abortSignal }) => {
      const converted = patchFromOperation(operation);
      const input = converted.ok ? def.inputSchema.parse({ patch: converted.patch }) : { operation };
      try {
        const output = await handle.execute(
          {
            tool: def.name,
            version: "builtin",
            input,
            summary: converted.ok ? def.summarize(input) : operation.path.slice(0, 200),
            run: async (signal) =>
              converted.ok
                ? def.execute(input, deps.context(toolCallId, signal))
                : { state: "error", output: converted.error, summary: "refused", errorClass: "tool_error" },
          },
          toolCallId,
          abortSignal,
        );
        return { status: "completed" as const, output };
      } catch (error) {
        return { status: "failed" as const, output: error instanceof Error ? error.message : String(error) };
      }
    },
  });
}

function summarizeArgs(args: unknown): string {
  if (args && typeof args === "object") {
    const values = Object.values(args).filter((v) => typeof v === "string" || typeof v === "number");
    if (values.length) return values.map(String).join(" ").split("\n")[0]?.slice(0, 200) ?? "";
  }
  return JSON.stringify(args ?? {}).slice(0, 200);
}

/** An agent-written tool as an SDK tool: it runs in the sandboxed tool host, its processes tracked. */
function agentTool(handle: ToolSetHandle, tool: CallableTool, deps: ToolSetDeps) {
  const description = tool.trial
    ? `${tool.manifest.description} (trial: your own proposal v${tool.version}, not yet approved)`
    : tool.manifest.description;
  return dynamicTool({
    description,
    inputSchema: jsonSchema(tool.manifest.schema as JSONSchema7),
    execute: (args, { toolCallId, abortSignal }) =>
      handle.execute(
        {
          tool: tool.name,
          version: `v${tool.version}`,
          input: args,
          summary: summarizeArgs(args),
          run: async (signal) => {
            const ctx = deps.context(toolCallId, signal);
            const tracked: string[] = [];
            try {
              return await callAgentTool(tool, args, {
                workspace: ctx.workspace,
                signal,
                secrets: ctx.secrets,
                onOutput: (chunk) => ctx.emit({ type: "tool-output", callId: toolCallId, chunk }),
                onSpawn: (info) => {
                  tracked.push(info.marker);
                  void ctx.trackProcess(info);
                },
              });
            } finally {
              for (const marker of tracked) await ctx.untrackProcess(marker);
            }
          },
        },
        toolCallId,
        abortSignal,
      ),
  });
}
