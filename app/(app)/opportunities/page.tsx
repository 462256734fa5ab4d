import type { Metadata } from "next";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";

export const metadata: Metadata = { title: "Opportunities" };

export default function OpportunitiesPage() {
  return (
    <>
      <PageHeader
        title="Opportunities"
        description="Improvements the agent proposes from its own track record."
      />
      <div className="w-full max-w-5xl px-8 py-6">
        <EmptyState title="No opportunities" badge="Not built yet">
          <p>
            After a maintenance pass, the agent will list what it could improve here: what and why, how
            success would be measured, the expected impact and effort, and links to the evidence. You will
            accept, snooze or dismiss each one. Maintenance passes are not built yet, so there is nothing to
            show.
          </p>
        </EmptyState>
      </div>
    </>
  );
}
