export { stripAnsi } from "./ansi";
export {
  DEFAULT_NETWORK_POLICY,
  DEFAULT_SANDBOX_SETTINGS,
  describeNetworkPolicy,
  type NetworkPolicy,
  networkPolicySchema,
  type ProtectedLocations,
  type SandboxSettings,
  sandboxSettingsSchema,
} from "./policy";
export { type SandboxSpec, workspaceStateDir } from "./prepare";
export { sandboxEnv, withPrivateTmp } from "./private-tmp";
export { isGroupAlive, reapOrphans, type SpawnRecord } from "./reap";
export {
  DEFAULT_MAX_TASKS,
  prestartFor,
  type RunProcessOptions,
  type RunProcessResult,
  type RunStatus,
  runProcess,
} from "./run-process";
export {
  initSandbox,
  type SandboxMode,
  type SandboxStatus,
  sandboxSettings,
  sandboxStatus,
  setNetworkPolicy,
  setSandboxSettings,
  shutdownSandbox,
} from "./sandbox-runtime";
export {
  collectSecrets,
  createStreamMasker,
  type EnvLike,
  MASK,
  maskSecrets,
  type StreamMasker,
  secretEnvNames,
  secretMasker,
} from "./secrets";
export { recordSharedObjects, sharedObjectsOf } from "./shared-objects";
export { taskCapSupport } from "./task-cap";
