import { z } from "zod";
import { guardRequest } from "@/lib/auth/guard";
import { ApiError } from "./errors";

export const MAX_JSON_BYTES = 1024 * 1024;
const MAX_JSON_DEPTH = 64;

type Params = Record<string, string>;
type Context<P extends Params> = { params: Promise<P> };
type Handler<P extends Params> = (request: Request, params: P) => Promise<Response>;

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Wraps a route handler: Host, token/cookie and Origin are checked here, in the handler
 * itself (middleware can be bypassed), and errors become the contract's JSON shape.
 */
export function route<P extends Params = Params>(
  handler: Handler<P>,
  opts: { public?: boolean } = {},
): (request: Request, context: Context<P>) => Promise<Response> {
  return async (request, context) => {
    try {
      if (!opts.public) guardRequest(request, { mutation: MUTATING.has(request.method) });
      return await handler(request, await context.params);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

export function errorResponse(error: unknown): Response {
  if (error instanceof ApiError) return error.toResponse();
  if (error instanceof z.ZodError) {
    const message = error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
    return new ApiError("unprocessable", message).toResponse();
  }
  console.error("[ratchet] unhandled error in route", error);
  return new ApiError("internal", "Internal error; see the server log.").toResponse();
}

function depth(value: unknown, level = 0): number {
  if (level > MAX_JSON_DEPTH || value === null || typeof value !== "object") return level;
  let max = level;
  for (const child of Object.values(value)) max = Math.max(max, depth(child, level + 1));
  return max;
}

async function readCapped(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) throw new ApiError("payload_too_large", `Request body over ${limit} bytes.`);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new ApiError("payload_too_large", `Request body over ${limit} bytes.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads and validates a JSON body: 415 unless JSON, 413 over the cap, 400 if malformed, 422 if invalid. */
export async function readJson<T>(
  request: Request,
  schema: z.ZodType<T>,
  limit = MAX_JSON_BYTES,
): Promise<T> {
  const type = request.headers.get("content-type") ?? "";
  const text = await readCapped(request, limit);
  if (text.trim() === "") return schema.parse({});
  if (!type.toLowerCase().startsWith("application/json")) {
    throw new ApiError("unsupported_media_type", "Send the body as application/json.");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError("bad_request", "The body is not valid JSON.");
  }
  if (depth(value) > MAX_JSON_DEPTH) throw new ApiError("bad_request", "The JSON body is nested too deeply.");
  return schema.parse(value);
}
