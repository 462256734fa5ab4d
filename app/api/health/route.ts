import { route } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

export const GET = route(async () => Response.json({ ok: true }), { public: true });
