"use client";

/**
 * CodeMirror 6 for skills: the editor (markdown with YAML front matter), a version diff and the
 * conflict merge. Loaded with a dynamic import, only when a skill is open.
 */
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { markdown, markdownLanguage } from "@codemirror/lang-markdown";
import { yamlFrontmatter } from "@codemirror/lang-yaml";
import { HighlightStyle, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { MergeView, unifiedMergeView } from "@codemirror/merge";
import { highlightSelectionMatches, search, searchKeymap } from "@codemirror/search";
import { EditorState, type Extension, RangeSetBuilder, StateEffect, StateField } from "@codemirror/state";
import {
  Decoration,
  drawSelection,
  EditorView,
  GutterMarker,
  gutter,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { tags as t } from "@lezer/highlight";
import { useEffect, useRef } from "react";
import { CODE_COLORS, sharedThemeRules } from "../code/codemirror-base";

declare global {
  interface Window {
    __ratchetSkillEditor?: EditorView;
  }
}

const C = CODE_COLORS;

const theme = EditorView.theme(
  {
    ...sharedThemeRules("1.65"),
    "&": { color: C.fg, backgroundColor: C.canvas, fontSize: "12.5px", height: "100%" },
    ".cm-content": { padding: "10px 0 40vh", caretColor: C.accentText },
    ".cm-line": { padding: "0 18px 0 12px" },
    ".cm-cursor, .cm-dropCursor": { borderLeftColor: C.accentText, borderLeftWidth: "2px" },
    ".cm-activeLine": { backgroundColor: "rgba(255, 255, 255, 0.025)" },
    ".cm-activeLineGutter": { backgroundColor: "transparent", color: C.muted },
    ".cm-lineNumbers .cm-gutterElement": { padding: "0 10px 0 14px", minWidth: "38px" },
    ".cm-selectionMatch": { backgroundColor: "rgba(163, 166, 251, 0.12)" },
    ".cm-searchMatch": {
      backgroundColor: "rgba(252, 211, 77, 0.18)",
      outline: "1px solid rgba(252, 211, 77, 0.35)",
    },
    ".cm-searchMatch.cm-searchMatch-selected": { backgroundColor: "rgba(252, 211, 77, 0.35)" },
    ".cm-panels": {
      backgroundColor: C.panel2,
      color: C.fg,
      fontFamily: "var(--font-sans)",
      fontSize: "12px",
    },
    ".cm-panels.cm-panels-top": { borderBottom: `1px solid ${C.line}` },
    ".cm-panels.cm-panels-bottom": { borderTop: `1px solid ${C.line}` },
    ".cm-search": {
      padding: "6px 10px",
      display: "flex",
      flexWrap: "wrap",
      alignItems: "center",
      gap: "6px",
    },
    ".cm-search label": { display: "inline-flex", alignItems: "center", gap: "4px", color: C.muted },
    ".cm-textfield": {
      backgroundColor: C.canvas,
      border: `1px solid ${C.line}`,
      borderRadius: "5px",
      color: C.fg,
      padding: "3px 7px",
      fontSize: "12px",
    },
    ".cm-textfield:focus": { borderColor: "#5b5fe3", outline: "none" },
    ".cm-button": {
      backgroundImage: "none",
      backgroundColor: C.panel2,
      border: `1px solid ${C.line}`,
      borderRadius: "5px",
      color: C.fg,
      padding: "3px 8px",
      fontSize: "12px",
    },
    ".cm-button:hover": { backgroundColor: C.hover, borderColor: C.lineStrong },
    ".cm-panel.cm-search [name=close]": { color: C.muted, fontSize: "16px", padding: "0 6px" },
    ".cm-skill-error-line": { backgroundColor: "rgba(248, 113, 113, 0.09)" },
    ".cm-skill-error-gutter": { width: "8px" },
    ".cm-skill-error-marker": { color: "#f87171", fontSize: "10px", lineHeight: "1.65", paddingLeft: "2px" },
    // Diffs: additions green, deletions red, quiet enough to read the text through.
    ".cm-changedLine": { backgroundColor: "rgba(52, 211, 153, 0.08) !important" },
    ".cm-changedText": { background: "rgba(52, 211, 153, 0.25) !important", borderRadius: "2px" },
    ".cm-deletedChunk": { backgroundColor: "rgba(248, 113, 113, 0.09)" },
    ".cm-deletedChunk .cm-deletedLine, .cm-deletedLine": { padding: "0 18px 0 12px" },
    ".cm-deletedText, .cm-merge-a .cm-changedText": {
      background: "rgba(248, 113, 113, 0.25) !important",
      borderRadius: "2px",
    },
    ".cm-merge-a .cm-changedLine": { backgroundColor: "rgba(248, 113, 113, 0.08) !important" },
    ".cm-changedLineGutter": { background: "#34d399" },
    ".cm-merge-a .cm-changedLineGutter, .cm-deletedLineGutter": { background: "#f87171" },
    ".cm-collapsedLines": {
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

const highlight = HighlightStyle.define([
  { tag: t.heading1, color: C.fg, fontWeight: "700" },
  { tag: [t.heading2, t.heading3], color: C.fg, fontWeight: "600" },
  { tag: [t.heading4, t.heading5, t.heading6], color: C.fg, fontWeight: "500" },
  { tag: t.strong, color: C.fg, fontWeight: "600" },
  { tag: t.emphasis, fontStyle: "italic" },
  { tag: t.strikethrough, textDecoration: "line-through" },
  { tag: [t.link, t.url], color: C.accentText },
  { tag: t.monospace, color: "#86efac" },
  { tag: t.quote, color: C.muted, fontStyle: "italic" },
  { tag: [t.processingInstruction, t.contentSeparator, t.list], color: "#c4b5fd" },
  { tag: t.meta, color: C.faint },
  // Front matter (YAML)
  { tag: [t.propertyName, t.definition(t.propertyName)], color: "#a5b4fc" },
  { tag: [t.string, t.special(t.string), t.attributeValue, t.content], color: C.fg },
  { tag: [t.number, t.bool, t.null, t.atom], color: "#fcd34d" },
  { tag: [t.comment, t.lineComment, t.blockComment], color: C.faint, fontStyle: "italic" },
  { tag: [t.punctuation, t.separator, t.squareBracket, t.brace], color: C.muted },
  { tag: [t.keyword, t.typeName, t.labelName], color: "#f0abfc" },
  { tag: t.invalid, color: "#fca5a5" },
]);

const language = yamlFrontmatter({ content: markdown({ base: markdownLanguage }) });

// The validation error's line: a red wash on the line and a marker in its own gutter.
const setErrorLine = StateEffect.define<number | null>();

class ErrorMarker extends GutterMarker {
  override toDOM() {
    const el = document.createElement("span");
    el.className = "cm-skill-error-marker";
    el.textContent = "●";
    el.setAttribute("aria-hidden", "true");
    return el;
  }
}

const errorLineField = StateField.define<number | null>({
  create: () => null,
  update(value, tr) {
    for (const effect of tr.effects) if (effect.is(setErrorLine)) return effect.value;
    return value;
  },
});

const errorExtensions: Extension[] = [
  errorLineField,
  EditorView.decorations.compute([errorLineField, "doc"], (state) => {
    const line = state.field(errorLineField);
    const builder = new RangeSetBuilder<Decoration>();
    if (line !== null && line >= 1 && line <= state.doc.lines) {
      const from = state.doc.line(line).from;
      builder.add(from, from, Decoration.line({ class: "cm-skill-error-line" }));
    }
    return builder.finish();
  }),
  gutter({
    class: "cm-skill-error-gutter",
    lineMarker(view, block) {
      const line = view.state.field(errorLineField);
      if (line === null || line < 1 || line > view.state.doc.lines) return null;
      return view.state.doc.lineAt(block.from).number === line ? new ErrorMarker() : null;
    },
    lineMarkerChange: (update) =>
      update.transactions.some((tr) => tr.effects.some((e) => e.is(setErrorLine))),
  }),
];

function readOnly(label: string): Extension[] {
  return [
    EditorState.readOnly.of(true),
    EditorView.editable.of(false),
    EditorView.contentAttributes.of({ "aria-label": label, "aria-readonly": "true", tabindex: "0" }),
  ];
}

const common: Extension[] = [
  lineNumbers(),
  language,
  syntaxHighlighting(highlight),
  theme,
  EditorView.lineWrapping,
];

export interface SkillCodeEditorProps {
  value: string;
  label: string;
  onChange(value: string): void;
  onSave(): void;
  /** 1-based line to mark as the validation error, or null. */
  errorLine: number | null;
  /** Ask the editor to scroll to and focus a line; `nonce` lets the same line be asked twice. */
  reveal?: { line: number; nonce: number } | null;
}

/** The editable skill file: markdown with YAML front matter, line numbers, search, Ctrl/Cmd+S. */
export function SkillCodeEditor({ value, label, onChange, onSave, errorLine, reveal }: SkillCodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const callbacks = useRef({ onChange, onSave });
  callbacks.current = { onChange, onSave };
  const initial = useRef(value);

  useEffect(() => {
    if (!host.current) return;
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: initial.current,
        extensions: [
          ...common,
          highlightActiveLine(),
          highlightActiveLineGutter(),
          drawSelection(),
          history(),
          indentOnInput(),
          search({ top: true }),
          highlightSelectionMatches(),
          ...errorExtensions,
          keymap.of([
            {
              key: "Mod-s",
              preventDefault: true,
              run: () => {
                callbacks.current.onSave();
                return true;
              },
            },
            ...searchKeymap,
            ...historyKeymap,
            ...defaultKeymap,
          ]),
          EditorView.contentAttributes.of({ "aria-label": label, "aria-multiline": "true" }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) callbacks.current.onChange(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    // Tests read the editor's text here, as they read the terminal through window.__ratchetTerm.
    window.__ratchetSkillEditor = editor;
    return () => {
      if (window.__ratchetSkillEditor === editor) delete window.__ratchetSkillEditor;
      editor.destroy();
      view.current = null;
    };
  }, [label]);

  // A value from outside (a reload, "use the disk version", a restore) replaces the text.
  useEffect(() => {
    const editor = view.current;
    if (!editor || editor.state.doc.toString() === value) return;
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: setErrorLine.of(errorLine) });
  }, [errorLine]);

  const revealLine = reveal?.line ?? null;
  const nonce = reveal?.nonce;
  useEffect(() => {
    const editor = view.current;
    if (!editor || revealLine === null || nonce === undefined) return;
    const line = editor.state.doc.line(Math.min(Math.max(revealLine, 1), editor.state.doc.lines));
    editor.dispatch({
      selection: { anchor: line.from },
      effects: EditorView.scrollIntoView(line.from, { y: "center" }),
    });
    editor.focus();
  }, [revealLine, nonce]);

  return <div ref={host} className="h-full min-h-0" data-testid="skill-codemirror" />;
}

/** A read-only view of a skill file. */
export function ReadOnlySkill({ value, label }: { value: string; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({ doc: value, extensions: [...common, ...readOnly(label)] }),
    });
    return () => editor.destroy();
  }, [value, label]);
  return <div ref={host} className="max-h-[32rem] overflow-auto" />;
}

/** A read-only unified diff: `modified`, with `original`'s deleted lines shown above each change. */
export function VersionDiff({
  original,
  modified,
  label,
}: {
  original: string;
  modified: string;
  label: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: modified,
        extensions: [
          ...common,
          ...readOnly(label),
          unifiedMergeView({
            original,
            mergeControls: false,
            highlightChanges: true,
            gutter: true,
            syntaxHighlightDeletions: true,
            collapseUnchanged: { margin: 3, minSize: 6 },
          }),
        ],
      }),
    });
    return () => editor.destroy();
  }, [original, modified, label]);
  return <div ref={host} />;
}

