import type { SessionStatus } from "@/lib/events/types";

/** Response shapes the UI reads. Fields beyond the public contract are optional. */

export interface SessionSummary {
  id: string;
  title: string;
  status: SessionStatus;
  createdAt: string;
  updatedAt: string;
  workspace?: string;
  costUsd?: number;
}

export interface SessionDetail {
  id: string;
  title: string;
  status: SessionStatus;
  workspace?: string;
  model?: string;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
  budgetUsd?: number | null;
  statusNote?: string | null;
}

export type ApiStyle = "chat" | "responses";
export type ValueSource = "env" | "settings" | "default";

export interface Price {
  model: string;
  inputPerMTok: number;
  outputPerMTok: number;
}

export interface SettingsResponse {
  model: {
    configured: boolean;
    baseUrl: string | null;
    model: string;
    api: ApiStyle;
    apiKeySet: boolean;
    apiKeyHint: string | null;
    contextWindow: number;
    stepLimit: number;
    sources: Record<string, ValueSource>;
  };
  prices: Price[];
  defaultBudgetUsd: number | null;
  sandbox: SandboxSettings;
  workspaces: WorkspacesSettings;
}

/** GET/PUT /api/settings/workspace-roots: the folders sessions may work in. */
export interface WorkspacesSettings {
  roots: string[];
  source: ValueSource;
  variable: "RATCHET_WORKSPACE_ROOTS" | "RATCHET_WORKSPACE" | null;
  saved: string[] | null;
  defaultWorkspace: string | null;
  problems: string[];
}

export type NetworkPolicy = { mode: "open" } | { mode: "allowlist"; domains: string[] } | { mode: "none" };

/** What an admin adds to every sandbox: read paths, variables passed by name, private ranges. */
export interface SandboxAccess {
  readPaths: string[];
  envNames: string[];
  privateNetworks: string[];
}

export interface SandboxSettings {
  mode: "on" | "off" | "unavailable";
  reason: string | null;
  network: NetworkPolicy;
  networkDescription: string;
  access: SandboxAccess;
  taskCap: { enforced: boolean; detail: string };
}

export interface ConnectionTestResult {
  ok: boolean;
  message: string;
  latencyMs?: number;
}

export interface ToolTelemetry {
  tool: string;
  calls: number;
  successes: number;
  failures: number;
  successRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  lastUsedAt: string | null;
}

/** Agent-written tools: the shapes of GET /api/tools and GET /api/tools/:name (lib/tools/views.ts). */

export type ToolVersionStatus = "proposed" | "invalid" | "active" | "superseded" | "rejected" | "retired";

export interface ToolListItem {
  name: string;
  description: string;
  origin: "builtin" | "agent" | "user";
  /** The status of the version that speaks for the tool: the active one, else the newest. */
  status: "active" | "proposed" | "rejected" | "retired" | "invalid";
  version: number | "builtin";
  sha256: string | null;
  /** Versions waiting for a decision. */
  pending: number;
  updatedAt: string | null;
}

export interface ToolValidationCheck {
  id: string;
  label: string;
  status: "pass" | "fail" | "warn";
  detail?: string;
}

export interface ToolExampleReport {
  index: number;
  args: unknown;
  pass: boolean;
  reason?: string;
  returned?: string;
  durationMs: number;
}

export interface ToolSourceFlag {
  id: string;
  label: string;
  lines: number[];
}

export interface ToolValidationReport {
  ok: boolean;
  checks: ToolValidationCheck[];
  flags: ToolSourceFlag[];
  examples: ToolExampleReport[];
  unavailable: string | null;
  durationMs: number;
}

export interface ToolVersionCall {
  id: string;
  sessionId: string | null;
  ok: boolean;
  errorClass: string | null;
  durationMs: number | null;
  inputSummary: string | null;
  createdAt: string;
}

export interface ToolVersionDetail {
  id: string;
  version: number;
  sha256: string;
  status: ToolVersionStatus;
  origin: "agent" | "user";
  description: string;
  source: string;
  parent: { version: number | null; source: string | null } | null;
  reason: string | null;
  sessionId: string | null;
  manifest: {
    description: string;
    schema: Record<string, unknown>;
    capabilities: Record<string, unknown>;
    requires: string[];
    examples: number;
  } | null;
  /** Capabilities in plain words. */
  capabilities: string[];
  validation: ToolValidationReport | null;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
  createdAt: string;
  calls: ToolVersionCall[];
}

export interface ToolDetail {
  name: string;
  /** Newest first. */
  versions: ToolVersionDetail[];
}

/** What approve, reject, retire and rollback return. */
export interface ToolDecisionResult {
  name: string;
  version: number;
  status: ToolVersionStatus;
  sha256: string;
}

/** What POST /api/tools/sync found in the tools folders. */
export interface ToolsFolderSync {
  verified: string[];
  needsApproval: string[];
  /** Approved tools that load code their approval does not cover. */
  refused: Array<{ name: string; reason: string }>;
  ignored: Array<{ file: string; reason: string }>;
  /** Approved tools copied from the app's tools/ folder into the tools folder. */
  moved: string[];
  /** Versions an earlier Ratchet activated without a person, back in the queue. */
  requeued: string[];
}

/**
 * The learning loops (docs/api.md, "Learning"): reflections, learning events, the OPPORTUNITIES
 * board, battery changes (maintenance passes), working memory, hypotheses and the headline figures.
 */

