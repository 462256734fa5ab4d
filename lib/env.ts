import os from "node:os";
import path from "node:path";
import { z } from "zod";
import DEFAULTS from "./env-defaults.json";
import { processState } from "./process-state";

const POSTGRES_URL = /^postgres(ql)?:\/\//;

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/** The owner's token is guessed against the login form and the API: short ones are refused at start. */
export const MIN_TOKEN_LENGTH = 32;

const MODEL_TIMEOUT_RANGE = "RATCHET_MODEL_TIMEOUT_SECONDS must be a number of seconds from 1 to 300";

const ROOTS_FORMAT = `RATCHET_WORKSPACE_ROOTS must list absolute folders separated by '${path.delimiter}' (e.g. /srv/projects${path.delimiter}~/code)`;

/** `RATCHET_WORKSPACE_ROOTS` split into folders, `~` expanded; empty entries are ignored. */
export function splitWorkspaceRoots(value: string | undefined, home = os.homedir()): string[] {
  return (value ?? "")
    .split(path.delimiter)
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => (entry === "~" || entry.startsWith("~/") ? path.join(home, entry.slice(1)) : entry));
}

const flag = z
  .enum(["0", "1", "true", "false", ""])
  .optional()
  .transform((v) => v === "1" || v === "true");

const schema = z
  .object({
    OPENAI_API_KEY: z.string().optional(),
    OPENAI_BASE_URL: z
      .url({ message: "OPENAI_BASE_URL must be a URL such as http://127.0.0.1:11434/v1" })
      .optional(),
    RATCHET_MODEL: z.string().min(1).default("gpt-5-mini"),
    RATCHET_API: z
      .enum(["chat", "responses"], { message: "RATCHET_API must be 'chat' or 'responses'" })
      .default("chat"),
    RATCHET_DATA_DIR: z.string().min(1).default("./data"),
    DATABASE_URL: z
      .string()
      .refine((v) => /^file:./.test(v) || (POSTGRES_URL.test(v) && URL.canParse(v)), {
        message:
          "DATABASE_URL must be file:<path> (SQLite) or postgresql://user:password@host:port/database (PostgreSQL)",
      })
      .optional(),
    RATCHET_WORKSPACE: z.string().min(1).optional(),
    RATCHET_WORKSPACE_ROOTS: z
      .string()
      .optional()
      .refine((v) => splitWorkspaceRoots(v).every((root) => path.isAbsolute(root)), {
        message: ROOTS_FORMAT,
      }),
    RATCHET_TOKEN: z
      .string()
      .min(MIN_TOKEN_LENGTH, {
        message: `RATCHET_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters (make one with: openssl rand -base64 32)`,
      })
      .optional(),
    RATCHET_ALLOWED_HOSTS: z.string().optional(),
    RATCHET_ALLOW_REMOTE: flag,
    RATCHET_SANDBOX: z
      .enum(["on", "off"], { message: "RATCHET_SANDBOX must be 'on' or 'off'" })
      .default("on"),
    RATCHET_TOOLS_DIR: z.string().min(1).optional(),
    RATCHET_SKILLS_DIR: z.string().min(1).optional(),
    RATCHET_STEP_LIMIT: z.coerce.number().int().min(1).max(1000).default(50),
    // above 300 the HTTP client's own timeouts (undici, 300 s) would cut the call first
    RATCHET_MODEL_TIMEOUT_SECONDS: z.coerce
      .number({ message: MODEL_TIMEOUT_RANGE })
      .min(1, { message: MODEL_TIMEOUT_RANGE })
      .max(300, { message: MODEL_TIMEOUT_RANGE })
      .default(120),
    HOST: z.string().min(1).default(DEFAULTS.HOST),
    PORT: z.coerce.number().int().min(1).max(65535).default(DEFAULTS.PORT),
  })
  .superRefine((env, ctx) => {
    if (!LOOPBACK.has(env.HOST) && !env.RATCHET_ALLOW_REMOTE) {
      ctx.addIssue({
        code: "custom",
        path: ["HOST"],
        message: `HOST=${env.HOST} would expose a remote-code-execution service beyond this machine; set RATCHET_ALLOW_REMOTE=1 (behind TLS and a reverse proxy) if that is what you want`,
      });
    }
  });

export type DatabaseProvider = "sqlite" | "postgresql";

export type Env = z.infer<typeof schema> & {
  dataDir: string;
  databaseUrl: string;
  databaseProvider: DatabaseProvider;
  /**
   * The folders sessions may work in, from RATCHET_WORKSPACE_ROOTS, resolved (empty when unset).
   * Which roots and default workspace apply is decided in lib/workspaces, never from the current
   * directory: that is the app itself.
   */
  workspaceRoots: string[];
};

/** postgresql:// or postgres:// selects PostgreSQL; file: (or no DATABASE_URL) selects SQLite. */
export function databaseProvider(url: string): DatabaseProvider {
  return POSTGRES_URL.test(url) ? "postgresql" : "sqlite";
}

export class EnvError extends Error {
  constructor(public readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/** The address given to `next start`/`next dev` with -H/--hostname: Next binds it, whatever HOST says. */
export function hostnameArgument(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "-H" || arg === "--hostname") return argv[i + 1];
    if (arg.startsWith("--hostname=")) return arg.slice("--hostname=".length);
  }
  return undefined;
}

/** `argv`: the server's command line, whose -H (when `next start` is run by hand) overrides HOST. */
export function parseEnv(source: Record<string, string | undefined>, argv: readonly string[] = []): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ""));
  const hostname = hostnameArgument(argv);
  const result = schema.safeParse(hostname ? { ...cleaned, HOST: hostname } : cleaned);
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((i) => {
        const issue = `${i.path.join(".") || "env"}: ${i.message}`;
        return hostname && i.path[0] === "HOST"
          ? i.message.replace(`HOST=${hostname}`, `-H ${hostname}`)
          : issue;
      }),
    );
  }
  const env = result.data;
  const dataDir = path.resolve(env.RATCHET_DATA_DIR);
  const databaseUrl = env.DATABASE_URL ?? `file:${path.join(dataDir, "ratchet.db")}`;
  return {
    ...env,
    dataDir,
    databaseUrl,
    databaseProvider: databaseProvider(databaseUrl),
    workspaceRoots: splitWorkspaceRoots(env.RATCHET_WORKSPACE_ROOTS).map((root) =>
      path.resolve(/*turbopackIgnore: true*/ root),
    ),
  };
}

/** The validated configuration, parsed once per process: a changed variable takes effect at the next start. */
export const env = processState("env", () => parseEnv(process.env, process.argv));
