import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/** A temp directory only one command may write; the caller removes it with `removePrivateTmp`. */
export function makePrivateTmp(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), "ratchet-tmp-"));
}

export async function removePrivateTmp(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** A temp directory only this call may write; removed afterwards whatever happens. */
export async function withPrivateTmp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await makePrivateTmp();
  try {
    return await fn(dir);
  } finally {
    await removePrivateTmp(dir);
  }
}

/** Points temp files of a sandboxed child at its private folder (caches live in its home). */
export function sandboxEnv(tmpDir: string): Record<string, string> {
  return { TMPDIR: tmpDir, TMP: tmpDir, TEMP: tmpDir };
}
