"use client";

import { useState } from "react";
import { apiRequest } from "../api-client";
import type { ApiStyle, ConnectionTestResult } from "../api-types";
import { Button } from "../ui/button";

export interface ConnectionDraft {
  baseUrl: string;
  apiKey: string;
  model: string;
  api: ApiStyle;
}

/** Tests the form's current (unsaved) values against the endpoint. */
export function ConnectionTest({ draft }: { draft: ConnectionDraft }) {
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<ConnectionTestResult | null>(null);

  async function run() {
    setTesting(true);
    setResult(null);
    const body: { baseUrl: string | null; apiKey?: string; model?: string; api: ApiStyle } = {
      baseUrl: draft.baseUrl.trim() || null,
      api: draft.api,
    };
    if (draft.apiKey.trim()) body.apiKey = draft.apiKey.trim();
    if (draft.model.trim()) body.model = draft.model.trim();
    const response = await apiRequest<ConnectionTestResult>("/api/settings/test", { method: "POST", body });
    setTesting(false);
    setResult(
      response.ok
        ? {
            ok: Boolean(response.data?.ok),
            message: response.data?.message ?? "",
            latencyMs: response.data?.latencyMs,
          }
        : { ok: false, message: response.message },
    );
  }

  return (
    <div className="flex min-h-8 flex-wrap items-center gap-3">
      <Button data-testid="settings-test" onClick={() => void run()} disabled={testing}>
        {testing ? "Testing…" : "Test connection"}
      </Button>
      <div aria-live="polite" className="min-w-0 flex-1">
        {result ? (
          <p
            data-testid="test-result"
            data-ok={result.ok ? "true" : "false"}
            className={result.ok ? "text-emerald-300" : "text-red-300"}
          >
            <span aria-hidden="true">{result.ok ? "✓ " : "✗ "}</span>
            {result.message || (result.ok ? "Connected." : "The test failed.")}
            {typeof result.latencyMs === "number" ? (
              <span className="ml-2 font-mono text-faint text-xs">{Math.round(result.latencyMs)} ms</span>
            ) : null}
          </p>
        ) : null}
      </div>
    </div>
  );
}
