import type { Metadata } from "next";
import { Suspense } from "react";
import { McpServersReview } from "@/components/mcp/mcp-servers";
import { ToolsScreen, ToolsScreenFallback } from "@/components/tools/tools-screen";

export const metadata: Metadata = { title: "Tools" };

/** The approval queue and the toolbox; `?name=x&version=n` selects a tool and a version. */
export default function ToolsPage() {
  return (
    <>
      <Suspense fallback={<ToolsScreenFallback />}>
        <ToolsScreen />
      </Suspense>
      <McpServersReview />
    </>
  );
}
