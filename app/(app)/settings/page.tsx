import type { Metadata } from "next";
import { McpServerForm } from "@/components/mcp/mcp-servers";
import { PageHeader } from "@/components/page-header";
import { SettingsView } from "@/components/settings/settings-view";

export const metadata: Metadata = { title: "Settings" };

export default function SettingsPage() {
  return (
    <>
      <PageHeader
        title="Settings"
        description="The model the agent talks to, what it costs, and how much a session may spend."
      />
      <div className="w-full px-4 md:px-8">
        <SettingsView />
        <div className="py-8">
          <McpServerForm />
        </div>
      </div>
    </>
  );
}
