import { sendMessage } from "@/lib/agent/runner";
import { readJson, route } from "@/lib/api/handler";
import { createSessionSchema, openSession } from "@/lib/sessions/service";
import { type SessionCreated, sessionList } from "@/lib/sessions/views";

export const dynamic = "force-dynamic";

export const GET = route(async (request) => {
  const params = new URL(request.url).searchParams;
  return Response.json(
    await sessionList({ q: params.get("q") ?? "", archived: params.get("archived") === "1" }),
  );
});

export const POST = route(
  async (request, _params, { audit }) => {
    const input = await readJson(request, createSessionSchema);
    const session = await openSession(input);
    await audit(session.id, {
      workspace: session.workspace,
      ...(session.branch ? { branch: session.branch, worktreeOf: session.worktreeOf } : {}),
    });
    const turnId = input.task ? (await sendMessage(session.id, input.task)).turnId : null;
    return Response.json({ id: session.id, turnId } satisfies SessionCreated, { status: 201 });
  },
  { action: "session.create" },
);
