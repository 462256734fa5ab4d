import type { ITheme } from "@xterm/xterm";

/** Matches the app's near-black panel; ANSI blue is the UI accent (tool names, prompt marker). */
export const terminalTheme: ITheme = {
  background: "#09090b",
  foreground: "#dcdce2",
  cursor: "#09090b",
  cursorAccent: "#09090b",
  selectionBackground: "#5b5fe366",
  selectionInactiveBackground: "#5b5fe333",
  scrollbarSliderBackground: "#ffffff14",
  scrollbarSliderHoverBackground: "#ffffff24",
  scrollbarSliderActiveBackground: "#ffffff30",
  black: "#1f1f25",
  red: "#f2727d",
  green: "#6fd6a0",
  yellow: "#e8c16f",
  blue: "#a3a6fb",
  magenta: "#d39af0",
  cyan: "#6ccfdc",
  white: "#c9c9d1",
  brightBlack: "#6b6b76",
  brightRed: "#ff9aa2",
  brightGreen: "#94e8bb",
  brightYellow: "#f5d894",
  brightBlue: "#c2c4ff",
  brightMagenta: "#e6bdf8",
  brightCyan: "#98e3ee",
  brightWhite: "#f4f4f7",
};

/** The same roles on a white panel, for the light theme: darker hues, so text keeps its contrast. */
export const lightTerminalTheme: ITheme = {
  ...terminalTheme,
  background: "#ffffff",
  foreground: "#1d1d23",
  cursor: "#ffffff",
  cursorAccent: "#ffffff",
  scrollbarSliderBackground: "#00000014",
  scrollbarSliderHoverBackground: "#00000024",
  scrollbarSliderActiveBackground: "#00000030",
  black: "#1d1d23",
  red: "#c4242f",
  green: "#1d7a4c",
  yellow: "#8a5a00",
  blue: "#4144c2",
  magenta: "#8b3fb0",
  cyan: "#11707e",
  white: "#5c5c66",
  brightBlack: "#6b6b76",
  brightRed: "#a3141e",
  brightGreen: "#14633b",
  brightYellow: "#6f4700",
  brightBlue: "#3033a8",
  brightMagenta: "#70288f",
  brightCyan: "#0a5863",
  brightWhite: "#16161b",
};

/** The terminal's theme for the colour scheme the system asks for now. */
export function currentTerminalTheme(): ITheme {
  return window.matchMedia("(prefers-color-scheme: light)").matches ? lightTerminalTheme : terminalTheme;
}
