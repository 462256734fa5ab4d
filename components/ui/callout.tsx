import type { ReactNode } from "react";
import { cn } from "./cn";

type Tone = "warn" | "error" | "info";

const TONES: Record<Tone, string> = {
  warn: "border-amber-400/25 bg-amber-400/[0.07] text-amber-100",
  error: "border-red-400/25 bg-red-400/[0.07] text-red-200",
  info: "border-line bg-panel-2 text-muted",
};

export function Callout({
  tone = "info",
  className,
  children,
  ...rest
}: {
  tone?: Tone;
  className?: string;
  children: ReactNode;
  "data-testid"?: string;
  role?: "alert" | "status";
}) {
  return (
    <div className={cn("rounded-md border px-3 py-2 text-base", TONES[tone], className)} {...rest}>
      {children}
    </div>
  );
}
