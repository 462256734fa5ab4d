import type { ReactNode } from "react";
import { cn } from "../ui/cn";

export function Section({
  id,
  title,
  description,
  actions,
  children,
  className,
}: {
  id: string;
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <section
      aria-labelledby={`${id}-title`}
      data-testid={`section-${id}`}
      className={cn("space-y-3", className)}
    >
      <div className="flex items-end justify-between gap-4">
        <div>
          <h2 id={`${id}-title`} className="font-medium text-fg text-lg">
            {title}
          </h2>
          {description ? <p className="mt-0.5 max-w-3xl text-muted text-sm">{description}</p> : null}
        </div>
        {actions}
      </div>
      {children}
    </section>
  );
}

export function Card({
  title,
  children,
  className,
  testId,
}: {
  title?: string;
  children: ReactNode;
  className?: string;
  testId?: string;
}) {
  return (
    <div data-testid={testId} className={cn("rounded-lg border border-line bg-panel p-4", className)}>
      {title ? (
        <h3 className="mb-3 font-medium text-faint text-xs uppercase tracking-wide">{title}</h3>
      ) : null}
      {children}
    </div>
  );
}

export function Stat({
  label,
  value,
  detail,
  tone,
  testId,
}: {
  label: string;
  value: ReactNode;
  detail?: ReactNode;
  tone?: "good" | "warn" | "bad";
  testId?: string;
}) {
  return (
    <div data-testid={testId} className="rounded-lg border border-line bg-panel px-4 py-3">
      <div className="text-faint text-xs uppercase tracking-wide">{label}</div>
      <div
        className={cn(
          "mt-1 font-semibold text-xl tabular-nums",
          tone === "good"
            ? "text-emerald-300"
            : tone === "warn"
              ? "text-amber-300"
              : tone === "bad"
                ? "text-red-300"
                : "text-fg",
        )}
      >
        {value}
      </div>
      {detail ? <div className="mt-0.5 text-muted text-sm">{detail}</div> : null}
    </div>
  );
}

export const TH = "h-9 px-3 font-medium text-faint text-xs uppercase tracking-wide whitespace-nowrap";
export const TD = "h-10 px-3";

export function rateTone(ratio: number | null): string {
  if (ratio === null) return "text-faint";
  if (ratio >= 0.95) return "text-emerald-300";
  if (ratio >= 0.8) return "text-amber-300";
  return "text-red-300";
}
