"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { SessionSummary } from "@/lib/sessions/views";
import type { Settings } from "@/lib/settings/views";
import { sessionsApi, settingsApi } from "../api-client";
import { Input } from "../ui/input";
import { NewSessionForm } from "./new-session-form";
import { NoModelCallout } from "./no-model-callout";
import { SessionList } from "./session-list";

const REFRESH_MS = 10_000;
const SEARCH_DEBOUNCE_MS = 250;

export function SessionsScreen() {
  const [sessions, setSessions] = useState<SessionSummary[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [q, setQ] = useState("");
  const [archived, setArchived] = useState(false);
  /** Only the answer to the newest request is shown: a slow search never overwrites a newer one. */
  const latest = useRef(0);

  const loadSessions = useCallback(async () => {
    const ticket = ++latest.current;
    const result = await sessionsApi.list({ q, archived });
    if (ticket !== latest.current) return;
    if (result.ok) {
      setSessions(Array.isArray(result.data?.sessions) ? result.data.sessions : []);
      setListError(null);
    } else {
      setListError(`Could not load sessions: ${result.message}`);
    }
  }, [q, archived]);

  useEffect(() => {
    void settingsApi.get().then((result) => {
      if (result.ok) setSettings(result.data);
    });
  }, []);

  useEffect(() => {
    const first = window.setTimeout(() => void loadSessions(), q ? SEARCH_DEBOUNCE_MS : 0);
    // Keep statuses fresh while the page is visible.
    const timer = window.setInterval(() => {
      if (document.visibilityState === "visible") void loadSessions();
    }, REFRESH_MS);
    const onFocus = () => void loadSessions();
    window.addEventListener("focus", onFocus);
    return () => {
      window.clearTimeout(first);
      window.clearInterval(timer);
      window.removeEventListener("focus", onFocus);
    };
  }, [loadSessions, q]);

  async function archive(id: string, value: boolean) {
    const result = await sessionsApi.archive(id, value);
    if (!result.ok)
      setListError(`Could not ${value ? "archive" : "unarchive"} the session: ${result.message}`);
    await loadSessions();
  }

  async function remove(id: string) {
    const result = await sessionsApi.remove(id);
    if (!result.ok) setListError(`Could not delete the session: ${result.message}`);
    await loadSessions();
  }

  return (
    <div className="flex flex-col gap-5">
      {settings?.model?.configured === false ? <NoModelCallout /> : null}
      <NewSessionForm defaultBudgetUsd={settings?.defaultBudgetUsd ?? null} />
      <div className="flex flex-wrap items-center gap-3">
        <Input
          type="search"
          data-testid="sessions-search"
          aria-label="Search sessions"
          placeholder="Search by title or folder"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          className="max-w-sm"
        />
        <label className="flex items-center gap-2 text-muted text-sm">
          <input
            type="checkbox"
            data-testid="sessions-show-archived"
            checked={archived}
            onChange={(e) => setArchived(e.target.checked)}
          />
          Archived only
        </label>
      </div>
      <SessionList
        sessions={sessions}
        error={listError}
        filtered={q.trim() !== "" || archived}
        onArchive={(id, value) => void archive(id, value)}
        onDelete={(id) => void remove(id)}
      />
    </div>
  );
}
