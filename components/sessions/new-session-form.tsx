"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { type NewSession, sessionsApi } from "../api-client";
import { formatBudget } from "../format";
import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { Input, Textarea } from "../ui/input";
import { useHydrated } from "../use-hydrated";
import { FolderBrowser } from "./folder-browser";

/**
 * The new-session form. Its first field is the task: it is sent as the session's first message and
 * the title is derived from it (renamed later in the session). The folder is typed or picked in the
 * folder browser.
 */
export function NewSessionForm({ defaultBudgetUsd }: { defaultBudgetUsd: number | null }) {
  const router = useRouter();
  const hydrated = useHydrated();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [workspace, setWorkspace] = useState("");
  const [browsing, setBrowsing] = useState(false);
  const [worktree, setWorktree] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // Read from the DOM, so anything typed before hydration counts.
    const form = new FormData(event.currentTarget);
    const field = (name: string) => String(form.get(name) ?? "").trim();
    const [task, title, folder, budget] = [
      field("task"),
      field("title"),
      field("workspace"),
      field("budgetUsd"),
    ];
    const body: NewSession = {};
    if (task) body.task = task;
    if (title) body.title = title;
    if (worktree) {
      const branch = field("worktreeBranch");
      if (!branch) {
        setError("Name the new branch the worktree starts on, e.g. agent/fix-login.");
        return;
      }
      body.worktreeBranch = branch;
    }
    if (folder) body.workspace = folder;
    if (budget) {
      const value = Number(budget);
      if (!Number.isFinite(value) || value <= 0) {
        setError("Budget must be a positive number of US dollars, e.g. 2.50.");
        return;
      }
      body.budgetUsd = value;
    }
    setPending(true);
    setError(null);
    const result = await sessionsApi.create(body);
    if (result.ok && typeof result.data?.id === "string") {
      router.push(`/sessions/${encodeURIComponent(result.data.id)}`);
      return;
    }
    setPending(false);
    setError(result.ok ? "The server did not return a session id." : result.message);
  }

  return (
    <>
      <form
        onSubmit={submit}
        noValidate
        aria-label="New session"
        className="flex flex-col gap-3 rounded-lg border border-line bg-panel p-4"
      >
        <Field label="Task" htmlFor="new-session-task">
          <Textarea
            id="new-session-task"
            data-testid="new-session-task"
            placeholder="What should the agent do? e.g. Add a --json flag to the export command and test it."
            rows={3}
            maxLength={200_000}
            name="task"
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) e.currentTarget.form?.requestSubmit();
            }}
          />
        </Field>
        <div className="grid grid-cols-1 gap-3 md:grid-cols-[minmax(0,1.4fr)_minmax(0,0.8fr)_8rem_auto] md:items-end">
          <Field label="Workspace folder" htmlFor="new-session-workspace">
            <div className="flex gap-2">
              <Input
                id="new-session-workspace"
                data-testid="new-session-workspace"
                placeholder="default workspace"
                autoComplete="off"
                spellCheck={false}
                className="font-mono text-sm"
                name="workspace"
                value={workspace}
                onChange={(e) => setWorkspace(e.target.value)}
              />
              <Button data-testid="new-session-browse" disabled={!hydrated} onClick={() => setBrowsing(true)}>
                Browse…
              </Button>
            </div>
          </Field>
          <Field label="Title" htmlFor="new-session-title">
            <Input
              id="new-session-title"
              data-testid="new-session-title"
              placeholder="from the task"
              autoComplete="off"
              maxLength={200}
              name="title"
            />
          </Field>
          <Field label="Budget (USD)" htmlFor="new-session-budget">
            <Input
              id="new-session-budget"
              data-testid="new-session-budget"
              type="number"
              inputMode="decimal"
              min="0"
              step="0.01"
              placeholder={defaultBudgetUsd ? formatBudget(defaultBudgetUsd) : "none"}
              className="tabular-nums"
              name="budgetUsd"
            />
          </Field>
          <Button
            data-testid="new-session-submit"
            type="submit"
            variant="primary"
            disabled={!hydrated || pending}
          >
            {pending ? "Starting…" : "Start session"}
          </Button>
        </div>
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <label className="flex items-center gap-2 text-muted">
            <input
              type="checkbox"
              data-testid="new-session-worktree"
              checked={worktree}
              onChange={(e) => setWorktree(e.target.checked)}
            />
            Start on a new branch in a git worktree (the checkout you picked stays untouched)
          </label>
          {worktree ? (
            <Input
              data-testid="new-session-branch"
              aria-label="New branch"
              name="worktreeBranch"
              placeholder="agent/my-change"
              autoComplete="off"
              spellCheck={false}
              className="max-w-xs font-mono text-sm"
            />
          ) : null}
        </div>
        {error ? (
          <p data-testid="form-error" role="alert" className="text-red-300">
            {error}
          </p>
        ) : null}
      </form>
      <FolderBrowser
        open={browsing}
        onClose={() => setBrowsing(false)}
        onPick={(folder) => {
          setWorkspace(folder);
          setBrowsing(false);
        }}
      />
    </>
  );
}
