import type { ReactNode } from "react";
import { cn } from "../ui/cn";

export type Tone = "neutral" | "accent" | "good" | "warn" | "bad" | "info";

const TONES: Record<Tone, string> = {
  neutral: "border-line-strong bg-panel-2 text-muted",
  accent: "border-accent/40 bg-accent/15 text-accent-text",
  good: "border-emerald-400/20 bg-emerald-400/[0.08] text-emerald-300",
  warn: "border-amber-400/25 bg-amber-400/[0.08] text-amber-300",
  bad: "border-red-400/25 bg-red-400/[0.08] text-red-300",
  info: "border-sky-400/20 bg-sky-400/[0.08] text-sky-300",
};

/** A small rounded label; the text is the value (tests read it). */
export function Badge({
  tone = "neutral",
  className,
  title,
  children,
  ...rest
}: {
  tone?: Tone;
  className?: string;
  title?: string;
  children: ReactNode;
  "data-testid"?: string;
}) {
  return (
    <span
      title={title}
      className={cn(
        "inline-flex h-5 shrink-0 items-center gap-1 rounded border px-1.5 font-medium text-xs leading-none",
        TONES[tone],
        className,
      )}
      {...rest}
    >
      {children}
    </span>
  );
}

const STATUS_TONES: Record<string, Tone> = {
  success: "good",
  completed: "good",
  validated: "good",
  done: "good",
  running: "accent",
  pending: "accent",
  in_progress: "accent",
  empty: "neutral",
  skipped: "neutral",
  todo: "neutral",
  error: "bad",
  failed: "bad",
  invalidated: "bad",
  cancelled: "warn",
  stalled: "warn",
  dropped: "warn",
};

/** A status word with a dot; the text content is exactly the status (tests rely on it). */
export function StatusPill({
  status,
  tone: toneOf,
  className,
  ...rest
}: {
  status: string;
  /** Overrides the status' own tone (a pass that completed without acting on anything is a warning). */
  tone?: Tone;
  className?: string;
  "data-testid"?: string;
}) {
  const tone = toneOf ?? STATUS_TONES[status] ?? "neutral";
  return (
    <span
      className={cn(
        "inline-flex h-5 shrink-0 items-center gap-1.5 rounded-full border px-2 font-medium text-xs leading-none",
        TONES[tone],
        className,
      )}
      {...rest}
    >
      <span
        aria-hidden="true"
        className={cn(
          "size-1.5 rounded-full bg-current",
          (status === "running" || status === "pending") && "animate-status-pulse",
        )}
      />
      {status}
    </span>
  );
}

/** A labelled section of a page, in the Settings style: heading and a short description above. */
export function PanelSection({
  id,
  title,
  description,
  actions,
  children,
  className,
}: {
  id?: string;
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  const headingId = id ? `${id}-heading` : undefined;
  return (
    <section id={id} aria-labelledby={headingId} className={cn("scroll-mt-4", className)}>
      <div className="mb-3 flex flex-wrap items-end justify-between gap-3">
        <div className="min-w-0">
          <h2 id={headingId} className="font-medium text-fg">
            {title}
          </h2>
          {description ? <p className="mt-0.5 max-w-3xl text-muted text-sm">{description}</p> : null}
        </div>
        {actions ? <div className="flex flex-wrap items-center gap-2">{actions}</div> : null}
      </div>
      {children}
    </section>
  );
}
