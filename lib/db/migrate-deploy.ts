import { spawn } from "node:child_process";

const FINISHED = /All migrations have been successfully applied\.|No pending migrations to apply\./;

export class MigrationError extends Error {
  constructor(public readonly output: string) {
    super(`prisma migrate deploy failed:\n${output}`);
    this.name = "MigrationError";
  }
}

function appliedNames(output: string): string[] {
  const applied = /The following migration\(s\) have been applied:([\s\S]*?)All migrations/.exec(output);
  return applied?.[1] ? [...applied[1].matchAll(/└─ (\S+)\//g)].map((m) => m[1] ?? "") : [];
}

/**
 * Runs `prisma migrate deploy` for the database `env.DATABASE_URL` names and resolves with the
 * migrations it applied. On PostgreSQL the wasm schema engine leaves the 10 s timeout of its
 * advisory-lock wait running, which keeps the finished CLI alive; it is stopped once it has
 * reported success.
 */
export function migrateDeploy(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn("node_modules/.bin/prisma", ["migrate", "deploy"], {
      env: { ...env, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let finished = false;
    const collect = (chunk: Buffer) => {
      output += chunk;
      if (!finished && FINISHED.test(output)) {
        finished = true;
        child.kill();
        resolve(appliedNames(output));
      }
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", reject);
    child.on("exit", (code) => {
      if (finished) return;
      if (code === 0) resolve(appliedNames(output));
      else reject(new MigrationError(output));
    });
  });
}
