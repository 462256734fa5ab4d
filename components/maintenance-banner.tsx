"use client";

import { usePathname } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import type { MaintenanceStatus } from "@/lib/learning/views";
import { learningApi } from "./api-client";
import { BatteryChangeDialog } from "./learning/battery-change-dialog";
import {
  announceMaintenanceChange,
  MAINTENANCE_CHANGED,
  useStartBatteryChange,
} from "./learning/use-battery-change";
import { Button } from "./ui/button";

const POLL_MS = 60_000;

/**
 * On every app page once a battery change is due (N completed sessions since the last one):
 * Start runs it and opens its session; Snooze hides the banner for a few more sessions.
 */
export function MaintenanceBanner() {
  const pathname = usePathname();
  const battery = useStartBatteryChange();
  const [status, setStatus] = useState<MaintenanceStatus | null>(null);
  const [snoozing, setSnoozing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);

  const refresh = useCallback(async () => {
    const result = await learningApi.maintenanceStatus();
    if (result.ok) setStatus(result.data);
  }, []);

  // Checked on every navigation, on focus, when a pass starts, and once a minute while visible.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the path is a trigger, not an input
  useEffect(() => {
    void refresh();
  }, [refresh, pathname]);

  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState === "visible") void refresh();
    }, POLL_MS);
    const onChange = () => void refresh();
    window.addEventListener("focus", onChange);
    window.addEventListener(MAINTENANCE_CHANGED, onChange);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener("focus", onChange);
      window.removeEventListener(MAINTENANCE_CHANGED, onChange);
    };
  }, [refresh]);

  if (!status?.due) return null;

  async function snooze() {
    setSnoozing(true);
    setError(null);
    const result = await learningApi.snoozeMaintenance();
    setSnoozing(false);
    if (result.ok) {
      setStatus(result.data);
      announceMaintenanceChange();
    } else setError(result.message);
  }

  const n = status.sessionsSinceLastPass;
  const message = error ?? battery.error;
  return (
    <div
      role="status"
      data-testid="maintenance-banner"
      className="flex flex-wrap items-center gap-x-4 gap-y-2 border-accent/30 border-b bg-accent/[0.08] px-4 md:px-8 py-2 text-sm"
    >
      <span className="flex min-w-0 items-center gap-2 text-fg">
        <svg
          aria-hidden="true"
          viewBox="0 0 16 16"
          width="16"
          height="16"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.4"
          className="shrink-0 text-accent-text"
        >
          <rect x="1.75" y="4.75" width="11" height="6.5" rx="1.25" />
          <path d="M14.25 7v2M4 7v2" strokeLinecap="round" />
        </svg>
        <span>
          <strong className="font-medium">Time to change batteries</strong>
          <span className="text-muted">
            {" "}
            — {n} {n === 1 ? "session" : "sessions"} since the last pass.
          </span>
        </span>
      </span>
      {message ? (
        <span role="alert" className="text-red-300">
          {message}
        </span>
      ) : null}
      <span className="ml-auto flex items-center gap-2">
        <Button
          size="sm"
          variant="ghost"
          data-testid="maintenance-snooze"
          disabled={snoozing}
          onClick={() => void snooze()}
          title="Ask again after 3 more sessions"
        >
          Snooze
        </Button>
        <Button
          size="sm"
          variant="primary"
          data-testid="maintenance-start"
          disabled={battery.busy}
          onClick={() => setAsking(true)}
          title="Run the maintenance pass now and watch it stream"
        >
          {battery.busy ? "Starting…" : "Start"}
        </Button>
      </span>
      <BatteryChangeDialog
        open={asking}
        busy={battery.busy}
        onCancel={() => setAsking(false)}
        onConfirm={() => {
          setAsking(false);
          void battery.start();
        }}
      />
    </div>
  );
}
