/**
 * The browser's client for Ratchet's own HTTP API (same origin, cookie auth): one fetch wrapper,
 * one error shape, and every call the UI makes. The response types are the server's own, from each
 * domain's views.ts, imported as types only: no server code reaches the bundle, and a route that
 * changes its shape breaks the build of the components that read it.
 */

import type {
  ChangesSummary,
  CheckpointsResponse,
  FileChangeResponse,
  RevertConflict,
  RevertDone,
} from "@/lib/checkpoints/views";
import type {
  EvaluationCancelled,
  EvaluationList,
  EvaluationStarted,
  EvaluationView,
  Subject,
} from "@/lib/evaluation/views";
import type {
  HypothesisList,
  LearningEvent,
  LearningEventList,
  LearningHealth,
  LearningType,
  MaintenanceEstimate,
  MaintenanceOverview,
  MaintenanceStarted,
  MaintenanceStatus,
  Opportunity,
  OpportunityImport,
  OpportunityImportPlan,
  OpportunityInput,
  OpportunityList,
  ReflectionList,
  WorkingMemoryList,
  WorkingMemoryVersion,
} from "@/lib/learning/views";
import type {
  McpPromptList,
  McpPromptText,
  McpServerHealth,
  McpServerList,
  McpServerView,
} from "@/lib/mcp/views";
import type { ModelRequestSummary, ModelRequestView } from "@/lib/model/views";
import type { AskAnswered, AsksView, PermissionSettings, PermissionsView } from "@/lib/permissions/views";
import type {
  BranchSynced,
  ReflectionQueued,
  SessionCreated,
  SessionDeleted,
  SessionDetail,
  SessionEnded,
  SessionList,
  TurnAccepted,
  TurnCancelled,
} from "@/lib/sessions/views";
import type {
  ApiStyle,
  ConnectionReport,
  ModelListReport,
  NetworkPolicy,
  Price,
  ProviderChoice,
  SandboxAccess,
  Settings,
  WorkspacesView,
} from "@/lib/settings/views";
import type {
  DiskState,
  RenamedSkill,
  RestoredSkill,
  SavedSkill,
  SkillDeleted,
  SkillDetail,
  SkillList,
  SkillVersionContent,
  SkillVersionList,
} from "@/lib/skills/views";
import type { AuditPage, Role, UserList, UserUpdated, UserWithToken } from "@/lib/team/views";
import type { Dataset } from "@/lib/telemetry/datasets";
import type { ActivityKind, ActivityPage, ToolCallsPage, ToolDaily } from "@/lib/telemetry/views";
import type { ToolDecision, ToolDetail, ToolList, ToolsFolderSync } from "@/lib/tools/views";
import type { FolderCreated, FolderListingView } from "@/lib/workspaces/views";

export type ApiResult<T> =
  | { ok: true; status: number; data: T }
  | { ok: false; status: number; code: string; message: string };

interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: unknown;
  signal?: AbortSignal;
  /** On 401, send the browser to /login (default true). */
  redirectOnUnauthorized?: boolean;
}

const UNREACHABLE = "Could not reach the Ratchet server. Is it still running?";

function errorFrom(payload: unknown): { code?: string; message?: string } {
  if (typeof payload !== "object" || payload === null || !("error" in payload)) return {};
  const error = (payload as { error: unknown }).error;
  if (typeof error !== "object" || error === null) return {};
  const { code, message } = error as { code?: unknown; message?: unknown };
  return {
    code: typeof code === "string" ? code : undefined,
    message: typeof message === "string" ? message : undefined,
  };
}

/** The response and its JSON body (null when empty or not JSON); null when the server is unreachable. */
async function send(
  path: string,
  { method = "GET", body, signal }: RequestOptions,
): Promise<{ response: Response; payload: unknown } | null> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      signal,
      credentials: "same-origin",
      cache: "no-store",
      headers:
        body === undefined
          ? { accept: "application/json" }
          : { "content-type": "application/json", accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    if (isAbortError(error)) throw error;
    return null;
  }
  const text = await response.text();
  let payload: unknown = null;
  if (text) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = null;
    }
  }
  return { response, payload };
}

function failure(response: Response, payload: unknown, options: RequestOptions): ApiResult<never> {
  if (response.status === 401 && options.redirectOnUnauthorized !== false && typeof window !== "undefined") {
    window.location.href = "/login";
  }
  const { code, message } = errorFrom(payload);
  return {
    ok: false,
    status: response.status,
    code: code ?? `http_${response.status}`,
    message: message ?? `Request failed (HTTP ${response.status}).`,
  };
}

