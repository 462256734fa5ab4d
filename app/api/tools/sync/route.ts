import { BUILTIN_NAMES } from "@/lib/agent/tools/builtin-names";
import { route } from "@/lib/api/handler";
import { syncToolsFromDisk } from "@/lib/tools/lifecycle";

export const dynamic = "force-dynamic";

/** Re-checks the tools folder: edited or new files become proposals that need approval. */
export const POST = route(async () => Response.json(await syncToolsFromDisk(BUILTIN_NAMES)));
