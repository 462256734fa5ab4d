import type { ReactNode } from "react";
import { AppSidebar } from "@/components/app-sidebar";
import { MaintenanceBanner } from "@/components/maintenance-banner";
import { SandboxBanner } from "@/components/sandbox-banner";
import { requirePageAuth } from "@/lib/auth/page";

export default async function AppLayout({ children }: { children: ReactNode }) {
  await requirePageAuth();
  return (
    <div className="flex h-dvh overflow-hidden">
      <AppSidebar />
      <main id="main" className="relative flex min-w-0 flex-1 flex-col overflow-y-auto">
        <SandboxBanner />
        <MaintenanceBanner />
        {children}
      </main>
    </div>
  );
}