const unreachable = { ok: false, status: 0, code: "network", message: UNREACHABLE } as const;

/** A call whose answer is T when it succeeds; T is the route's own response type. */
async function request<T>(path: string, options: RequestOptions = {}): Promise<ApiResult<T>> {
  const sent = await send(path, options);
  if (!sent) return unreachable;
  const { response, payload } = sent;
  if (response.ok) return { ok: true, status: response.status, data: payload as T };
  return failure(response, payload, options);
}

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

const enc = encodeURIComponent;

/** `?a=1&b=2` from the values that are set; "" when none is. */
function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== "" && value !== false)
      search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** Logging in and out: a 401 here is an answer, not a reason to go to /login. */
export const authApi = {
  login: (token: string) =>
    request<{ ok: true }>("/api/auth/login", {
      method: "POST",
      body: { token },
      redirectOnUnauthorized: false,
    }),
  logout: () => request<{ ok: true }>("/api/auth/logout", { method: "POST", redirectOnUnauthorized: false }),
};

/**
 * POST /api/sessions: all optional (the title from the task or the folder, the default workspace
 * and budget). The task is sent as the first message.
 */
export interface NewSession {
  task?: string;
  title?: string;
  /** Start on this new branch in a git worktree of the picked repository. */
  worktreeBranch?: string;
  workspace?: string;
  budgetUsd?: number;
}

export const sessionsApi = {
  list: (opts: { q?: string; archived?: boolean } = {}) =>
    request<SessionList>(`/api/sessions${query({ q: opts.q, archived: opts.archived ? 1 : undefined })}`),
  create: (body: NewSession) => request<SessionCreated>("/api/sessions", { method: "POST", body }),
  detail: (id: string) => request<SessionDetail>(`/api/sessions/${enc(id)}`),
  /** With `replaces` (the last message sent): edit and resend, or retry, that message. */
  send: (id: string, text: string, replaces?: string) =>
    request<TurnAccepted>(`/api/sessions/${enc(id)}/messages`, {
      method: "POST",
      body: replaces ? { text, replaces } : { text },
    }),
  resume: (id: string) => request<SessionDetail>(`/api/sessions/${enc(id)}/resume`, { method: "POST" }),
  fork: (id: string, messageId: string) =>
    request<SessionCreated>(`/api/sessions/${enc(id)}/fork`, { method: "POST", body: { messageId } }),
  rename: (id: string, title: string) =>
    request<SessionDetail>(`/api/sessions/${enc(id)}`, { method: "PATCH", body: { title } }),
  setTierOverride: (id: string, tierOverride: SessionDetail["tierOverride"]) =>
    request<SessionDetail>(`/api/sessions/${enc(id)}`, { method: "PATCH", body: { tierOverride } }),
  archive: (id: string, archived: boolean) =>
    request<SessionDetail>(`/api/sessions/${enc(id)}`, { method: "PATCH", body: { archived } }),
  remove: (id: string) => request<SessionDeleted>(`/api/sessions/${enc(id)}`, { method: "DELETE" }),
  cancel: (id: string) => request<TurnCancelled>(`/api/sessions/${enc(id)}/cancel`, { method: "POST" }),
  end: (id: string) => request<SessionEnded>(`/api/sessions/${enc(id)}/end`, { method: "POST" }),
  /** A worktree session's branch into the repository it was made from; `force` past a non-fast-forward. */
  syncBranch: (id: string, force = false) =>
    request<BranchSynced>(`/api/sessions/${enc(id)}/sync-branch`, {
      method: "POST",
      body: force ? { force: true } : {},
    }),
  /** The event stream (for an EventSource): the events after `after` replayed, then the live tail. */
  eventsUrl: (id: string, after: number) => `/api/sessions/${enc(id)}/events?after=${after}`,
};

/** What the Changes panel compares: turn N (from 1), the whole session, or the git working tree. */
export type ChangesScopeParams = { scope: "turn"; turn: number } | { scope: "session" } | { scope: "git" };

export interface RevertBody {
  turn: number;
  path?: string;
  hunk?: number;
  force?: boolean;
}

/** A revert's answer: the files put back, or (409) the files changed by hand since, to confirm. */
export type RevertResult = ApiResult<RevertDone> | { ok: false; status: 409; conflicts: string[] };

