/**
 * The errors every layer may throw. They live at the root of lib/, not in lib/api, because domain
 * code (auth, team, tools, workspaces, ...) throws them and lib/api turns them into responses:
 * a domain folder importing lib/api would point a layer back up.
 */
export type ErrorCode =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "unprocessable"
  | "too_many_requests"
  | "not_configured"
  | "bad_gateway"
  | "internal";

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  too_many_requests: 429,
  not_configured: 503,
  bad_gateway: 502,
  internal: 500,
};

/** An error whose message is safe and useful to show the caller; route() answers with it. */
export class ApiError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    /** Sent with the error response (a 429's Retry-After). */
    public readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  get status(): number {
    return STATUS[this.code];
  }

  toResponse(): Response {
    return Response.json(
      { error: { code: this.code, message: this.message } },
      { status: this.status, headers: this.headers },
    );
  }
}
