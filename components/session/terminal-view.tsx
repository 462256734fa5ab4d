"use client";

import "@xterm/xterm/css/xterm.css";
import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import { useEffect, useEffectEvent, useRef } from "react";
import { jetbrainsMono } from "../fonts";
import { currentTerminalTheme } from "./terminal-theme";

declare global {
  interface Window {
    /** The live transcript terminal; e2e tests read its buffer and cell colours. */
    __ratchetTerm?: Terminal;
  }
}

const FONT_SIZE = 13;

/** Waits (briefly) for the mono font so xterm measures the real glyph width. */
async function fontReady(family: string): Promise<void> {
  if (typeof document === "undefined" || !("fonts" in document)) return;
  const timeout = new Promise<void>((resolve) => window.setTimeout(resolve, 1500));
  const load = Promise.all([
    document.fonts.load(`${FONT_SIZE}px ${family}`),
    document.fonts.load(`bold ${FONT_SIZE}px ${family}`),
  ]).then(
    () => undefined,
    () => undefined,
  );
  await Promise.race([load, timeout]);
}

/**
 * Read-only xterm.js transcript. Owns the Terminal's lifetime and size; content is
 * written by the parent through `onReady`'s terminal (see TerminalWriter).
 */
export default function TerminalView({
  onReady,
  onDispose,
}: {
  onReady: (term: Terminal) => void;
  onDispose: (term: Terminal) => void;
}) {
  const hostRef = useRef<HTMLDivElement>(null);
  const ready = useEffectEvent(onReady);
  const disposeTerm = useEffectEvent(onDispose);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    let disposed = false;
    let term: Terminal | null = null;
    let observer: ResizeObserver | null = null;
    let frame: number | null = null;
    let scheme: MediaQueryList | null = null;
    const onScheme = () => {
      if (term) term.options.theme = currentTerminalTheme();
    };
    const family = jetbrainsMono.style.fontFamily;

    void fontReady(family).then(() => {
      if (disposed) return;
      const instance = new Terminal({
        convertEol: true,
        scrollback: 100_000,
        fontFamily: family,
        fontSize: FONT_SIZE,
        lineHeight: 1.25,
        theme: currentTerminalTheme(),
        cursorBlink: false,
        cursorStyle: "bar",
        cursorInactiveStyle: "none",
        disableStdin: true,
        screenReaderMode: false,
        allowProposedApi: false,
        drawBoldTextInBrightColors: false,
        fontWeight: "400",
        fontWeightBold: "600",
        scrollOnUserInput: false,
        smoothScrollDuration: 0,
      });
      // Read-only transcript: xterm keeps only its scroll keys. Everything else (Tab, Esc,
      // "/", Ctrl+C to copy a selection) falls through to the browser and the page, so focus
      // is never trapped in the terminal.
      instance.attachCustomKeyEventHandler(
        (event) => event.shiftKey && ["PageUp", "PageDown", "Home", "End"].includes(event.key),
      );
      const fit = new FitAddon();
      instance.loadAddon(fit);
      instance.open(host);
      // No input ever goes to this terminal: hide the cursor.
      instance.write("\x1b[?25l");
      try {
        fit.fit();
      } catch {
        // The host may have no size yet; the observer fits once it does.
      }
      observer = new ResizeObserver(() => {
        if (frame !== null) cancelAnimationFrame(frame);
        frame = requestAnimationFrame(() => {
          frame = null;
          try {
            fit.fit();
          } catch {
            // Ignore transient zero-size layouts.
          }
        });
      });
      observer.observe(host);
      // the theme follows the system's light or dark setting while the page is open
      scheme = window.matchMedia("(prefers-color-scheme: light)");
      scheme.addEventListener("change", onScheme);
      term = instance;
      window.__ratchetTerm = instance;
      ready(instance);
    });

    return () => {
      disposed = true;
      observer?.disconnect();
      scheme?.removeEventListener("change", onScheme);
      if (frame !== null) cancelAnimationFrame(frame);
      if (term) {
        disposeTerm(term);
        if (window.__ratchetTerm === term) delete window.__ratchetTerm;
        term.dispose();
      }
    };
  }, []);

  return <div ref={hostRef} className="h-full w-full" />;
}
