import { cn } from "./ui/cn";

/**
 * A recorded failure (masked on the server): its first line in full, the frames from the tool's
 * own file under it. The whole text is the tooltip, and it wraps rather than widening the table.
 */
export function ErrorText({
  text,
  className,
  "data-testid": testId,
}: {
  text: string;
  className?: string;
  "data-testid"?: string;
}) {
  const [first = "", ...rest] = text.split("\n");
  return (
    <span data-testid={testId} title={text} className={cn("block min-w-0 text-xs", className)}>
      <span className="block break-words font-mono text-red-200/90">{first}</span>
      {rest.slice(0, 3).map((line, i) => (
        // the lines of one error never move, so their place is their identity
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        <span key={i} className="block truncate font-mono text-faint">
          {line.trim()}
        </span>
      ))}
    </span>
  );
}
