import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { ApiError } from "@/lib/api/errors";
import { authenticate, checkHost } from "./guard";

/** For server-rendered pages: a foreign Host is refused, a missing login goes to /login. */
export async function requirePageAuth(): Promise<void> {
  const h = await headers();
  checkHost(h);
  try {
    authenticate(h);
  } catch (error) {
    if (error instanceof ApiError) redirect("/login");
    throw error;
  }
}
