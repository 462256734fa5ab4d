"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { type MouseEvent, useCallback, useEffect, useRef, useState } from "react";
import type { SkillDetail, SkillList, SkillVersionSummary } from "@/lib/skills/views";
import { isAbortError, skillsApi } from "../api-client";
import { ListDetailFallback } from "../list-detail-fallback";
import { PageHeader } from "../page-header";
import { Button } from "../ui/button";
import { Callout } from "../ui/callout";
import { cn } from "../ui/cn";
import { useNow } from "../use-now";
import { CreateSkillDialog } from "./dialogs";
import { SkillEditor } from "./skill-editor";
import { SkillHistory } from "./skill-history";
import { SkillListNav, skillHref } from "./skill-list";

const REFRESH_MS = 15_000;
const TITLE = "Skills";
const DESCRIPTION =
  "Instructions the agent loads when a task calls for them. Edits are versioned and take effect on the agent's next turn.";

type DetailState =
  | { kind: "none" }
  | { kind: "loading"; name: string }
  | { kind: "ready"; name: string; data: SkillDetail }
  | { kind: "deleted"; name: string; versions: SkillVersionSummary[] }
  | { kind: "not-found"; name: string }
  | { kind: "error"; name: string; message: string };

function Placeholder({ onCreate }: { onCreate(): void }) {
  return (
    <div className="flex h-full items-center justify-center px-8 py-16">
      <div className="max-w-md text-center">
        <p className="font-medium text-fg">Select a skill</p>
        <p className="mt-1 text-muted">
          The system prompt lists each skill's name and description; the agent loads the full text with{" "}
          <code className="font-mono text-fg text-sm">load_skill</code>. When a message contains one of a
          skill's triggers, the harness suggests it for that turn.
        </p>
        <Button className="mt-4" variant="primary" onClick={onCreate}>
          New skill
        </Button>
      </div>
    </div>
  );
}

