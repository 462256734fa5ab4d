import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { ApiError } from "@/lib/api/errors";
import type { Actor } from "@/lib/team/actor";
import { authenticate, checkHost } from "./guard";

/** For server-rendered pages: a foreign Host is refused, a missing login goes to /login. */
export async function requirePageAuth(): Promise<Actor> {
  const h = await headers();
  checkHost(h);
  try {
    return (await authenticate(h)).actor;
  } catch (error) {
    if (error instanceof ApiError) redirect("/login");
    throw error;
  }
}