export type ReflectionStatus = "pending" | "success" | "empty" | "error" | "skipped";
export type ReflectionTrigger = "end" | "idle" | "shutdown" | "interrupted" | "manual";

/** The reflection part of GET /api/sessions/:id. */
export interface SessionReflection {
  status: ReflectionStatus;
  trigger: ReflectionTrigger | string;
  summary: string | null;
  wentWell: string | null;
  slow: string | null;
  nextTime: string | null;
  error: string | null;
  updatedAt: string;
}

export interface SessionMessagePart {
  type: string;
  text?: string;
  tool?: string;
  summary?: string;
}

export interface SessionMessage {
  id: string;
  role: "user" | "assistant";
  createdAt: string;
  parts: SessionMessagePart[];
}

/** What GET /api/sessions/:id adds for the learning loops. */
export interface SessionLearningDetail {
  kind?: "agent" | "maintenance" | string;
  messages?: SessionMessage[];
  reflection?: SessionReflection | null;
}

export interface ReflectionCoverage {
  eligible: number;
  reflected: number;
  rate: number | null;
}

export interface ReflectionItem extends SessionReflection {
  id: string;
  sessionId: string;
  session: { title: string; status: SessionStatus; createdAt: string };
  model: string | null;
  createdAt: string;
}

export type LearningType = "correction" | "preference" | "pattern";
export type LearningSource = "agent" | "detector" | "user";

export interface LearningEvent {
  id: string;
  sessionId: string | null;
  type: LearningType;
  description: string;
  context: string | null;
  source: LearningSource;
  /** Prompts it was included in. */
  usedCount: number;
  lastUsedAt: string | null;
  /** Times the corrected behaviour happened again. */
  recurred: number;
  createdAt: string;
  updatedAt: string;
}

export type OpportunityStatus = "todo" | "in_progress" | "done" | "dropped";
export type Impact = "H" | "M" | "L";
export type Effort = "S" | "M" | "L";

export interface Opportunity {
  id: string;
  title: string;
  what: string;
  why: string;
  successCriteria: string;
  impact: Impact;
  effort: Effort;
  status: OpportunityStatus;
  dropReason: string | null;
  position: number;
  /** Free-form links: `{refs: [...]}` from a battery change, `{hypothesisId}` from a failed hypothesis. */
  evidence: unknown;
  runId: string | null;
  passesCarried: number;
  /** Open and carried over two or more passes. */
  carriedOver: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface OpportunityInput {
  title: string;
  what: string;
  why: string;
  successCriteria: string;
  impact: Impact;
  effort: Effort;
  status?: OpportunityStatus;
  dropReason?: string | null;
}

export interface OpportunityImportResult {
  created: number;
  updated: number;
  errors: Array<{ line: number; message: string }>;
}

export interface MaintenanceStatus {
  sessionsSinceLastPass: number;
  threshold: number;
  due: boolean;
  snoozed: boolean;
  running: boolean;
  lastRun: { id: string; sessionId: string | null; status: string; startedAt: string } | null;
}

export interface MaintenanceAnalysisView {
  window?: { since: string | null; sessions: number };
  tools?: Array<{ tool: string; calls: number; failureRate: number; previousFailureRate: number | null }>;
  unusedTools?: string[];
  unusedSkills?: string[];
  repeatedCommands?: Array<{ pattern: string; count: number; sessions: number }>;
  learningClusters?: Array<{ theme: string; type: string; count: number; examples: string[] }>;
  unconvertedFrictions?: Array<{ kind: string; detail: string; sessionId: string }>;
  topSmallItem?: { id: string; title: string; impact: string } | null;
}

export interface MaintenanceResults {
  workingMemoryVersion?: number | null;
  opportunities?: Array<{ id: string; title: string; status: OpportunityStatus; created: boolean }>;
  proposals?: Array<{ name: string; version: number; status: string }>;
  hypotheses?: Array<{ id: string; claim: string }>;
  smallItemsActed?: number;
  nudged?: boolean;
}

export type MaintenanceRunStatus = "running" | "completed" | "failed" | "cancelled";

export interface MaintenanceRun {
  id: string;
  sessionId: string | null;
  status: MaintenanceRunStatus | string;
  analysis: MaintenanceAnalysisView | null;
  results: MaintenanceResults | null;
  smallItemsActed: number | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface WorkingMemoryVersion {
  version: number;
  content: string;
  source: "maintenance" | "user" | string;
  runId: string | null;
  createdAt: string;
}

export interface Hypothesis {
  id: string;
  claim: string;
  subjectType: "tool_version" | "skill" | "working_memory" | string;
  subjectRef: string;
  metric: string;
  comparator: "gte" | "lte" | string;
  baseline: number | null;
  target: number;
  evaluateAfter: number;
  startedAt: string;
  observed: number | null;
  verdict: "pending" | "validated" | "invalidated" | string;
  evaluatedAt: string | null;
  opportunityId: string | null;
}

export interface LearningHealth {
  frictionConversion: { total: number; converted: number; rate: number | null };
  reflectionCoverage: ReflectionCoverage;
  learningEvents: { bySource: Partial<Record<LearningSource, number>>; perSession: number | null };
  smallItemsActedLastPass: number | null;
}
