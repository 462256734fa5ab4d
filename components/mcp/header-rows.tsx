"use client";

import type { HeaderRow } from "@/lib/mcp/header-rows";
import { Button } from "../ui/button";
import { Input } from "../ui/input";

/**
 * An HTTP server's headers as editable rows. A stored header shows its name and a masked value
 * (the value never reaches the browser): it is kept, replaced with a new value, or removed.
 */
export function HeaderRowsEditor({
  rows,
  onChange,
  label,
}: {
  rows: HeaderRow[];
  onChange: (rows: HeaderRow[]) => void;
  /** Names the group, e.g. "Headers of tracker". */
  label: string;
}) {
  const set = (i: number, patch: Partial<HeaderRow>) =>
    onChange(rows.map((row, j) => (j === i ? { ...row, ...patch } : row)));
  const remove = (i: number) => onChange(rows.filter((_, j) => j !== i));
  return (
    <fieldset className="flex flex-col gap-2" aria-label={label}>
      <legend className="mb-1 font-medium text-muted text-sm">{label}</legend>
      {rows.map((row, i) => (
        // rows have no identity beyond their place: a stored name is unique, a new one may be empty
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        <div key={i} className="flex items-center gap-2" data-testid={`header-row-${i}`}>
          {row.stored ? (
            <span className="w-48 truncate font-mono text-sm">{row.name}</span>
          ) : (
            <Input
              className="w-48"
              aria-label={`Header ${i + 1} name`}
              value={row.name}
              onChange={(e) => set(i, { name: e.target.value })}
              placeholder="Authorization"
            />
          )}
          {row.stored && !row.replace ? (
            <span className="flex-1 font-mono text-faint text-sm" title="stored; the value is never shown">
              •••••••• <span className="sr-only">{row.name} value stored, hidden</span>
            </span>
          ) : (
            <Input
              className="flex-1"
              type="password"
              autoComplete="off"
              aria-label={row.stored ? `New value of ${row.name}` : `Header ${i + 1} value`}
              value={row.value}
              onChange={(e) => set(i, { value: e.target.value })}
            />
          )}
          {row.stored ? (
            <Button
              size="sm"
              onClick={() => set(i, { replace: !row.replace, value: "" })}
              aria-label={
                row.replace ? `Keep the stored value of ${row.name}` : `Replace the value of ${row.name}`
              }
            >
              {row.replace ? "Keep" : "Replace"}
            </Button>
          ) : null}
          <Button
            size="sm"
            variant="ghost"
            onClick={() => remove(i)}
            aria-label={`Remove header ${row.name || i + 1}`}
          >
            Remove
          </Button>
        </div>
      ))}
      <div>
        <Button
          size="sm"
          onClick={() => onChange([...rows, { name: "", value: "", stored: false, replace: false }])}
        >
          Add header
        </Button>
      </div>
    </fieldset>
  );
}
