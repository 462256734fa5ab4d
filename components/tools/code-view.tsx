"use client";

/**
 * Read-only CodeMirror 6 views of a tool's source and of its diff against the parent version.
 * Loaded with a dynamic import only when a detail view needs it, so the list stays light.
 */
import { javascript } from "@codemirror/lang-javascript";
import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { Chunk, unifiedMergeView } from "@codemirror/merge";
import { EditorState, type Extension, RangeSetBuilder, Text } from "@codemirror/state";
import { Decoration, EditorView, lineNumbers } from "@codemirror/view";
import { tags as t } from "@lezer/highlight";
import { useEffect, useMemo, useRef } from "react";
import { CODE_COLORS, sharedThemeRules } from "../code/codemirror-base";

const C = CODE_COLORS;

const ratchetTheme = EditorView.theme(
  {
    ...sharedThemeRules("1.6"),
    "&": { color: C.fg, backgroundColor: C.canvas, fontSize: "12px", maxHeight: "34rem" },
    ".cm-content": { padding: "8px 0", caretColor: C.accentText },
    ".cm-line": { padding: "0 16px 0 12px" },
    ".cm-cursor, .cm-dropCursor": { borderLeftColor: C.accentText },
    ".cm-lineNumbers .cm-gutterElement": { padding: "0 10px 0 14px", minWidth: "36px" },
    ".cm-ratchet-flag": { backgroundColor: "rgba(251, 191, 36, 0.07)" },
    ".cm-ratchet-flag-gutter": { color: "#fcd34d" },
    ".cm-ratchet-focus": { backgroundColor: "rgba(163, 166, 251, 0.14)" },
    // Unified diff: additions green, deletions red, quiet enough to read the code through.
    "&.cm-merge-b .cm-changedLine": { backgroundColor: "rgba(52, 211, 153, 0.09)" },
    "&.cm-merge-b .cm-changedText": {
      background: "rgba(52, 211, 153, 0.22)",
      borderRadius: "2px",
    },
    ".cm-deletedChunk": { backgroundColor: "rgba(248, 113, 113, 0.09)", paddingLeft: "0" },
    ".cm-deletedChunk .cm-deletedLine": { padding: "0 16px 0 12px" },
    "&.cm-merge-b .cm-deletedText, .cm-deletedChunk .cm-deletedText": {
      background: "rgba(248, 113, 113, 0.25)",
      borderRadius: "2px",
    },
    "&.cm-merge-b .cm-changedLineGutter": { background: "#34d399" },
    ".cm-deletedLineGutter": { background: "#f87171" },
    ".cm-collapsedLines": {
      padding: "4px 12px",
      "&:before, &:after": { content: "none" },
      color: C.muted,
      fontFamily: "var(--font-sans)",
      fontSize: "11px",
      background: C.panel2,
      borderTop: `1px solid ${C.line}`,
      borderBottom: `1px solid ${C.line}`,
    },
  },
  { dark: true },
);

const ratchetHighlight = HighlightStyle.define([
  { tag: [t.keyword, t.controlKeyword, t.moduleKeyword, t.operatorKeyword], color: "#c4b5fd" },
  { tag: [t.definitionKeyword, t.modifier], color: "#c4b5fd" },
  { tag: [t.string, t.special(t.string), t.regexp], color: "#86efac" },
  { tag: [t.number, t.bool, t.null, t.atom], color: "#fcd34d" },
  { tag: [t.comment, t.lineComment, t.blockComment], color: C.faint, fontStyle: "italic" },
  { tag: [t.function(t.variableName), t.function(t.propertyName)], color: "#7dd3fc" },
  { tag: t.definition(t.variableName), color: "#e6e6eb", fontWeight: "500" },
  { tag: [t.propertyName, t.definition(t.propertyName)], color: "#a5b4fc" },
  { tag: [t.typeName, t.className], color: "#f0abfc" },
  { tag: [t.operator, t.punctuation, t.separator, t.bracket], color: C.muted },
  { tag: t.variableName, color: C.fg },
  { tag: t.invalid, color: "#fca5a5" },
]);

