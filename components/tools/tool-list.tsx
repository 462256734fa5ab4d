"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import type { ToolListItem } from "@/lib/tools/views";
import { formatAbsoluteTime, formatRelativeTime } from "../format";
import { cn } from "../ui/cn";
import { SkeletonList } from "../ui/skeleton-list";
import { groupTools, shortSha, toolHref } from "./model";
import { ToolStatusBadge } from "./tool-status-badge";

function SectionHeading({
  id,
  title,
  count,
  tone,
}: {
  id: string;
  title: string;
  count?: number;
  tone?: "warn";
}) {
  return (
    <div className="flex h-9 items-center gap-2 px-4">
      <h2 id={id} className="font-medium text-faint text-xs uppercase tracking-wide">
        {title}
      </h2>
      {count !== undefined ? (
        <span
          data-testid={`${id}-count`}
          className={cn(
            "inline-flex h-4 min-w-4 items-center justify-center rounded-full px-1.5 font-medium text-[10px] tabular-nums leading-none",
            tone === "warn" && count > 0 ? "bg-amber-400/15 text-amber-300" : "bg-panel-2 text-faint",
          )}
        >
          {count}
        </span>
      ) : null}
    </div>
  );
}

function Meta({ children }: { children: ReactNode }) {
  return <span className="truncate font-mono text-[11px] text-faint leading-4">{children}</span>;
}

function ToolRow({ tool, selected, now }: { tool: ToolListItem; selected: boolean; now: number }) {
  const extraPending = tool.pending > 1 || (tool.pending === 1 && tool.status !== "proposed");
  return (
    <li>
      <Link
        data-testid={`tool-row-${tool.name}`}
        href={toolHref(tool.name)}
        aria-current={selected ? "page" : undefined}
        scroll={false}
        className={cn(
          "relative flex flex-col gap-0.5 rounded-md px-3 py-2 transition-colors",
          selected ? "bg-hover" : "hover:bg-hover/60 focus-visible:bg-hover/60",
        )}
      >
        {selected ? (
          <span
            aria-hidden="true"
            className="absolute top-2 bottom-2 left-0 w-0.5 rounded-full bg-accent-text"
          />
        ) : null}
        <span className="flex min-w-0 items-center gap-2">
          <span className="min-w-0 flex-1 truncate font-medium font-mono text-fg text-sm">{tool.name}</span>
          {extraPending ? (
            <span className="shrink-0 rounded-full bg-amber-400/15 px-1.5 py-px font-medium text-[10px] text-amber-300">
              {tool.pending} pending
            </span>
          ) : null}
          <ToolStatusBadge status={tool.status} />
        </span>
        <span className="truncate text-muted text-sm" title={tool.description}>
          {tool.description || <span className="text-faint italic">no description</span>}
        </span>
        <Meta>
          {tool.origin} · v{tool.version} · {shortSha(tool.sha256)} ·{" "}
          <time dateTime={tool.updatedAt ?? undefined} title={formatAbsoluteTime(tool.updatedAt)}>
            {formatRelativeTime(tool.updatedAt, now)}
          </time>
        </Meta>
      </Link>
    </li>
  );
}

function NoAgentTools() {
  return (
    <div data-testid="tools-empty" className="mx-3 rounded-lg border border-line border-dashed px-4 py-5">
      <p className="font-medium text-fg">No agent-written tools yet</p>
      <div className="mt-1.5 space-y-2 text-muted text-sm leading-5">
        <p>
          When the agent hits friction — a job it keeps doing by hand with shell commands — it writes a small
          tool and calls <code className="rounded bg-panel-2 px-1 font-mono text-fg">propose_tool</code>.
        </p>
        <p>
          The tool is validated in the sandbox and the session that proposed it can use it right away. It then
          waits here until you approve that exact version for every session, or reject it with a reason the
          agent learns from.
        </p>
        <p>
          Tool files you add to the tools folder yourself show up after <em>Check tools folder</em>.
        </p>
      </div>
    </div>
  );
}

export function ToolList({
  tools,
  error,
  selected,
  now,
}: {
  tools: ToolListItem[] | null;
  error: string | null;
  selected: string | null;
  now: number;
}) {
  if (error && tools === null) {
    return (
      <p role="alert" className="px-4 py-6 text-red-300">
        Could not load tools: {error}
      </p>
    );
  }
  if (tools === null) return <SkeletonList />;

  const groups = groupTools(tools);
  const noneWritten = groups.pending.length === 0 && groups.toolbox.length === 0;
  return (
    <div className="flex flex-col gap-4 pb-6">
      {error ? (
        <p role="alert" className="mx-4 text-red-300 text-sm">
          Could not refresh: {error}
        </p>
      ) : null}

      <section aria-labelledby="pending-section" data-testid="pending-section">
        <SectionHeading
          id="pending-section"
          title="Pending approval"
          count={groups.pendingCount}
          tone="warn"
        />
        {groups.pending.length > 0 ? (
          <ul className="space-y-0.5 px-2">
            {groups.pending.map((tool) => (
              <ToolRow key={tool.name} tool={tool} selected={tool.name === selected} now={now} />
            ))}
          </ul>
        ) : noneWritten ? null : (
          <p className="px-4 text-faint text-sm">
            Nothing waiting. New proposals from the agent appear here.
          </p>
        )}
      </section>

      {noneWritten ? (
        <NoAgentTools />
      ) : (
        <section aria-labelledby="toolbox-section" data-testid="toolbox-section">
          <SectionHeading id="toolbox-section" title="Toolbox" count={groups.toolbox.length} />
          {groups.toolbox.length > 0 ? (
            <ul className="space-y-0.5 px-2">
              {groups.toolbox.map((tool) => (
                <ToolRow key={tool.name} tool={tool} selected={tool.name === selected} now={now} />
              ))}
            </ul>
          ) : (
            <p className="px-4 text-faint text-sm">Every written tool is waiting for a decision.</p>
          )}
        </section>
      )}

      <section aria-labelledby="builtin-section" data-testid="builtin-section">
        <SectionHeading id="builtin-section" title="Built in" count={groups.builtin.length} />
        <ul className="px-2">
          {groups.builtin.map((tool) => (
            <li
              key={tool.name}
              data-testid={`tool-row-${tool.name}`}
              className="flex min-w-0 items-baseline gap-2 px-3 py-1"
              title={tool.description}
            >
              <span className="shrink-0 font-mono text-muted text-sm">{tool.name}</span>
              <span className="truncate text-faint text-xs">{tool.description}</span>
            </li>
          ))}
        </ul>
        <p className="px-4 pt-1 text-faint text-xs">Part of Ratchet: always available, not versioned here.</p>
      </section>
    </div>
  );
}