async function revert(id: string, body: RevertBody): Promise<RevertResult> {
  const options: RequestOptions = { method: "POST", body };
  const sent = await send(`/api/sessions/${enc(id)}/revert`, options);
  if (!sent) return unreachable;
  const { response, payload } = sent;
  if (response.ok) return { ok: true, status: response.status, data: payload as RevertDone };
  const conflicts = (payload as Partial<RevertConflict> | null)?.conflicts;
  // a 409 is also "a turn is running" (an error body): only a list of files is a conflict
  if (response.status === 409 && Array.isArray(conflicts))
    return { ok: false, status: 409, conflicts: conflicts.filter((c) => typeof c === "string") };
  return failure(response, payload, options);
}

/** The Changes panel: checkpoints and turns, what changed (a list, then one file at a time), undo. */
export const changesApi = {
  checkpoints: (id: string, signal?: AbortSignal) =>
    request<CheckpointsResponse>(`/api/sessions/${enc(id)}/checkpoints`, { signal }),
  /** The files and their counts, without diffs. */
  list: (id: string, scope: ChangesScopeParams, signal?: AbortSignal) =>
    request<ChangesSummary>(`/api/sessions/${enc(id)}/changes${query({ ...scope, summary: 1 })}`, { signal }),
  /** One file's diff and both sides' text. */
  file: (id: string, scope: ChangesScopeParams, path: string, signal?: AbortSignal) =>
    request<FileChangeResponse>(`/api/sessions/${enc(id)}/changes${query({ ...scope, path })}`, { signal }),
  revert,
};

/** Tool calls waiting for a person's answer under an *ask* permission rule. */
export const asksApi = {
  list: (sessionId: string) => request<AsksView>(`/api/sessions/${enc(sessionId)}/asks`),
  answer: (
    sessionId: string,
    askId: string,
    body: { decision: "allow" | "allow_session" | "deny"; reason?: string },
  ) => request<AskAnswered>(`/api/sessions/${enc(sessionId)}/asks/${enc(askId)}`, { method: "POST", body }),
};

/** The approved MCP prompts a person may insert in a session's composer. */
export const mcpPromptsApi = {
  list: (sessionId: string, signal?: AbortSignal) =>
    request<McpPromptList>(`/api/sessions/${enc(sessionId)}/mcp-prompts`, { signal }),
  /** The prompt's text with these arguments; its server is started for the session. */
  text: (
    sessionId: string,
    body: { server: string; name: string; arguments: Record<string, string> },
    signal?: AbortSignal,
  ) =>
    request<McpPromptText>(`/api/sessions/${enc(sessionId)}/mcp-prompts`, { method: "POST", body, signal }),
};

export const permissionsApi = {
  get: () => request<PermissionsView>("/api/settings/permissions"),
  save: (settings: PermissionSettings) =>
    request<PermissionsView>("/api/settings/permissions", { method: "PUT", body: settings }),
};

/** The PUT /api/settings body: only what changed. Flat, as the route expects. */
export interface SettingsPatch {
  baseUrl?: string | null;
  apiKey?: string | null;
  model?: string;
  api?: ApiStyle;
  provider?: ProviderChoice;
  contextWindow?: number | null;
  fastModel?: string | null;
  strongModel?: string | null;
  stepLimit?: number;
  prices?: Price[];
  defaultBudgetUsd?: number | null;
  network?: NetworkPolicy;
  sandboxAccess?: SandboxAccess;
}

/** POST /api/settings/test: the form's unsaved values; what is left out comes from the saved settings. */
export interface ConnectionTestBody {
  baseUrl: string | null;
  apiKey?: string;
  model?: string;
  api: ApiStyle;
  provider?: ProviderChoice;
}

export const workspacesApi = {
  /** Without a path: the roots and recent workspaces. */
  folders: (folder?: string) =>
    request<FolderListingView>(`/api/workspaces/folders${query({ path: folder })}`),
  createFolder: (parent: string, name: string) =>
    request<FolderCreated>("/api/workspaces/folders", { method: "POST", body: { parent, name } }),
};

