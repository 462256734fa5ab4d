import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";

export const COOKIE_NAME = "ratchet_session";

const store = globalThis as unknown as { __ratchetToken?: string };

function tokenFile(): string {
  return path.join(env().dataDir, "token");
}

function loginCodeFile(): string {
  return path.join(env().dataDir, "login-code");
}

function writeSecret(file: string, value: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** The access token: RATCHET_TOKEN, else the one stored in the data dir (created on first start). */
export function accessToken(): string {
  if (store.__ratchetToken) return store.__ratchetToken;
  const fromEnv = env().RATCHET_TOKEN;
  if (fromEnv) {
    store.__ratchetToken = fromEnv;
    return fromEnv;
  }
  const file = tokenFile();
  if (!existsSync(file)) writeSecret(file, randomBytes(32).toString("base64url"));
  const token = readFileSync(file, "utf8").trim();
  store.__ratchetToken = token;
  return token;
}

export function safeEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** The cookie value is derived from the token, so rotating the token logs every browser out. */
export function cookieValue(): string {
  return createHmac("sha256", accessToken()).update("ratchet-cookie-v1").digest("base64url");
}

/**
 * A team member's login cookie: `<user id>.<mac>`, the mac keyed by the install's token over the
 * user's id and token hash. Resetting the user's token (or the install's) logs their browsers out;
 * disabling the user does too, since every request looks the user up.
 */
export function userCookieValue(userId: string, tokenHash: string): string {
  const mac = createHmac("sha256", accessToken())
    .update(`ratchet-user-cookie-v1\0${userId}\0${tokenHash}`)
    .digest("base64url");
  return `${userId}.${mac}`;
}

/** Creates a fresh one-time login code, replacing any earlier one. */
export function issueLoginCode(): string {
  const code = randomBytes(24).toString("base64url");
  writeSecret(loginCodeFile(), createHash("sha256").update(code).digest("hex"));
  return code;
}

/** True once for a valid code: the code is deleted as it is used. */
export function consumeLoginCode(code: string): boolean {
  const file = loginCodeFile();
  if (!existsSync(file)) return false;
  const expected = readFileSync(file, "utf8").trim();
  const actual = createHash("sha256").update(code).digest("hex");
  if (!safeEqual(expected, actual)) return false;
  rmSync(file, { force: true });
  return true;
}
