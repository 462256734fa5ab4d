"use client";

import { useState } from "react";
import type { WorkspacesView } from "@/lib/settings/views";
import { settingsApi } from "../api-client";
import { Button } from "../ui/button";
import { Callout } from "../ui/callout";
import { Field } from "../ui/field";
import { Textarea } from "../ui/input";
import { SourceTag } from "./source-tag";

type SaveState =
  | { kind: "idle" }
  | { kind: "saving" }
  | { kind: "saved" }
  | { kind: "error"; message: string };

function lines(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
}

/**
 * The folders sessions may work in. Saved on their own (admins only, audited), not with the rest
 * of the form: the server checks every folder on disk and refuses the whole list if one may not
 * be a workspace root.
 */
export function WorkspaceRoots({
  workspaces,
  onSaved,
}: {
  workspaces: WorkspacesView;
  onSaved: (next: WorkspacesView) => void;
}) {
  const [text, setText] = useState((workspaces.saved ?? workspaces.roots).join("\n"));
  const [save, setSave] = useState<SaveState>({ kind: "idle" });

  async function send(roots: string[] | null) {
    setSave({ kind: "saving" });
    const result = await settingsApi.saveWorkspaceRoots(roots);
    if (!result.ok) {
      setSave({ kind: "error", message: result.message });
      return;
    }
    setText((result.data.saved ?? result.data.roots).join("\n"));
    setSave({ kind: "saved" });
    onSaved(result.data);
  }

  const from = workspaces.source === "env" && workspaces.variable ? ` (${workspaces.variable})` : "";
  return (
    <div className="flex flex-col gap-4" data-testid="settings-workspaces">
      <div className="text-sm">
        <div className="flex items-center gap-2 text-muted">
          Sessions may work in{from}: <SourceTag source={workspaces.source} />
        </div>
        <ul className="mt-1 font-mono text-fg" data-testid="settings-workspace-roots">
          {workspaces.roots.length ? (
            workspaces.roots.map((root) => <li key={root}>{root}</li>)
          ) : (
            <li className="text-red-300">no usable folder: no session can start</li>
          )}
        </ul>
        <p className="mt-2 text-muted">
          Default workspace (a session started without a folder):{" "}
          <code className="font-mono text-fg" data-testid="settings-default-workspace">
            {workspaces.defaultWorkspace ?? "none"}
          </code>
        </p>
      </div>
      {workspaces.problems.length ? (
        <Callout tone="warn" data-testid="settings-workspace-problems">
          {workspaces.problems.map((problem) => (
            <p key={problem}>{problem}</p>
          ))}
        </Callout>
      ) : null}
      <Field
        label="Allowed folders"
        htmlFor="settings-workspace-roots-input"
        hint="One absolute path per line (~/ is your home folder). Each must exist, and may not be or contain Ratchet's own folders, a system folder, /, /tmp, /home or the home folder itself. Admins only; every change is in the audit log."
      >
        <Textarea
          id="settings-workspace-roots-input"
          data-testid="settings-workspace-roots-input"
          rows={3}
          spellCheck={false}
          className="font-mono text-sm"
          placeholder={"~/ratchet-workspaces\n/srv/projects"}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setSave({ kind: "idle" });
          }}
        />
      </Field>
      <div className="flex items-center gap-2">
        <Button
          data-testid="settings-workspace-roots-save"
          disabled={save.kind === "saving"}
          onClick={() => void send(lines(text))}
        >
          Save folders
        </Button>
        {workspaces.saved ? (
          <Button variant="ghost" disabled={save.kind === "saving"} onClick={() => void send(null)}>
            Clear saved folders
          </Button>
        ) : null}
        <span aria-live="polite" className="min-w-0 text-sm">
          {save.kind === "saved" ? (
            <span className="text-emerald-300">✓ Saved</span>
          ) : save.kind === "error" ? (
            <span role="alert" className="text-red-300" data-testid="settings-workspace-roots-error">
              {save.message}
            </span>
          ) : null}
        </span>
      </div>
    </div>
  );
}
