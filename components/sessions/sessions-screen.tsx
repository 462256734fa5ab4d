"use client";

import { useCallback, useEffect, useState } from "react";
import type { SessionSummary } from "@/lib/sessions/views";
import type { Settings } from "@/lib/settings/views";
import { sessionsApi, settingsApi } from "../api-client";
import { NewSessionForm } from "./new-session-form";
import { NoModelCallout } from "./no-model-callout";
import { SessionList } from "./session-list";

const REFRESH_MS = 10_000;

export function SessionsScreen() {
  const [sessions, setSessions] = useState<SessionSummary[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [settings, setSettings] = useState<Settings | null>(null);

  const loadSessions = useCallback(async () => {
    const result = await sessionsApi.list();
    if (result.ok) {
      setSessions(Array.isArray(result.data?.sessions) ? result.data.sessions : []);
      setListError(null);
    } else {
      setListError(`Could not load sessions: ${result.message}`);
    }
  }, []);

  useEffect(() => {
    void loadSessions();
    void settingsApi.get().then((result) => {
      if (result.ok) setSettings(result.data);
    });
    // Keep statuses fresh while the page is visible.
    const timer = window.setInterval(() => {
      if (document.visibilityState === "visible") void loadSessions();
    }, REFRESH_MS);
    const onFocus = () => void loadSessions();
    window.addEventListener("focus", onFocus);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener("focus", onFocus);
    };
  }, [loadSessions]);

  return (
    <div className="flex flex-col gap-5">
      {settings?.model?.configured === false ? <NoModelCallout /> : null}
      <NewSessionForm defaultBudgetUsd={settings?.defaultBudgetUsd ?? null} />
      <SessionList sessions={sessions} error={listError} />
    </div>
  );
}
