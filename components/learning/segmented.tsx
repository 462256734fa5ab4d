"use client";

import { useId } from "react";
import { cn } from "../ui/cn";

/** A row of native radio buttons drawn as a segmented control: arrow keys move between options. */
export function Segmented<T extends string>({
  legend,
  value,
  options,
  onChange,
  hideLegend,
  size = "md",
  testId,
}: {
  legend: string;
  value: T;
  options: ReadonlyArray<{ value: T; label: string; title?: string; count?: number }>;
  onChange(value: T): void;
  hideLegend?: boolean;
  size?: "sm" | "md";
  testId?: string;
}) {
  const name = useId();
  return (
    <fieldset className="flex min-w-0 flex-col gap-1.5" data-testid={testId}>
      <legend className={cn("mb-1.5 font-medium text-muted text-sm", hideLegend && "sr-only")}>
        {legend}
      </legend>
      <div className="inline-flex w-fit rounded-md border border-line bg-canvas p-0.5">
        {options.map((option) => (
          <label
            key={option.value}
            title={option.title}
            className={cn(
              "relative inline-flex cursor-pointer select-none items-center gap-1.5 rounded-[5px] font-medium transition-colors",
              "has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-accent-text has-[:focus-visible]:outline-offset-1",
              size === "sm" ? "h-6 px-2 text-sm" : "h-7 px-2.5 text-base",
              value === option.value
                ? "bg-hover text-fg shadow-black/30 shadow-sm"
                : "text-muted hover:text-fg",
            )}
          >
            <input
              type="radio"
              name={name}
              value={option.value}
              checked={value === option.value}
              onChange={() => onChange(option.value)}
              className="sr-only"
            />
            {option.label}
            {option.count !== undefined ? (
              <span className="text-faint text-xs tabular-nums">{option.count}</span>
            ) : null}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
