import { z } from "zod";
import { readJson, route } from "@/lib/api/handler";
import { saveWorkingMemory } from "@/lib/db/queries/working-memory";
import { ApiError } from "@/lib/errors";
import { workingMemoryList, workingMemoryView } from "@/lib/learning/views";
import { workingMemoryProblem } from "@/lib/learning/working-memory";

export const dynamic = "force-dynamic";

export const GET = route(async () => Response.json(await workingMemoryList()));

const body = z.object({ content: z.string().min(1).max(30_000) });

/** A person edits the working memory: a new version, same rules as a battery change. */
export const PUT = route(
  async (request, _params, { audit }) => {
    const { content } = await readJson(request, body);
    const problem = workingMemoryProblem(content);
    if (problem) throw new ApiError("unprocessable", `Not saved: ${problem}.`);
    const saved = await saveWorkingMemory(content.trim(), "user");
    await audit(null, { version: saved.version, lines: saved.content.split("\n").length });
    return Response.json(workingMemoryView(saved), { status: 201 });
  },
  { action: "workingMemory.update" },
);
