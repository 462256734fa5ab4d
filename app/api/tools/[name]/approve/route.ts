import { z } from "zod";
import { readJson, route } from "@/lib/api/handler";
import { DECIDER } from "@/lib/tools/decider";
import { approveTool } from "@/lib/tools/lifecycle";

export const dynamic = "force-dynamic";

const body = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "sha256 must be 64 lowercase hex characters"),
});

export const POST = route<{ name: string }>(async (request, { name }) => {
  const { sha256 } = await readJson(request, body);
  const version = await approveTool(name, sha256, DECIDER);
  return Response.json({ name, version: version.version, status: version.status, sha256: version.sha256 });
});
