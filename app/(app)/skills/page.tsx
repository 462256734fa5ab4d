import type { Metadata } from "next";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";

export const metadata: Metadata = { title: "Skills" };

export default function SkillsPage() {
  return (
    <>
      <PageHeader title="Skills" description="Reusable know-how the agent loads when a task calls for it." />
      <div className="w-full max-w-5xl px-8 py-6">
        <EmptyState title="Skill library" badge="Not built yet">
          <p>
            This page will list the skills in{" "}
            <code className="font-mono text-fg text-sm">skills/&lt;name&gt;/SKILL.md</code> with their
            versions and how often each was loaded, and let you read and edit them. Browsing and editing here
            is not built yet; the agent already loads skills itself with{" "}
            <code className="font-mono text-fg text-sm">load_skill</code>.
          </p>
        </EmptyState>
      </div>
    </>
  );
}
