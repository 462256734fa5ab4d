"use client";

import Link from "next/link";
import { type ReactNode, useMemo, useState } from "react";
import type { ToolDetail as ToolDetailData, ToolVersionDetail } from "@/lib/tools/views";
import { EvaluationCard } from "../evaluation/evaluation-card";
import { formatAbsoluteTime, formatRelativeTime } from "../format";
import { cn } from "../ui/cn";
import { CodePanel, type CodeTab } from "./code-panel";
import { canRollBack, shortSha, toolHref, versionUnderReview } from "./model";
import {
  type ActionError,
  ActionErrorNote,
  DecisionActions,
  RetireAction,
  RollbackButton,
} from "./tool-actions";
import { ToolCalls } from "./tool-calls";
import { ToolStatusBadge } from "./tool-status-badge";
import { TrialUse } from "./trial-use";
import { ValidationReport } from "./validation-report";

function When({ iso, now }: { iso: string | null; now: number }) {
  if (!iso) return null;
  return (
    <time dateTime={iso} title={formatAbsoluteTime(iso)}>
      {formatRelativeTime(iso, now)}
    </time>
  );
}

function SessionLink({ id }: { id: string }) {
  return (
    <Link
      data-testid="proposing-session-link"
      href={`/sessions/${encodeURIComponent(id)}`}
      className="font-mono text-accent-text hover:underline"
    >
      {id.slice(0, 12)}
    </Link>
  );
}

function Card({ title, children, className }: { title: string; children: ReactNode; className?: string }) {
  return (
    <section className={cn("rounded-lg border border-line bg-panel p-4", className)}>
      <h3 className="mb-2 font-medium text-faint text-xs uppercase tracking-wide">{title}</h3>
      {children}
    </section>
  );
}

const DECISION_VERB: Partial<Record<ToolVersionDetail["status"], string>> = {
  active: "Approved",
  superseded: "Approved",
  rejected: "Rejected",
  retired: "Retired",
};

function Decision({ version, now }: { version: ToolVersionDetail; now: number }) {
  const verb = DECISION_VERB[version.status];
  if (!verb || !version.decidedAt) return null;
  return (
    <div data-testid="tool-decision" className="space-y-1">
      <p className="text-fg">
        {verb} by <span className="font-medium">{version.decidedBy ?? "someone"}</span>{" "}
        <span className="text-muted">
          <When iso={version.decidedAt} now={now} />
        </span>
      </p>
      {version.decisionReason ? <p className="text-muted">“{version.decisionReason}”</p> : null}
      {version.status === "superseded" ? (
        <p className="text-faint text-sm">Later replaced by a newer approved version.</p>
      ) : null}
    </div>
  );
}

function About({ version, now }: { version: ToolVersionDetail; now: number }) {
  const requires = version.manifest?.requires ?? [];
  return (
    <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
      <Card title="Why it was proposed">
        <p data-testid="tool-reason" className={version.reason ? "text-fg" : "text-faint italic"}>
          {version.reason ?? "No reason given."}
        </p>
        <p className="mt-2 text-muted text-sm">
          {version.origin === "agent" ? "Written by the agent" : "Found in a tools folder"}
          {version.sessionId ? (
            <>
              {" "}
              in session <SessionLink id={version.sessionId} />
            </>
          ) : null}{" "}
          · <When iso={version.createdAt} now={now} />
        </p>
      </Card>
      <Card title="What it may do">
        {version.capabilities.length > 0 ? (
          <ul data-testid="tool-capabilities" className="space-y-1">
            {version.capabilities.map((line) => {
              const [head, ...rest] = line.split(": ");
              return (
                <li key={line} className="text-muted">
                  {rest.length ? (
                    <>
                      <span className="text-fg">{head}:</span> {rest.join(": ")}
                    </>
                  ) : (
                    line
                  )}
                </li>
              );
            })}
          </ul>
        ) : (
          <p className="text-faint">
            {version.status === "invalid"
              ? "Not recorded: a version that fails validation keeps no manifest. See the report below."
              : "None recorded."}
          </p>
        )}
        {requires.length > 0 ? (
          <p className="mt-2 text-muted text-sm">
            Needs on PATH: <span className="font-mono text-fg">{requires.join(", ")}</span>
          </p>
        ) : null}
      </Card>
    </div>
  );
}

