/** Placeholder rows for a list that is still loading. */
const ROWS = ["a", "b", "c", "d"];

export function SkeletonList() {
  return (
    <ul aria-hidden="true" className="space-y-1 px-2">
      {ROWS.map((row) => (
        <li key={row} className="flex flex-col gap-1.5 px-3 py-2.5">
          <span className="h-3 w-32 rounded bg-panel-2" />
          <span className="h-2.5 w-52 rounded bg-panel-2/70" />
          <span className="h-2 w-40 rounded bg-panel-2/50" />
        </li>
      ))}
    </ul>
  );
}
