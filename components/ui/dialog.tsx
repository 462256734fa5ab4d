"use client";

import { type ReactNode, useEffect, useId, useRef } from "react";
import { cn } from "./cn";

/** A modal on the native <dialog>: focus is trapped, Escape closes, focus returns to the opener. */
export function Dialog({
  open,
  onClose,
  title,
  description,
  wide,
  children,
  ...rest
}: {
  open: boolean;
  onClose(): void;
  title: string;
  description?: ReactNode;
  wide?: boolean;
  children: ReactNode;
  "data-testid"?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onClose}
      className={cn(
        "m-auto max-h-[calc(100dvh-2rem)] rounded-lg border border-line-strong bg-panel p-0 text-fg shadow-2xl shadow-black/60 backdrop:bg-black/60 backdrop:backdrop-blur-[1px]",
        wide ? "w-[min(44rem,calc(100vw-2rem))]" : "w-[min(32rem,calc(100vw-2rem))]",
      )}
      {...rest}
    >
      {open ? (
        <div className="flex flex-col gap-4 p-5">
          <div>
            <h2 id={titleId} className="font-semibold text-fg text-lg">
              {title}
            </h2>
            {description ? <p className="mt-1 text-muted text-sm">{description}</p> : null}
          </div>
          {children}
        </div>
      ) : null}
    </dialog>
  );
}

export function ErrorLine({ message, testId }: { message: string | null; testId?: string }) {
  return message ? (
    <p role="alert" data-testid={testId ?? "dialog-error"} className="text-red-300 text-sm">
      {message}
    </p>
  ) : null;
}

export function DialogActions({ children }: { children: ReactNode }) {
  return <div className="flex items-center justify-end gap-2 pt-1">{children}</div>;
}
