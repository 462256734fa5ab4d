import type { Metadata } from "next";
import { ModelRequests } from "@/components/session/model-requests";

export const metadata: Metadata = { title: "What the model saw" };

export default async function ModelRequestsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ModelRequests sessionId={id} />;
}
