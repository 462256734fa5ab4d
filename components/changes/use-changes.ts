"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { ChangesSummary, FileChangeResponse, SessionTurn } from "@/lib/checkpoints/views";
import { changesApi, isAbortError } from "../api-client";
import { resolveScope, type Scope, scopeKey, type Wanted } from "./changes-model";

export interface ChangesState {
  turns: SessionTurn[] | null;
  /** The scope the list shows (null: a turn scope with no checkpointed turn yet). */
  scope: Scope | null;
  list: ChangesSummary | null;
  error: string | null;
  /** Bumped on every list load: the open file's diff reloads with it. */
  version: number;
}

const initial: ChangesState = { turns: null, scope: null, list: null, error: null, version: 0 };

/** A gap between two reloads caused by the event stream: a busy turn checkpoints many times a second. */
const GAP_MS = 1000;
/** Events that arrive together (a replay, a burst of steps) are one reload. */
const SETTLE_MS = 250;

/**
 * Runs `run` one at a time. "soon" waits for the burst to settle and keeps a gap after the last
 * run; "now" (the person changed what they look at) goes at once. A request while a run is in
 * flight runs once more after it, so the last state is never missed.
 */
function useSingleFlight(run: () => Promise<void>) {
  const runRef = useRef(run);
  runRef.current = run;
  const state = useRef({
    running: false,
    pending: false,
    timer: null as number | null,
    last: 0,
    alive: true,
  });

  const request = useCallback((when: "now" | "soon") => {
    const s = state.current;
    if (!s.alive) return;
    if (s.running) {
      s.pending = true;
      return;
    }
    if (s.timer !== null) {
      if (when === "soon") return;
      window.clearTimeout(s.timer);
    }
    const wait = when === "now" ? 0 : Math.max(SETTLE_MS, s.last + GAP_MS - Date.now());
    s.timer = window.setTimeout(async () => {
      s.timer = null;
      s.running = true;
      try {
        await runRef.current();
      } finally {
        s.running = false;
        s.last = Date.now();
        if (s.pending) {
          s.pending = false;
          request("soon");
        }
      }
    }, wait);
  }, []);

  useEffect(() => {
    const s = state.current;
    s.alive = true;
    return () => {
      s.alive = false;
      if (s.timer !== null) window.clearTimeout(s.timer);
    };
  }, []);
  return request;
}

/**
 * The session's turns and the list of changed files for the wanted scope, reloaded when `epoch`
 * moves (a checkpoint, a rewind or a revert in the session's event stream). The panel is mounted
 * only while it is on screen, so this loads only then.
 */
export function useChanges(sessionId: string, wanted: Wanted, epoch: number) {
  const [state, setState] = useState<ChangesState>(initial);
  const wantedRef = useRef(wanted);
  wantedRef.current = wanted;

  const load = useCallback(async () => {
    const asked = wantedRef.current;
    const stale = () =>
      wantedRef.current.kind !== asked.kind || wantedRef.current.pinnedTurn !== asked.pinnedTurn;
    const checkpoints = await changesApi.checkpoints(sessionId);
    if (stale()) return;
    if (!checkpoints.ok) {
      setState((s) => ({ ...s, error: checkpoints.message }));
      return;
    }
    const turns = checkpoints.data.turns;
    const scope = resolveScope(asked, turns);
    if (!scope) {
      setState((s) => ({ turns, scope: null, list: null, error: null, version: s.version + 1 }));
      return;
    }
    const list = await changesApi.list(sessionId, scope);
    if (stale()) return;
    if (!list.ok) {
      setState((s) => ({ ...s, turns, error: list.message }));
      return;
    }
    setState((s) => ({ turns, scope, list: list.data, error: null, version: s.version + 1 }));
  }, [sessionId]);

  const request = useSingleFlight(load);

  // what is shown changed, or the panel opened: load at once
  const wantedKey = `${wanted.kind}:${wanted.pinnedTurn ?? ""}`;
  useEffect(() => {
    if (wantedKey) request("now");
  }, [wantedKey, request]);

  // the workspace changed: load soon, coalesced
  useEffect(() => {
    if (epoch > 0) request("soon");
  }, [epoch, request]);

  const reload = useCallback(() => request("now"), [request]);
  return { ...state, reload };
}

export type FileState =
  | { kind: "idle" }
  | { kind: "loading"; key: string; previous: FileChangeResponse["file"] | null }
  | { kind: "ready"; key: string; file: FileChangeResponse["file"] }
  | { kind: "error"; key: string; message: string };

/** One file's diff and both sides, reloaded with the list (`version`). */
export function useFileChange(sessionId: string, scope: Scope | null, path: string | null, version: number) {
  const [state, setState] = useState<FileState>({ kind: "idle" });
  const key = scope && path ? `${scopeKey(scope)}\0${path}` : null;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the scope and the path; a new `version` (the list reloaded) loads the file again
  useEffect(() => {
    if (!scope || !path || !key) {
      setState({ kind: "idle" });
      return;
    }
    const controller = new AbortController();
    setState((s) => ({
      kind: "loading",
      key,
      previous:
        s.kind === "ready" && s.key === key
          ? s.file
          : s.kind === "loading" && s.key === key
            ? s.previous
            : null,
    }));
    changesApi.file(sessionId, scope, path, controller.signal).then(
      (result) => {
        if (controller.signal.aborted) return;
        setState(
          result.ok
            ? { kind: "ready", key, file: result.data.file }
            : { kind: "error", key, message: result.message },
        );
      },
      (error: unknown) => {
        if (!isAbortError(error)) setState({ kind: "error", key, message: String(error) });
      },
    );
    return () => controller.abort();
  }, [sessionId, key, version]);

  return state;
}