function baseExtensions(label: string): Extension[] {
  return [
    lineNumbers(),
    javascript(),
    syntaxHighlighting(ratchetHighlight),
    ratchetTheme,
    EditorState.readOnly.of(true),
    EditorView.contentAttributes.of({ "aria-label": label, "aria-readonly": "true" }),
  ];
}

function lineDecorations(doc: Text, flagged: Map<number, string>, focus: number | null) {
  const builder = new RangeSetBuilder<Decoration>();
  for (let n = 1; n <= doc.lines; n++) {
    const hint = flagged.get(n);
    const classes = [hint ? "cm-ratchet-flag" : "", n === focus ? "cm-ratchet-focus" : ""].filter(Boolean);
    if (classes.length === 0) continue;
    const line = doc.line(n);
    builder.add(
      line.from,
      line.from,
      Decoration.line({ class: classes.join(" "), attributes: hint ? { title: hint } : {} }),
    );
  }
  return builder.finish();
}

export interface SourceViewProps {
  source: string;
  label: string;
  /** Line number → hint text, e.g. from the validation report's static flags. */
  flaggedLines?: Record<number, string>;
  /** Scroll to and mark this line; `nonce` lets the same line be asked for twice. */
  focus?: { line: number; nonce: number } | null;
}

/** The whole source, highlighted, with line numbers. */
export function SourceView({ source, label, flaggedLines, focus }: SourceViewProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  // Keyed by content: a refreshed report with the same flags must not rebuild the editor.
  const flagsKey = JSON.stringify(flaggedLines ?? {});
  const flagged = useMemo(
    () =>
      new Map(
        Object.entries(JSON.parse(flagsKey) as Record<string, string>).map(([line, hint]) => [
          Number(line),
          hint,
        ]),
      ),
    [flagsKey],
  );
  const focusLine = focus?.line ?? null;

  useEffect(() => {
    if (!host.current) return;
    const doc = Text.of(source.split("\n"));
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc,
        extensions: [
          ...baseExtensions(label),
          EditorView.decorations.of(lineDecorations(doc, flagged, focusLine)),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
  }, [source, label, flagged, focusLine]);

  // Scroll after the view above exists; runs again for the same line when the nonce changes.
  const nonce = focus?.nonce;
  useEffect(() => {
    const editor = view.current;
    if (!editor || focusLine === null || nonce === undefined) return;
    if (focusLine < 1 || focusLine > editor.state.doc.lines) return;
    const pos = editor.state.doc.line(focusLine).from;
    editor.dispatch({ effects: EditorView.scrollIntoView(pos, { y: "center" }) });
  }, [focusLine, nonce]);

  return <div ref={host} />;
}

export interface DiffStats {
  added: number;
  removed: number;
}

function linesIn(doc: Text, from: number, end: number, empty: boolean): number {
  if (empty) return 0;
  return doc.lineAt(Math.min(end, doc.length)).number - doc.lineAt(from).number + 1;
}

/** Lines added and removed between two sources, as the merge view's chunks count them. */
export function diffStats(original: string, modified: string): DiffStats {
  const a = Text.of(original.split("\n"));
  const b = Text.of(modified.split("\n"));
  let added = 0;
  let removed = 0;
  for (const chunk of Chunk.build(a, b)) {
    removed += linesIn(a, chunk.fromA, chunk.endA, chunk.fromA === chunk.toA);
    added += linesIn(b, chunk.fromB, chunk.endB, chunk.fromB === chunk.toB);
  }
  return { added, removed };
}

export interface DiffViewProps {
  original: string;
  modified: string;
  label: string;
  /** Fold long runs of unchanged lines. */
  collapse: boolean;
}

/** A unified diff: the new source, with the parent's deleted lines shown inline above changes. */
export function DiffView({ original, modified, label, collapse }: DiffViewProps) {
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!host.current) return;
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: modified,
        extensions: [
          ...baseExtensions(label),
          unifiedMergeView({
            original,
            mergeControls: false,
            highlightChanges: true,
            gutter: true,
            syntaxHighlightDeletions: true,
            ...(collapse ? { collapseUnchanged: { margin: 3, minSize: 6 } } : {}),
          }),
        ],
      }),
    });
    return () => editor.destroy();
  }, [original, modified, label, collapse]);

  return <div ref={host} />;
}
