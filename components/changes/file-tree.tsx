"use client";

import { useLayoutEffect, useMemo, useRef, useState } from "react";
import { cn } from "../ui/cn";
import {
  buildTree,
  type ChangedEntry,
  STATUS_LETTER,
  type TreeRow,
  visibleRows,
  windowOf,
} from "./changes-model";

const ROW_HEIGHT = 24;

const STATUS_TONE: Record<ChangedEntry["status"], string> = {
  added: "text-emerald-300",
  modified: "text-amber-200",
  deleted: "text-red-300",
  renamed: "text-sky-300",
};

function Counts({
  additions,
  deletions,
  binary,
}: {
  additions: number;
  deletions: number;
  binary?: boolean;
}) {
  if (binary) return <span className="shrink-0 text-faint text-xs">binary</span>;
  return (
    <span className="shrink-0 font-mono text-xs tabular-nums">
      <span className="text-emerald-300/90">+{additions}</span>{" "}
      <span className="text-red-300/90">−{deletions}</span>
    </span>
  );
}

function Chevron({ open }: { open: boolean }) {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 16 16"
      width="10"
      height="10"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      className={cn("shrink-0 text-faint transition-transform", open && "rotate-90")}
    >
      <path d="M6 4l4 4-4 4" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

/**
 * The changed files as a tree (folders first, each with the sum of its files' counts). Only the rows
 * in view are in the DOM, so a turn that touched thousands of files scrolls as lightly as one that
 * touched three.
 */
export function FileTree({
  files,
  selected,
  onSelect,
  revertLabel,
  revertDisabled,
  onRevertFile,
}: {
  files: readonly ChangedEntry[];
  selected: string | null;
  onSelect(path: string): void;
  /** The file row's revert button (null: this scope offers none). */
  revertLabel: string | null;
  revertDisabled: string | null;
  onRevertFile(path: string): void;
}) {
  const tree = useMemo(() => buildTree(files), [files]);
  const [closed, setClosed] = useState<ReadonlySet<string>>(() => new Set());
  const rows = useMemo(() => visibleRows(tree, closed), [tree, closed]);
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 320 });

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setView({ top: el.scrollTop, height: el.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const { start, end } = windowOf(rows.length, view.top, view.height, ROW_HEIGHT);

  function toggle(path: string) {
    setClosed((prev) => {
      const next = new Set(prev);
      if (!next.delete(path)) next.add(path);
      return next;
    });
  }

  function row(r: TreeRow) {
    const indent = { paddingLeft: `${8 + r.depth * 14}px` };
    if (r.kind === "dir")
      return (
        <button
          type="button"
          aria-expanded={r.open}
          data-testid="changes-dir"
          data-path={r.node.path}
          onClick={() => toggle(r.node.path)}
          style={indent}
          className="flex h-6 w-full items-center gap-1.5 pr-3 text-left text-sm hover:bg-hover"
        >
          <Chevron open={r.open} />
          <span className="min-w-0 flex-1 truncate text-muted">{r.node.name}/</span>
          <Counts additions={r.node.additions} deletions={r.node.deletions} />
        </button>
      );
    const entry = r.node.entry;
    const isSelected = entry.path === selected;
    return (
      <div
        className={cn("group flex h-6 items-center", isSelected ? "bg-accent/15" : "hover:bg-hover")}
        data-testid="changes-file"
        data-path={entry.path}
        data-status={entry.status}
        aria-current={isSelected ? "true" : undefined}
      >
        <button
          type="button"
          onClick={() => onSelect(entry.path)}
          style={indent}
          title={entry.from ? `${entry.from} → ${entry.path}` : entry.path}
          className="flex h-full min-w-0 flex-1 items-center gap-1.5 pr-2 text-left text-sm"
        >
          <span
            className={cn("w-3 shrink-0 text-center font-mono text-xs", STATUS_TONE[entry.status])}
            title={entry.status}
          >
            {STATUS_LETTER[entry.status]}
          </span>
          <span className={cn("min-w-0 flex-1 truncate", isSelected ? "text-fg" : "text-muted")}>
            {r.node.name}
            {entry.from ? <span className="text-faint"> ← {entry.from.split("/").pop()}</span> : null}
          </span>
          <Counts additions={entry.additions} deletions={entry.deletions} binary={entry.binary} />
        </button>
        {revertLabel ? (
          <button
            type="button"
            data-testid="revert-file"
            disabled={revertDisabled !== null}
            title={revertDisabled ?? revertLabel}
            aria-label={`${revertLabel}: ${entry.path}`}
            onClick={() => onRevertFile(entry.path)}
            className="mr-1 inline-flex size-5 shrink-0 items-center justify-center rounded text-faint opacity-0 hover:bg-panel-2 hover:text-fg focus-visible:opacity-100 disabled:opacity-0 group-hover:opacity-100 group-hover:disabled:opacity-40"
          >
            <svg
              aria-hidden="true"
              viewBox="0 0 16 16"
              width="12"
              height="12"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.6"
            >
              <path d="M3.5 6.5h6.25a3 3 0 0 1 0 6H7" strokeLinecap="round" />
              <path d="M6 4 3.5 6.5 6 9" strokeLinecap="round" strokeLinejoin="round" />
            </svg>
          </button>
        ) : null}
      </div>
    );
  }

  return (
    <div
      ref={scroller}
      data-testid="changes-tree"
      onScroll={(e) => {
        const top = e.currentTarget.scrollTop;
        setView((v) => (v.top === top ? v : { ...v, top }));
      }}
      className="min-h-0 overflow-y-auto py-1"
    >
      <ul aria-label="Changed files" style={{ height: rows.length * ROW_HEIGHT, position: "relative" }}>
        {rows.slice(start, end).map((r, i) => (
          <li
            key={`${r.kind}:${r.node.path}`}
            style={{ position: "absolute", top: (start + i) * ROW_HEIGHT, left: 0, right: 0 }}
          >
            {row(r)}
          </li>
        ))}
      </ul>
    </div>
  );
}
