"use client";

import { useEffect, useState } from "react";
import type { McpServerHealth } from "@/lib/mcp/views";
import { isAbortError, mcpApi } from "../api-client";
import { Callout } from "../ui/callout";

const ms = (value: number | null) => (value === null ? "–" : `${value} ms`);
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "never");

/** A server's state and each tool's calls, failures, times and last error; read when opened. */
export function McpServerHealthPanel({ name }: { name: string }) {
  const [open, setOpen] = useState(false);
  const [health, setHealth] = useState<McpServerHealth | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!open) return;
    const controller = new AbortController();
    mcpApi.health(name, controller.signal).then(
      (result) => (result.ok ? setHealth(result.data) : setError(result.message)),
      (failure: unknown) => {
        if (!isAbortError(failure)) setError(String(failure));
      },
    );
    return () => controller.abort();
  }, [open, name]);
  return (
    <details className="text-sm" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary className="cursor-pointer text-faint">Health and calls</summary>
      {error ? <Callout tone="error">{error}</Callout> : null}
      {health ? (
        <div className="mt-2 flex flex-col gap-2" data-testid={`mcp-health-${name}`}>
          <p>
            {health.status.replace("_", " ")} · running in {health.running} session(s) · crashes{" "}
            {health.crashes} · restarts {health.restarts}
            {health.lastCrash ? ` · last crash ${when(health.lastCrash.at)}: ${health.lastCrash.reason}` : ""}
          </p>
          <table className="w-full text-left">
            <caption className="sr-only">
              Calls of {name}&apos;s tools since {when(health.since)}
            </caption>
            <thead className="text-faint">
              <tr>
                <th scope="col">Tool</th>
                <th scope="col">Calls</th>
                <th scope="col">Failures</th>
                <th scope="col">p50</th>
                <th scope="col">p95</th>
                <th scope="col">Last used</th>
                <th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {health.tools.map((t) => (
                <tr key={t.tool} data-testid={`mcp-health-tool-${t.tool}`}>
                  <td className="font-mono">{t.tool}</td>
                  <td>{t.calls}</td>
                  <td className={t.failures ? "text-red-300" : undefined}>{t.failures}</td>
                  <td>{ms(t.p50Ms)}</td>
                  <td>{ms(t.p95Ms)}</td>
                  <td>{when(t.lastUsedAt)}</td>
                  <td className="max-w-72 truncate" title={t.lastError?.message ?? undefined}>
                    {t.lastError ? `${t.lastError.errorClass ?? "error"}: ${t.lastError.message ?? ""}` : "–"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </details>
  );
}
