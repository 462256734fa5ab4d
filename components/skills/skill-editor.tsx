"use client";

import { type KeyboardEvent, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { parseSkill, type SkillDocument } from "@/lib/skills/parse";
import type { DiskState, SkillDetail } from "@/lib/skills/views";
import { skillsApi } from "../api-client";
import { countOf, formatAbsoluteTime, formatRelativeTime } from "../format";
import { Button } from "../ui/button";
import { Callout } from "../ui/callout";
import { cn } from "../ui/cn";
import { Kbd } from "../ui/kbd";
import { ConflictPanel } from "./conflict-panel";
import { ConfirmDialog, RenameSkillDialog } from "./dialogs";
import { SkillCodeEditor } from "./lazy";
import { MarkdownPreview } from "./markdown-preview";
import { SkillHistory } from "./skill-history";
import { Pill } from "./skill-list";

type Mode = "edit" | "split" | "preview";
const MODES: { id: Mode; label: string }[] = [
  { id: "edit", label: "Edit" },
  { id: "split", label: "Split" },
  { id: "preview", label: "Preview" },
];
const REFRESH_MS = 15_000;

export interface SkillEditorProps {
  detail: SkillDetail & { content: string; sha256: string };
  now: number;
  /** A new detail from the server (after a save, a restore, a reload), with a sentence to announce. */
  onChanged(detail: SkillDetail, message: string | null): void;
  onRenamed(to: string): void;
  onDeleted(name: string): void;
  onDirtyChange(dirty: boolean): void;
}

function FrontMatterCard({ skill }: { skill: SkillDocument }) {
  const {
    name: _n,
    description: _d,
    triggers: _t,
    "allowed-tools": _a,
    "disable-model-invocation": _m,
    ...other
  } = skill.frontMatter;
  return (
    <div className="mb-4 rounded-md border border-line bg-panel-2/50 px-3 py-2.5 text-sm">
      <p className="font-medium font-mono text-fg">{skill.name}</p>
      <p className="mt-0.5 text-muted leading-5">{skill.description}</p>
      <div className="mt-2 flex flex-wrap items-center gap-1.5">
        <span className="text-faint text-xs">Triggers:</span>
        {skill.triggers.length ? (
          skill.triggers.map((t) => (
            <span
              key={t}
              className="rounded border border-line-strong px-1.5 py-px font-mono text-[11px] text-muted"
            >
              {t}
            </span>
          ))
        ) : (
          <span className="text-faint text-xs italic">
            none: the skill is only loaded when the model chooses to
          </span>
        )}
      </div>
      {!skill.modelInvocable ? (
        <p className="mt-2 text-muted text-xs" data-testid="skill-people-only">
          For people only (<code className="font-mono">disable-model-invocation: true</code>): not listed to
          the model and never suggested; it loads when you name it in a message.
        </p>
      ) : null}
      {skill.allowedTools.length ? (
        <div className="mt-2 flex flex-wrap items-center gap-1.5" data-testid="skill-allowed-tools">
          <span className="text-faint text-xs">Allowed tools:</span>
          {skill.allowedTools.map((t) => (
            <span
              key={t}
              className="rounded border border-line-strong px-1.5 py-px font-mono text-[11px] text-muted"
            >
              {t}
            </span>
          ))}
        </div>
      ) : null}
      {skill.warnings.length ? (
        <ul className="mt-2 space-y-0.5 text-amber-200 text-xs" data-testid="skill-warnings">
          {skill.warnings.map((w) => (
            <li key={`${w.line}:${w.message}`}>
              {w.line ? `Line ${w.line}: ` : ""}
              {w.message}
            </li>
          ))}
        </ul>
      ) : null}
      {Object.keys(other).length ? (
        <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs">
          {Object.entries(other).map(([key, value]) => (
            <div key={key} className="contents">
              <dt className="font-mono text-faint">{key}</dt>
              <dd className="truncate font-mono text-muted">
                {typeof value === "string" ? value : JSON.stringify(value)}
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
    </div>
  );
}

export function SkillEditor({
  detail,
  now,
  onChanged,
  onRenamed,
  onDeleted,
  onDirtyChange,
}: SkillEditorProps) {
  const { name } = detail;
  const [base, setBase] = useState({ content: detail.content, sha256: detail.sha256 });
  const [draft, setDraft] = useState(detail.content);
  const [mode, setMode] = useState<Mode>("split");
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<{ disk: DiskState; message: string } | null>(null);
  const [diskChanged, setDiskChanged] = useState(false);
  const [historyOpen, setHistoryOpen] = useState(false);
  const [renaming, setRenaming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [reveal, setReveal] = useState<{ line: number; nonce: number } | null>(null);
  const tabRefs = useRef<Record<Mode, HTMLButtonElement | null>>({ edit: null, split: null, preview: null });

  const dirty = draft !== base.content;
  const validation = useMemo(() => parseSkill(draft, { name }), [draft, name]);
  const lastValid = useRef<SkillDocument | null>(null);
  if (validation.ok) lastValid.current = validation.skill;
  const previewSkill = validation.ok ? validation.skill : lastValid.current;

  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);

  // A new file from the server becomes the base; the text follows unless the person has edits.
  const baseRef = useRef(base);
  baseRef.current = base;
  const draftRef = useRef(draft);
  draftRef.current = draft;
  useEffect(() => {
    if (detail.sha256 === baseRef.current.sha256) return;
    setDraft((current) =>
      current === baseRef.current.content || current === detail.content ? detail.content : current,
    );
    setBase({ content: detail.content, sha256: detail.sha256 });
    setDiskChanged(false);
  }, [detail.content, detail.sha256]);

  const save = useCallback(
    async (override?: { content: string; baseSha256: string | null }) => {
      if (saving) return;
      const content = override?.content ?? draft;
      const check = parseSkill(content, { name });
      if (!check.ok) {
        if (check.error.line) setReveal({ line: check.error.line, nonce: Date.now() });
        return;
      }
      if (!override && !dirty) return;
      setSaving(true);
      setSaveError(null);
      const result = await skillsApi.save(name, {
        content,
        baseSha256: override ? override.baseSha256 : base.sha256,
      });
      setSaving(false);
      if (result.ok) {
        setConflict(null);
        setDraft(content);
        setBase({ content: result.data.content ?? content, sha256: result.data.sha256 ?? "" });
        onChanged(
          result.data,
          result.data.changed
            ? `Saved ${name} as v${result.data.version}. The agent uses it from its next turn.`
            : "Nothing changed.",
        );
      } else if ("conflict" in result) {
        setConflict({ disk: result.conflict, message: result.message });
      } else {
        setSaveError(result.message);
      }
    },
    [saving, draft, name, dirty, base.sha256, onChanged],
  );

  const saveRef = useRef(save);
  saveRef.current = save;
  const onSave = useCallback(() => void saveRef.current(), []);

  // Ctrl/Cmd+S anywhere on the page (the editor handles it itself when focused).
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.defaultPrevented || event.key.toLowerCase() !== "s" || !(event.metaKey || event.ctrlKey))
        return;
      event.preventDefault();
      void saveRef.current();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  // Warn before leaving the page with unsaved edits.
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [dirty]);

  // Notice edits made on disk while the skill is open: reload when clean, warn when not.
  useEffect(() => {
    async function check() {
      if (document.visibilityState !== "visible") return;
      const result = await skillsApi.detail(name);
      if (!result.ok || !result.data.sha256 || result.data.sha256 === baseRef.current.sha256) return;
      if (draftRef.current === baseRef.current.content)
        onChanged(result.data, "Reloaded: the file changed on disk.");
      else setDiskChanged(true);
    }
    const timer = window.setInterval(() => void check(), REFRESH_MS);
    const onFocus = () => void check();
    window.addEventListener("focus", onFocus);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener("focus", onFocus);
    };
  }, [name, onChanged]);

  function onTabKey(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    event.preventDefault();
    const index = MODES.findIndex((m) => m.id === mode);
    const next = MODES[(index + (event.key === "ArrowRight" ? 1 : MODES.length - 1)) % MODES.length];
    if (!next) return;
    setMode(next.id);
    tabRefs.current[next.id]?.focus();
  }

  const showEditor = mode !== "preview";
  const showPreview = mode !== "edit";
  const errorLine = validation.ok ? null : validation.error.line;

  return (
    <div className="flex flex-col gap-4">
      <header className="flex flex-col gap-1.5">
        <div className="flex flex-wrap items-center gap-2">
          <h2 className="font-mono font-semibold text-fg text-lg" data-testid="skill-title">
            {name}
          </h2>
          {detail.format === "flat" ? (
            <Pill tone="muted" title="Saving moves it to skills/<name>/SKILL.md">
              flat file
            </Pill>
          ) : null}
          {detail.unusedSessions ? <Pill tone="warn">unused</Pill> : null}
          <span className="font-mono text-faint text-xs">skills/{detail.path}</span>
        </div>
        <p className="flex flex-wrap gap-x-3 gap-y-1 text-faint text-xs" data-testid="skill-usage">
          <span>
            <span className="text-muted tabular-nums">{countOf(detail.loads30d, "load")}</span> in 30 days
          </span>
          <span>
            <span className="text-muted tabular-nums">
              {detail.followed30d}/{detail.suggested30d}
            </span>{" "}
            suggestions followed
          </span>
          <span>
            last used{" "}
            {detail.lastUsedAt ? (
              <time
                dateTime={detail.lastUsedAt}
                title={formatAbsoluteTime(detail.lastUsedAt)}
                className="text-muted"
              >
                {formatRelativeTime(detail.lastUsedAt, now)}
              </time>
            ) : (
              <span className="text-muted">never</span>
            )}
          </span>
          <span>
            modified{" "}
            <time dateTime={detail.mtime} title={formatAbsoluteTime(detail.mtime)} className="text-muted">
              {formatRelativeTime(detail.mtime, now)}
            </time>
          </span>
        </p>
      </header>

      <div className="sticky top-0 z-10 -mx-6 flex flex-wrap items-center gap-2 border-line border-b bg-canvas/90 px-6 py-2 backdrop-blur">
        <div
          role="tablist"
          aria-label="View"
          className="flex items-center rounded-md border border-line p-0.5"
          onKeyDown={onTabKey}
        >
          {MODES.map((m) => (
            <button
              key={m.id}
              ref={(el) => {
                tabRefs.current[m.id] = el;
              }}
              type="button"
              role="tab"
              aria-selected={mode === m.id}
              tabIndex={mode === m.id ? 0 : -1}
              data-testid={`skill-mode-${m.id}`}
              onClick={() => setMode(m.id)}
              className={cn(
                "h-6 rounded px-2.5 font-medium text-sm transition-colors",
                mode === m.id ? "bg-hover text-fg" : "text-muted hover:text-fg",
              )}
            >
              {m.label}
            </button>
          ))}
        </div>
        <span aria-live="polite" className="min-w-0 flex-1 truncate text-sm" data-testid="skill-status">
          {validation.ok ? (
            dirty ? (
              <span className="text-amber-200">Unsaved changes</span>
            ) : (
              <span className="text-faint">Saved</span>
            )
          ) : (
            <span className="text-red-300">
              Front matter has an error{errorLine ? ` on line ${errorLine}` : ""}
            </span>
          )}
        </span>
        <Button
          size="sm"
          variant="ghost"
          aria-expanded={historyOpen}
          data-testid="skill-history-toggle"
          onClick={() => setHistoryOpen((o) => !o)}
        >
          History ({detail.versions.length})
        </Button>
        <Button
          size="sm"
          variant="ghost"
          data-testid="skill-rename-button"
          disabled={dirty}
          title={dirty ? "Save or discard your changes first" : undefined}
          onClick={() => setRenaming(true)}
        >
          Rename
        </Button>
        <Button size="sm" variant="ghost" data-testid="skill-delete-button" onClick={() => setDeleting(true)}>
          Delete
        </Button>
        {dirty ? (
          <Button
            size="sm"
            variant="ghost"
            data-testid="skill-discard"
            onClick={() => setDraft(base.content)}
          >
            Discard
          </Button>
        ) : null}
        <Button
          size="sm"
          variant="primary"
          data-testid="skill-save"
          disabled={!dirty || !validation.ok || saving}
          title={validation.ok ? "Save (Ctrl/⌘ S)" : "Fix the front matter first"}
          onClick={onSave}
        >
          {saving ? "Saving…" : "Save"}
          <Kbd>⌘S</Kbd>
        </Button>
      </div>

      {!validation.ok ? (
        <Callout tone="error" role="alert" data-testid="skill-validation" className="flex items-start gap-3">
          <span className="min-w-0 flex-1">
            {errorLine ? <span className="font-mono">Line {errorLine}: </span> : null}
            {validation.error.message}
          </span>
          {errorLine ? (
            <Button
              size="sm"
              variant="ghost"
              onClick={() => setReveal({ line: errorLine, nonce: Date.now() })}
            >
              Go to line {errorLine}
            </Button>
          ) : null}
        </Callout>
      ) : null}
      {saveError ? (
        <Callout tone="error" role="alert" data-testid="skill-save-error">
          Could not save: {saveError}
        </Callout>
      ) : null}
      {diskChanged && !conflict ? (
        <Callout tone="warn" role="status" data-testid="skill-disk-changed">
          The file changed on disk since you opened it. Saving will show both versions so you can choose.
        </Callout>
      ) : null}
      {conflict ? (
        <ConflictPanel
          key={conflict.disk.sha256 ?? "deleted"}
          name={name}
          message={conflict.message}
          disk={conflict.disk}
          mine={draft}
          busy={saving}
          onKeepMine={(content) => void save({ content, baseSha256: conflict.disk.sha256 })}
          onUseDisk={() => {
            setConflict(null);
            if (!conflict.disk.exists) {
              onDeleted(name);
              return;
            }
            void skillsApi.detail(name).then((result) => {
              if (result.ok && result.data.content !== null && result.data.sha256) {
                setDraft(result.data.content);
                setBase({ content: result.data.content, sha256: result.data.sha256 });
                onChanged(result.data, "Loaded the version on disk; your edits were discarded.");
              }
            });
          }}
          onCancel={() => setConflict(null)}
        />
      ) : null}

      {historyOpen ? (
        <SkillHistory
          name={name}
          versions={detail.versions}
          current={{ content: base.content, sha256: base.sha256 }}
          dirty={dirty}
          now={now}
          onRestored={(message) => {
            void skillsApi.detail(name).then((result) => {
              if (!result.ok || result.data.content === null || !result.data.sha256) return;
              setDraft(result.data.content);
              setBase({ content: result.data.content, sha256: result.data.sha256 });
              onChanged(result.data, message);
            });
          }}
        />
      ) : null}

      <div className={cn("grid min-h-0 gap-4", mode === "split" && "lg:grid-cols-2")}>
        {showEditor ? (
          <div
            data-testid="skill-editor"
            className="h-[calc(100dvh-19rem)] min-h-[22rem] overflow-hidden rounded-lg border border-line bg-panel focus-within:border-line-strong"
          >
            <SkillCodeEditor
              value={draft}
              label={`${name}/SKILL.md`}
              onChange={setDraft}
              onSave={onSave}
              errorLine={errorLine}
              reveal={reveal}
            />
          </div>
        ) : null}
        {showPreview ? (
          <section
            aria-label="Preview"
            data-testid="skill-preview"
            className="h-[calc(100dvh-19rem)] min-h-[22rem] overflow-y-auto rounded-lg border border-line bg-panel px-5 py-4"
          >
            {previewSkill ? (
              <>
                {!validation.ok ? (
                  <p className="mb-3 text-faint text-xs">Showing the last valid front matter.</p>
                ) : null}
                <FrontMatterCard skill={previewSkill} />
                <MarkdownPreview markdown={validation.ok ? validation.skill.body : previewSkill.body} />
              </>
            ) : (
              <p className="text-faint">The preview appears when the front matter is valid.</p>
            )}
          </section>
        ) : null}
      </div>

      {detail.files.length ? (
        <section aria-labelledby="skill-files" className="rounded-lg border border-line bg-panel px-4 py-3">
          <h3 id="skill-files" className="font-medium text-faint text-xs uppercase tracking-wide">
            Other files in the folder
          </h3>
          <p className="mt-1 text-faint text-xs">Listed to the agent when it loads the skill.</p>
          <ul
            className="mt-2 grid gap-x-6 gap-y-0.5 font-mono text-sm sm:grid-cols-2"
            data-testid="skill-files"
          >
            {detail.files.map((file) => (
              <li key={file.path} className="flex min-w-0 justify-between gap-3">
                <span className="truncate text-muted">{file.path}</span>
                <span className="shrink-0 text-faint text-xs tabular-nums">
                  {file.kind === "link"
                    ? "link"
                    : file.size < 1024
                      ? `${file.size} B`
                      : `${(file.size / 1024).toFixed(1)} KiB`}
                </span>
              </li>
            ))}
            {detail.filesTruncated ? <li className="text-faint">…</li> : null}
          </ul>
        </section>
      ) : null}

      <RenameSkillDialog
        open={renaming}
        name={name}
        onClose={() => setRenaming(false)}
        onRenamed={(to) => {
          setRenaming(false);
          onRenamed(to);
        }}
      />
      <ConfirmDialog
        open={deleting}
        testId="skill-delete"
        danger
        title={`Delete ${name}?`}
        confirmLabel="Delete skill"
        busyLabel="Deleting…"
        onClose={() => setDeleting(false)}
        onConfirm={async () => {
          const result = await skillsApi.remove(name, base.sha256);
          if (!result.ok) return result.message;
          setDeleting(false);
          onDeleted(name);
          return null;
        }}
      >
        <p>
          Removes{" "}
          <span className="font-mono text-fg">
            skills/{detail.format === "flat" ? `${name}.md` : `${name}/`}
          </span>
          {detail.files.length
            ? ` and the ${detail.files.length} other ${detail.files.length === 1 ? "file" : "files"} in it`
            : ""}
          . The agent no longer sees it from its next turn.
        </p>
        <p>Its version history is kept: you can restore it from the list of deleted skills.</p>
        {dirty ? <p className="text-amber-200">Your unsaved edits are lost.</p> : null}
      </ConfirmDialog>
    </div>
  );
}
