import type { ReactNode } from "react";
import type { ValidationReport as Report, ValidationCheck } from "@/lib/tools/views";
import { formatDuration } from "../format";
import { Callout } from "../ui/callout";
import { cn } from "../ui/cn";

type Verdict = ValidationCheck["status"];

const VERDICT: Record<Verdict, { glyph: string; word: string; className: string }> = {
  pass: { glyph: "✓", word: "pass", className: "text-emerald-300" },
  fail: { glyph: "✗", word: "fail", className: "text-red-300" },
  warn: { glyph: "!", word: "warning", className: "text-amber-300" },
};

function Mark({ status }: { status: Verdict }) {
  const v = VERDICT[status];
  return (
    <span className={cn("inline-flex w-4 shrink-0 justify-center font-semibold", v.className)}>
      <span aria-hidden="true">{v.glyph}</span>
      <span className="sr-only">{v.word}</span>
    </span>
  );
}

function json(value: unknown): string {
  if (value === undefined) return "undefined";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function Code({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <code
      className={cn(
        "block max-h-28 overflow-auto whitespace-pre-wrap break-all rounded bg-canvas px-2 py-1 font-mono text-[11px] text-muted leading-4",
        className,
      )}
    >
      {children}
    </code>
  );
}

function Subheading({ children }: { children: ReactNode }) {
  return <h4 className="mb-1.5 font-medium text-faint text-xs uppercase tracking-wide">{children}</h4>;
}

export function ValidationReport({
  report,
  onShowLine,
}: {
  report: Report | null;
  /** Jump to a line of the source (the static flags point at lines). */
  onShowLine(line: number): void;
}) {
  if (!report) {
    return (
      <section data-testid="validation-report" className="rounded-lg border border-line bg-panel p-4">
        <p className="text-muted">No validation report was stored for this version.</p>
      </section>
    );
  }
  const failed = report.checks.filter((c) => c.status === "fail").length;
  const warned = report.checks.filter((c) => c.status === "warn").length;
  return (
    <section
      aria-labelledby="validation-heading"
      data-testid="validation-report"
      data-ok={report.ok ? "true" : "false"}
      className="overflow-hidden rounded-lg border border-line bg-panel"
    >
      <div className="flex h-10 items-center gap-2 border-line border-b px-4">
        <h3 id="validation-heading" className="font-medium text-fg">
          Validation
        </h3>
        <span
          data-testid="validation-verdict"
          className={cn(
            "rounded-full px-2 py-px font-medium text-xs",
            report.ok ? "bg-emerald-400/10 text-emerald-300" : "bg-red-400/10 text-red-300",
          )}
        >
          {report.ok ? "passed" : "failed"}
        </span>
        <span className="ml-auto text-faint text-xs tabular-nums">
          {failed > 0 ? `${failed} failed · ` : ""}
          {warned > 0 ? `${warned} ${warned === 1 ? "warning" : "warnings"} · ` : ""}
          ran in the sandbox in {formatDuration(report.durationMs)}
        </span>
      </div>

      <div className="flex flex-col gap-4 p-4">
        {report.unavailable ? (
          <Callout tone="warn" data-testid="validation-unavailable">
            <span className="font-medium">Unavailable here:</span> {report.unavailable}. It loads, but no
            session can call it until that is installed.
          </Callout>
        ) : null}

        <div>
          <Subheading>Checks</Subheading>
          <ul className="flex flex-col gap-1">
            {report.checks.map((check, i) => (
              <li
                // A report may repeat an id (e.g. two load checks); the position keeps keys unique.
                // biome-ignore lint/suspicious/noArrayIndexKey: the list is static per report
                key={`${check.id}-${i}`}
                data-testid={`check-${check.id}`}
                data-status={check.status}
                className="flex min-w-0 gap-2"
              >
                <Mark status={check.status} />
                <div className="min-w-0 flex-1">
                  <span className={check.status === "pass" ? "text-muted" : "text-fg"}>{check.label}</span>
                  {check.detail && check.status === "pass" ? (
                    <span className="text-faint text-sm"> · {check.detail}</span>
                  ) : null}
                  {check.detail && check.status !== "pass" ? (
                    <Code className={cn("mt-1", check.status === "fail" && "text-red-200/90")}>
                      {check.detail}
                    </Code>
                  ) : null}
                </div>
              </li>
            ))}
          </ul>
        </div>

        {report.examples.length > 0 ? (
          <div>
            <Subheading>
              Examples · {report.examples.filter((e) => e.pass).length} of {report.examples.length} passed
            </Subheading>
            <ol className="flex flex-col divide-y divide-line rounded-md border border-line">
              {report.examples.map((example) => (
                <li
                  key={example.index}
                  data-testid={`example-${example.index}`}
                  data-pass={example.pass ? "true" : "false"}
                  className="grid grid-cols-[1rem_4.25rem_minmax(0,1fr)_auto] items-baseline gap-x-2 gap-y-1 px-3 py-2"
                >
                  <Mark status={example.pass ? "pass" : "fail"} />
                  <span className="text-faint text-xs">#{example.index + 1} args</span>
                  <Code>{json(example.args)}</Code>
                  <span className="text-right text-faint text-xs tabular-nums">
                    {formatDuration(example.durationMs)}
                  </span>
                  {example.returned !== undefined ? (
                    <>
                      <span className="col-start-2 text-faint text-xs">returned</span>
                      <Code className="col-span-2">{example.returned}</Code>
                    </>
                  ) : null}
                  {example.reason ? (
                    <p
                      className={cn(
                        "col-span-3 col-start-2 text-sm",
                        example.pass ? "text-muted" : "text-red-300",
                      )}
                    >
                      {example.reason}
                    </p>
                  ) : null}
                </li>
              ))}
            </ol>
          </div>
        ) : null}

        {report.flags.length > 0 ? (
          <div>
            <Subheading>Hints from reading the source</Subheading>
            <ul className="flex flex-col gap-1">
              {report.flags.map((flag) => (
                <li
                  key={flag.id}
                  data-testid={`flag-${flag.id}`}
                  className="flex flex-wrap items-baseline gap-x-2"
                >
                  <span className="text-amber-200/90">{flag.label}</span>
                  <span className="text-faint text-xs">
                    {flag.lines.length === 1 ? "line" : "lines"}{" "}
                    {flag.lines.map((line, i) => (
                      <span key={line}>
                        <button
                          type="button"
                          onClick={() => onShowLine(line)}
                          className="rounded font-mono text-accent-text underline decoration-accent-text/30 underline-offset-2 hover:decoration-accent-text"
                          aria-label={`Show line ${line} of the source`}
                        >
                          {line}
                        </button>
                        {i < flag.lines.length - 1 ? ", " : ""}
                      </span>
                    ))}
                  </span>
                </li>
              ))}
            </ul>
            <p className="mt-1.5 text-faint text-xs">
              Hints, not a verdict: the sandbox enforces the declared capabilities whatever the code says.
            </p>
          </div>
        ) : null}
      </div>
    </section>
  );
}
