import type { Metadata } from "next";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";

export const metadata: Metadata = { title: "Tools" };

const BUILT_IN = ["run_command", "load_skill", "reload_tools", "log_learning_event"];

export default function ToolsPage() {
  return (
    <>
      <PageHeader
        title="Tools"
        description="The tools the agent can call, and the ones it proposes for itself."
      />
      <div className="w-full max-w-5xl px-8 py-6">
        <EmptyState title="Approval queue" badge="Not built yet">
          <p>
            The approval queue for tools the agent writes for itself lands with the agent-written tools
            feature. Each proposal will show its source, the capabilities it asks for and its validation
            report, and will need your approval of that exact version before other sessions can use it.
          </p>
          <p>
            Built-in tools today:{" "}
            {BUILT_IN.map((name, i) => (
              <span key={name}>
                <code className="rounded bg-panel-2 px-1 py-px font-mono text-fg text-sm">{name}</code>
                {i < BUILT_IN.length - 1 ? ", " : "."}
              </span>
            ))}
          </p>
        </EmptyState>
      </div>
    </>
  );
}
