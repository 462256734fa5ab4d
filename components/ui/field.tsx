import type { ReactNode } from "react";
import { cn } from "./cn";

/** A label above its control, with an optional hint below and an optional aside (e.g. the value's source). */
export function Field({
  label,
  htmlFor,
  hint,
  aside,
  className,
  children,
}: {
  label: string;
  htmlFor: string;
  hint?: ReactNode;
  aside?: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={cn("flex min-w-0 flex-col gap-1.5", className)}>
      <div className="flex items-baseline justify-between gap-2">
        <label htmlFor={htmlFor} className="font-medium text-muted text-sm">
          {label}
        </label>
        {aside}
      </div>
      {children}
      {hint ? <p className="text-faint text-sm">{hint}</p> : null}
    </div>
  );
}
