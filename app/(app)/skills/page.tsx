import type { Metadata } from "next";
import { Suspense } from "react";
import { SkillsScreen, SkillsScreenFallback } from "@/components/skills/skills-screen";

export const metadata: Metadata = { title: "Skills" };

/** The skill list and editor; `?name=x` opens a skill. */
export default function SkillsPage() {
  return (
    <Suspense fallback={<SkillsScreenFallback />}>
      <SkillsScreen />
    </Suspense>
  );
}
