"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import type { ToolDetail as ToolDetailData, ToolListItem, ToolsFolderSync } from "@/lib/tools/views";
import { isAbortError, toolsApi } from "../api-client";
import { ListDetailFallback } from "../list-detail-fallback";
import { PageHeader } from "../page-header";
import { Button } from "../ui/button";
import { Callout } from "../ui/callout";
import { cn } from "../ui/cn";
import { useNow } from "../use-now";
import { groupTools, parseVersionParam, toolHref } from "./model";
import { ToolDetail } from "./tool-detail";
import { ToolList } from "./tool-list";

const REFRESH_MS = 10_000;
const TITLE = "Tools";
const DESCRIPTION =
  "The tools the agent can call, and the ones it wrote for itself: review, approve, retire.";

type DetailState =
  | { kind: "none" }
  | { kind: "loading"; name: string }
  | { kind: "ready"; name: string; data: ToolDetailData }
  | { kind: "not-found"; name: string }
  | { kind: "error"; name: string; message: string };

function ToolLinks({ names }: { names: string[] }) {
  return names.map((name, i) => (
    <span key={name}>
      <Link href={toolHref(name)} className="font-mono underline underline-offset-2">
        {name}
      </Link>
      {i < names.length - 1 ? ", " : ""}
    </span>
  ));
}

function SyncReport({ result, onDismiss }: { result: ToolsFolderSync; onDismiss(): void }) {
  const nothing =
    result.verified.length + result.needsApproval.length + result.refused.length + result.ignored.length ===
    0;
  const warn = result.needsApproval.length || result.refused.length || result.ignored.length;
  return (
    <Callout
      tone={warn ? "warn" : "info"}
      role="status"
      data-testid="sync-result"
      className="flex items-start gap-3"
    >
      <div className="min-w-0 flex-1 space-y-1">
        <p className="font-medium text-fg">Checked the tools folders</p>
        {nothing ? <p>No tool files found.</p> : null}
        {result.verified.length ? (
          <p>
            {result.verified.length} {result.verified.length === 1 ? "file matches its" : "files match their"}{" "}
            approved version: <span className="font-mono">{result.verified.join(", ")}</span>
          </p>
        ) : null}
        {result.needsApproval.length ? (
          <p>
            Needs approval (new, or edited since it was approved): <ToolLinks names={result.needsApproval} />
          </p>
        ) : null}
        {result.requeued.length ? (
          <p>
            Back in the queue (an earlier Ratchet trusted them at its first start without anyone approving
            them): <ToolLinks names={result.requeued} />
          </p>
        ) : null}
        {result.moved.length ? (
          <p>
            Copied from the app&apos;s tools folder into the tools folder, approvals kept:{" "}
            <ToolLinks names={result.moved} />
          </p>
        ) : null}
        {result.refused.map((item) => (
          <p key={item.name} data-testid={`sync-refused-${item.name}`}>
            Refused <span className="font-mono">{item.name}</span>: {item.reason}
          </p>
        ))}
        {result.ignored.map((item) => (
          <p key={item.file}>
            Ignored <span className="font-mono">{item.file}</span>: {item.reason}
          </p>
        ))}
      </div>
      <Button variant="ghost" size="sm" onClick={onDismiss} aria-label="Dismiss the tools folder report">
        Dismiss
      </Button>
    </Callout>
  );
}

