"use client";

import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import type { ToolDecision, ToolVersionDetail } from "@/lib/tools/views";
import type { ApiResult } from "../api-client";
import { toolsApi } from "../api-client";
import { ErrorText } from "../error-text";
import { Button } from "../ui/button";
import { Input, Textarea } from "../ui/input";
import { invalidHint } from "./invalid-hint";
import { shortSha, verdictOfUse } from "./model";

export const MIN_REASON = 3;

export interface ActionError {
  action: string;
  code: string;
  message: string;
}

/** Focuses a control by its test id inside `root`; our Button and Textarea do not forward refs. */
function focusIn(root: HTMLElement | null, testId: string) {
  root?.querySelector<HTMLElement>(`[data-testid="${testId}"]`)?.focus();
}

/** What the person is deciding on, said plainly next to the buttons. */
function Subject({ name, version }: { name: string; version: ToolVersionDetail }) {
  return (
    <span className="font-mono text-fg">
      {name} v{version.version}
      <span className="text-faint"> · sha256 </span>
      <span title={version.sha256}>{shortSha(version.sha256, 12)}</span>
    </span>
  );
}

export function ActionErrorNote({ error }: { error: ActionError | null }) {
  if (!error) return null;
  return (
    <p data-testid="action-error" role="alert" className="text-red-300 text-sm">
      {error.action} failed: {error.message}{" "}
      <span className="font-mono text-red-300/60 text-xs">({error.code})</span>
    </p>
  );
}

interface Props {
  name: string;
  version: ToolVersionDetail;
  /** Called after a decision succeeded, with a sentence for the live region and the version decided on. */
  onDone(message: string, version: number): void;
  /**
   * Called with the API's error (or null when a new attempt starts). The caller shows it and
   * refreshes: a conflict usually means the tool changed under the person's eyes.
   */
  onError(error: ActionError | null): void;
}

function useAction({ onDone, onError }: Pick<Props, "onDone" | "onError">) {
  const [busy, setBusy] = useState<string | null>(null);
  async function run(
    action: string,
    call: () => Promise<ApiResult<ToolDecision>>,
    message: (r: ToolDecision) => string,
  ): Promise<boolean> {
    setBusy(action);
    onError(null);
    const result = await call();
    setBusy(null);
    if (!result.ok) {
      onError({ action, code: result.code, message: result.message });
      return false;
    }
    onDone(message(result.data), result.data.version);
    return true;
  }
  return { busy, run };
}

/** Approve or reject a proposal. Approve binds to the exact sha256 shown. */
export function DecisionActions({ name, version, onDone, onError }: Props) {
  const { busy, run } = useAction({ onDone, onError });
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState("");
  const root = useRef<HTMLDivElement>(null);
  const reasonId = useId();
  const hintId = useId();
  const decidable = version.status === "proposed";
  const reasonOk = reason.trim().length >= MIN_REASON;
  // validation runs only the examples the agent wrote: a failure in real use asks again
  const use = verdictOfUse(version.use, true);
  const [warning, setWarning] = useState(false);

  useEffect(() => {
    if (rejecting) focusIn(root.current, "reject-reason");
  }, [rejecting]);

  useEffect(() => {
    if (warning) focusIn(root.current, "approve-cancel");
  }, [warning]);

  function approve() {
    setWarning(false);
    void run(
      "Approve",
      () => toolsApi.approve(name, version.sha256),
      (r) => `Approved ${r.name} v${r.version}. Every session can call it now.`,
    );
  }

  function closeReject() {
    setRejecting(false);
    focusIn(root.current, "reject-button");
  }

  async function submitReject(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!reasonOk) return;
    const done = await run(
      "Reject",
      () => toolsApi.reject(name, version.sha256, reason.trim()),
      (r) => `Rejected ${r.name} v${r.version}. The reason went to the agent as a correction.`,
    );
    if (done) {
      setRejecting(false);
      setReason("");
    }
  }

  return (
    <div ref={root} className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-2">
        <Button
          data-testid="approve-button"
          data-confirm={use.confirm ? "true" : "false"}
          variant={use.confirm ? "secondary" : "primary"}
          disabled={!decidable || busy !== null}
          aria-describedby={hintId}
          aria-expanded={use.confirm ? warning : undefined}
          onClick={() => (use.confirm ? setWarning((open) => !open) : approve())}
        >
          {busy === "Approve" ? "Approving…" : `Approve v${version.version}`}
        </Button>
        <Button
          data-testid="reject-button"
          variant="danger"
          disabled={!decidable || busy !== null}
          aria-expanded={rejecting}
          onClick={() => setRejecting((open) => !open)}
        >
          Reject…
        </Button>
        <span id={hintId} className="min-w-0 text-muted text-sm">
          {decidable ? (
            <>
              Approves exactly <Subject name={name} version={version} />
            </>
          ) : (
            invalidHint(version)
          )}
        </span>
      </div>

      {warning ? (
        <form
          onSubmit={(e: FormEvent<HTMLFormElement>) => {
            e.preventDefault();
            approve();
          }}
          aria-label={`Approve ${name} v${version.version} although it failed in use`}
          data-testid="approve-warning"
          className="flex flex-col gap-2 rounded-md border border-amber-400/30 bg-amber-400/[0.06] p-3"
          onKeyDown={(e: KeyboardEvent) => {
            if (e.key === "Escape") {
              e.preventDefault();
              setWarning(false);
              focusIn(root.current, "approve-button");
            }
          }}
        >
          <p className="text-amber-100 text-sm">
            {use.text} Its validation passed on its own examples only. Approved, every session is offered it.
          </p>
          {version.use.lastFailures[0]?.errorMessage ? (
            <ErrorText data-testid="approve-warning-error" text={version.use.lastFailures[0].errorMessage} />
          ) : null}
          <div className="flex items-center gap-2">
            <Button data-testid="approve-anyway" type="submit" variant="danger" size="sm">
              Approve v{version.version} anyway
            </Button>
            <Button
              data-testid="approve-cancel"
              variant="ghost"
              size="sm"
              onClick={() => {
                setWarning(false);
                focusIn(root.current, "approve-button");
              }}
            >
              Cancel
            </Button>
          </div>
        </form>
      ) : null}

      {rejecting ? (
        <form
          onSubmit={submitReject}
          onKeyDown={(e: KeyboardEvent) => {
            if (e.key === "Escape") {
              e.preventDefault();
              closeReject();
            }
          }}
          aria-label={`Reject ${name} v${version.version}`}
          className="flex flex-col gap-2 rounded-md border border-red-400/20 bg-red-400/[0.04] p-3"
        >
          <label htmlFor={reasonId} className="font-medium text-muted text-sm">
            Why reject <Subject name={name} version={version} />? The agent reads this as a correction.
          </label>
          <Textarea
            id={reasonId}
            data-testid="reject-reason"
            rows={3}
            maxLength={2000}
            placeholder="e.g. run_command with wc already does this; write tools for things that take many steps"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <div className="flex items-center gap-2">
            <Button
              data-testid="reject-confirm"
              type="submit"
              variant="danger"
              size="sm"
              disabled={!reasonOk || busy !== null}
            >
              {busy === "Reject" ? "Rejecting…" : `Reject v${version.version}`}
            </Button>
            <Button variant="ghost" size="sm" onClick={closeReject}>
              Cancel
            </Button>
            <span className="text-faint text-xs">
              {reasonOk ? "Esc to cancel" : `A reason of at least ${MIN_REASON} characters is required.`}
            </span>
          </div>
        </form>
      ) : null}
    </div>
  );
}

