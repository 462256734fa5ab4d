/** The app's tokens (app/globals.css), spelled out: CodeMirror themes are CSS-in-JS. */
/**
 * Code views keep this dark palette in both themes: their backgrounds are set from it too, so code
 * reads as a dark block on the light theme instead of light text on a white page.
 */
export const CODE_COLORS = {
  canvas: "#09090b",
  panel: "#0e0e11",
  panel2: "#141418",
  hover: "#1a1a1f",
  line: "#222228",
  lineStrong: "#303038",
  fg: "#e6e6eb",
  muted: "#a0a0ab",
  faint: "#74747f",
  accentText: "#a3a6fb",
};

const C = CODE_COLORS;

/** Theme rules every code view in the app shares: focus, scrolling, selection, gutters. */
export function sharedThemeRules(lineHeight: string) {
  return {
    "&.cm-focused": { outline: "none" },
    ".cm-scroller": {
      overflow: "auto",
      fontFamily: "var(--font-mono)",
      lineHeight,
      scrollbarWidth: "thin",
      scrollbarColor: `${C.lineStrong} transparent`,
    },
    "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection": {
      backgroundColor: "rgba(91, 95, 227, 0.35) !important",
    },
    ".cm-gutters": {
      backgroundColor: C.panel,
      color: C.faint,
      border: "none",
      borderRight: `1px solid ${C.line}`,
    },
  };
}
