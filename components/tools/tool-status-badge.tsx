import type { ToolListItem, ToolStatus } from "@/lib/tools/views";
import { cn } from "../ui/cn";
import { STATUS_HELP } from "./model";

type Status = ToolStatus | ToolListItem["status"] | "builtin";

const STYLES: Record<Status, { badge: string; dot: string }> = {
  proposed: { badge: "border-amber-400/25 bg-amber-400/[0.08] text-amber-300", dot: "bg-amber-400" },
  active: { badge: "border-emerald-400/20 bg-emerald-400/[0.08] text-emerald-300", dot: "bg-emerald-400" },
  invalid: { badge: "border-red-400/25 bg-red-400/[0.08] text-red-300", dot: "bg-red-400" },
  rejected: { badge: "border-red-400/15 bg-panel-2 text-red-300/80", dot: "bg-red-400/70" },
  superseded: { badge: "border-line-strong bg-panel-2 text-faint", dot: "bg-zinc-500" },
  retired: { badge: "border-line-strong bg-panel-2 text-faint", dot: "bg-zinc-500" },
  builtin: { badge: "border-line-strong bg-panel-2 text-muted", dot: "bg-accent-text" },
};

const HELP: Record<Status, string> = { ...STATUS_HELP, builtin: "Part of Ratchet itself" };

/** The text content is exactly the status word (tests rely on it); the title explains it. */
export function ToolStatusBadge({
  status,
  className,
  ...rest
}: {
  status: Status;
  className?: string;
  "data-testid"?: string;
}) {
  const style = STYLES[status] ?? STYLES.retired;
  return (
    <span
      title={HELP[status]}
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
