import type { SessionReflection } from "@/lib/sessions/views";
import { cn } from "../ui/cn";

const TRIGGERS: Record<string, string> = {
  end: "on end",
  idle: "after idle",
  shutdown: "at shutdown",
  interrupted: "after a crash",
  manual: "on request",
};

export function triggerLabel(trigger: string): string {
  return TRIGGERS[trigger] ?? trigger;
}

const QUESTIONS = [
  { key: "wentWell", label: "Went well", dot: "bg-emerald-400" },
  { key: "slow", label: "Slow or awkward", dot: "bg-amber-400" },
  { key: "nextTime", label: "Next time", dot: "bg-accent-text" },
] as const;

/** The three answers, side by side (or stacked when `stacked`). */
export function ReflectionAnswers({
  reflection,
  stacked,
}: {
  reflection: Pick<SessionReflection, "wentWell" | "slow" | "nextTime">;
  stacked?: boolean;
}) {
  return (
    <dl className={cn("grid gap-x-6 gap-y-3", stacked ? "grid-cols-1" : "grid-cols-1 md:grid-cols-3")}>
      {QUESTIONS.map((q) => {
        const text = reflection[q.key]?.trim();
        return (
          <div key={q.key} className="min-w-0" data-testid={`reflection-${q.key}`}>
            <dt className="flex items-center gap-1.5 text-faint text-xs uppercase tracking-wide">
              <span aria-hidden="true" className={cn("size-1.5 rounded-full", q.dot)} />
              {q.label}
            </dt>
            <dd className={cn("mt-1 whitespace-pre-wrap break-words", text ? "text-muted" : "text-faint")}>
              {text || "—"}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}