function Versions({
  name,
  versions,
  selected,
  now,
  onDone,
  onError,
}: {
  name: string;
  versions: ToolVersionDetail[];
  selected: ToolVersionDetail;
  now: number;
  onDone(message: string, version: number): void;
  onError(error: ActionError | null): void;
}) {
  return (
    <section aria-labelledby="versions-heading" className="rounded-lg border border-line bg-panel">
      <div className="flex h-10 items-center gap-2 border-line border-b px-4">
        <h3 id="versions-heading" className="font-medium text-fg">
          Versions
        </h3>
        <span className="text-faint text-xs">newest first</span>
      </div>
      <ol className="divide-y divide-line">
        {versions.map((v) => {
          const current = v.id === selected.id;
          return (
            <li
              key={v.id}
              data-testid={`version-row-${v.version}`}
              className={cn(
                "flex items-center gap-2 pr-3 transition-colors",
                current ? "bg-hover/70" : "hover:bg-hover/50 has-[a:focus-visible]:bg-hover/50",
              )}
            >
              <Link
                href={toolHref(name, v.version)}
                scroll={false}
                aria-current={current ? "true" : undefined}
                className="flex min-w-0 flex-1 items-center gap-3 px-4 py-2"
              >
                <span
                  className={cn("w-8 shrink-0 font-medium font-mono", current ? "text-fg" : "text-muted")}
                >
                  v{v.version}
                </span>
                <ToolStatusBadge status={v.status} />
                <span className="hidden font-mono text-faint text-xs sm:inline" title={v.sha256}>
                  {shortSha(v.sha256)}
                </span>
                <span className="min-w-0 truncate text-faint text-xs">
                  {v.origin} · <When iso={v.createdAt} now={now} />
                  {v.calls.length > 0
                    ? ` · ${v.calls.length} ${v.calls.length === 1 ? "call" : "calls"}`
                    : ""}
                </span>
                {current ? <span className="ml-auto shrink-0 text-accent-text text-xs">viewing</span> : null}
              </Link>
              {canRollBack(v) ? (
                <RollbackButton name={name} version={v} onDone={onDone} onError={onError} />
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** Everything about one version; keyed by version id so tab and focus state start fresh. */
function VersionView({
  name,
  detail,
  version,
  now,
  onDone,
  onError,
}: {
  name: string;
  detail: ToolDetailData;
  version: ToolVersionDetail;
  now: number;
  onDone(message: string, version: number): void;
  onError(error: ActionError | null): void;
}) {
  const parentSource = version.parent?.source ?? null;
  const parent = useMemo(
    () => (parentSource !== null ? { version: version.parent?.version ?? null, source: parentSource } : null),
    [parentSource, version.parent?.version],
  );
  const [tab, setTab] = useState<CodeTab>(parent && version.status === "proposed" ? "diff" : "source");
  const [focus, setFocus] = useState<{ line: number; nonce: number } | null>(null);
  const flaggedLines = useMemo(() => {
    const lines: Record<number, string> = {};
    for (const flag of version.validation?.flags ?? [])
      for (const line of flag.lines) lines[line] = lines[line] ? `${lines[line]}; ${flag.label}` : flag.label;
    return lines;
  }, [version.validation]);
  const active = detail.versions.find((v) => v.status === "active");

  function showLine(line: number) {
    setTab("source");
    setFocus((prev) => ({ line, nonce: (prev?.nonce ?? 0) + 1 }));
    document.getElementById("tool-code")?.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  return (
    <>
      <section
        aria-label="Decision"
        className={cn(
          "rounded-lg border p-4",
          version.status === "proposed" ? "border-amber-400/25 bg-amber-400/[0.04]" : "border-line bg-panel",
        )}
      >
        {version.status === "proposed" || version.status === "invalid" ? (
          <>
            <p className="mb-3 font-medium text-fg">
              {version.status === "proposed" ? "Waiting for your decision" : "Failed validation"}
              {active && active.id !== version.id ? (
                <span className="ml-2 font-normal text-muted text-sm">
                  v{active.version} stays active until you approve this one
                </span>
              ) : null}
            </p>
            <div className="mb-3">
              <TrialUse version={version} now={now} />
            </div>
            <DecisionActions name={name} version={version} onDone={onDone} onError={onError} />
          </>
        ) : version.status === "active" ? (
          <RetireAction name={name} version={version} onDone={onDone} onError={onError} />
        ) : (
          <p className="text-muted">
            {version.status === "rejected"
              ? "Rejected. The agent was told why and can propose a different version."
              : canRollBack(version)
                ? `Not active. Roll back to v${version.version} under Versions to make it active again.`
                : "Not active."}
            {active ? ` v${active.version} is the active version.` : " No version is active."}
          </p>
        )}
        {DECISION_VERB[version.status] && version.decidedAt ? (
          <div className="mt-3 border-line border-t pt-3">
            <Decision version={version} now={now} />
          </div>
        ) : null}
      </section>

      {version.status === "proposed" || version.status === "active" ? (
        <EvaluationCard subject={{ kind: "tool", name, sha256: version.sha256 }} label={`with ${name}`} />
      ) : null}
      <About version={version} now={now} />
      <ValidationReport report={version.validation} onShowLine={showLine} />
      <div id="tool-code" className="scroll-mt-4">
        <CodePanel
          name={name}
          version={version.version}
          source={version.source}
          parent={parent}
          tab={tab}
          onTabChange={setTab}
          flaggedLines={flaggedLines}
          focus={focus}
        />
      </div>
      <ToolCalls version={version} now={now} />
    </>
  );
}

export function ToolDetail({
  name,
  detail,
  requestedVersion,
  now,
  onDone,
  onRefresh,
}: {
  name: string;
  detail: ToolDetailData;
  requestedVersion: number | null;
  now: number;
  onDone(message: string, version: number): void;
  /** Reload the list and this tool, e.g. after a refused action. */
  onRefresh(): void;
}) {
  const version = versionUnderReview(detail.versions, requestedVersion);
  const [error, setError] = useState<{ versionId: string; error: ActionError } | null>(null);
  if (!version) return <p className="text-muted">This tool has no versions.</p>;
  // An error belongs to the version it was about; another version starts clean.
  const shownError = error?.versionId === version.id ? error.error : null;
  function onError(next: ActionError | null) {
    setError(next && version ? { versionId: version.id, error: next } : null);
    if (next) onRefresh();
  }
  return (
    <article data-testid="tool-detail" aria-labelledby="tool-heading" className="flex flex-col gap-4">
      <header className="flex flex-col gap-1.5">
        <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
          <h2 id="tool-heading" className="font-mono font-semibold text-fg text-xl tracking-tight">
            {name}
          </h2>
          <span className="font-mono text-muted">v{version.version}</span>
          <ToolStatusBadge data-testid="tool-status" status={version.status} />
        </div>
        {version.description ? <p className="max-w-3xl text-muted">{version.description}</p> : null}
        <p className="font-mono text-faint text-xs">
          sha256 <span className="select-all text-muted">{version.sha256}</span>
        </p>
      </header>
      {shownError ? (
        <div className="rounded-md border border-red-400/25 bg-red-400/[0.07] px-3 py-2">
          <ActionErrorNote error={shownError} />
        </div>
      ) : null}
      <Versions
        name={name}
        versions={detail.versions}
        selected={version}
        now={now}
        onDone={onDone}
        onError={onError}
      />
      <VersionView
        key={version.id}
        name={name}
        detail={detail}
        version={version}
        now={now}
        onDone={onDone}
        onError={onError}
      />
    </article>
  );
}