export function SkillsScreen() {
  const params = useSearchParams();
  const router = useRouter();
  const name = params.get("name");
  const now = useNow();
  const [list, setList] = useState<SkillList | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [detail, setDetail] = useState<DetailState>({ kind: "none" });
  const [notice, setNotice] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const dirty = useRef(false);
  const detailAbort = useRef<AbortController | null>(null);

  const loadList = useCallback(async () => {
    const result = await skillsApi.list();
    if (result.ok) {
      setList(result.data);
      setListError(null);
    } else setListError(result.message);
  }, []);

  const loadDetail = useCallback(async (skill: string) => {
    detailAbort.current?.abort();
    const controller = new AbortController();
    detailAbort.current = controller;
    setDetail({ kind: "loading", name: skill });
    try {
      const result = await skillsApi.detail(skill, controller.signal);
      if (controller.signal.aborted) return;
      if (result.ok) {
        setDetail({ kind: "ready", name: skill, data: result.data });
        return;
      }
      if (result.status !== 404) {
        setDetail({ kind: "error", name: skill, message: result.message });
        return;
      }
      const history = await skillsApi.versions(skill, controller.signal);
      if (controller.signal.aborted) return;
      setDetail(
        history.ok
          ? { kind: "deleted", name: skill, versions: history.data.versions }
          : { kind: "not-found", name: skill },
      );
    } catch (error) {
      if (!isAbortError(error)) throw error;
    }
  }, []);

  useEffect(() => {
    void loadList();
    const timer = window.setInterval(() => {
      if (document.visibilityState === "visible") void loadList();
    }, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [loadList]);

  useEffect(() => {
    dirty.current = false;
    if (name) void loadDetail(name);
    else {
      detailAbort.current?.abort();
      setDetail({ kind: "none" });
    }
  }, [name, loadDetail]);

  useEffect(() => {
    document.title = name ? `${name} · Skills · Ratchet` : "Skills · Ratchet";
  }, [name]);

  const onDirtyChange = useCallback((value: boolean) => {
    dirty.current = value;
  }, []);

  const onNavigate = useCallback(
    (event: MouseEvent, target: string) => {
      if (target === name || !dirty.current) {
        setNotice(null);
        return;
      }
      if (!window.confirm(`Discard your unsaved changes to ${name}?`)) event.preventDefault();
      else setNotice(null);
    },
    [name],
  );

  const onChanged = useCallback(
    (data: SkillDetail, message: string | null) => {
      setDetail({ kind: "ready", name: data.name, data });
      setNotice(message);
      void loadList();
    },
    [loadList],
  );

  function go(target: string | null, message: string | null) {
    dirty.current = false;
    setNotice(message);
    void loadList();
    router.push(target ? skillHref(target) : "/skills", { scroll: false });
  }

  const selected = name !== null;
  return (
    <>
      <PageHeader
        title={TITLE}
        description={DESCRIPTION}
        actions={
          <Button variant="primary" data-testid="new-skill-button" onClick={() => setCreating(true)}>
            New skill
          </Button>
        }
      />
      <div className="flex min-h-0 flex-1">
        <aside
          aria-label="Skill list"
          className={cn(
            "w-full shrink-0 overflow-y-auto border-line pt-3 lg:block lg:w-[22rem] lg:border-r",
            selected ? "hidden" : "block",
          )}
        >
          <SkillListNav list={list} error={listError} selected={name} now={now} onNavigate={onNavigate} />
        </aside>
        <div className={cn("min-w-0 flex-1 overflow-y-auto", selected ? "block" : "hidden lg:block")}>
          {detail.kind === "none" ? (
            <Placeholder onCreate={() => setCreating(true)} />
          ) : (
            <div className="flex flex-col gap-3 px-6 pt-4 pb-8">
              <Link href="/skills" className="text-muted text-sm hover:text-fg lg:hidden">
                ← All skills
              </Link>
              <p aria-live="polite" data-testid="skill-notice" className={cn(!notice && "sr-only")}>
                {notice ? (
                  <span className="inline-flex items-center gap-2 rounded-md border border-emerald-400/20 bg-emerald-400/[0.06] px-3 py-1.5 text-emerald-200">
                    ✓ {notice}
                  </span>
                ) : null}
              </p>
              {detail.kind === "loading" ? (
                <div aria-hidden="true" className="flex flex-col gap-4">
                  <span className="h-6 w-56 animate-pulse rounded bg-panel-2" />
                  <span className="h-10 animate-pulse rounded-lg bg-panel/60" />
                  <span className="h-96 animate-pulse rounded-lg bg-panel/60" />
                </div>
              ) : detail.kind === "not-found" ? (
                <Callout tone="warn" role="status" data-testid="skill-not-found">
                  No skill named <span className="font-mono">{detail.name}</span>.
                </Callout>
              ) : detail.kind === "error" ? (
                <Callout tone="error" role="alert" data-testid="skill-load-error">
                  Could not load {detail.name}: {detail.message}
                </Callout>
              ) : detail.kind === "deleted" ? (
                <div className="flex flex-col gap-4">
                  <h2 className="font-mono font-semibold text-fg text-lg">{detail.name}</h2>
                  <Callout tone="info" role="status" data-testid="skill-deleted">
                    This skill was deleted; its history is kept. Restore a version to bring it back.
                  </Callout>
                  <SkillHistory
                    name={detail.name}
                    versions={detail.versions}
                    current={null}
                    dirty={false}
                    now={now}
                    onRestored={(message) => {
                      setNotice(message);
                      void loadList();
                      void loadDetail(detail.name);
                    }}
                  />
                </div>
              ) : detail.data.content === null || detail.data.sha256 === null ? (
                <Callout tone="error" role="alert" data-testid="skill-unreadable">
                  <span className="font-mono">skills/{detail.data.path}</span> cannot be opened here:{" "}
                  {detail.data.error?.message}
                </Callout>
              ) : (
                <SkillEditor
                  key={detail.name}
                  detail={{ ...detail.data, content: detail.data.content, sha256: detail.data.sha256 }}
                  now={now}
                  onChanged={onChanged}
                  onRenamed={(to) => go(to, `Renamed ${detail.name} to ${to}.`)}
                  onDeleted={(gone) => go(null, `Deleted ${gone}. Its history is kept.`)}
                  onDirtyChange={onDirtyChange}
                />
              )}
            </div>
          )}
        </div>
      </div>
      <CreateSkillDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(created) => {
          setCreating(false);
          go(created, `Created ${created}. Write its instructions, then save.`);
        }}
      />
    </>
  );
}

/** Shown while the search params resolve. */
export function SkillsScreenFallback() {
  return <ListDetailFallback title={TITLE} description={DESCRIPTION} />;
}
