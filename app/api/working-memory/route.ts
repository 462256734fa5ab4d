import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { readJson, route } from "@/lib/api/handler";
import { listWorkingMemory, saveWorkingMemory } from "@/lib/db/queries/working-memory";
import { workingMemoryProblem } from "@/lib/learning/working-memory";

export const dynamic = "force-dynamic";

function view(m: Awaited<ReturnType<typeof listWorkingMemory>>[number]) {
  return {
    version: m.version,
    content: m.content,
    source: m.source,
    runId: m.runId,
    createdAt: m.createdAt.toISOString(),
  };
}

export const GET = route(async () => {
  const versions = await listWorkingMemory();
  return Response.json({ current: versions[0] ? view(versions[0]) : null, versions: versions.map(view) });
});

const body = z.object({ content: z.string().min(1).max(30_000) });

/** A person edits the working memory: a new version, same rules as a battery change. */
export const PUT = route(
  async (request, _params, { audit }) => {
    const { content } = await readJson(request, body);
    const problem = workingMemoryProblem(content);
    if (problem) throw new ApiError("unprocessable", `Not saved: ${problem}.`);
    const saved = await saveWorkingMemory(content.trim(), "user");
    await audit(null, { version: saved.version, lines: saved.content.split("\n").length });
    return Response.json(view(saved), { status: 201 });
  },
  { action: "workingMemory.update" },
);
