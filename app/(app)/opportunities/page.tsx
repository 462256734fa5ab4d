import type { Metadata } from "next";
import { OpportunitiesScreen } from "@/components/learning/opportunities-screen";

export const metadata: Metadata = { title: "Opportunities" };

export default function OpportunitiesPage() {
  return <OpportunitiesScreen />;
}
