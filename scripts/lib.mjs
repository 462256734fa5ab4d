import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

/** Runs a command with inherited stdio; rejects with a clear message on failure. */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit", ...options });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(" ")} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

export const bin = (name) => `node_modules/.bin/${name}`;

/**
 * The server's environment settings (scripts/server-env.json), each only where the user set none.
 *
 * Memory: a command printing as fast as it can set the server's peak RSS by what V8's young
 * generation grows to (two 16 MiB semi-spaces by default) and by what glibc's per-thread malloc
 * arenas keep of the flood's buffers after they are freed. `--max-semi-space-size=8` caps the first
 * at 2 × 8 MiB (4 and 1 promote so much more that the peak rises again), MALLOC_ARENA_MAX=1 keeps
 * one arena, whose freed memory is reused instead of spread over one heap per thread. A 16 MiB `yes`
 * flood: +82 to +91 MiB → +42 to +57; base64 +55 to +60 → +35 to +37; the RSS after 52 turns
 * 323–328 → 293–300 MiB; the 10 MB firehose to the screen as fast within the noise
 * (docs/benchmarks.md, issue 20's memory section).
 *
 * Start: NODE_COMPILE_CACHE keeps V8's compiled code of every module the server loads (Next's own
 * and the app's bundles), so a restart compiles none of it again: 1.34 → 1.15 s to the first API
 * call on Node 24 (docs/benchmarks.md §28). Node checks each entry against its file's contents and
 * ignores the variable before 22.1. In .next/, which every `next build` empties, so the cache never
 * outlives the build it was made from.
 *
 * The user's NODE_OPTIONS come after ours: of a flag given twice the last wins. None of these
 * reaches a command (the sandbox's environment is an allowlist). e2e/support/server.ts starts the
 * app the same way.
 */
export function serverEnv(env) {
  const settings = JSON.parse(readFileSync(path.join(import.meta.dirname, "server-env.json"), "utf8"));
  const out = {};
  for (const [name, value] of Object.entries(settings.env)) if (!env[name]) out[name] = value;
  out.NODE_OPTIONS = [settings.nodeOptions, env.NODE_OPTIONS].filter(Boolean).join(" ");
  return out;
}
