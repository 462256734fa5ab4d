import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { ToolTelemetryTable } from "@/components/telemetry/tool-telemetry-table";

export const metadata: Metadata = { title: "Telemetry" };

export default function TelemetryPage() {
  return (
    <>
      <PageHeader
        title="Telemetry"
        description="Every tool call the agent makes, by tool: how often, how reliably, how fast."
      />
      <div className="w-full max-w-5xl px-8 py-6">
        <ToolTelemetryTable />
      </div>
    </>
  );
}
