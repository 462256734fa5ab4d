export { stripAnsi } from "./ansi";
export { isGroupAlive, reapOrphans, type SpawnRecord } from "./reap";
export { type RunProcessOptions, type RunProcessResult, type RunStatus, runProcess } from "./run-process";
export {
  collectSecrets,
  createStreamMasker,
  type EnvLike,
  MASK,
  maskSecrets,
  type StreamMasker,
  secretEnvNames,
} from "./secrets";
