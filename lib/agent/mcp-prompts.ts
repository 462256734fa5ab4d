import type { z } from "zod";
import { listMcpServers } from "@/lib/db/queries/mcp-servers";
import { findSession } from "@/lib/db/queries/sessions";
import { ApiError } from "@/lib/errors";
import { sessionMcp } from "@/lib/mcp/sessions";
import {
  approvedPromptEntries,
  approvedPrompts,
  type McpPromptList,
  type McpPromptText,
} from "@/lib/mcp/views";
import { modelSecrets } from "@/lib/model/request-masking";
import { maskSecrets } from "@/lib/sandbox";
import { loadModelConfig } from "@/lib/settings/model-config";
import { WorkspaceRefusedError, workspaceForTurn } from "@/lib/workspaces/session";
import { promptArgumentProblem, type promptInput } from "./mcp-resources";
import { MCP_CALL_TIMEOUT_MS } from "./mcp-tools";

/**
 * MCP prompts a person inserts in a session's composer: the same approved prompts the model may
 * load with mcp_prompt, held to the same arguments rule, rendered by the same path (framed as the
 * server's text, invisible characters shown, instructions pointed out, capped), so what a person
 * inserts and sends is what the model would have read, marked as the server's.
 */

/** Only agent sessions are offered MCP servers (a battery change or a replay is not). */
async function agentSession(sessionId: string) {
  const session = await findSession(sessionId);
  if (!session) throw new ApiError("not_found", `No session ${sessionId}.`);
  return session;
}

/** The prompts a person may insert in this session; read from what is stored, nothing is started. */
export async function sessionPromptList(sessionId: string): Promise<McpPromptList> {
  const session = await agentSession(sessionId);
  if (session.kind !== "agent") return [];
  return approvedPrompts(await listMcpServers());
}

/**
 * One prompt's text for the composer. Its server is started (or reused) for the session as a turn
 * would: in the session's sandbox and workspace, its list checked against the approval first, so
 * a prompt changed since it was approved is refused even before the Tools page has seen it.
 */
export async function sessionPromptText(
  sessionId: string,
  input: z.infer<typeof promptInput>,
  signal: AbortSignal,
): Promise<McpPromptText> {
  const session = await agentSession(sessionId);
  if (session.kind !== "agent") throw new ApiError("conflict", "Only agent sessions use MCP servers.");
  if (session.status === "ended") throw new ApiError("conflict", "This session has ended; start a new one.");
  // the workspace is checked as for a turn before anything starts there
  let workspace: string;
  try {
    workspace = await workspaceForTurn(session.workspace);
  } catch (error) {
    if (error instanceof WorkspaceRefusedError) throw new ApiError("conflict", error.message);
    throw error;
  }
  const args = input.arguments ?? {};
  const missing = () =>
    new ApiError(
      "not_found",
      `No approved MCP prompt ${input.server}/${input.name} in this session: it was never approved, it changed since (it waits for re-approval on the Tools page), or its server is disabled or could not start.`,
    );
  // checked on what is stored first, so bad input starts nothing
  const stored = approvedPromptEntries(await listMcpServers()).find(
    (p) => p.server === input.server && p.entry.name === input.name,
  );
  if (!stored) throw missing();
  const problem = promptArgumentProblem({ server: stored.server, ...stored.entry }, args);
  if (problem) throw new ApiError("unprocessable", problem);
  // then against what the server presents now: a prompt changed since its approval is withheld
  const offer = await sessionMcp(sessionId, workspace, input.server);
  const prompt = offer.prompts.find((p) => p.server === input.server && p.name === input.name);
  if (!prompt) throw missing();
  const outcome = await prompt.get(args, { signal, timeoutMs: MCP_CALL_TIMEOUT_MS });
  const secrets = modelSecrets((await loadModelConfig()).apiKey);
  if (outcome.state !== "completed")
    throw new ApiError(
      "bad_gateway",
      `${input.server} could not give ${input.name}: ${maskSecrets(outcome.output, secrets).slice(0, 2000)}`,
    );
  return { text: maskSecrets(outcome.output, secrets) };
}
