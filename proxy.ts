import { type NextRequest, NextResponse } from "next/server";
import { newNonce, policyFor } from "@/lib/api/csp";
import { checkHost } from "@/lib/auth/guard";
import { ApiError } from "@/lib/errors";

const CSP = "content-security-policy";

/**
 * Refuses foreign Host headers (DNS rebinding) for pages and assets, and sets their
 * Content-Security-Policy with a fresh nonce (lib/api/csp.ts). The policy goes on the request too,
 * replacing any the client sent: Next takes the nonce for its scripts from there while rendering.
 */
export function proxy(request: NextRequest): NextResponse | Response {
  const policy = policyFor(request.nextUrl.pathname, newNonce(), {
    dev: process.env.NODE_ENV === "development",
  });
  try {
    checkHost(request.headers);
  } catch (error) {
    if (error instanceof ApiError) {
      const refused = error.toResponse();
      refused.headers.set(CSP, policy);
      return refused;
    }
    throw error;
  }
  const headers = new Headers(request.headers);
  headers.set(CSP, policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set(CSP, policy);
  return response;
}

/**
 * Not under /api: every API route goes through lib/api/handler.ts, which checks Host, credentials and
 * Origin itself, and next.config.ts sets the API policy (it needs no nonce). Running the proxy as well
 * cost each API request ≈ 2.4 ms (docs/benchmarks.md §26).
 */
export const config = { matcher: ["/((?!api(?:/|$)).*)"] };
