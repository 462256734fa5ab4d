import Link from "next/link";

export default function NotFound() {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-3 px-6 text-center">
      <p className="font-mono text-faint text-sm">404</p>
      <h1 className="font-semibold text-fg text-lg">Nothing here</h1>
      <Link href="/sessions" className="text-accent-text underline-offset-2 hover:underline">
        Go to sessions
      </Link>
    </main>
  );
}