export const settingsApi = {
  get: () => request<Settings>("/api/settings"),
  save: (patch: SettingsPatch) => request<Settings>("/api/settings", { method: "PUT", body: patch }),
  /** Tests the saved configuration, overridden by the form's unsaved values. */
  testConnection: (body: ConnectionTestBody) =>
    request<ConnectionReport>("/api/settings/test", { method: "POST", body }),
  /** The endpoint's `/models`, fetched by the server with the form's or the saved key. */
  listModels: (body: Pick<ConnectionTestBody, "baseUrl" | "apiKey">) =>
    request<ModelListReport>("/api/settings/models", { method: "POST", body }),
  /** `null` drops the saved roots (the environment applies again). */
  saveWorkspaceRoots: (roots: string[] | null) =>
    request<WorkspacesView>("/api/settings/workspace-roots", { method: "PUT", body: { roots } }),
};

/** The agent-written tools API: the list, one tool's versions, and the decisions a person makes. */
export const toolsApi = {
  list: (signal?: AbortSignal) => request<ToolList>("/api/tools", { signal }),
  detail: (name: string, signal?: AbortSignal) => request<ToolDetail>(`/api/tools/${enc(name)}`, { signal }),
  /** Approval binds to the exact content the person reviewed. */
  approve: (name: string, sha256: string) =>
    request<ToolDecision>(`/api/tools/${enc(name)}/approve`, { method: "POST", body: { sha256 } }),
  reject: (name: string, sha256: string, reason: string) =>
    request<ToolDecision>(`/api/tools/${enc(name)}/reject`, { method: "POST", body: { sha256, reason } }),
  retire: (name: string, reason?: string) =>
    request<ToolDecision>(`/api/tools/${enc(name)}/retire`, {
      method: "POST",
      body: reason ? { reason } : {},
    }),
  rollback: (name: string, version: number) =>
    request<ToolDecision>(`/api/tools/${enc(name)}/rollback`, { method: "POST", body: { version } }),
  syncFolder: () => request<ToolsFolderSync>("/api/tools/sync", { method: "POST" }),
};

/** The query that names an evaluation's subject (GET /api/evaluations). */
function subjectQuery(subject: Subject): Record<string, string | number> {
  switch (subject.kind) {
    case "tool":
      return { tool: subject.name, sha256: subject.sha256 };
    case "skill":
      return { skill: subject.name, version: subject.version };
    case "memory":
      return { memory: subject.version };
    case "hypothesis":
      return { hypothesis: subject.id };
  }
}

/** Evaluations: replaying recorded turns with and without a change (tool, skill, memory, hypothesis) before keeping it. */
export const evaluationsApi = {
  of: (subject: Subject, workspace?: string, signal?: AbortSignal) =>
    request<EvaluationList>(`/api/evaluations${query({ ...subjectQuery(subject), workspace })}`, { signal }),
  detail: (id: string, signal?: AbortSignal) =>
    request<EvaluationView>(`/api/evaluations/${enc(id)}`, { signal }),
  start: (subject: Subject, workspace?: string, budgetUsd?: number) =>
    request<EvaluationStarted>("/api/evaluations", {
      method: "POST",
      body: {
        subject,
        ...(workspace ? { workspace } : {}),
        ...(budgetUsd !== undefined ? { budgetUsd } : {}),
      },
    }),
  cancel: (id: string) =>
    request<EvaluationCancelled>(`/api/evaluations/${enc(id)}/cancel`, { method: "POST" }),
  /** The URL of an evaluation's progress stream (server-sent events). */
  progressUrl: (id: string) => `/api/evaluations/${enc(id)}/progress`,
};

/** A new MCP server: a program started in the sandbox, or an HTTP endpoint (header values are write-only). */
export type NewMcpServer =
  | { name: string; transport: "stdio"; command: string; args?: string[]; env?: string[] }
  | { name: string; transport: "http"; url: string; headers?: Record<string, string> };

/** MCP servers: configured by an approver, their tools approved by the hash of the list reviewed. */
export const mcpApi = {
  list: (signal?: AbortSignal) => request<McpServerList>("/api/mcp-servers", { signal }),
  add: (server: NewMcpServer) => request<McpServerView>("/api/mcp-servers", { method: "POST", body: server }),
  refresh: (name: string) =>
    request<McpServerView>(`/api/mcp-servers/${enc(name)}`, { method: "PATCH", body: {} }),
  /** Replaces an HTTP server's headers: new values, and the stored ones kept without being seen. */
  setHeaders: (name: string, change: { headers: Record<string, string>; keepHeaders: string[] }) =>
    request<McpServerView>(`/api/mcp-servers/${enc(name)}`, { method: "PATCH", body: change }),
  approve: (name: string, toolsSha256: string) =>
    request<McpServerView>(`/api/mcp-servers/${enc(name)}/approve`, {
      method: "POST",
      body: { toolsSha256 },
    }),
  remove: (name: string) => request<null>(`/api/mcp-servers/${enc(name)}`, { method: "DELETE" }),
  health: (name: string, signal?: AbortSignal) =>
    request<McpServerHealth>(`/api/mcp-servers/${enc(name)}/health`, { signal }),
};

