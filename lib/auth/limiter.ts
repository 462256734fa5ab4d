import { ApiError } from "@/lib/errors";
import { processState } from "@/lib/process-state";

/**
 * Failed sign-ins, slowed down. Counted per kind of credential for the whole instance, not per
 * client, because nothing in a route handler names the client reliably: Next 16's server copies the
 * socket's address into `x-forwarded-for` only when the request does not carry that header already
 * (`??=` in next/dist/server/base-server.js), so a client that sends its own gets a fresh "address"
 * with every request. Kinds are separate, so guessing tokens does not block the one-time link, and
 * a login cookie is never limited: its value is 32 random bytes, looked up by hash, which no rate of
 * guessing reaches, so an established browser session keeps working through anyone's lockout.
 *
 * Each kind is a bucket of BURST failures that refills one every REFILL_MS. While it is empty every
 * attempt of that kind is refused with 429 before the credential is looked at, so a right guess
 * during a lockout gets the same answer as a wrong one (no oracle). Memory: one bucket per kind.
 */
export type CredentialKind = "token" | "login-code";

/** Failures allowed in a burst: a person mistyping a token never meets the limit. */
export const BURST = 10;
/** Then one more every 6 s: 10 a minute, 14,400 a day, against a token of 32 characters or more. */
export const REFILL_MS = 6_000;

interface Bucket {
  level: number;
  at: number;
}

export class FailureLimiter {
  private readonly buckets = new Map<CredentialKind, Bucket>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  private level(kind: CredentialKind, now: number): number {
    const bucket = this.buckets.get(kind);
    if (!bucket) return BURST;
    return Math.min(BURST, bucket.level + Math.max(0, now - bucket.at) / REFILL_MS);
  }

  /** 0 when an attempt of this kind may be checked, else the milliseconds until one may. */
  retryAfterMs(kind: CredentialKind): number {
    const level = this.level(kind, this.now());
    return level >= 1 ? 0 : Math.ceil((1 - level) * REFILL_MS);
  }

  recordFailure(kind: CredentialKind): void {
    const now = this.now();
    this.buckets.set(kind, { level: Math.max(0, this.level(kind, now) - 1), at: now });
  }

  /** Throws 429 with Retry-After (seconds) while the kind is locked. */
  check(kind: CredentialKind): void {
    const wait = this.retryAfterMs(kind);
    if (wait === 0) return;
    const seconds = Math.max(1, Math.ceil(wait / 1000));
    throw new ApiError(
      "too_many_requests",
      `Too many failed sign-in attempts; try again in ${seconds} s. A browser that is already logged in keeps working.`,
      { "retry-after": String(seconds) },
    );
  }
}

/** The instance's limiter (tests set one on their own clock). */
export const authLimiter = processState("auth.limiter", () => new FailureLimiter());
