"use client";

import { useCallback, useEffect, useState } from "react";
import type { PermissionRule, PermissionSettings, PermissionsView } from "@/lib/permissions/views";
import { permissionsApi } from "../api-client";
import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { Input, Select } from "../ui/input";

type SaveState =
  | { kind: "idle" }
  | { kind: "saving" }
  | { kind: "saved" }
  | { kind: "error"; message: string };

/** A rule as edited: every field text, turned back into a rule on save. */
interface RuleDraft {
  key: number;
  tool: string;
  pattern: string;
  action: PermissionRule["action"];
  unlessUnder: string;
}

let nextKey = 0;

function toDraft(rule: PermissionRule): RuleDraft {
  return {
    key: nextKey++,
    tool: rule.tool,
    pattern: rule.pattern ?? "",
    action: rule.action,
    unlessUnder: (rule.unlessUnder ?? []).join(", "),
  };
}

function fromDraft(draft: RuleDraft): PermissionRule {
  const folders = draft.unlessUnder
    .split(",")
    .map((f) => f.trim())
    .filter(Boolean);
  return {
    tool: draft.tool.trim(),
    action: draft.action,
    ...(draft.pattern.trim() ? { pattern: draft.pattern.trim() } : {}),
    ...(folders.length ? { unlessUnder: folders } : {}),
  };
}

/**
 * The permission rules (approvers; every save audited): allow, ask or deny per tool and, for
 * run_command, per command pattern. Loads and saves on its own, apart from the rest of the form.
 */
