import { z } from "zod";
import { readJson, route } from "@/lib/api/handler";
import { servedOverHttps } from "@/lib/auth/cookie";
import { checkOrigin } from "@/lib/auth/guard";
import { authLimiter } from "@/lib/auth/limiter";
import { loginCookieFor, ownerLoginCookie } from "@/lib/auth/login";
import { consumeLoginCode } from "@/lib/auth/login-code";
import { ApiError } from "@/lib/errors";

export const dynamic = "force-dynamic";

/** The one-time link printed at start: trades its code (once, within 10 minutes) for a login. */
export const GET = route(
  async (request) => {
    const code = new URL(request.url).searchParams.get("code") ?? "";
    const expired = () => new Response(null, { status: 303, headers: { location: "/login?error=expired" } });
    if (!code) return expired();
    authLimiter().check("login-code");
    if (!consumeLoginCode(code)) {
      authLimiter().recordFailure("login-code");
      return expired();
    }
    return new Response(null, {
      status: 303,
      headers: { location: "/sessions", "set-cookie": await ownerLoginCookie(servedOverHttps(request)) },
    });
  },
  { public: true },
);

const body = z.object({ token: z.string().trim().min(1, "Paste the access token.").max(1000) });

export const POST = route(
  async (request) => {
    checkOrigin(request.headers, "bearer");
    const { token } = await readJson(request, body);
    const cookie = await loginCookieFor(token, servedOverHttps(request));
    if (!cookie) throw new ApiError("unauthorized", "That token is not valid.");
    return Response.json({ ok: true }, { headers: { "set-cookie": cookie } });
  },
  { public: true },
);