const skillPath = (name: string, rest = "") => `/api/skills/${enc(name)}${rest}`;

/** A save's answer: the saved skill, or (409) the file as it is on disk now, so both sides can be shown. */
export type SaveSkillResult =
  | ApiResult<SavedSkill>
  | { ok: false; status: 409; conflict: DiskState; message: string };

async function saveSkill(
  name: string,
  body: { content: string; baseSha256?: string | null; create?: boolean },
): Promise<SaveSkillResult> {
  const options: RequestOptions = { method: "PUT", body };
  const sent = await send(skillPath(name), options);
  if (!sent) return unreachable;
  const { response, payload } = sent;
  if (response.ok) return { ok: true, status: response.status, data: payload as SavedSkill };
  const current = (payload as { current?: DiskState } | null)?.current;
  if (response.status === 409 && current) {
    return { ok: false, status: 409, conflict: current, message: errorFrom(payload).message ?? "Conflict." };
  }
  return failure(response, payload, options);
}

export const skillsApi = {
  list: (signal?: AbortSignal) => request<SkillList>("/api/skills", { signal }),
  detail: (name: string, signal?: AbortSignal) => request<SkillDetail>(skillPath(name), { signal }),
  save: saveSkill,
  remove: (name: string, baseSha256?: string | null) =>
    request<SkillDeleted>(skillPath(name, query({ baseSha256 })), { method: "DELETE" }),
  rename: (name: string, to: string) =>
    request<RenamedSkill>(skillPath(name, "/rename"), { method: "POST", body: { to } }),
  versions: (name: string, signal?: AbortSignal) =>
    request<SkillVersionList>(skillPath(name, "/versions"), { signal }),
  version: (name: string, version: number, signal?: AbortSignal) =>
    request<SkillVersionContent>(skillPath(name, `/versions/${version}`), { signal }),
  restore: (name: string, version: number, baseSha256?: string | null) =>
    request<RestoredSkill>(skillPath(name, "/restore"), {
      method: "POST",
      body: { version, ...(baseSha256 ? { baseSha256 } : {}) },
    }),
};

/** The learning loops' API (docs/api.md, "Learning"). */
export const learningApi = {
  health: (signal?: AbortSignal) => request<LearningHealth>("/api/learning/health", { signal }),

  reflections: (filter: { status?: string; q?: string }, signal?: AbortSignal) =>
    request<ReflectionList>(`/api/reflections${query({ status: filter.status, q: filter.q?.trim() })}`, {
      signal,
    }),
  reflect: (sessionId: string) =>
    request<ReflectionQueued>(`/api/sessions/${enc(sessionId)}/reflect`, { method: "POST" }),

  learningEvents: (signal?: AbortSignal) => request<LearningEventList>("/api/learning-events", { signal }),
  createLearningEvent: (body: {
    sessionId?: string | null;
    type: LearningType;
    description: string;
    context?: string | null;
  }) => request<LearningEvent>("/api/learning-events", { method: "POST", body }),
  updateLearningEvent: (
    id: string,
    body: { type?: LearningType; description?: string; context?: string | null },
  ) => request<LearningEvent>(`/api/learning-events/${enc(id)}`, { method: "PATCH", body }),
  deleteLearningEvent: (id: string) => request<null>(`/api/learning-events/${enc(id)}`, { method: "DELETE" }),

  opportunities: (signal?: AbortSignal) => request<OpportunityList>("/api/opportunities", { signal }),
  createOpportunity: (body: OpportunityInput) =>
    request<Opportunity>("/api/opportunities", { method: "POST", body }),
  updateOpportunity: (id: string, body: Partial<OpportunityInput> & { position?: number }) =>
    request<Opportunity>(`/api/opportunities/${enc(id)}`, { method: "PATCH", body }),
  deleteOpportunity: (id: string) => request<null>(`/api/opportunities/${enc(id)}`, { method: "DELETE" }),
  /** What importing the markdown would do; nothing is written. */
  previewOpportunityImport: (markdown: string) =>
    request<OpportunityImportPlan>("/api/opportunities/import", {
      method: "POST",
      body: { markdown, preview: true },
    }),
  /** Applies a preview's plan; a 409 when the board or the file changed since. */
  importOpportunities: (markdown: string, planId: string) =>
    request<OpportunityImport>("/api/opportunities/import", { method: "POST", body: { markdown, planId } }),

  maintenanceStatus: (signal?: AbortSignal) =>
    request<MaintenanceStatus>("/api/maintenance/status", { signal }),
  maintenance: (signal?: AbortSignal) => request<MaintenanceOverview>("/api/maintenance", { signal }),
  maintenanceEstimate: () => request<MaintenanceEstimate>("/api/maintenance/estimate"),
  startMaintenance: () => request<MaintenanceStarted>("/api/maintenance", { method: "POST" }),
  resumeMaintenance: (id: string) =>
    request<MaintenanceStarted>(`/api/maintenance/${enc(id)}/resume`, { method: "POST" }),
  snoozeMaintenance: (sessions?: number) =>
    request<MaintenanceStatus>("/api/maintenance/snooze", {
      method: "POST",
      body: sessions ? { sessions } : {},
    }),

  /** A download link: the board as OPPORTUNITIES.md. */
  opportunitiesExportHref: "/api/opportunities/export",

  workingMemory: (signal?: AbortSignal) => request<WorkingMemoryList>("/api/working-memory", { signal }),
  saveWorkingMemory: (content: string) =>
    request<WorkingMemoryVersion>("/api/working-memory", { method: "PUT", body: { content } }),

  hypotheses: (signal?: AbortSignal) => request<HypothesisList>("/api/hypotheses", { signal }),
};