function Placeholder({ tools }: { tools: ToolListItem[] | null }) {
  const groups = tools ? groupTools(tools) : null;
  const first = groups?.pending[0];
  return (
    <div className="flex h-full items-center justify-center px-4 md:px-8 py-16">
      <div className="max-w-md text-center">
        {first && groups ? (
          <>
            <p className="font-medium text-fg">
              {groups.pendingCount} {groups.pendingCount === 1 ? "proposal waits" : "proposals wait"} for your
              decision
            </p>
            <p className="mt-1 text-muted">
              Review its source, the changes since the last version, the validation report and its trial
              calls, then approve that exact version or reject it with a reason.
            </p>
            <Link
              href={toolHref(first.name)}
              className="mt-4 inline-flex h-8 items-center rounded-md bg-accent px-3 font-medium text-white hover:bg-accent-hover"
            >
              Review {first.name}
            </Link>
          </>
        ) : (
          <>
            <p className="font-medium text-fg">
              {groups && groups.toolbox.length === 0 ? "Nothing to review yet" : "Select a tool"}
            </p>
            <p className="mt-1 text-muted">
              {groups && groups.toolbox.length === 0
                ? "Every tool the agent writes goes through these steps before other sessions can use it."
                : "See every version, its source, what it may do, how it was validated and how its calls went."}
            </p>
            <ol className="mt-5 grid grid-cols-4 gap-2 text-left text-xs">
              {[
                ["Proposed", "the agent writes it"],
                ["Validated", "in the sandbox"],
                ["Trial", "its session uses it"],
                ["Approved", "by you, for all"],
              ].map(([step, what], i) => (
                <li key={step} className="rounded-md border border-line bg-panel px-2 py-2">
                  <span className="font-mono text-faint">{i + 1}</span>
                  <p className="font-medium text-fg">{step}</p>
                  <p className="text-faint">{what}</p>
                </li>
              ))}
            </ol>
          </>
        )}
      </div>
    </div>
  );
}

