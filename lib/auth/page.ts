import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { ApiError } from "@/lib/errors";
import type { Actor } from "@/lib/team/actor";
import { readSessionCookie } from "./cookie";
import { authenticate, checkHost } from "./guard";

/**
 * For server-rendered pages: a foreign Host is refused, a missing login goes to /login, and a login
 * that has ended (logged out, expired, revoked, or a cookie from before server-side sessions) goes
 * there with a word on why.
 */
export async function requirePageAuth(): Promise<Actor> {
  const h = await headers();
  checkHost(h);
  try {
    return (await authenticate(h)).actor;
  } catch (error) {
    if (error instanceof ApiError) redirect(readSessionCookie(h) ? "/login?error=ended" : "/login");
    throw error;
  }
}
