"use client";

import { type FormEvent, useState } from "react";
import { authApi } from "./api-client";
import { Button } from "./ui/button";
import { Input } from "./ui/input";
import { useHydrated } from "./use-hydrated";

/** Only same-site paths, so a crafted ?next= cannot send the user elsewhere. */
function nextPath(): string {
  const next = new URLSearchParams(window.location.search).get("next");
  return next?.startsWith("/") && !next.startsWith("//") && !next.startsWith("/login") ? next : "/sessions";
}

export function LoginForm() {
  const hydrated = useHydrated();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const token = String(new FormData(event.currentTarget).get("token") ?? "").trim();
    if (!token) {
      setError("Paste the access token first.");
      return;
    }
    setPending(true);
    setError(null);
    const result = await authApi.login(token);
    if (result.ok) {
      window.location.href = nextPath();
      return;
    }
    setPending(false);
    setError(
      result.status === 401
        ? "That token was not accepted. Copy it again from data/token or from the terminal output."
        : result.message,
    );
  }

  return (
    <form onSubmit={submit} className="flex flex-col gap-3" noValidate>
      <label htmlFor="login-token" className="font-medium text-muted text-sm">
        Access token
      </label>
      <Input
        id="login-token"
        name="token"
        data-testid="login-token"
        type="password"
        autoComplete="off"
        spellCheck={false}
        autoFocus
        className="font-mono"
        placeholder="Paste the token"
        onChange={() => {
          if (error) setError(null);
        }}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? "login-error" : undefined}
      />
      <div className="min-h-5">
        {error ? (
          <p id="login-error" data-testid="login-error" role="alert" className="text-red-300">
            {error}
          </p>
        ) : null}
      </div>
      <Button data-testid="login-submit" type="submit" variant="primary" disabled={!hydrated || pending}>
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
