import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env, MIN_TOKEN_LENGTH } from "@/lib/env";
import { processState } from "@/lib/process-state";

export const COOKIE_NAME = "ratchet_session";

function tokenFile(): string {
  return path.join(env().dataDir, "token");
}

export function writeSecret(file: string, value: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/**
 * The access token: RATCHET_TOKEN, else the one stored in the data dir (created on first start).
 * A stored token edited down to something short is refused like a short RATCHET_TOKEN: it is the
 * owner's credential either way. Read once per process: a token changed on disk or in the
 * environment takes effect at the next start (a refused one is read again on every call).
 */
export const accessToken = processState("auth.token", readAccessToken);

function readAccessToken(): string {
  const fromEnv = env().RATCHET_TOKEN;
  if (fromEnv) return fromEnv;
  const file = tokenFile();
  if (!existsSync(file)) writeSecret(file, randomBytes(32).toString("base64url"));
  const token = readFileSync(file, "utf8").trim();
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new Error(
      `the access token in ${file} is shorter than ${MIN_TOKEN_LENGTH} characters; delete the file to have a new one generated, or set RATCHET_TOKEN`,
    );
  }
  return token;
}

export function safeEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/**
 * What an owner's login remembers of the token it was made with: a login ends when the install's
 * token changes (RATCHET_TOKEN rotated, data/token replaced), on every instance.
 */
export function ownerCredential(): string {
  return createHmac("sha256", accessToken()).update("ratchet-owner-session-v1").digest("hex");
}
