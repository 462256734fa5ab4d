import type { Metadata } from "next";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { requirePageAuth } from "@/lib/auth/page";
import { may } from "@/lib/team/permissions";
import { ROLE_RIGHTS } from "@/lib/team/roles";
import { AuditPanel } from "./audit-panel";
import { UsersPanel } from "./users-panel";

export const metadata: Metadata = { title: "Team" };
export const dynamic = "force-dynamic";

export default async function TeamPage() {
  const actor = await requirePageAuth();
  const admin = may(actor.role, "user.list");
  const auditor = may(actor.role, "audit.read");
  return (
    <>
      <PageHeader
        title="Team"
        description={
          <>
            People with their own tokens and roles, and the audit log of every decision. You are{" "}
            <span data-testid="team-me" className="text-fg">
              {actor.name} ({actor.role})
            </span>
            .
          </>
        }
      />
      <div className="flex w-full max-w-5xl flex-col gap-10 px-4 md:px-8 py-6">
        {admin ? <UsersPanel selfId={actor.id} /> : null}
        {auditor ? <AuditPanel /> : null}
        {auditor ? null : (
          <EmptyState title="Nothing to manage here" badge={actor.role}>
            <p>
              Users are managed by an admin ({ROLE_RIGHTS.admin}); the audit log is open to approvers and
              admins. Your role lets you: {ROLE_RIGHTS[actor.role]}.
            </p>
          </EmptyState>
        )}
      </div>
    </>
  );
}