/** Retire the active version: the file leaves the tools folder and no session is offered it. */
export function RetireAction({ name, version, onDone, onError }: Props) {
  const { busy, run } = useAction({ onDone, onError });
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState("");
  const root = useRef<HTMLDivElement>(null);
  const reasonId = useId();

  const restoreFocus = useRef(false);

  useEffect(() => {
    if (confirming) focusIn(root.current, "retire-confirm");
    else if (restoreFocus.current) focusIn(root.current, "retire-button");
    restoreFocus.current = false;
  }, [confirming]);

  function cancel() {
    // The button is rendered again only after this state change commits; the effect focuses it.
    restoreFocus.current = true;
    setConfirming(false);
  }

  return (
    <div ref={root} className="flex flex-col gap-3">
      {confirming ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run(
              "Retire",
              () => toolsApi.retire(name, reason.trim() || undefined),
              (r) => `Retired ${r.name}. No session is offered it any more; roll back to use it again.`,
            );
          }}
          onKeyDown={(e: KeyboardEvent) => {
            if (e.key === "Escape") {
              e.preventDefault();
              cancel();
            }
          }}
          aria-label={`Retire ${name}`}
          className="flex flex-col gap-2 rounded-md border border-line-strong bg-panel-2 p-3"
        >
          <p className="text-fg">
            Retire <Subject name={name} version={version} />? Its file leaves the tools folder and no session
            is offered it. You can roll back to this version later.
          </p>
          <div className="flex flex-wrap items-center gap-2">
            <label htmlFor={reasonId} className="sr-only">
              Reason (optional)
            </label>
            <Input
              id={reasonId}
              data-testid="retire-reason"
              className="max-w-sm"
              placeholder="Reason (optional)"
              maxLength={2000}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
            <Button
              data-testid="retire-confirm"
              type="submit"
              variant="danger"
              size="sm"
              disabled={busy !== null}
            >
              {busy === "Retire" ? "Retiring…" : "Retire it"}
            </Button>
            <Button variant="ghost" size="sm" onClick={cancel}>
              Cancel
            </Button>
          </div>
        </form>
      ) : (
        <div className="flex flex-wrap items-center gap-2">
          <Button data-testid="retire-button" disabled={busy !== null} onClick={() => setConfirming(true)}>
            Retire…
          </Button>
          <span className="text-muted text-sm">
            Active for every session as <Subject name={name} version={version} />
          </span>
        </div>
      )}
    </div>
  );
}

/** Make an earlier, once-approved version active again. */
export function RollbackButton({ name, version, onDone, onError }: Props) {
  const { busy, run } = useAction({ onDone, onError });
  return (
    <Button
      data-testid={`rollback-button-${version.version}`}
      size="sm"
      disabled={busy !== null}
      title={`Make v${version.version} (sha256 ${shortSha(version.sha256, 12)}) the active version again`}
      onClick={() =>
        void run(
          `Roll back to v${version.version}`,
          () => toolsApi.rollback(name, version.version),
          (r) => `Rolled back ${r.name} to v${r.version}; it is active again.`,
        )
      }
    >
      {busy ? "Rolling back…" : `Roll back to v${version.version}`}
    </Button>
  );
}
