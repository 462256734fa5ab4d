import os from "node:os";
import { readInsideSync } from "@/lib/fs/read-inside";
import type { PromptMemory } from "@/lib/learning/prompt-memory";
import { describeNetworkPolicy, type SandboxStatus, sandboxStatus } from "@/lib/sandbox";
import { telemetrySummaryForPrompt } from "@/lib/telemetry";
import type { BuiltinTool } from "@/lib/tools/types";
import type { ToolboxSnapshot } from "./tools/registry";

export const AGENTS_MD_CAP = 16 * 1024;

const CORE_RULES = `You are Ratchet, a pragmatic coding agent that gets better at its job over time.

How you work:
- Work in the user's workspace with the tools you have. Prefer doing over describing: run the command, read the file, make the change, verify it.
- Keep replies short and concrete. Say what you did and what you found; show commands and paths exactly.
- Change files with the edit tools, not with heredocs, sed or scripts through run_command: apply_patch for changes to several places or files (and adding, deleting, renaming), edit_file for one exact replacement, write_file for a new file or a whole rewrite. They check that what you replace is there exactly once, keep the file's line endings, apply all or nothing, and show the user the diff; when one refuses, its message says what the file holds, so read it and fix the edit.
- Verify your work (build, test, run) before saying it is done. If you cannot verify, say so.
- Never print or exfiltrate secrets. Do not start long-running servers in the background; commands are killed when they return.

How you improve:
- Friction is a signal. When a command fails twice, when you repeat the same sequence of commands, or when a tool is slow or awkward, ask: can I fix this in under 5 minutes? If yes, build the tool now and use it in this same turn.
- Log what you learn with log_learning_event as soon as it happens: a correction from the user, a preference they state, a pattern you notice. Do not wait for the end of the session.
- Load a skill with load_skill whenever its description matches the task; skills hold hard-won instructions.
- Build tools with propose_tool, not by writing files into tools/ (that folder is read-only to commands). A proposal that passes validation is callable in your next step; a person approves it for every later session. Give it examples that test it.
- Skills are written by people on the Skills page; when the harness suggests a skill for a message, load it before you start. reload_tools rescans tools and skills if someone changed them mid-turn.`;

export interface PromptInput {
  workspace: string;
  model: string;
  tools: readonly BuiltinTool[];
  toolbox: ToolboxSnapshot;
  memory?: PromptMemory;
  /** The session's approved MCP prompts, one line each, listed with the skills (./mcp-resources.ts promptLine). */
  mcpPrompts?: readonly string[];
  /** Read beforehand (loadPromptContext) so a turn can fetch it alongside its other reads. */
  context?: PromptContext;
  /** The running sandbox's state (read from the sandbox when not given). */
  sandbox?: SandboxStatus;
  now?: Date;
}

/** What the prompt reads besides its input: the telemetry summary and the workspace's AGENTS.md. */
export interface PromptContext {
  telemetry: string;
  agentsMd: string | null;
}

export async function loadPromptContext(workspace: string): Promise<PromptContext> {
  const [telemetry, agentsMd] = await Promise.all([telemetrySummaryForPrompt(), readAgentsMd(workspace)]);
  return { telemetry, agentsMd };
}

/**
 * The workspace's AGENTS.md, else its CLAUDE.md: a regular file in the workspace itself, never
 * through a link (a link to the token or /proc/self/environ would put secrets into the prompt).
 * A refused file is named in the prompt, so the model can tell the user why it was not read.
 */
export async function readAgentsMd(workspace: string): Promise<string | null> {
  const refusals: string[] = [];
  for (const name of ["AGENTS.md", "CLAUDE.md"]) {
    // in place, as the workspace check before it (lib/fs/read-inside.ts, `openInsideSync`): every turn
    // reads it, and through the thread pool its seven steps were a wait of their own
    const read = readInsideSync(workspace, name, AGENTS_MD_CAP);
    if (read.kind === "missing") continue;
    if (read.kind === "refused") {
      refusals.push(`${name} was not read: ${read.reason}.`);
      continue;
    }
    return read.truncated ? `${read.text}\n[… ${name} truncated at ${AGENTS_MD_CAP / 1024} KiB]` : read.text;
  }
  return refusals.length > 0
    ? `(${refusals.join(" ")} Ratchet reads project instructions only from a regular file in the workspace.)`
    : null;
}

