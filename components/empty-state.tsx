import type { ReactNode } from "react";

/** An honest placeholder: says what will be here, never shows made-up data. */
export function EmptyState({
  title,
  children,
  badge,
}: {
  title: string;
  children?: ReactNode;
  badge?: string;
}) {
  return (
    <div
      data-testid="empty-state"
      className="flex flex-col items-start gap-2 rounded-lg border border-line border-dashed bg-panel/60 px-6 py-8"
    >
      <div className="flex items-center gap-2">
        <h2 className="font-medium text-fg">{title}</h2>
        {badge ? (
          <span className="rounded border border-line-strong px-1.5 py-px font-mono text-[10px] text-faint uppercase tracking-wide">
            {badge}
          </span>
        ) : null}
      </div>
      {children ? <div className="max-w-xl space-y-2 text-muted">{children}</div> : null}
    </div>
  );
}