export function ToolsScreen() {
  const router = useRouter();
  const params = useSearchParams();
  const name = params.get("name");
  const requestedVersion = parseVersionParam(params.get("version"));
  const now = useNow();

  const [tools, setTools] = useState<ToolListItem[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [detail, setDetail] = useState<DetailState>({ kind: "none" });
  const [notice, setNotice] = useState<string | null>(null);
  const [syncing, setSyncing] = useState(false);
  const [sync, setSync] = useState<ToolsFolderSync | null>(null);
  const [syncError, setSyncError] = useState<string | null>(null);
  const detailAbort = useRef<AbortController | null>(null);
  const detailPane = useRef<HTMLDivElement>(null);

  const loadList = useCallback(async () => {
    const result = await toolsApi.list();
    if (result.ok) {
      setTools(Array.isArray(result.data?.tools) ? result.data.tools : []);
      setListError(null);
    } else {
      setListError(result.message);
    }
  }, []);

  const loadDetail = useCallback(async (toolName: string, quiet: boolean) => {
    detailAbort.current?.abort();
    const controller = new AbortController();
    detailAbort.current = controller;
    if (!quiet) setDetail({ kind: "loading", name: toolName });
    try {
      const result = await toolsApi.detail(toolName, controller.signal);
      if (controller.signal.aborted) return;
      if (result.ok) setDetail({ kind: "ready", name: toolName, data: result.data });
      else if (result.status === 404) setDetail({ kind: "not-found", name: toolName });
      // A failed background refresh keeps what is on screen.
      else
        setDetail((prev) =>
          quiet && prev.kind === "ready" ? prev : { kind: "error", name: toolName, message: result.message },
        );
    } catch (error) {
      if (!isAbortError(error)) throw error;
    }
  }, []);

  const refresh = useCallback(async () => {
    await Promise.all([loadList(), name ? loadDetail(name, true) : Promise.resolve()]);
  }, [loadList, loadDetail, name]);

  useEffect(() => {
    void loadList();
  }, [loadList]);

  useEffect(() => {
    setNotice(null);
    if (name) void loadDetail(name, false);
    else {
      detailAbort.current?.abort();
      setDetail({ kind: "none" });
    }
    detailPane.current?.scrollTo({ top: 0 });
  }, [name, loadDetail]);

  useEffect(() => {
    document.title = name ? `${name} · Tools · Ratchet` : "Tools · Ratchet";
  }, [name]);

  // New proposals arrive from sessions: keep the page current while it is visible.
  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState === "visible") void refresh();
    }, REFRESH_MS);
    const onFocus = () => void refresh();
    window.addEventListener("focus", onFocus);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener("focus", onFocus);
    };
  }, [refresh]);

  const onDone = useCallback(
    (message: string, version: number) => {
      setNotice(message);
      // Keep the decided version in view (and in the URL), whatever becomes the default next.
      if (name && version !== requestedVersion) router.replace(toolHref(name, version), { scroll: false });
      void refresh();
    },
    [refresh, router, name, requestedVersion],
  );

  async function checkFolder() {
    setSyncing(true);
    setSyncError(null);
    const result = await toolsApi.syncFolder();
    setSyncing(false);
    if (!result.ok) {
      setSync(null);
      setSyncError(result.message);
      return;
    }
    setSync(result.data);
    await refresh();
  }

  const selected = name !== null;
  return (
    <>
      <PageHeader
        title={TITLE}
        description={DESCRIPTION}
        actions={
          <Button
            data-testid="sync-tools-button"
            onClick={() => void checkFolder()}
            disabled={syncing}
            title="Look for new or edited files in the tools folder; changed files need approval again"
          >
            {syncing ? "Checking…" : "Check tools folder"}
          </Button>
        }
      />
      {sync || syncError ? (
        <div className="border-line border-b px-4 md:px-8 py-3">
          {syncError ? (
            <Callout tone="error" role="alert" data-testid="sync-error">
              Could not check the tools folder: {syncError}
            </Callout>
          ) : sync ? (
            <SyncReport result={sync} onDismiss={() => setSync(null)} />
          ) : null}
        </div>
      ) : null}
      <div className="flex min-h-0 flex-1">
        <aside
          aria-label="Tool list"
          className={cn(
            // relative: absolutely positioned descendants (sr-only text) must not overflow <main>.
            "relative w-full shrink-0 overflow-y-auto border-line pt-3 lg:block lg:w-[22rem] lg:border-r",
            selected ? "hidden" : "block",
          )}
        >
          <ToolList tools={tools} error={listError} selected={name} now={now} />
        </aside>
        <div
          ref={detailPane}
          className={cn("relative min-w-0 flex-1 overflow-y-auto", selected ? "block" : "hidden lg:block")}
        >
          {detail.kind === "none" ? (
            <Placeholder tools={tools} />
          ) : (
            <div className="mx-auto flex max-w-5xl flex-col gap-4 px-6 py-5">
              <Link href="/tools" className="text-muted text-sm hover:text-fg lg:hidden">
                ← All tools
              </Link>
              <p aria-live="polite" data-testid="action-notice" className={cn(!notice && "sr-only")}>
                {notice ? (
                  <span className="inline-flex items-center gap-2 rounded-md border border-emerald-400/20 bg-emerald-400/[0.06] px-3 py-1.5 text-emerald-200">
                    ✓ {notice}
                  </span>
                ) : null}
              </p>
              {detail.kind === "loading" ? (
                <div aria-hidden="true" className="flex flex-col gap-4">
                  <span className="h-6 w-56 animate-pulse rounded bg-panel-2" />
                  <span className="h-24 animate-pulse rounded-lg bg-panel/60" />
                  <span className="h-64 animate-pulse rounded-lg bg-panel/60" />
                </div>
              ) : detail.kind === "not-found" ? (
                <Callout tone="warn" role="status" data-testid="tool-not-found">
                  No agent-written tool named <span className="font-mono">{detail.name}</span>. Built-in tools
                  are part of Ratchet and have no versions to review.
                </Callout>
              ) : detail.kind === "error" ? (
                <Callout tone="error" role="alert">
                  Could not load {detail.name}: {detail.message}
                </Callout>
              ) : (
                <ToolDetail
                  name={detail.name}
                  detail={detail.data}
                  requestedVersion={requestedVersion}
                  now={now}
                  onDone={onDone}
                  onRefresh={() => void refresh()}
                />
              )}
            </div>
          )}
        </div>
      </div>
    </>
  );
}

/** Shown while the search params resolve. */
export function ToolsScreenFallback() {
  return <ListDetailFallback title={TITLE} description={DESCRIPTION} />;
}
