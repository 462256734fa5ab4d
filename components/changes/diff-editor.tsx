"use client";

/**
 * A file's diff in CodeMirror 6: unified (the new text, removed lines shown above each change) or
 * split (before and after side by side), highlighted by file type, with a "revert" bar at each of
 * git's hunks and the lines that have review comments marked. Loaded with a dynamic import only
 * when the Changes panel shows a file, and each language only when a file of it is shown.
 */
import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { MergeView, unifiedMergeView } from "@codemirror/merge";
import { Compartment, EditorState, type Extension, RangeSetBuilder, type Text } from "@codemirror/state";
import { Decoration, EditorView, lineNumbers, WidgetType } from "@codemirror/view";
import { tags as t } from "@lezer/highlight";
import { useEffect, useRef } from "react";
import { CODE_COLORS, sharedThemeRules } from "../code/codemirror-base";
import { type Hunk, type LanguageId, languageOf } from "./changes-model";

const C = CODE_COLORS;

async function loadLanguage(id: LanguageId): Promise<Extension> {
  switch (id) {
    case "javascript":
    case "json":
      return (await import("@codemirror/lang-javascript")).javascript();
    case "jsx":
      return (await import("@codemirror/lang-javascript")).javascript({ jsx: true });
    case "typescript":
      return (await import("@codemirror/lang-javascript")).javascript({ typescript: true });
    case "tsx":
      return (await import("@codemirror/lang-javascript")).javascript({ jsx: true, typescript: true });
    case "markdown":
      return (await import("@codemirror/lang-markdown")).markdown();
    case "yaml":
      return (await import("@codemirror/lang-yaml")).yaml();
    case "css":
      return (await import("@codemirror/lang-css")).css();
    case "html":
      return (await import("@codemirror/lang-html")).html();
  }
}

const theme = EditorView.theme(
  {
    ...sharedThemeRules("1.6"),
    "&": { color: C.fg, backgroundColor: C.canvas, fontSize: "12px" },
    ".cm-content": { padding: "6px 0" },
    ".cm-line": { padding: "0 14px 0 10px" },
    ".cm-lineNumbers .cm-gutterElement": { padding: "0 8px 0 12px", minWidth: "34px" },
    ".cm-changedLine": { backgroundColor: "rgba(52, 211, 153, 0.08) !important" },
    ".cm-changedText": { background: "rgba(52, 211, 153, 0.24) !important", borderRadius: "2px" },
    ".cm-deletedChunk": { backgroundColor: "rgba(248, 113, 113, 0.09)" },
    ".cm-deletedChunk .cm-deletedLine, .cm-deletedLine": { padding: "0 14px 0 10px" },
    ".cm-deletedText, .cm-merge-a .cm-changedText": {
      background: "rgba(248, 113, 113, 0.25) !important",
      borderRadius: "2px",
    },
    ".cm-merge-a .cm-changedLine": { backgroundColor: "rgba(248, 113, 113, 0.08) !important" },
    ".cm-changedLineGutter": { background: "#34d399" },
    ".cm-merge-a .cm-changedLineGutter, .cm-deletedLineGutter": { background: "#f87171" },
    ".cm-collapsedLines": {
      padding: "3px 12px",
      "&:before, &:after": { content: "none" },
      color: C.muted,
      fontFamily: "var(--font-sans)",
      fontSize: "11px",
      background: C.panel2,
      borderTop: `1px solid ${C.line}`,
      borderBottom: `1px solid ${C.line}`,
    },
    ".cm-hunk-bar": {
      display: "flex",
      alignItems: "center",
      gap: "8px",
      padding: "2px 10px",
      fontFamily: "var(--font-sans)",
      fontSize: "11px",
      color: C.faint,
      background: C.panel2,
      borderTop: `1px solid ${C.line}`,
    },
    ".cm-hunk-bar button": {
      marginLeft: "auto",
      color: C.muted,
      border: `1px solid ${C.line}`,
      borderRadius: "4px",
      padding: "0 6px",
      background: C.canvas,
      cursor: "pointer",
    },
    ".cm-hunk-bar button:hover": { color: C.fg, borderColor: C.lineStrong },
    ".cm-hunk-bar button:disabled": { opacity: "0.45", cursor: "default" },
    ".cm-review-line": { boxShadow: `inset 2px 0 0 ${C.accentText}` },
  },
  { dark: true },
);

