import { route } from "@/lib/api/handler";
import { clearedCookie } from "@/lib/auth/cookie";
import { credentialsOf } from "@/lib/auth/guard";
import { endSession } from "@/lib/auth/sessions";

export const dynamic = "force-dynamic";

/** Ends the caller's login on the server (its cookie is dead everywhere at once) and clears the cookie. */
export const POST = route(
  async (request) => {
    const { proof } = credentialsOf(request);
    if (proof.kind === "session") await endSession(proof.id);
    return Response.json({ ok: true }, { headers: { "set-cookie": clearedCookie() } });
  },
  { action: "auth.logout" },
);
