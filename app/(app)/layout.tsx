import type { ReactNode } from "react";
import { AppSidebar } from "@/components/app-sidebar";
import { MaintenanceBanner } from "@/components/maintenance-banner";
import { SandboxBanner } from "@/components/sandbox-banner";
import { requirePageAuth } from "@/lib/auth/page";

export default async function AppLayout({ children }: { children: ReactNode }) {
  await requirePageAuth();
  return (
    <div className="flex h-dvh flex-col overflow-hidden md:flex-row">
      <a
        href="#main"
        className="sr-only rounded-md bg-accent px-3 py-2 font-medium text-white focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50"
      >
        Skip to content
      </a>
      <AppSidebar />
      {/* focusable so that the skip link moves the keyboard here, not only the view */}
      <main
        id="main"
        tabIndex={-1}
        className="relative flex min-h-0 min-w-0 flex-1 flex-col overflow-y-auto focus:outline-none"
      >
        <SandboxBanner />
        <MaintenanceBanner />
        {children}
      </main>
    </div>
  );
}