export function PermissionRules() {
  const [view, setView] = useState<PermissionsView | null>(null);
  const [rules, setRules] = useState<RuleDraft[]>([]);
  const [defaultAction, setDefaultAction] = useState<PermissionSettings["defaultAction"]>("allow");
  const [timeout, setTimeoutSeconds] = useState("600");
  const [save, setSave] = useState<SaveState>({ kind: "idle" });

  const show = useCallback((next: PermissionsView) => {
    setView(next);
    setRules(next.settings.rules.map(toDraft));
    setDefaultAction(next.settings.defaultAction);
    setTimeoutSeconds(String(next.settings.askTimeoutSeconds));
  }, []);

  useEffect(() => {
    void permissionsApi.get().then((result) => {
      if (result.ok) show(result.data);
      else setSave({ kind: "error", message: result.message });
    });
  }, [show]);

  function edit(key: number, change: Partial<RuleDraft>) {
    setRules((prev) => prev.map((r) => (r.key === key ? { ...r, ...change } : r)));
    setSave({ kind: "idle" });
  }

  async function send() {
    setSave({ kind: "saving" });
    const result = await permissionsApi.save({
      rules: rules.map(fromDraft),
      defaultAction,
      askTimeoutSeconds: Number(timeout),
    });
    if (!result.ok) {
      setSave({ kind: "error", message: result.message });
      return;
    }
    show(result.data);
    setSave({ kind: "saved" });
  }

  if (!view) return <p className="text-muted text-sm">Loading the rules…</p>;
  return (
    <div className="flex flex-col gap-4" data-testid="settings-permissions">
      <div className="text-sm">
        <p className="text-muted">Default rules (shipped; off when removed or changed below):</p>
        <ul className="mt-1 flex flex-wrap gap-1.5" data-testid="settings-permission-defaults">
          {view.defaults.map((d) => (
            <li
              key={d.label}
              data-on={d.on}
              className={
                d.on
                  ? "rounded border border-amber-400/30 bg-amber-400/10 px-1.5 py-0.5 font-mono text-amber-200"
                  : "rounded border border-line px-1.5 py-0.5 font-mono text-faint line-through"
              }
              title={d.on ? "on" : "off"}
            >
              {d.rule.action} {d.label}
              {d.rule.unlessUnder ? ` (except under ${d.rule.unlessUnder.join(", ")})` : ""}
            </li>
          ))}
        </ul>
      </div>
      <table className="w-full text-sm" data-testid="settings-permission-rules">
        <thead className="text-left text-muted">
          <tr>
            <th className="pb-1 font-normal">Tool</th>
            <th className="pb-1 font-normal">Command pattern (run_command)</th>
            <th className="pb-1 font-normal">Action</th>
            <th className="pb-1 font-normal">Except under</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rules.map((rule, i) => (
            <tr key={rule.key}>
              <td className="pr-2 pb-1">
                <Input
                  aria-label={`Rule ${i + 1} tool`}
                  className="font-mono text-sm"
                  value={rule.tool}
                  onChange={(e) => edit(rule.key, { tool: e.target.value })}
                />
              </td>
              <td className="pr-2 pb-1">
                <Input
                  aria-label={`Rule ${i + 1} pattern`}
                  className="font-mono text-sm"
                  placeholder="(every call)"
                  value={rule.pattern}
                  onChange={(e) => edit(rule.key, { pattern: e.target.value })}
                />
              </td>
              <td className="pr-2 pb-1">
                <Select
                  aria-label={`Rule ${i + 1} action`}
                  value={rule.action}
                  onChange={(e) => edit(rule.key, { action: e.target.value as RuleDraft["action"] })}
                >
                  <option value="allow">allow</option>
                  <option value="ask">ask</option>
                  <option value="deny">deny</option>
                </Select>
              </td>
              <td className="pr-2 pb-1">
                <Input
                  aria-label={`Rule ${i + 1} spared folders`}
                  className="font-mono text-sm"
                  placeholder="/tmp"
                  value={rule.unlessUnder}
                  onChange={(e) => edit(rule.key, { unlessUnder: e.target.value })}
                />
              </td>
              <td className="pb-1">
                <Button
                  variant="ghost"
                  size="sm"
                  aria-label={`Remove rule ${i + 1}`}
                  onClick={() => setRules((prev) => prev.filter((r) => r.key !== rule.key))}
                >
                  ✕
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="flex gap-2">
        <Button
          size="sm"
          onClick={() =>
            setRules((prev) => [...prev, toDraft({ tool: "run_command", pattern: "", action: "ask" })])
          }
        >
          Add rule
        </Button>
        <Button size="sm" variant="ghost" onClick={() => setRules(view.defaults.map((d) => toDraft(d.rule)))}>
          Reset to the defaults
        </Button>
      </div>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <Field
          label="When no rule matches"
          htmlFor="settings-permission-default"
          hint="ask: only what an allow rule names runs without asking."
        >
          <Select
            id="settings-permission-default"
            value={defaultAction}
            onChange={(e) => setDefaultAction(e.target.value as PermissionSettings["defaultAction"])}
          >
            <option value="allow">allow</option>
            <option value="ask">ask</option>
          </Select>
        </Field>
        <Field
          label="An unanswered ask is denied after (seconds)"
          htmlFor="settings-permission-timeout"
          hint={`Default ${view.defaultTimeoutSeconds} s: time to see a notification and come back, and a turn left alone still ends.`}
        >
          <Input
            id="settings-permission-timeout"
            type="number"
            min={1}
            max={86400}
            className="tabular-nums"
            value={timeout}
            onChange={(e) => setTimeoutSeconds(e.target.value)}
          />
        </Field>
      </div>
      <div className="flex items-center gap-2">
        <Button
          data-testid="settings-permissions-save"
          disabled={save.kind === "saving"}
          onClick={() => void send()}
        >
          Save rules
        </Button>
        <span aria-live="polite" className="min-w-0 text-sm">
          {save.kind === "saved" ? (
            <span className="text-emerald-300">✓ Saved</span>
          ) : save.kind === "error" ? (
            <span role="alert" className="text-red-300" data-testid="settings-permissions-error">
              {save.message}
            </span>
          ) : null}
        </span>
      </div>
    </div>
  );
}
