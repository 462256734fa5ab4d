import { type NextRequest, NextResponse } from "next/server";
import { ApiError } from "@/lib/api/errors";
import { checkHost } from "@/lib/auth/guard";

/**
 * First line only: refuses foreign Host headers (DNS rebinding) for pages and assets too.
 * Every route handler checks Host, credentials and Origin again itself.
 */
export function proxy(request: NextRequest): NextResponse | Response {
  try {
    checkHost(request.headers);
  } catch (error) {
    if (error instanceof ApiError) return error.toResponse();
    throw error;
  }
  return NextResponse.next();
}
