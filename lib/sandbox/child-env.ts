import { MARKER_VAR } from "./reap";
import { type EnvLike, secretEnvNames } from "./secrets";

/** Colours on (output is shown in a terminal), pagers and prompts off (nobody can answer them). */
const TERMINAL_DEFAULTS: Record<string, string> = {
  TERM: "xterm-256color",
  FORCE_COLOR: "1",
  CLICOLOR_FORCE: "1",
  PAGER: "cat",
  GIT_PAGER: "cat",
  GIT_TERMINAL_PROMPT: "0",
};

/**
 * The server's own runtime settings must not leak into the agent's commands: NODE_ENV=production
 * would make `npm install` skip devDependencies, PORT and HOST would start the workspace's dev
 * server on Ratchet's own address, and NODE_OPTIONS meant for the server (`--inspect`, a heap limit,
 * `--require` of a server-side hook) would apply to every node the agent starts.
 */
function isServerInternal(name: string): boolean {
  return (
    name === "NODE_ENV" ||
    name === "NODE_OPTIONS" ||
    name === "PORT" ||
    name === "HOST" ||
    name === "NEXT_RUNTIME" ||
    // a file every non-interactive bash would run first, the gate's outside the sandbox included
    name === "BASH_ENV" ||
    name === "ENV" ||
    name.startsWith("__NEXT") ||
    name.startsWith("NEXT_PRIVATE") ||
    name.startsWith("RATCHET_")
  );
}

export function buildChildEnv(
  base: EnvLike,
  extra: Record<string, string>,
  marker: string,
): Record<string, string> {
  const hidden = new Set(secretEnvNames(base));
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined && !hidden.has(name) && !isServerInternal(name)) env[name] = value;
  }
  return { ...env, ...TERMINAL_DEFAULTS, ...extra, [MARKER_VAR]: marker };
}
