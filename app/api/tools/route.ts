import { BUILTIN_TOOLS } from "@/lib/agent/tools/registry";
import { route } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

export const GET = route(async () =>
  Response.json({
    tools: BUILTIN_TOOLS.map((t) => ({
      name: t.name,
      description: t.description,
      origin: "builtin",
      status: "active",
      version: "builtin",
      sha256: null,
    })),
  }),
);
