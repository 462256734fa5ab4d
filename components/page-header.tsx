import type { ReactNode } from "react";

export function PageHeader({
  title,
  description,
  actions,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    // on a phone the actions go under the title instead of squeezing it
    <header className="flex flex-col gap-3 border-line border-b px-4 pt-5 pb-4 sm:flex-row sm:items-start sm:justify-between sm:gap-4 md:px-8 md:pt-7 md:pb-5">
      <div className="min-w-0">
        <h1 className="text-balance font-semibold text-fg text-xl tracking-tight">{title}</h1>
        {description ? <p className="mt-1 max-w-2xl text-muted">{description}</p> : null}
      </div>
      {actions ? <div className="flex flex-wrap items-center gap-2 sm:shrink-0">{actions}</div> : null}
    </header>
  );
}
