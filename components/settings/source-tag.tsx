import type { ValueSource } from "@/lib/settings/views";

const LABELS: Record<ValueSource, string> = { env: "from env", settings: "saved", default: "default" };

/** Where a value currently comes from: saved settings win over env, env over defaults. */
export function SourceTag({ source }: { source: ValueSource | undefined }) {
  if (!source) return null;
  return (
    <span
      className="font-mono text-[10px] text-faint uppercase tracking-wide"
      title={`Current value: ${LABELS[source]}`}
    >
      {LABELS[source]}
    </span>
  );
}
