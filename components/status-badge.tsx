import type { SessionStatus } from "@/lib/events/types";
import { cn } from "./ui/cn";

const STYLES: Record<SessionStatus, { badge: string; dot: string }> = {
  idle: { badge: "border-emerald-400/20 bg-emerald-400/[0.08] text-emerald-300", dot: "bg-emerald-400" },
  running: {
    badge: "border-accent/40 bg-accent/15 text-accent-text",
    dot: "bg-accent-text animate-status-pulse",
  },
  ended: { badge: "border-line-strong bg-panel-2 text-faint", dot: "bg-zinc-500" },
  interrupted: { badge: "border-amber-400/25 bg-amber-400/[0.08] text-amber-300", dot: "bg-amber-400" },
};

const FALLBACK = { badge: "border-line-strong bg-panel-2 text-muted", dot: "bg-zinc-500" };

/** The text content is exactly the status word (tests rely on it); the dot is decorative. */
export function StatusBadge({
  status,
  className,
  ...rest
}: {
  status: SessionStatus | string;
  className?: string;
  "data-testid"?: string;
}) {
  const style = (STYLES as Record<string, { badge: string; dot: string }>)[status] ?? FALLBACK;
  return (
    <span
      className={cn(
        "inline-flex h-5 shrink-0 items-center gap-1.5 rounded-full border px-2 font-medium text-xs leading-none",
        style.badge,
        className,
      )}
      {...rest}
    >
      <span aria-hidden="true" className={cn("size-1.5 rounded-full", style.dot)} />
      {status}
    </span>
  );
}
