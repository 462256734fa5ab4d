"use client";

import { type FormEvent, useCallback, useEffect, useState } from "react";
import type { FolderEntry, FolderGit, FolderListingView } from "@/lib/workspaces/views";
import { workspacesApi } from "../api-client";
import { Button } from "../ui/button";
import { cn } from "../ui/cn";
import { Dialog, ErrorLine } from "../ui/dialog";
import { Input } from "../ui/input";

function GitBadge({ git }: { git: FolderGit }) {
  const state = git.changes === null ? null : git.changes === 0 ? "clean" : `${git.changes} changed`;
  return (
    <span data-testid="folder-git" className="inline-flex items-center gap-1.5 font-mono text-xs">
      <span className="text-accent-text">{git.branch ?? "detached"}</span>
      {state ? (
        <span
          data-testid="folder-git-state"
          className={git.changes === 0 ? "text-emerald-300" : "text-amber-300"}
        >
          {state}
        </span>
      ) : null}
      {git.worktree ? <span className="text-faint">worktree</span> : null}
    </span>
  );
}

function EntryRow({ entry, onOpen }: { entry: FolderEntry; onOpen(): void }) {
  return (
    <li>
      <button
        type="button"
        data-testid="folder-entry"
        data-name={entry.name}
        disabled={entry.problem !== null}
        title={entry.problem ?? entry.path}
        onClick={onOpen}
        className={cn(
          "flex w-full items-center gap-2 rounded px-2 py-1.5 text-left text-sm hover:bg-hover disabled:cursor-not-allowed disabled:opacity-60",
          entry.hidden ? "text-faint" : "text-fg",
        )}
      >
        <span aria-hidden="true">📁</span>
        <span className="min-w-0 flex-1 truncate font-mono">{entry.name}</span>
        {entry.hidden ? <span className="text-faint text-xs">hidden</span> : null}
        {entry.link ? <span className="text-faint text-xs">link</span> : null}
        {entry.problem ? (
          <span data-testid="folder-protected" className="text-red-300 text-xs">
            protected
          </span>
        ) : null}
        {entry.git ? <GitBadge git={entry.git} /> : null}
      </button>
    </li>
  );
}

/**
 * Picks a workspace folder inside the roots: browse down from a root (the server lists only what
 * lies inside them), see each folder's branch and dirty state, create a folder, use one.
 */
export function FolderBrowser({
  open,
  onClose,
  onPick,
}: {
  open: boolean;
  onClose(): void;
  onPick(folder: string): void;
}) {
  const [listing, setListing] = useState<FolderListingView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [showHidden, setShowHidden] = useState(false);
  const [newName, setNewName] = useState("");

  const load = useCallback(async (folder?: string) => {
    setError(null);
    const result = await workspacesApi.folders(folder);
    if (result.ok) setListing(result.data);
    else setError(result.message);
  }, []);

  useEffect(() => {
    if (open) void load();
  }, [open, load]);

  async function create(event: FormEvent) {
    event.preventDefault();
    if (!listing?.folder || !newName.trim()) return;
    const result = await workspacesApi.createFolder(listing.folder, newName.trim());
    if (!result.ok) {
      setError(result.message);
      return;
    }
    setNewName("");
    await load(result.data.path);
  }

  const entries = (listing?.entries ?? []).filter((e) => showHidden || !e.hidden);
  return (
    <Dialog
      open={open}
      onClose={onClose}
      wide
      title="Choose a workspace folder"
      description="Folders inside the workspace roots. The agent works in the folder you choose."
      data-testid="folder-browser"
    >
      <div className="flex items-center gap-2">
        <Button
          size="sm"
          variant="ghost"
          data-testid="folder-up"
          disabled={!listing?.folder}
          onClick={() => void load(listing?.parent ?? undefined)}
        >
          ↑ Up
        </Button>
        <code data-testid="folder-current" className="min-w-0 flex-1 truncate text-muted text-sm">
          {listing?.folder ?? "Workspace roots"}
        </code>
        {listing?.git ? <GitBadge git={listing.git} /> : null}
      </div>
      {listing && listing.folder === null && listing.recent.length > 0 ? (
        <section aria-label="Recent workspaces">
          <h3 className="mb-1 text-faint text-xs uppercase tracking-wide">Recent</h3>
          <ul className="flex flex-col">
            {listing.recent.map((folder) => (
              <li key={folder}>
                <button
                  type="button"
                  data-testid="recent-workspace"
                  onClick={() => onPick(folder)}
                  className="w-full truncate rounded px-2 py-1 text-left font-mono text-sm hover:bg-hover"
                >
                  {folder}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <ul aria-label="Folders" className="max-h-72 min-h-24 overflow-y-auto rounded border border-line p-1">
        {listing === null && !error ? <li className="px-2 py-1.5 text-faint text-sm">Loading…</li> : null}
        {listing && entries.length === 0 ? (
          <li className="px-2 py-1.5 text-faint text-sm">No folders here.</li>
        ) : null}
        {entries.map((entry) => (
          <EntryRow key={entry.path} entry={entry} onOpen={() => void load(entry.path)} />
        ))}
      </ul>
      <label className="flex items-center gap-2 text-muted text-sm">
        <input type="checkbox" checked={showHidden} onChange={(e) => setShowHidden(e.target.checked)} />
        Show hidden folders
      </label>
      {listing?.folder ? (
        <form onSubmit={create} className="flex items-center gap-2" aria-label="New folder">
          <Input
            data-testid="new-folder-name"
            aria-label="New folder name"
            placeholder="new-folder"
            value={newName}
            onChange={(e) => setNewName(e.target.value)}
            className="font-mono text-sm"
          />
          <Button size="sm" type="submit" data-testid="new-folder-create" disabled={!newName.trim()}>
            Create folder
          </Button>
        </form>
      ) : null}
      <ErrorLine message={error} testId="folder-error" />
      <div className="flex justify-end gap-2">
        <Button variant="ghost" onClick={onClose}>
          Cancel
        </Button>
        <Button
          variant="primary"
          data-testid="folder-use"
          disabled={!listing?.folder}
          onClick={() => listing?.folder && onPick(listing.folder)}
        >
          Use this folder
        </Button>
      </div>
    </Dialog>
  );
}
