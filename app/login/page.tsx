import type { Metadata } from "next";
import { LoginForm } from "@/components/login-form";
import { RatchetMark } from "@/components/nav-icons";
import { Callout } from "@/components/ui/callout";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { error } = await searchParams;
  return (
    <main className="flex min-h-dvh items-center justify-center px-6 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center gap-2.5">
          <RatchetMark />
          <span className="font-semibold text-fg text-lg tracking-tight">Ratchet</span>
        </div>
        <div className="rounded-lg border border-line bg-panel p-6 shadow-2xl shadow-black/50">
          <h1 className="font-semibold text-fg text-lg">Sign in</h1>
          <p className="mt-2 mb-5 text-muted">
            Open the one-time login link printed in the terminal where Ratchet started, or paste your access
            token (<code className="font-mono text-fg text-sm">data/token</code>
            ).
          </p>
          {error === "expired" ? (
            <Callout tone="warn" role="status" className="mb-4">
              That login link was already used or has expired (it works once, for 10 minutes after Ratchet
              starts). Paste the access token instead.
            </Callout>
          ) : error === "ended" ? (
            <Callout tone="warn" role="status" className="mb-4" data-testid="login-ended">
              Your login has ended: you logged out, it expired after 30 days, or an admin disabled your
              account or reset its token. Sign in again.
            </Callout>
          ) : null}
          <LoginForm />
        </div>
        <p className="mt-4 text-faint text-sm">
          The token is also accepted as <code className="font-mono">Authorization: Bearer</code> by the HTTP
          API.
        </p>
      </div>
    </main>
  );
}
