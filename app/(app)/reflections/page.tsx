import type { Metadata } from "next";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";

export const metadata: Metadata = { title: "Reflections" };

export default function ReflectionsPage() {
  return (
    <>
      <PageHeader title="Reflections" description="What the agent takes away from each session." />
      <div className="w-full max-w-5xl px-8 py-6">
        <EmptyState title="No reflections" badge="Not built yet">
          <p>
            When a session ends, the agent will answer three questions about it (what went well, what was
            slow, what to do differently next time) and the answers will be collected here, linked to their
            sessions. Reflections are not built yet.
          </p>
        </EmptyState>
      </div>
    </>
  );
}
