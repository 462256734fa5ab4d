import Link from "next/link";
import { Callout } from "../ui/callout";

export function NoModelCallout() {
  return (
    <Callout
      tone="warn"
      data-testid="no-model-callout"
      role="status"
      className="flex items-center justify-between gap-4"
    >
      <span>No model configured — set an OpenAI-compatible endpoint in Settings.</span>
      <Link
        href="/settings"
        className="shrink-0 rounded font-medium text-amber-200 underline decoration-amber-200/40 underline-offset-2 hover:decoration-amber-200"
      >
        Open Settings
      </Link>
    </Callout>
  );
}
