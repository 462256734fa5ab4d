"use client";

import { type FormEvent, type ReactNode, useEffect, useState } from "react";
import type { SandboxView, Settings } from "@/lib/settings/views";
import { settingsApi } from "../api-client";
import { Button } from "../ui/button";
import { Callout } from "../ui/callout";
import { Field } from "../ui/field";
import { Input, Select, Textarea } from "../ui/input";
import { ConnectionTest } from "./connection-test";
import { ModelListButton, PresetPicker, ProviderSelect } from "./endpoint-preset";
import { ModelFactsList } from "./model-facts-list";
import { PermissionRules } from "./permission-rules";
import { PriceTableEditor } from "./price-table-editor";
import { buildPatch, draftFrom, type SettingsDraft } from "./settings-draft";
import { SourceTag } from "./source-tag";
import { WorkspaceRoots } from "./workspace-roots";

function Section({
  title,
  description,
  children,
}: {
  title: string;
  description: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="grid max-w-5xl grid-cols-1 gap-6 border-line border-b py-7 last-of-type:border-b-0 lg:grid-cols-[16rem_minmax(0,1fr)]">
      <div>
        <h2 className="font-medium text-fg">{title}</h2>
        <p className="mt-1 text-muted text-sm leading-5">{description}</p>
      </div>
      <div className="flex min-w-0 flex-col gap-4">{children}</div>
    </section>
  );
}

const NETWORK_MODES = [
  {
    mode: "open",
    label: "Open",
    hint: "Any public host. This machine, loopback, link-local, cloud metadata and private network addresses stay blocked.",
  },
  {
    mode: "allowlist",
    label: "Allowlist",
    hint: "Only the domains you list (package registries, your git host…).",
  },
  { mode: "none", label: "None", hint: "No network at all." },
] as const;

function SandboxStatusNote({ sandbox }: { sandbox: SandboxView }) {
  if (sandbox.mode === "on") {
    return (
      <p data-testid="settings-sandbox-status" className="text-sm text-emerald-300">
        ✓ Sandbox on.{" "}
        <span className="text-muted">
          {sandbox.taskCap.enforced
            ? `Process count capped per command (${sandbox.taskCap.detail}).`
            : `No process-count cap here: ${sandbox.taskCap.detail}.`}
        </span>
      </p>
    );
  }
  return (
    <Callout tone={sandbox.mode === "off" ? "warn" : "error"} data-testid="settings-sandbox-status">
      Sandbox {sandbox.mode}: {sandbox.reason}
    </Callout>
  );
}

type SaveState =
  | { kind: "idle" }
  | { kind: "saving" }
  | { kind: "saved" }
  | { kind: "unchanged" }
  | { kind: "error"; messages: string[] };

