import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { withMigrationLock } from "./migration-lock";

const HOLD_MS = 1500;

/** Another process (another instance's `npm start`) migrating: it holds the lock for HOLD_MS. */
function otherProcessMigrating(url: string): Promise<{ lockedAt: number }> {
  const script = `import { withMigrationLock } from "./lib/boot/migration-lock.ts";
await withMigrationLock(process.env.LOCK_URL, async () => {
  console.log("locked");
  await new Promise((r) => setTimeout(r, ${HOLD_MS}));
});
console.log("released");`;
  const child = spawn("node_modules/.bin/tsx", ["--input-type=module", "-e", script], {
    env: { ...process.env, LOCK_URL: url },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("locked")) resolve({ lockedAt: Date.now() });
    });
    child.once("exit", (code) => reject(new Error(`lock holder exited (${code}) before locking: ${out}`)));
  });
}

describe("the migration lock", () => {
  it("makes a second instance wait for the first one's migration, then lets it run", async () => {
    const url = process.env.DATABASE_URL ?? "";
    const other = await otherProcessMigrating(url);
    let waited = false;
    let startedAt = 0;
    const result = await withMigrationLock(
      url,
      async () => {
        startedAt = Date.now();
        return "migrated";
      },
      () => {
        waited = true;
      },
    );
    expect(result).toBe("migrated");
    expect(waited).toBe(true);
    expect(startedAt).toBeGreaterThan(0);
    expect(startedAt - other.lockedAt).toBeGreaterThanOrEqual(HOLD_MS - 100);
    const again = await withMigrationLock(
      url,
      async () => "free",
      () => {
        throw new Error("nobody holds the lock now");
      },
    );
    expect(again).toBe("free");
  });
});
