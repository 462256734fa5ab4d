import { MARKER_VAR } from "./reap";
import type { EnvLike } from "./secrets";

/**
 * The environment of every command and tool, by allowlist: what identifies the user and their
 * locale, and where toolchains live. Nothing else of the server's environment reaches a command:
 * not its keys and tokens, not DATABASE_URL with its password, not NODE_OPTIONS or PORT meant for
 * the server, not a variable someone adds tomorrow. An admin passes more by name in Settings.
 */
const PASSED = new Set([
  "USER",
  "LOGNAME",
  "LANG",
  "LANGUAGE",
  "TZ",
  "COLORTERM",
  // where toolchains live (paths, never credentials)
  "JAVA_HOME",
  "GOROOT",
  "PYENV_ROOT",
  "PYENV_VERSION",
  "RUSTUP_HOME",
  "RUSTUP_TOOLCHAIN",
  "NVM_DIR",
  "VOLTA_HOME",
  "BUN_INSTALL",
  "DENO_INSTALL",
  "SDKMAN_DIR",
  "PNPM_HOME",
  // certificate bundles a corporate network needs (paths; the files are read only where visible)
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "REQUESTS_CA_BUNDLE",
  "CURL_CA_BUNDLE",
  "GIT_SSL_CAINFO",
]);

const PASSED_PREFIXES = ["LC_"];

/** Colours on (output is shown in a terminal), pagers and prompts off (nobody can answer them). */
const TERMINAL_DEFAULTS: Record<string, string> = {
  TERM: "xterm-256color",
  FORCE_COLOR: "1",
  CLICOLOR_FORCE: "1",
  PAGER: "cat",
  GIT_PAGER: "cat",
  GIT_TERMINAL_PROMPT: "0",
};

export interface ChildEnvInput {
  base: EnvLike;
  /** Names an admin passes through in Settings. */
  passNames: readonly string[];
  /** Set by the sandbox: PATH, HOME, proxy, caches. */
  fixed: Record<string, string>;
  /** From the caller (a tool's granted variables, its temp folder); wins over the rest. */
  extra: Record<string, string>;
  /** Tags every process of the command so orphans can be found after a crash. */
  marker: string;
}

export function isPassed(name: string, passNames: readonly string[]): boolean {
  return PASSED.has(name) || PASSED_PREFIXES.some((p) => name.startsWith(p)) || passNames.includes(name);
}

export function buildChildEnv(input: ChildEnvInput): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.base)) {
    if (value !== undefined && isPassed(name, input.passNames)) env[name] = value;
  }
  const base = { PATH: input.base.PATH ?? "/usr/bin:/bin", HOME: input.base.HOME ?? "/" };
  return {
    ...base,
    ...env,
    ...TERMINAL_DEFAULTS,
    ...input.fixed,
    ...input.extra,
    [MARKER_VAR]: input.marker,
  };
}
