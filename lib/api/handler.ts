import { z } from "zod";
import { guardRequest } from "@/lib/auth/guard";
import type { Actor } from "@/lib/team/actor";
import type { Role } from "@/lib/team/roles";
import { ApiError } from "./errors";

export const MAX_JSON_BYTES = 1024 * 1024;
const MAX_JSON_DEPTH = 64;

type Params = Record<string, string>;
type Context<P extends Params> = { params: Promise<P> };
/** Who is asking; handlers pass it to audit() and to anything that records a decision. */
export interface RequestContext {
  actor: Actor;
}
type Handler<P extends Params> = (request: Request, params: P, context: RequestContext) => Promise<Response>;
type PublicHandler<P extends Params> = (request: Request, params: P) => Promise<Response>;
type RouteHandler<P extends Params> = (request: Request, context: Context<P>) => Promise<Response>;

export interface RouteOptions {
  /**
   * The least role allowed to call this route (roles include the rights of those below them:
   * admin > approver > member > viewer). Default: viewer for GET/HEAD, member for anything else.
   */
  role?: Role;
}

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const actors = new WeakMap<Request, Actor>();

/** The authenticated actor of a request inside a route() handler (401 outside one, e.g. a public route). */
export function actorOf(request: Request): Actor {
  const actor = actors.get(request);
  if (!actor) throw new ApiError("unauthorized", "Authentication required.");
  return actor;
}

/**
 * Wraps a route handler: Host, token/cookie, Origin and the caller's role are checked here, in
 * the handler itself (middleware can be bypassed), and errors become the contract's JSON shape.
 * A role the caller lacks is a 403 that names the role needed.
 */
export function route<P extends Params = Params>(handler: Handler<P>, opts?: RouteOptions): RouteHandler<P>;
export function route<P extends Params = Params>(
  handler: PublicHandler<P>,
  opts: { public: true },
): RouteHandler<P>;
export function route<P extends Params = Params>(
  handler: Handler<P>,
  opts: RouteOptions & { public?: boolean } = {},
): RouteHandler<P> {
  return async (request, context) => {
    try {
      if (opts.public) return await (handler as PublicHandler<P>)(request, await context.params);
      const mutation = MUTATING.has(request.method);
      const { actor } = await guardRequest(request, {
        mutation,
        role: opts.role ?? (mutation ? "member" : "viewer"),
      });
      actors.set(request, actor);
      return await handler(request, await context.params, { actor });
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