/**
 * What the sandbox lets commands and tools do, so the model reads a refused write or a blocked
 * request as the policy it is, not as a flaky network or a bug to retry.
 */
export function describeSandbox(status: SandboxStatus): string {
  switch (status.mode) {
    case "on":
      return [
        "- Sandbox: on. Commands and tools see the workspace, the system folders and the toolchains; the rest of this machine (the user's home directory, Ratchet's own app and data) does not exist for them. They write only in the workspace, a private temp dir and their own home (caches). In the workspace, git hooks and `.git/config`, shell start-up files and editor or agent configs (`.vscode`, `.idea`, `.claude`, `.mcp.json`, `.envrc`) are read-only: they would run code outside the sandbox later, so a command that creates or swaps them has them moved to quarantine; ask the user to make such changes.",
        `- Network for commands (and for tools that declare network access): ${describeNetworkPolicy(status.network)}. A request the policy blocks fails, and the output then names the host in a "[sandbox] network requests blocked" line: tell the user instead of retrying; they can change the policy in Settings.`,
      ].join("\n");
    case "off":
      return "- Sandbox: off (RATCHET_SANDBOX=off). Commands run with the server's own rights: be careful with anything outside the workspace.";
    case "unavailable":
      return `- Sandbox: unavailable (${status.reason ?? "unknown reason"}). Commands and tools are refused until it is fixed; tell the user.`;
  }
}

/** Rebuilt every turn (and after reload_tools), so it always reflects the workspace as it is. */
export async function buildSystemPrompt(input: PromptInput): Promise<string> {
  const sections = [CORE_RULES];
  const memory = input.memory;
  if (memory?.workingMemory)
    sections.push(
      `## Working memory (v${memory.workingMemory.version}, from your last battery change)\n${memory.workingMemory.content}`,
    );
  if (memory?.learnings.length)
    sections.push(
      `## Recent learnings (not yet in working memory)\n${memory.learnings.map((l) => `- ${l.type}: ${l.description}`).join("\n")}`,
    );
  const skillLines = [
    ...input.toolbox.skills.map((s) => `- ${s.name}: ${s.description}`),
    ...(input.mcpPrompts ?? []),
  ];
  sections.push(`## Skills (load with load_skill)\n${skillLines.join("\n") || "(no skills yet)"}`);
  sections.push(
    `## Tools\n${input.tools.map((t) => `- ${t.name}: ${t.description.split(". ")[0]}.`).join("\n")}`,
  );
  const { catalog } = input.toolbox;
  const agentLines = [
    ...catalog.callable.map(
      (t) =>
        `- ${t.name} (v${t.version}${t.trial ? ", trial" : ""}): ${t.manifest.description.split("\n")[0]}`,
    ),
    ...catalog.unavailable.map((t) => `- ${t.name}: unavailable (${t.reason})`),
    ...catalog.refused.map((t) => `- ${t.name}: not callable (${t.reason})`),
  ];
  sections.push(
    `## Tools built for this agent\n${agentLines.join("\n") || "(none yet: build one with propose_tool)"}`,
  );
  const { telemetry, agentsMd } = input.context ?? (await loadPromptContext(input.workspace));
  if (telemetry) sections.push(telemetry);
  if (agentsMd) sections.push(`## Project instructions (AGENTS.md)\n${agentsMd}`);
  const now = input.now ?? new Date();
  sections.push(
    `## Environment\n- Workspace: ${input.workspace}\n- OS: ${os.type()} ${os.release()} (${os.arch()})\n- Shell: bash\n- Date: ${now.toISOString().slice(0, 10)}\n- Model: ${input.model}\n${describeSandbox(input.sandbox ?? sandboxStatus())}`,
  );
  return sections.join("\n\n");
}
