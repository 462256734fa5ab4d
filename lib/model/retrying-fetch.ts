import { ModelTimeoutError, withSilenceTimeout } from "./timeout";

const RETRY_STATUS = new Set([408, 409, 429, 500, 502, 503, 504, 529]);

/** One retry about to happen; `limit`: how many this kind of failure gets (rate limits more than a silent endpoint). */
export interface RetryReport {
  attempt: number;
  limit: number;
  delayMs: number;
  reason: string;
}

export interface RetryOptions {
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  onRetry?: (info: RetryReport) => void;
  fetchImpl?: typeof fetch;
  /**
   * Longest silence from the endpoint, before its response headers and between two pieces of its
   * body; past it the call fails with a `ModelTimeoutError`. Unbounded (the HTTP client's) when unset.
   */
  timeoutMs?: number;
}

export const DEFAULT_RETRY: RetryOptions = { retries: 4, baseDelayMs: 1000, maxDelayMs: 30_000 };

function retryAfterMs(headers: Headers): number | null {
  const ms = Number(headers.get("retry-after-ms"));
  if (headers.has("retry-after-ms") && Number.isFinite(ms) && ms >= 0) return ms;
  const after = headers.get("retry-after");
  if (after === null) return null;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(after);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

function sleep(ms: number, signal: AbortSignal | null | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function isNetworkError(error: unknown): boolean {
  return (
    error instanceof TypeError &&
    /fetch failed|network|ECONNRESET|socket/i.test(`${error.message} ${String(error.cause)}`)
  );
}

/** A 429 that says the account is out of quota or credit: waiting does not refill it. */
async function isOutOfQuota(response: Response): Promise<boolean> {
  if (response.status !== 429) return false;
  const body = await response
    .clone()
    .text()
    .catch(() => "");
  return /insufficient_quota|quota_exceeded|insufficient_balance|billing/i.test(body.slice(0, 4096));
}

/**
 * Why a fetch that threw deserves another attempt, or null. Nothing has been streamed yet when fetch
 * itself throws, so a retry cannot repeat output.
 */
function thrownRetry(error: unknown, retries: number): { reason: string; limit: number } | null {
  // A silent endpoint gets one more wait as long as the first, not four.
  if (error instanceof ModelTimeoutError) return { reason: error.message, limit: Math.min(retries, 1) };
  // A refused connection rarely heals in seconds: retry it briefly, then say so.
  if (isNetworkError(error))
    return {
      reason: `connection failed (${String((error as Error).cause ?? (error as Error).message)})`,
      limit: Math.min(retries, 2),
    };
  return null;
}

/**
 * A fetch for the model provider that retries rate limits and transient failures with
 * exponential backoff (honouring Retry-After), and reports each retry so the session shows it.
 * A body that fails after the response arrived is never retried here: its text has been streamed.
 */
export function createRetryingFetch(options: RetryOptions = DEFAULT_RETRY): typeof fetch {
  const unbounded = options.fetchImpl ?? fetch;
  const base = options.timeoutMs ? withSilenceTimeout(unbounded, options.timeoutMs) : unbounded;
  const retrying = async (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> => {
    for (let attempt = 1; ; attempt++) {
      const backoff = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
      let reason: string;
      let limit = options.retries;
      let delay = backoff;
      try {
        const response = await base(input, init);
        if (!RETRY_STATUS.has(response.status) || attempt > options.retries) return response;
        if (await isOutOfQuota(response)) return response;
        reason = `HTTP ${response.status}${response.status === 429 ? " (rate limited)" : ""}`;
        delay = Math.min(options.maxDelayMs, retryAfterMs(response.headers) ?? backoff);
        await response.body?.cancel();
      } catch (error) {
        const retry = init?.signal?.aborted ? null : thrownRetry(error, options.retries);
        if (retry === null || attempt > retry.limit) throw error;
        ({ reason, limit } = retry);
      }
      options.onRetry?.({ attempt, limit, delayMs: delay, reason });
      await sleep(delay, init?.signal);
    }
  };
  return retrying as typeof fetch;
}