export function SettingsView() {
  const [saved, setSaved] = useState<Settings | null>(null);
  const [draft, setDraft] = useState<SettingsDraft | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [save, setSave] = useState<SaveState>({ kind: "idle" });

  useEffect(() => {
    void settingsApi.get().then((result) => {
      if (result.ok) {
        setSaved(result.data);
        setDraft(draftFrom(result.data));
      } else {
        setLoadError(result.message);
      }
    });
  }, []);

  if (loadError) {
    return (
      <Callout tone="error" role="alert">
        Could not load settings: {loadError}
      </Callout>
    );
  }
  if (!saved || !draft) {
    return <div aria-hidden="true" className="h-96 animate-pulse rounded-lg bg-panel/60" />;
  }

  const sources = saved.model.sources ?? {};
  const edit = (patch: Partial<SettingsDraft>) => {
    setDraft({ ...draft, ...patch });
    if (save.kind !== "saving") setSave({ kind: "idle" });
  };

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!saved || !draft) return;
    const { patch, errors } = buildPatch(draft, saved);
    if (errors.length > 0) {
      setSave({ kind: "error", messages: errors });
      return;
    }
    if (Object.keys(patch).length === 0) {
      setSave({ kind: "unchanged" });
      return;
    }
    setSave({ kind: "saving" });
    const result = await settingsApi.save(patch);
    if (!result.ok) {
      setSave({ kind: "error", messages: [result.message] });
      return;
    }
    setSaved(result.data);
    setDraft(draftFrom(result.data));
    setSave({ kind: "saved" });
  }

  const keyPlaceholder = draft.clearKey
    ? "The saved key will be removed"
    : saved.model.apiKeySet
      ? `${saved.model.apiKeyHint ?? "set"} — leave blank to keep`
      : "Not set — not needed for most local servers";

  return (
    <form onSubmit={submit} noValidate className="flex flex-col">
      {saved.model.configured ? null : (
        <Callout tone="warn" className="mt-6 max-w-5xl">
          No model is configured yet. Set a base URL (local servers need no key) or an API key, then save.
        </Callout>
      )}

      <Section
        title="Model endpoint"
        description="Any OpenAI-compatible server: OpenAI, Ollama, llama.cpp, vLLM, LM Studio or a gateway. Saved values override environment variables."
      >
        <PresetPicker presets={saved.presets} edit={edit} />

        <Field
          label="Base URL"
          htmlFor="settings-base-url"
          aside={<SourceTag source={sources.baseUrl} />}
          hint="Leave blank for OpenAI. Ollama: http://127.0.0.1:11434/v1"
        >
          <Input
            id="settings-base-url"
            data-testid="settings-base-url"
            type="url"
            spellCheck={false}
            autoComplete="off"
            className="font-mono text-sm"
            placeholder="https://api.openai.com/v1"
            value={draft.baseUrl}
            onChange={(e) => edit({ baseUrl: e.target.value })}
          />
        </Field>

        <Field label="API key" htmlFor="settings-api-key" aside={<SourceTag source={sources.apiKey} />}>
          <div className="flex gap-2">
            <Input
              id="settings-api-key"
              data-testid="settings-api-key"
              type="password"
              autoComplete="new-password"
              spellCheck={false}
              className="font-mono text-sm"
              placeholder={keyPlaceholder}
              disabled={draft.clearKey}
              value={draft.apiKey}
              onChange={(e) => edit({ apiKey: e.target.value })}
            />
            {saved.model.apiKeySet || draft.clearKey ? (
              <Button
                data-testid="settings-clear-key"
                variant={draft.clearKey ? "secondary" : "ghost"}
                onClick={() => edit({ clearKey: !draft.clearKey, apiKey: "" })}
                aria-pressed={draft.clearKey}
              >
                {draft.clearKey ? "Keep key" : "Clear"}
              </Button>
            ) : null}
          </div>
        </Field>

        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
          <Field label="Model id" htmlFor="settings-model" aside={<SourceTag source={sources.model} />}>
            <Input
              id="settings-model"
              data-testid="settings-model"
              spellCheck={false}
              autoComplete="off"
              className="font-mono text-sm"
              placeholder="gpt-5-mini, qwen3-coder:30b…"
              list="settings-model-list"
              value={draft.model}
              onChange={(e) => edit({ model: e.target.value })}
            />
          </Field>
          <Field label="API style" htmlFor="settings-api" aside={<SourceTag source={sources.api} />}>
            <Select
              id="settings-api"
              data-testid="settings-api"
              value={draft.api}
              onChange={(e) => edit({ api: e.target.value === "responses" ? "responses" : "chat" })}
            >
              <option value="chat">Chat Completions (chat)</option>
              <option value="responses">Responses API (responses)</option>
            </Select>
          </Field>
          <ModelListButton draft={draft} listId="settings-model-list" />
          <ProviderSelect value={draft.provider} edit={edit} />
          <Field
            label="Context window for every model (tokens)"
            htmlFor="settings-context-window"
            aside={<SourceTag source={sources.contextWindow} />}
          >
            <Input
              id="settings-context-window"
              data-testid="settings-context-window"
              type="number"
              inputMode="numeric"
              min="1024"
              step="1"
              className="tabular-nums"
              placeholder="each model's own (below)"
              value={draft.contextWindow}
              onChange={(e) => edit({ contextWindow: e.target.value })}
            />
          </Field>
          <Field
            label="Step limit per turn"
            htmlFor="settings-step-limit"
            aside={<SourceTag source={sources.stepLimit} />}
          >
            <Input
              id="settings-step-limit"
              data-testid="settings-step-limit"
              type="number"
              inputMode="numeric"
              min="1"
              step="1"
              className="tabular-nums"
              value={draft.stepLimit}
              onChange={(e) => edit({ stepLimit: e.target.value })}
            />
          </Field>
        </div>

        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
          <Field label="Fast model (tiers)" htmlFor="settings-fast-model">
            <Input
              id="settings-fast-model"
              data-testid="settings-fast-model"
              spellCheck={false}
              autoComplete="off"
              className="font-mono text-sm"
              placeholder={draft.model || "the model id above"}
              list="settings-model-list"
              value={draft.fastModel}
              onChange={(e) => edit({ fastModel: e.target.value })}
            />
          </Field>
          <Field label="Strong model (tiers)" htmlFor="settings-strong-model">
            <Input
              id="settings-strong-model"
              data-testid="settings-strong-model"
              spellCheck={false}
              autoComplete="off"
              className="font-mono text-sm"
              placeholder="none: no tiers"
              list="settings-model-list"
              value={draft.strongModel}
              onChange={(e) => edit({ strongModel: e.target.value })}
            />
          </Field>
        </div>
        <p className="text-faint text-sm">
          With a strong model, a turn starts on the fast one and moves to the strong one when the same tool
          fails twice, three calls fail or a friction is recorded, and back after three clean steps;
          reflections and battery changes always use the strong one. A session can pin either.
        </p>
        <ModelFactsList facts={saved.modelFacts} />

        <ConnectionTest draft={draft} />
      </Section>

      <Section
        title="Prices"
        description="Your own figures per model, in US dollars per million tokens: they win over what the endpoint says and over Ratchet's table of well-known models. A model nobody priced shows its price as unknown and adds nothing to a budget."
      >
        <PriceTableEditor rows={draft.prices} onChange={(prices) => edit({ prices })} />
      </Section>

      <Section
        title="Default budget"
        description="New sessions stop when their cost reaches this. Leave blank for no limit; a session can set its own."
      >
        <Field label="Budget per session (USD)" htmlFor="settings-default-budget" className="max-w-48">
          <Input
            id="settings-default-budget"
            data-testid="settings-default-budget"
            type="number"
            inputMode="decimal"
            min="0"
            step="0.01"
            placeholder="none"
            className="tabular-nums"
            value={draft.defaultBudget}
            onChange={(e) => edit({ defaultBudget: e.target.value })}
          />
        </Field>
      </Section>

      <Section
        title="Workspaces"
        description="The folders sessions may work in. Ratchet's own code and data, system folders and your home folder itself are never a workspace."
      >
        <WorkspaceRoots
          workspaces={saved.workspaces}
          onSaved={(workspaces) => setSaved({ ...saved, workspaces })}
        />
      </Section>

      <Section
        title="Permissions"
        description="Which tool calls run at once, which wait for a person's answer in the session, and which never run. A run_command rule names a program, its subcommands and flags (git push, rm -rf); every spelling of the command counts, and a command line that cannot be read with confidence asks. Approvers only; every change is in the audit log."
      >
        <PermissionRules />
      </Section>

      <Section
        title="Sandbox"
        description="Every command and every agent-written tool runs inside bubblewrap and sees only the system folders, the toolchains and its workspace: not your home directory, your keys, Ratchet's app or data. It gets a fixed set of environment variables and reaches the network only through a filtering proxy."
      >
        <SandboxStatusNote sandbox={saved.sandbox} />
        <fieldset className="flex flex-col gap-2" data-testid="settings-network">
          <legend className="mb-1 text-fg text-sm">Network for commands</legend>
          {NETWORK_MODES.map((option) => (
            <label key={option.mode} className="flex cursor-pointer items-start gap-2 text-sm">
              <input
                type="radio"
                name="network-mode"
                value={option.mode}
                data-testid={`settings-network-${option.mode}`}
                className="mt-1 accent-accent"
                checked={draft.networkMode === option.mode}
                onChange={() => edit({ networkMode: option.mode })}
              />
              <span>
                <span className="text-fg">{option.label}</span>
                <span className="block text-muted">{option.hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {draft.networkMode === "allowlist" ? (
          <Field
            label="Allowed domains"
            htmlFor="settings-network-domains"
            hint="One per line: example.com, *.example.com (subdomains) or example.com:443."
          >
            <Textarea
              id="settings-network-domains"
              data-testid="settings-network-domains"
              rows={4}
              spellCheck={false}
              className="font-mono text-sm"
              placeholder={"registry.npmjs.org\ngithub.com"}
              value={draft.networkDomains}
              onChange={(e) => edit({ networkDomains: e.target.value })}
            />
          </Field>
        ) : null}
        <p className="text-muted text-sm">
          Agent-written tools get network only when they declare it, and never more than this policy allows.
        </p>
        <Field
          label="Private networks commands may reach"
          htmlFor="settings-private-networks"
          hint="Blocked unless listed, one range per line (10.20.0.0/16). Loopback, link-local, metadata and this machine's own addresses stay blocked whatever is listed."
        >
          <Textarea
            id="settings-private-networks"
            data-testid="settings-private-networks"
            rows={2}
            spellCheck={false}
            className="font-mono text-sm"
            placeholder="10.20.0.0/16"
            value={draft.privateNetworks}
            onChange={(e) => edit({ privateNetworks: e.target.value })}
          />
        </Field>
        <Field
          label="Extra folders commands may read"
          htmlFor="settings-read-paths"
          hint="Absolute paths, one per line (a shared toolchain, a CA bundle). Never Ratchet's own folders or your home directory."
        >
          <Textarea
            id="settings-read-paths"
            data-testid="settings-read-paths"
            rows={2}
            spellCheck={false}
            className="font-mono text-sm"
            placeholder="/opt/toolchains"
            value={draft.readPaths}
            onChange={(e) => edit({ readPaths: e.target.value })}
          />
        </Field>
        <Field
          label="Variables passed to commands"
          htmlFor="settings-env-names"
          hint="By name, one per line. Commands otherwise get only PATH, HOME, USER, locale, TERM, TZ and toolchain locations, never the server's keys."
        >
          <Textarea
            id="settings-env-names"
            data-testid="settings-env-names"
            rows={2}
            spellCheck={false}
            className="font-mono text-sm"
            placeholder="JAVA_OPTS"
            value={draft.envNames}
            onChange={(e) => edit({ envNames: e.target.value })}
          />
        </Field>
      </Section>

      <div className="sticky bottom-0 -mx-4 flex min-h-14 flex-wrap items-center gap-4 border-line border-t bg-canvas/90 px-4 py-3 md:-mx-8 md:px-8 backdrop-blur">
        <Button data-testid="settings-save" type="submit" variant="primary" disabled={save.kind === "saving"}>
          {save.kind === "saving" ? "Saving…" : "Save changes"}
        </Button>
        <div aria-live="polite" className="min-w-0 text-sm">
          {save.kind === "saved" ? (
            <span data-testid="settings-saved" className="text-emerald-300">
              ✓ Saved
            </span>
          ) : save.kind === "unchanged" ? (
            <span className="text-faint">Nothing changed.</span>
          ) : save.kind === "error" ? (
            <span data-testid="settings-error" role="alert" className="text-red-300">
              {save.messages.join(" ")}
            </span>
          ) : null}
        </div>
      </div>
    </form>
  );
}
