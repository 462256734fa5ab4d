"use client";

import { useMemo, useState } from "react";
import { parseSkill } from "@/lib/skills/parse";
import type { DiskState } from "@/lib/skills/views";
import { Button } from "../ui/button";
import { ConflictMerge } from "./lazy";

export interface ConflictPanelProps {
  name: string;
  message: string;
  disk: DiskState;
  mine: string;
  busy: boolean;
  /** Save `content` over what is on disk now (its sha256 is the new base). */
  onKeepMine(content: string): void;
  onUseDisk(): void;
  onCancel(): void;
}

/**
 * The file changed on disk after it was opened: both versions side by side, and the person decides.
 * Nothing is overwritten until they choose "Save my version".
 */
export function ConflictPanel({
  name,
  message,
  disk,
  mine,
  busy,
  onKeepMine,
  onUseDisk,
  onCancel,
}: ConflictPanelProps) {
  const [merged, setMerged] = useState(mine);
  const validation = useMemo(() => parseSkill(merged, { name }), [merged, name]);
  return (
    <section
      role="alert"
      aria-label="Save conflict"
      data-testid="skill-conflict"
      className="overflow-hidden rounded-lg border border-amber-400/30 bg-amber-400/[0.04]"
    >
      <div className="flex flex-col gap-1 border-amber-400/20 border-b px-4 py-3">
        <p className="font-medium text-amber-100">Not saved: {message}</p>
        <p className="text-muted text-sm">
          {disk.exists
            ? "Left: the file on disk now. Right: your version, which you can edit here; the arrows copy a change from the disk version into yours."
            : "Someone deleted the file. Your version is below."}
        </p>
      </div>
      {disk.exists && disk.content !== null ? (
        <div className="grid grid-cols-2 border-line border-b text-faint text-xs">
          <span className="px-4 py-1.5">On disk now</span>
          <span className="border-line border-l px-4 py-1.5">Your version</span>
        </div>
      ) : null}
      <div className="bg-panel">
        {disk.exists && disk.content !== null ? (
          <ConflictMerge disk={disk.content} mine={mine} onMineChange={setMerged} />
        ) : null}
      </div>
      <div className="flex flex-wrap items-center gap-2 px-4 py-3">
        <Button
          variant="primary"
          data-testid="conflict-keep-mine"
          disabled={busy || !validation.ok}
          onClick={() => onKeepMine(merged)}
        >
          {disk.exists ? "Save my version" : "Create it again with my version"}
        </Button>
        <Button data-testid="conflict-use-disk" disabled={busy} onClick={onUseDisk}>
          {disk.exists ? "Use the disk version" : "Discard my edits"}
        </Button>
        <Button variant="ghost" disabled={busy} onClick={onCancel}>
          Keep editing
        </Button>
        {!validation.ok ? (
          <span role="status" className="text-red-300 text-sm">
            Your version has an error{validation.error.line ? ` on line ${validation.error.line}` : ""}:{" "}
            {validation.error.message}
          </span>
        ) : null}
      </div>
    </section>
  );
}
