import { route } from "@/lib/api/handler";
import { skillList } from "@/lib/skills/views";

export const dynamic = "force-dynamic";

export const GET = route(async () => Response.json(await skillList()));