const highlight = HighlightStyle.define([
  { tag: [t.keyword, t.controlKeyword, t.moduleKeyword, t.operatorKeyword], color: "#c4b5fd" },
  { tag: [t.definitionKeyword, t.modifier], color: "#c4b5fd" },
  { tag: [t.string, t.special(t.string), t.regexp, t.attributeValue], color: "#86efac" },
  { tag: [t.number, t.bool, t.null, t.atom, t.color], color: "#fcd34d" },
  { tag: [t.comment, t.lineComment, t.blockComment], color: C.faint, fontStyle: "italic" },
  { tag: [t.function(t.variableName), t.function(t.propertyName)], color: "#7dd3fc" },
  { tag: [t.propertyName, t.definition(t.propertyName), t.attributeName], color: "#a5b4fc" },
  { tag: [t.typeName, t.className, t.tagName], color: "#f0abfc" },
  { tag: [t.operator, t.punctuation, t.separator, t.bracket], color: C.muted },
  { tag: [t.heading1, t.heading2, t.heading3, t.heading4], color: C.fg, fontWeight: "600" },
  { tag: [t.link, t.url], color: C.accentText },
  { tag: t.monospace, color: "#86efac" },
  { tag: t.emphasis, fontStyle: "italic" },
  { tag: t.strong, fontWeight: "600" },
  { tag: [t.meta, t.processingInstruction], color: C.faint },
  { tag: t.invalid, color: "#fca5a5" },
]);

export interface LineSelection {
  side: "new" | "old";
  startLine: number;
  endLine: number;
  lines: string[];
}

export interface CommentedLines {
  side: "new" | "old";
  startLine: number;
  endLine: number;
}

export interface DiffEditorProps {
  path: string;
  /** The text before ("" for a file the change created). */
  before: string;
  /** The text after ("" for a file the change deleted). */
  after: string;
  mode: "unified" | "split";
  /** git's hunks, each with a revert bar; null: this view offers no hunk revert. */
  hunks: Hunk[] | null;
  /** A revert is running or not possible now: the bars' buttons are disabled. */
  revertDisabled: string | null;
  onRevertHunk(index: number): void;
  onSelection(selection: LineSelection | null): void;
  commented: CommentedLines[];
}

class HunkBar extends WidgetType {
  constructor(
    readonly hunk: Hunk,
    readonly total: number,
    readonly disabled: string | null,
    readonly onRevert: (index: number) => void,
  ) {
    super();
  }

  override eq(other: HunkBar): boolean {
    return other.hunk.index === this.hunk.index && other.disabled === this.disabled;
  }

  override toDOM(): HTMLElement {
    const bar = document.createElement("div");
    bar.className = "cm-hunk-bar";
    bar.dataset.testid = "diff-hunk";
    bar.dataset.hunk = String(this.hunk.index);
    const label = document.createElement("span");
    label.textContent = `Change ${this.hunk.index + 1} of ${this.total} · +${this.hunk.additions} −${this.hunk.deletions}`;
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.testid = "revert-hunk";
    button.textContent = "Revert this change";
    button.title = this.disabled ?? "Put these lines back as they were before the turn";
    button.disabled = this.disabled !== null;
    button.addEventListener("click", () => this.onRevert(this.hunk.index));
    bar.append(label, button);
    return bar;
  }

  // the button gets its own clicks; the editor does not treat them as a selection
  override ignoreEvent(): boolean {
    return true;
  }
}

function hunkBars(doc: Text, hunks: Hunk[], disabled: string | null, onRevert: (i: number) => void) {
  const builder = new RangeSetBuilder<Decoration>();
  const sorted = [...hunks].sort((a, b) => a.anchorLine - b.anchorLine);
  for (const hunk of sorted) {
    const line = doc.line(Math.min(Math.max(1, hunk.anchorLine), doc.lines));
    // above the removed lines the unified view draws at the same place (they sit at side -1)
    builder.add(
      line.from,
      line.from,
      Decoration.widget({
        widget: new HunkBar(hunk, hunks.length, disabled, onRevert),
        block: true,
        side: -2,
      }),
    );
  }
  return EditorView.decorations.of(builder.finish());
}

function commentMarks(doc: Text, ranges: CommentedLines[]) {
  const lines = new Set<number>();
  for (const r of ranges)
    for (let n = Math.max(1, r.startLine); n <= Math.min(r.endLine, doc.lines); n++) lines.add(n);
  const builder = new RangeSetBuilder<Decoration>();
  for (const n of [...lines].sort((a, b) => a - b)) {
    const from = doc.line(n).from;
    builder.add(from, from, Decoration.line({ class: "cm-review-line" }));
  }
  return EditorView.decorations.of(builder.finish());
}

function readOnly(label: string): Extension[] {
  return [
    EditorState.readOnly.of(true),
    EditorView.editable.of(false),
    EditorView.contentAttributes.of({ "aria-label": label, "aria-readonly": "true", tabindex: "0" }),
  ];
}

/** The selected whole lines of a view, or null when nothing is selected. */
function selectedLines(view: EditorView, side: "new" | "old"): LineSelection | null {
  const range = view.state.selection.main;
  if (range.empty) return null;
  const doc = view.state.doc;
  const first = doc.lineAt(range.from);
  // a selection that ends at the start of a line does not take that line
  const lastPos = range.to > range.from && doc.lineAt(range.to).from === range.to ? range.to - 1 : range.to;
  const last = doc.lineAt(Math.max(range.from, lastPos));
  const lines: string[] = [];
  for (let n = first.number; n <= last.number; n++) lines.push(doc.line(n).text);
  return { side, startLine: first.number, endLine: last.number, lines };
}

