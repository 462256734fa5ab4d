"use client";

import { Button } from "../ui/button";
import { Input } from "../ui/input";
import { newPriceRow, type PriceRow } from "./settings-draft";

const GRID = "grid grid-cols-[minmax(0,1fr)_6.5rem_6.5rem_6.5rem_7.5rem_2rem] items-center gap-2";

export function PriceTableEditor({
  rows,
  onChange,
}: {
  rows: PriceRow[];
  onChange: (rows: PriceRow[]) => void;
}) {
  const update = (key: string, patch: Partial<PriceRow>) =>
    onChange(rows.map((row) => (row.key === key ? { ...row, ...patch } : row)));

  return (
    // six columns do not fit a phone: the table scrolls sideways in its own box, not the page
    <div className="overflow-x-auto">
      <div className="flex min-w-[34rem] flex-col gap-2" data-testid="price-table">
        <div className={`${GRID} text-faint text-xs uppercase tracking-wide`}>
          <span>Model</span>
          <span className="text-right">$ / 1M input</span>
          <span className="text-right">$ / 1M output</span>
          <span className="text-right">$ / 1M cached</span>
          <span className="text-right">Context window</span>
          <span />
        </div>
        {rows.length === 0 ? (
          <p className="rounded-md border border-line border-dashed px-3 py-3 text-faint">
            None of your own. Models are priced from the endpoint or Ratchet's table, else shown as unknown.
          </p>
        ) : (
          rows.map((row, index) => (
            <div key={row.key} className={GRID} data-testid="price-row">
              <Input
                aria-label={`Model id, row ${index + 1}`}
                className="font-mono text-sm"
                placeholder="gpt-5-mini"
                spellCheck={false}
                value={row.model}
                onChange={(e) => update(row.key, { model: e.target.value })}
              />
              <Input
                aria-label={`Input price per million tokens for ${row.model || `row ${index + 1}`}`}
                type="number"
                inputMode="decimal"
                min="0"
                step="any"
                className="text-right tabular-nums"
                value={row.input}
                onChange={(e) => update(row.key, { input: e.target.value })}
              />
              <Input
                aria-label={`Output price per million tokens for ${row.model || `row ${index + 1}`}`}
                type="number"
                inputMode="decimal"
                min="0"
                step="any"
                className="text-right tabular-nums"
                value={row.output}
                onChange={(e) => update(row.key, { output: e.target.value })}
              />
              <Input
                aria-label={`Cached input price per million tokens for ${row.model || `row ${index + 1}`}`}
                type="number"
                inputMode="decimal"
                min="0"
                step="any"
                placeholder="= input"
                className="text-right tabular-nums"
                value={row.cached}
                onChange={(e) => update(row.key, { cached: e.target.value })}
              />
              <Input
                aria-label={`Context window in tokens for ${row.model || `row ${index + 1}`}`}
                data-testid="price-context-window"
                type="number"
                inputMode="numeric"
                min="1024"
                step="1"
                placeholder="its own"
                className="text-right tabular-nums"
                value={row.contextWindow}
                onChange={(e) => update(row.key, { contextWindow: e.target.value })}
              />
              <Button
                variant="ghost"
                size="sm"
                className="w-8 px-0"
                aria-label={`Remove price for ${row.model || `row ${index + 1}`}`}
                onClick={() => onChange(rows.filter((r) => r.key !== row.key))}
              >
                <svg
                  aria-hidden="true"
                  viewBox="0 0 16 16"
                  width="14"
                  height="14"
                  fill="none"
                  stroke="currentColor"
                  strokeWidth="1.5"
                >
                  <path d="M4 4l8 8M12 4l-8 8" strokeLinecap="round" />
                </svg>
              </Button>
            </div>
          ))
        )}
        <div>
          <Button size="sm" variant="ghost" onClick={() => onChange([...rows, newPriceRow()])}>
            + Add model price
          </Button>
        </div>
      </div>
    </div>
  );
}
