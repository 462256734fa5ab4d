import path from "node:path";
import { warmTurnStart } from "@/lib/agent/warm";
import { issueLoginCode, LOGIN_CODE_TTL_MS } from "@/lib/auth/login-code";
import { accessToken } from "@/lib/auth/token";
import { dbReady } from "@/lib/db/client";
import { EnvError, env } from "@/lib/env";
import { resumePendingReflections, startReflectionScheduler } from "@/lib/learning/scheduler";
import { warmTelemetry } from "@/lib/telemetry";
import { prepareWorkspaces } from "@/lib/workspaces/startup";
import { MigrationError, migrate } from "./migrate";
import { recoverFromCrash } from "./recover";
import { startSandbox } from "./sandbox";
import { installShutdown } from "./shutdown";
import { startLeaseSweeper } from "./sweeper";
import { syncToolsAtBoot } from "./tools";

/**
 * How long the boot waits for the turn start's warm-up before serving. On a history whose rollups
 * are stored it takes ≈ 0.1-0.3 s (docs/benchmarks.md §22); a first start on a large history
 * imported behind Ratchet's back can take seconds, and then the server serves meanwhile.
 */
const WARM_WAIT_MS = 1500;

function baseUrl(): string {
  const { HOST, PORT } = env();
  const host = HOST === "0.0.0.0" || HOST === "::" ? "127.0.0.1" : HOST.includes(":") ? `[${HOST}]` : HOST;
  return `http://${host}:${PORT}`;
}

/** Runs once when the server process starts, before it serves requests. */
export async function boot(): Promise<void> {
  try {
    env();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`[ratchet] ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  // here, not in a step before `next start`: Next loads meanwhile and requests wait for the boot
  try {
    await migrate(env().databaseUrl);
  } catch (error) {
    if (!(error instanceof MigrationError)) throw error;
    console.error(`[ratchet] refusing to start: the database migration failed.\n${error.output}`);
    process.exit(1);
  }
  await dbReady();
  try {
    accessToken();
  } catch (error) {
    console.error(`[ratchet] refusing to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const recovered = await recoverFromCrash();
  if (recovered.sessions || recovered.reaped) {
    console.log(
      `[ratchet] recovered from an unclean stop: ${recovered.sessions} session(s) marked interrupted, ${recovered.reaped} leftover process group(s) killed`,
    );
  }
  // an upgrade whose workspace was the app itself gets a message and a safe default, never a failed start
  await prepareWorkspaces().catch((error) =>
    console.error("[ratchet] checking the workspaces failed", error),
  );
  installShutdown();
  startLeaseSweeper();
  if (env().databaseProvider === "postgresql" && !env().RATCHET_TOKEN) {
    console.warn(
      "[ratchet] note: RATCHET_TOKEN is not set, so this instance uses its own token from its data dir; with several instances, give them all the same RATCHET_TOKEN (docs/deploy.md)",
    );
  }
  const sandbox = await startSandbox();
  if (sandbox.mode !== "unavailable") void syncToolsAtBoot();
  void resumePendingReflections().catch((error) =>
    console.error("[ratchet] could not resume reflections", error),
  );
  startReflectionScheduler();
  // Before serving, while nothing else wants the thread: the first turn then finds what a warm one
  // does, instead of computing it while its person waits. The telemetry page's 90 days after it.
  const warmed = warmTurnStart().catch((error) =>
    console.error("[ratchet] warming the turn start failed", error),
  );
  await Promise.race([warmed, new Promise((resolve) => setTimeout(resolve, WARM_WAIT_MS).unref())]);
  void warmed
    .then(() => warmTelemetry())
    .catch((error) => console.error("[ratchet] telemetry warm-up failed", error));
  const url = baseUrl();
  const tokenFrom = env().RATCHET_TOKEN ? "RATCHET_TOKEN" : path.join(env().dataDir, "token");
  console.log(
    [
      "",
      `  Ratchet is running at ${url}`,
      `  One-time login link: ${url}/api/auth/login?code=${issueLoginCode()} (works once, for ${LOGIN_CODE_TTL_MS / 60_000} minutes)`,
      `  After that, log in at ${url}/login with the access token (${tokenFrom}).`,
      "",
    ].join("\n"),
  );
}
