/**
 * A bound on how long the model endpoint may stay silent: before its response headers, and between
 * two pieces of a streamed body. Without it only the HTTP client's own 300 s timeouts end a hung
 * call, with a message nobody can act on ("terminated").
 */

export type SilencePhase = "headers" | "body";

/** The endpoint sent nothing for `timeoutMs`: no response at all (`headers`) or nothing more mid-response (`body`). */
export class ModelTimeoutError extends Error {
  readonly phase: SilencePhase;
  readonly timeoutMs: number;

  constructor(phase: SilencePhase, timeoutMs: number) {
    super(
      phase === "headers"
        ? `no response within ${formatSeconds(timeoutMs)}`
        : `nothing more for ${formatSeconds(timeoutMs)} mid-response`,
    );
    // not "AbortError"/"TimeoutError": the AI SDK would take those for the caller's own abort
    this.name = "ModelTimeoutError";
    this.phase = phase;
    this.timeoutMs = timeoutMs;
  }
}

/** 120000 → "120 s", 1500 → "1.5 s". */
export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** The timeout behind an error, however the AI SDK wrapped it (cause chains, a retry error's list). */
export function findModelTimeout(error: unknown): ModelTimeoutError | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (!current || typeof current !== "object" || seen.has(current)) continue;
    if (current instanceof ModelTimeoutError) return current;
    seen.add(current);
    const { cause, errors } = current as { cause?: unknown; errors?: unknown };
    queue.push(cause, ...(Array.isArray(errors) ? errors : []));
  }
  return undefined;
}

/** A promise that rejects with `error` after `ms`, unless cleared first. */
function deadline(ms: number, error: () => Error): { expired: Promise<never>; clear: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(error()), ms);
  });
  return { expired, clear: () => clearTimeout(timer) };
}

/**
 * The body, failing with a `ModelTimeoutError` when a read waits `idleMs` for the next piece. The
 * clock runs only while the consumer is waiting, so a slow consumer is never taken for a stall.
 */
export function watchBody(body: ReadableStream<Uint8Array>, idleMs: number): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const idle = deadline(idleMs, () => new ModelTimeoutError("body", idleMs));
        try {
          const chunk = await Promise.race([reader.read(), idle.expired]);
          if (chunk.done) controller.close();
          else controller.enqueue(chunk.value);
        } catch (error) {
          controller.error(error);
          // closes the connection to the silent endpoint
          if (error instanceof ModelTimeoutError) reader.cancel(error).catch(() => {});
        } finally {
          idle.clear();
        }
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

/**
 * A fetch that fails with a `ModelTimeoutError` when the endpoint sends no response headers within
 * `timeoutMs`, and whose response body fails the same way when it goes silent for `timeoutMs`.
 * The caller's own abort stays an abort, also when a timeout fires at the same moment.
 */
export function withSilenceTimeout(base: typeof fetch, timeoutMs: number): typeof fetch {
  const timed = async (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> => {
    const silent = new AbortController();
    const signal = init?.signal ? AbortSignal.any([init.signal, silent.signal]) : silent.signal;
    const timer = setTimeout(() => silent.abort(new ModelTimeoutError("headers", timeoutMs)), timeoutMs);
    const response = await base(input, { ...init, signal })
      .catch((error: unknown) => {
        throw !init?.signal?.aborted && silent.signal.reason instanceof ModelTimeoutError
          ? silent.signal.reason
          : error;
      })
      .finally(() => clearTimeout(timer));
    if (!response.body) return response;
    return new Response(watchBody(response.body, timeoutMs), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
  return timed as typeof fetch;
}
