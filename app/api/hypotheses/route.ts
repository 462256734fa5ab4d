import { route } from "@/lib/api/handler";
import { hypothesisList } from "@/lib/learning/views";

export const dynamic = "force-dynamic";

export const GET = route(async () => Response.json(await hypothesisList()));
