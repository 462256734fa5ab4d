import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { SessionsScreen } from "@/components/sessions/sessions-screen";

export const metadata: Metadata = { title: "Sessions" };

export default function SessionsPage() {
  return (
    <>
      <PageHeader
        title="Sessions"
        description="Each session is a conversation with the agent in one workspace folder. Turns keep running on the server when you close the tab."
      />
      <div className="w-full max-w-5xl px-4 md:px-8 py-6">
        <SessionsScreen />
      </div>
    </>
  );
}
