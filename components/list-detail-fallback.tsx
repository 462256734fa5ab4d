import { PageHeader } from "./page-header";

/** Shown while a list-and-detail page's search params resolve; the same header, so nothing jumps. */
export function ListDetailFallback({ title, description }: { title: string; description: string }) {
  return (
    <>
      <PageHeader title={title} description={description} />
      <div className="flex min-h-0 flex-1">
        <div
          aria-hidden="true"
          className="w-full space-y-3 px-5 pt-5 lg:w-[22rem] lg:border-line lg:border-r"
        >
          {[0, 1, 2].map((i) => (
            <span key={i} className="block h-12 animate-pulse rounded-md bg-panel/60" />
          ))}
        </div>
      </div>
    </>
  );
}
