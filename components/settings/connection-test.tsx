"use client";

import { useState } from "react";
import type { ApiStyle, ConnectionReport, ProviderChoice } from "@/lib/settings/views";
import { type ConnectionTestBody, settingsApi } from "../api-client";
import { Button } from "../ui/button";

export interface ConnectionDraft {
  baseUrl: string;
  apiKey: string;
  model: string;
  api: ApiStyle;
  provider: ProviderChoice;
}

/** Tests the form's current (unsaved) values against the endpoint. */
export function ConnectionTest({ draft }: { draft: ConnectionDraft }) {
  const [testing, setTesting] = useState(false);
  // a request that failed has no latency to show
  const [result, setResult] = useState<
    (Pick<ConnectionReport, "ok" | "message"> & { latencyMs?: number }) | null
  >(null);

  async function run() {
    setTesting(true);
    setResult(null);
    const body: ConnectionTestBody = {
      baseUrl: draft.baseUrl.trim() || null,
      api: draft.api,
      provider: draft.provider,
    };
    if (draft.apiKey.trim()) body.apiKey = draft.apiKey.trim();
    if (draft.model.trim()) body.model = draft.model.trim();
    const response = await settingsApi.testConnection(body);
    setTesting(false);
    setResult(response.ok ? response.data : { ok: false, message: response.message });
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
