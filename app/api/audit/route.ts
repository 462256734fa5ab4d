import { z } from "zod";
import { route } from "@/lib/api/handler";
import { AUDIT_PAGE_MAX, listAudit } from "@/lib/team/audit";
import type { AuditPage } from "@/lib/team/views";

export const dynamic = "force-dynamic";

const isoDate = z.iso
  .datetime({ offset: true, message: "must be an ISO-8601 date" })
  .transform((v) => new Date(v));

const query = z.object({
  action: z.string().trim().min(1).max(100).optional(),
  actor: z.string().trim().min(1).max(100).optional(),
  target: z.string().trim().min(1).max(500).optional(),
  since: isoDate.optional(),
  until: isoDate.optional(),
  before: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).optional(),
});

/** The audit log, newest first: ?action=tool.approve (or an area: ?action=tool.), actor, target, since, until, before, limit. */
export const GET = route(
  async (request) => {
    const params = Object.fromEntries(new URL(request.url).searchParams);
    return Response.json((await listAudit(query.parse(params))) satisfies AuditPage);
  },
  { action: "audit.read" },
);
