"use client";

import { useRouter } from "next/navigation";
import { useCallback, useState } from "react";
import { learningApi } from "../api-client";

/** Fired on window whenever a battery change starts or the banner is snoozed, so every view refreshes. */
export const MAINTENANCE_CHANGED = "ratchet:maintenance-changed";

export function announceMaintenanceChange(): void {
  window.dispatchEvent(new Event(MAINTENANCE_CHANGED));
}

/** Starts a battery change and opens its session, where it streams like any other. */
export function useStartBatteryChange() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const start = useCallback(async () => {
    setBusy(true);
    setError(null);
    const result = await learningApi.startMaintenance();
    if (!result.ok) {
      setBusy(false);
      setError(result.message);
      return;
    }
    announceMaintenanceChange();
    router.push(`/sessions/${encodeURIComponent(result.data.sessionId)}`);
  }, [router]);
  return { start, busy, error, clearError: () => setError(null) };
}