export interface ConflictMergeProps {
  disk: string;
  mine: string;
  onMineChange(value: string): void;
}

/**
 * Side by side: the file as it is on disk now (read-only, left) and your version (editable, right).
 * The arrows copy a change from disk into your version.
 */
export function ConflictMerge({ disk, mine, onMineChange }: ConflictMergeProps) {
  const host = useRef<HTMLDivElement>(null);
  const onChange = useRef(onMineChange);
  onChange.current = onMineChange;
  const start = useRef({ disk, mine });

  useEffect(() => {
    if (!host.current) return;
    const merge = new MergeView({
      parent: host.current,
      revertControls: "a-to-b",
      highlightChanges: true,
      gutter: true,
      collapseUnchanged: { margin: 3, minSize: 6 },
      a: { doc: start.current.disk, extensions: [...common, ...readOnly("The file on disk now")] },
      b: {
        doc: start.current.mine,
        extensions: [
          ...common,
          history(),
          keymap.of([...historyKeymap, ...defaultKeymap]),
          EditorView.contentAttributes.of({ "aria-label": "Your version (editable)" }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) onChange.current(update.state.doc.toString());
          }),
        ],
      },
    });
    return () => merge.destroy();
  }, []);

  return <div ref={host} className="max-h-[32rem] overflow-auto" />;
}
