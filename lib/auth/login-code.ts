import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";
import { safeEqual, sha256Hex, writeSecret } from "./token";

/**
 * How long the link printed at start works: time to copy it from the terminal into a browser, while a
 * link left in a log or a scrollback is dead by the time someone else reads it.
 */
export const LOGIN_CODE_TTL_MS = 10 * 60_000;

function loginCodeFile(): string {
  return path.join(env().dataDir, "login-code");
}

/** Creates a fresh one-time login code, replacing any earlier one: its hash and when it was issued are stored. */
export function issueLoginCode(now = Date.now()): string {
  const code = randomBytes(24).toString("base64url");
  writeSecret(loginCodeFile(), `${sha256Hex(code)} ${now}`);
  return code;
}

function readStored(file: string): { hash: string; issuedAt: number } | null {
  try {
    const [hash = "", issued = ""] = readFileSync(file, "utf8").trim().split(" ");
    // a file from before codes expired has no time: it reads as expired
    return { hash, issuedAt: issued ? Number(issued) : Number.NaN };
  } catch {
    return null;
  }
}

/**
 * True once for a valid, unexpired code. The file is claimed by renaming it before it is deleted, so
 * two requests racing with the same code cannot both win; a wrong code leaves the real one in place.
 */
export function consumeLoginCode(code: string, now = Date.now()): boolean {
  const file = loginCodeFile();
  if (!code || !existsSync(file)) return false;
  const stored = readStored(file);
  if (!stored || !safeEqual(stored.hash, sha256Hex(code))) return false;
  const claimed = `${file}.used-${randomBytes(6).toString("hex")}`;
  try {
    renameSync(file, claimed);
  } catch {
    return false;
  }
  rmSync(claimed, { force: true });
  const age = now - stored.issuedAt;
  return Number.isFinite(age) && age >= 0 && age <= LOGIN_CODE_TTL_MS;
}