interface Parts {
  language: Compartment;
  comments: Compartment;
  hunks: Compartment;
}

/** The editors of one diff: `b` is the text after (the only one in unified mode), `a` before. */
interface Built {
  a: EditorView | null;
  b: EditorView;
  parts: { a: Parts | null; b: Parts };
}

function showHunks(
  built: Built,
  hunks: Hunk[] | null,
  disabled: string | null,
  callbacks: { current: { onRevertHunk(index: number): void } },
) {
  const bars =
    hunks && hunks.length > 0
      ? hunkBars(built.b.state.doc, hunks, disabled, (i) => callbacks.current.onRevertHunk(i))
      : [];
  built.b.dispatch({ effects: built.parts.b.hunks.reconfigure(bars) });
}

function showComments(built: Built, commented: CommentedLines[]) {
  const marks = (view: EditorView, parts: Parts, side: "new" | "old") =>
    view.dispatch({
      effects: parts.comments.reconfigure(
        commentMarks(
          view.state.doc,
          commented.filter((c) => c.side === side),
        ),
      ),
    });
  marks(built.b, built.parts.b, "new");
  if (built.a && built.parts.a) marks(built.a, built.parts.a, "old");
}

export function DiffEditor({
  path,
  before,
  after,
  mode,
  hunks,
  revertDisabled,
  onRevertHunk,
  onSelection,
  commented,
}: DiffEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const views = useRef<Built | null>(null);
  const callbacks = useRef({ onRevertHunk, onSelection });
  callbacks.current = { onRevertHunk, onSelection };
  // what a newly built editor shows at once (the effects below update a built one)
  const latest = useRef({ hunks, revertDisabled, commented });
  latest.current = { hunks, revertDisabled, commented };

  useEffect(() => {
    if (!host.current) return;
    const make = (): Parts => ({
      language: new Compartment(),
      comments: new Compartment(),
      hunks: new Compartment(),
    });
    const selection = (side: "new" | "old") =>
      EditorView.updateListener.of((update) => {
        if (update.selectionSet) callbacks.current.onSelection(selectedLines(update.view, side));
      });
    const common = (parts: Parts, label: string, side: "new" | "old"): Extension[] => [
      lineNumbers(),
      parts.language.of([]),
      parts.comments.of([]),
      parts.hunks.of([]),
      syntaxHighlighting(highlight),
      theme,
      ...readOnly(label),
      selection(side),
    ];
    const collapse = { margin: 3, minSize: 4 };
    let a: EditorView | null = null;
    let b: EditorView;
    let destroy: () => void;
    const partsA = make();
    const partsB = make();
    if (mode === "split") {
      const merge = new MergeView({
        parent: host.current,
        highlightChanges: true,
        gutter: true,
        collapseUnchanged: collapse,
        a: { doc: before, extensions: common(partsA, `${path} before`, "old") },
        b: { doc: after, extensions: common(partsB, `${path} after`, "new") },
      });
      a = merge.a;
      b = merge.b;
      destroy = () => merge.destroy();
    } else {
      b = new EditorView({
        parent: host.current,
        state: EditorState.create({
          doc: after,
          extensions: [
            ...common(partsB, `${path}, changes`, "new"),
            unifiedMergeView({
              original: before,
              mergeControls: false,
              highlightChanges: true,
              gutter: true,
              syntaxHighlightDeletions: true,
              collapseUnchanged: collapse,
            }),
          ],
        }),
      });
      destroy = () => b.destroy();
    }
    const built = { a, b, parts: { a: a ? partsA : null, b: partsB } };
    views.current = built;
    showHunks(built, latest.current.hunks, latest.current.revertDisabled, callbacks);
    showComments(built, latest.current.commented);
    const language = languageOf(path);
    let live = true;
    if (language)
      void loadLanguage(language).then(
        (extension) => {
          if (!live) return;
          b.dispatch({ effects: partsB.language.reconfigure(extension) });
          a?.dispatch({ effects: partsA.language.reconfigure(extension) });
        },
        // no highlighting is still a diff
        () => {},
      );
    return () => {
      live = false;
      views.current = null;
      destroy();
      callbacks.current.onSelection(null);
    };
  }, [path, before, after, mode]);

  // revert bars and comment marks change without rebuilding the editor (and losing the selection)
  useEffect(() => {
    if (views.current) showHunks(views.current, hunks, revertDisabled, callbacks);
  }, [hunks, revertDisabled]);

  useEffect(() => {
    if (views.current) showComments(views.current, commented);
  }, [commented]);

  return <div ref={host} data-testid="diff-view" data-mode={mode} className="min-w-0" />;
}
