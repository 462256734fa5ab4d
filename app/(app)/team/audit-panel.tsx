"use client";

import { useCallback, useEffect, useState } from "react";
import { type AuditQuery, teamApi } from "@/components/api-client";
import { Button } from "@/components/ui/button";
import { Callout } from "@/components/ui/callout";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import type { AuditEntry } from "@/lib/team/views";

const AREAS = [
  { value: "", label: "Everything" },
  { value: "tool.", label: "Tools" },
  { value: "skill.", label: "Skills" },
  { value: "settings.", label: "Settings" },
  { value: "user.", label: "Users" },
];

function detailText(detail: AuditEntry["detail"]): string {
  if (!detail) return "";
  return Object.entries(detail)
    .map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" · ");
}

export function AuditPanel() {
  const [filter, setFilter] = useState<AuditQuery>({});
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (query: AuditQuery, append: boolean) => {
    const result = await teamApi.audit(query);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    setError(null);
    setEntries((list) => (append ? [...(list ?? []), ...result.data.entries] : result.data.entries));
    setNext(result.data.next);
  }, []);

  useEffect(() => {
    void load(filter, false);
  }, [filter, load]);

  return (
    <section className="flex flex-col gap-4" aria-labelledby="team-audit">
      <div>
        <h2 id="team-audit" className="font-medium text-fg">
          Audit log
        </h2>
        <p className="mt-1 text-muted text-sm">
          Every approval, rejection, skill edit, settings change and user change: who, what and when. Newest
          first.
        </p>
      </div>
      <div className="flex flex-wrap items-end gap-3">
        <Field label="Area" htmlFor="audit-area" className="w-40">
          <Select
            id="audit-area"
            data-testid="audit-area"
            value={filter.action ?? ""}
            onChange={(event) => setFilter({ ...filter, action: event.target.value || undefined })}
          >
            {AREAS.map((area) => (
              <option key={area.value} value={area.value}>
                {area.label}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Who" htmlFor="audit-actor" className="w-48">
          <Input
            id="audit-actor"
            data-testid="audit-actor"
            placeholder="any"
            defaultValue={filter.actor ?? ""}
            onKeyDown={(event) => {
              if (event.key === "Enter")
                setFilter({ ...filter, actor: event.currentTarget.value.trim() || undefined });
            }}
            onBlur={(event) => setFilter({ ...filter, actor: event.currentTarget.value.trim() || undefined })}
          />
        </Field>
      </div>
      {error ? (
        <Callout tone="error" role="alert">
          {error}
        </Callout>
      ) : null}
      {entries === null ? (
        <div aria-hidden="true" className="h-24 animate-pulse rounded-lg bg-panel/60" />
      ) : entries.length === 0 ? (
        <p className="text-muted text-sm" data-testid="audit-empty">
          Nothing recorded{filter.action || filter.actor ? " for this filter" : " yet"}.
        </p>
      ) : (
        // a wide table scrolls on its own on a phone, the page does not
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="audit-table">
            <thead className="text-faint text-xs uppercase tracking-wide">
              <tr>
                <th className="pb-2 font-medium">When</th>
                <th className="pb-2 font-medium">Who</th>
                <th className="pb-2 font-medium">What</th>
                <th className="pb-2 font-medium">Target</th>
                <th className="pb-2 font-medium">Detail</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id} className="border-line border-t align-top" data-testid="audit-row">
                  <td className="py-2 pr-4 whitespace-nowrap text-muted tabular-nums">
                    {new Date(entry.at).toLocaleString()}
                  </td>
                  <td className="py-2 pr-4 text-fg">{entry.actor}</td>
                  <td className="py-2 pr-4 font-mono">{entry.action}</td>
                  <td className="py-2 pr-4 font-mono">{entry.target ?? "—"}</td>
                  <td className="py-2 break-all text-muted">{detailText(entry.detail)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next ? (
        <Button size="sm" className="self-start" onClick={() => void load({ ...filter, before: next }, true)}>
          Older entries
        </Button>
      ) : null}
    </section>
  );
}
