/**
 * What the permission routes answer (app/api/sessions/[id]/asks/**, app/api/settings/permissions).
 * The types are the contract the browser reads: components import them with `import type`.
 */
import "server-only";
import { z } from "zod";
import { type AskRow, listPendingAsks } from "@/lib/db/queries/permission-asks";
import { findSession } from "@/lib/db/queries/sessions";
import { ApiError } from "@/lib/errors";
import { MAX_REASON_CHARS } from "./asks";
import {
  DEFAULT_PERMISSIONS,
  DEFAULT_RULES,
  type PermissionRule,
  type PermissionSettings,
  ruleLabel,
  sameRule,
} from "./rules";
import { loadPermissions } from "./settings";

export type { PermissionRule, PermissionSettings } from "./rules";
export type { AskStat } from "./telemetry";

export const answerSchema = z
  .object({
    decision: z.enum(["allow", "allow_session", "deny"]),
    reason: z.string().max(MAX_REASON_CHARS).optional(),
  })
  .strict();

/** One pending ask: the exact call waiting, which rule asked and when it times out. */
export interface AskView {
  id: string;
  callId: string;
  tool: string;
  summary: string;
  /** The call's input as shown (masked): for run_command, `{ command }` in full. */
  input: unknown;
  rule: string;
  rules: string[];
  createdAt: string;
  expiresAt: string;
}

export interface AsksView {
  asks: AskView[];
}

export interface AskAnswered {
  id: string;
  status: AskRow["status"];
}

export function askView(row: AskRow): AskView {
  return {
    id: row.id,
    callId: row.callId,
    tool: row.tool,
    summary: row.summary,
    input: row.input,
    rule: row.rule,
    rules: row.rules,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
  };
}

/** GET /api/sessions/:id/asks. */
export async function asksView(sessionId: string): Promise<AsksView> {
  const session = await findSession(sessionId);
  if (!session) throw new ApiError("not_found", `No session ${sessionId}.`);
  // asks wait only inside a running turn; any other is left from an instance that died
  if (session.status !== "running") return { asks: [] };
  return { asks: (await listPendingAsks(sessionId)).map(askView) };
}

/** A default rule and whether the saved rules still have it as shipped. */
export interface DefaultRuleView {
  rule: PermissionRule;
  label: string;
  on: boolean;
}

/** GET and PUT /api/settings/permissions. */
export interface PermissionsView {
  settings: PermissionSettings;
  defaults: DefaultRuleView[];
  defaultTimeoutSeconds: number;
}

export async function permissionsView(): Promise<PermissionsView> {
  const settings = await loadPermissions();
  return {
    settings,
    defaults: DEFAULT_RULES.map((rule) => ({
      rule,
      label: ruleLabel(rule),
      on: settings.rules.some((r) => sameRule(r, rule)),
    })),
    defaultTimeoutSeconds: DEFAULT_PERMISSIONS.askTimeoutSeconds,
  };
}