/** The telemetry reads the page makes after its first render (the rest comes with the page). */
export const telemetryApi = {
  /** `kinds` only when it narrows the stream (every kind is the default). */
  activity: (
    filter: { range: string; limit: number; kinds?: readonly ActivityKind[]; cursor?: string | null },
    signal?: AbortSignal,
  ) =>
    request<ActivityPage>(`/api/telemetry/activity${query({ ...filter, kinds: filter.kinds?.join(",") })}`, {
      signal,
    }),
  toolCalls: (
    tool: string,
    filter: { range: string; limit: number; failed?: boolean; cursor?: string | null },
    signal?: AbortSignal,
  ) =>
    request<ToolCallsPage>(
      `/api/telemetry/tools/${enc(tool)}/calls${query({ ...filter, failed: filter.failed ? 1 : undefined })}`,
      { signal },
    ),
  toolDaily: (tool: string, range: string, signal?: AbortSignal) =>
    request<ToolDaily>(`/api/telemetry/tools/${enc(tool)}/daily${query({ range })}`, { signal }),
  /** A download link (CSV or JSON), not a request: the browser saves the file. */
  exportHref: (filter: {
    dataset: Dataset;
    format: "csv" | "json";
    range: string;
    /** `activity` only: the kinds shown. */
    kinds?: readonly ActivityKind[];
    /** `calls` only: one tool's calls, its failures only. */
    tool?: string;
    failed?: boolean;
  }) =>
    `/api/telemetry/export${query({ ...filter, kinds: filter.kinds?.join(","), failed: filter.failed ? 1 : undefined })}`,
};

export interface AuditQuery {
  action?: string;
  actor?: string;
  before?: string;
}

/** Users and the audit log (admins only; the routes say so with a 403 to anyone else). */
export const teamApi = {
  list: () => request<UserList>("/api/users"),
  create: (name: string, role: Role) =>
    request<UserWithToken>("/api/users", { method: "POST", body: { name, role } }),
  update: (id: string, change: { role?: Role; disabled?: boolean }) =>
    request<UserUpdated>(`/api/users/${enc(id)}`, { method: "PATCH", body: change }),
  resetToken: (id: string) => request<UserWithToken>(`/api/users/${enc(id)}/token`, { method: "POST" }),
  audit: (params: AuditQuery) => request<AuditPage>(`/api/audit${query({ ...params })}`),
};

/** What the model saw: each step's request as it was sent (masked). */
export const modelRequestsApi = {
  list: (sessionId: string) =>
    request<{ requests: ModelRequestSummary[] }>(`/api/sessions/${enc(sessionId)}/requests`),
  get: (sessionId: string, id: string) =>
    request<ModelRequestView>(`/api/sessions/${enc(sessionId)}/requests/${enc(id)}`),
};
