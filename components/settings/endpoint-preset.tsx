"use client";

import { useState } from "react";
import type { EndpointPreset, ModelListReport, ProviderChoice } from "@/lib/settings/views";
import { settingsApi } from "../api-client";
import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { Select } from "../ui/input";
import { describeFacts } from "./model-facts-list";
import type { SettingsDraft } from "./settings-draft";

type Edit = (patch: Partial<SettingsDraft>) => void;

/** Fills the endpoint fields from a known server; the values stay editable. */
export function PresetPicker({ presets, edit }: { presets: readonly EndpointPreset[]; edit: Edit }) {
  const [chosen, setChosen] = useState<EndpointPreset | null>(null);
  return (
    <Field
      label="Preset"
      htmlFor="settings-preset"
      hint={
        chosen
          ? `${chosen.keyNeeded ? "Needs an API key." : "No key needed."} ${chosen.note}`
          : "Fills the base URL, API style and client for a known server."
      }
    >
      <Select
        id="settings-preset"
        data-testid="settings-preset"
        value={chosen?.id ?? ""}
        onChange={(e) => {
          const preset = presets.find((p) => p.id === e.target.value) ?? null;
          setChosen(preset);
          if (preset) edit({ baseUrl: preset.baseUrl, api: preset.api, provider: preset.provider });
        }}
      >
        <option value="">Choose a server…</option>
        {presets.map((p) => (
          <option key={p.id} value={p.id}>
            {p.label}
          </option>
        ))}
      </Select>
    </Field>
  );
}

const PROVIDERS: { value: ProviderChoice; label: string }[] = [
  { value: "auto", label: "By base URL (OpenAI's own for api.openai.com)" },
  { value: "openai", label: "OpenAI" },
  { value: "compatible", label: "OpenAI-compatible" },
];

/** Which client speaks to the endpoint; `auto` is right unless a proxy stands in front of OpenAI. */
export function ProviderSelect({ value, edit }: { value: ProviderChoice; edit: Edit }) {
  return (
    <Field label="Client" htmlFor="settings-provider">
      <Select
        id="settings-provider"
        data-testid="settings-provider"
        value={value}
        onChange={(e) =>
          edit({ provider: PROVIDERS.find((p) => p.value === e.target.value)?.value ?? "auto" })
        }
      >
        {PROVIDERS.map((p) => (
          <option key={p.value} value={p.value}>
            {p.label}
          </option>
        ))}
      </Select>
    </Field>
  );
}

/** Lists the endpoint's models into the model field's suggestions; typing any id still works. */
export function ModelListButton({ draft, listId }: { draft: SettingsDraft; listId: string }) {
  const [report, setReport] = useState<ModelListReport | null>(null);
  const [loading, setLoading] = useState(false);

  async function load() {
    setLoading(true);
    const body: { baseUrl: string | null; apiKey?: string } = { baseUrl: draft.baseUrl.trim() || null };
    if (draft.apiKey.trim()) body.apiKey = draft.apiKey.trim();
    const response = await settingsApi.listModels(body);
    setLoading(false);
    setReport(response.ok ? response.data : { ok: false, models: [], message: response.message });
  }

  return (
    <div className="flex flex-wrap items-center gap-3">
      <Button data-testid="settings-list-models" onClick={() => void load()} disabled={loading}>
        {loading ? "Listing…" : "List models"}
      </Button>
      {report ? (
        <p
          data-testid="settings-model-list-result"
          data-ok={report.ok ? "true" : "false"}
          className={report.ok ? "text-muted text-sm" : "text-red-300 text-sm"}
        >
          {report.message}
        </p>
      ) : null}
      <datalist id={listId} data-testid="settings-model-options">
        {(report?.models ?? []).map((id) => {
          const facts = report?.facts?.find((f) => f.model === id);
          const shown = facts ? describeFacts(facts) : null;
          return (
            <option
              key={id}
              value={id}
              label={shown ? `${id} — window ${shown.window}, price ${shown.price}` : undefined}
            />
          );
        })}
      </datalist>
    </div>
  );
}
