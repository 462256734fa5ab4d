import { route } from "@/lib/api/handler";
import { clearedCookie } from "@/lib/auth/cookie";

export const dynamic = "force-dynamic";

export const POST = route(
  async () => Response.json({ ok: true }, { headers: { "set-cookie": clearedCookie() } }),
  { action: "auth.logout" },
);
