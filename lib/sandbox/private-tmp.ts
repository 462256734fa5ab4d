import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/** A temp directory only this call may write; removed afterwards whatever happens. */
export async function withPrivateTmp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "ratchet-tmp-"));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** Points temp files and package caches of a sandboxed child at places it may write. */
export function sandboxEnv(tmpDir: string, cacheDir: string): Record<string, string> {
  return {
    TMPDIR: tmpDir,
    TMP: tmpDir,
    TEMP: tmpDir,
    XDG_CACHE_HOME: cacheDir,
    npm_config_cache: path.join(cacheDir, "npm"),
    PIP_CACHE_DIR: path.join(cacheDir, "pip"),
    GOCACHE: path.join(cacheDir, "go-build"),
    CARGO_HOME: path.join(cacheDir, "cargo"),
  };
}
