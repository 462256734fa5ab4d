import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs module without types; serverEnv maps an environment to the variables it adds
import { serverEnv as untypedServerEnv } from "./lib.mjs";

const serverEnv = untypedServerEnv as (env: Record<string, string | undefined>) => Record<string, string>;
const SETTINGS = JSON.parse(readFileSync(path.join(import.meta.dirname, "server-env.json"), "utf8")) as {
  env: Record<string, string>;
  nodeOptions: string;
};

/** What `next build` keeps of .next/ when it empties it (node_modules/next/dist/build/index.js). */
const KEPT_BY_BUILD = ["cache", "dev", "diagnostics", "lock", "trace"];

const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
const hasCompileCache = major > 22 || (major === 22 && minor >= 1);

describe("the server's environment (scripts/server-env.json through scripts/start.mjs)", () => {
  const temp = mkdtempSync(path.join(os.tmpdir(), "ratchet-server-env-"));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it("adds each setting only where the user has none, and the user's NODE_OPTIONS after ours", () => {
    expect(serverEnv({})).toEqual({ ...SETTINGS.env, NODE_OPTIONS: SETTINGS.nodeOptions });
    const mine = {
      MALLOC_ARENA_MAX: "4",
      NODE_COMPILE_CACHE: "/var/cache/mine",
      NODE_OPTIONS: "--max-semi-space-size=16",
    };
    const added = serverEnv(mine);
    expect(added.MALLOC_ARENA_MAX).toBeUndefined();
    expect(added.NODE_COMPILE_CACHE).toBeUndefined();
    // of a V8 flag given twice the last wins: the user's
    expect(added.NODE_OPTIONS).toBe(`${SETTINGS.nodeOptions} --max-semi-space-size=16`);
  });

  it("keeps the compile cache where every build empties it, so it never outlives its build", () => {
    const dir = SETTINGS.env.NODE_COMPILE_CACHE ?? "";
    const [top, first] = path.normalize(dir).split(path.sep);
    expect(path.isAbsolute(dir)).toBe(false); // the server's folder: next start runs in it
    expect(top).toBe(".next");
    expect(KEPT_BY_BUILD).not.toContain(first);
  });

  // Node reads NODE_COMPILE_CACHE from 22.1; the unit tests also run on the current LTS (scripts/lts-node.mjs)
  it.skipIf(!hasCompileCache)("a second start reuses the compiled code the first one kept", () => {
    const app = path.join(temp, "app");
    mkdirSync(app);
    writeFileSync(path.join(app, "module.cjs"), "module.exports = () => 'loaded';\n");
    // Node says what its compile cache did on stderr when asked
    const start = () => {
      const run = spawnSync(process.execPath, ["-e", "console.log(require('./module.cjs')())"], {
        cwd: app,
        encoding: "utf8",
        env: { ...process.env, ...serverEnv({}), NODE_DEBUG_NATIVE: "COMPILE_CACHE" },
      });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toBe("loaded\n");
      return run.stderr;
    };
    const module = literal(path.join(app, "module.cjs"));
    const cache = literal(path.join(app, ".next", "node-compile-cache"));
    expect(start()).toMatch(
      new RegExp(`writing cache for CommonJS ${module} to temporary file ${cache}/.*success`),
    );
    expect(start()).toMatch(new RegExp(`V8 code cache for CommonJS ${module} was accepted`));
  });
});

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
