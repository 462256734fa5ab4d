import { z } from "zod";
import { checkHost, guardRequest } from "@/lib/auth/guard";
import { ApiError } from "@/lib/errors";
import type { Actor } from "@/lib/team/actor";
import { type AuditAction, type AuditDetail, audit } from "@/lib/team/audit";
import { type Action, may, refusal } from "@/lib/team/permissions";

export const MAX_JSON_BYTES = 1024 * 1024;
const MAX_JSON_DEPTH = 64;

type Params = Record<string, string>;
type Context<P extends Params> = { params: Promise<P> };
/** Who is asking, and how the change they make is recorded. */
export interface RequestContext {
  actor: Actor;
  /**
   * Records the change in the audit log (who, what, target, detail); `action` defaults to the
   * route's. A mutation that succeeds without calling this is recorded by route() itself, with
   * the route's action and the `id` or `name` in its path as the target.
   */
  audit(target: string | null, detail?: AuditDetail | null, action?: AuditAction): Promise<void>;
}
type Handler<P extends Params> = (request: Request, params: P, context: RequestContext) => Promise<Response>;
type PublicHandler<P extends Params> = (request: Request, params: P) => Promise<Response>;
type RouteHandler<P extends Params> = (request: Request, context: Context<P>) => Promise<Response>;

export interface RouteOptions {
  /**
   * What the route does, from the permissions table (lib/team/permissions.ts), which names the
   * least role allowed. Required for POST, PUT, PATCH and DELETE: a mutation without one is
   * refused to everyone. Without it a read needs the viewer role.
   */
  action?: Action;
}

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const actors = new WeakMap<Request, Actor>();
const rules = new WeakMap<object, Action | null>();

/** The authenticated actor of a request inside a route() handler (401 outside one, e.g. a public route). */
export function actorOf(request: Request): Actor {
  const actor = actors.get(request);
  if (!actor) throw new ApiError("unauthorized", "Authentication required.");
  return actor;
}

/**
 * The action a route() handler declared (null: none, undefined: not a protected route() handler),
 * for the tests that call every route as every role.
 */
export function actionOf(handler: object): Action | null | undefined {
  return rules.get(handler);
}

/**
 * Wraps a route handler: Host, token/cookie, Origin and the caller's role are checked here, in
 * the handler itself (middleware can be bypassed), and errors become the contract's JSON shape.
 * A role the caller lacks is a 403 that names the action and the role needed; nothing runs.
 * Every mutation that succeeds leaves an audit entry.
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
  const action = opts.action ?? null;
  const answer: RouteHandler<P> = async (request, context) => {
    try {
      if (opts.public) {
        // no credentials asked, but the Host is checked as on every route (DNS rebinding)
        checkHost(request.headers);
        return await (handler as PublicHandler<P>)(request, await context.params);
      }
      const mutation = MUTATING.has(request.method);
      // Every role may read; the table decides the rest, below, with a message naming the action.
      const { actor } = await guardRequest(request, { mutation, role: "viewer" });
      if (mutation && !action) {
        // Fails closed: a new route that changes something is unusable until the table says who may.
        console.error(`[ratchet] ${request.method} ${new URL(request.url).pathname} declares no action`);
        throw new ApiError(
          "forbidden",
          "Not allowed: this route has no permission rule, so nobody may use it.",
        );
      }
      if (action && !may(actor.role, action)) throw new ApiError("forbidden", refusal(action, actor));
      actors.set(request, actor);
      // Next resolves the params of a route without dynamic segments to undefined, not {}
      const params = ((await context.params) ?? {}) as P;
      let audited = false;
      const record: RequestContext["audit"] = async (target, detail = null, as) => {
        const name = as ?? action;
        if (!name) throw new Error("audit() on a route without an action needs one");
        audited = true;
        await audit(actor, name, target, detail);
      };
      const response = await handler(request, params, { actor, audit: record });
      if (mutation && action && response.status < 400 && !audited)
        await audit(actor, action, params.id ?? params.name ?? null);
      return response;
    } catch (error) {
      return errorResponse(error);
    }
  };
  const wrapped: RouteHandler<P> = async (request, context) => {
    const response = await answer(request, context);
    // a body refused unread (no credentials, no right): read to its end, so the client gets the answer
    if (request.body && !request.bodyUsed) await discardRest(request.body.getReader());
    return response;
  };
  if (!opts.public) rules.set(wrapped, action);
  return wrapped;
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

/** Past this much, what is left of a refused body is not read: the connection is dropped instead. */
const MAX_DISCARDED_BYTES = 64 * 1024 * 1024;

/**
 * Reads what is left of a body that was refused (or never asked for) and drops it. A client still
 * sending when the answer comes would otherwise have its connection reset under it, and a browser
 * shows that as a network error instead of the 413 or 401 it was given.
 */
async function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>, read = 0): Promise<void> {
  try {
    for (let size = read; ; ) {
      const { done, value } = await reader.read();
      if (done) return;
      size += value.byteLength;
      if (size > MAX_DISCARDED_BYTES) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // the client went away: nothing is left to read
  }
}

async function readCapped(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) {
    if (request.body) await discardRest(request.body.getReader());
    throw new ApiError("payload_too_large", `Request body over ${limit} bytes.`);
  }
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await discardRest(reader, size);
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
