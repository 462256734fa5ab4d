import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { inter, jetbrainsMono } from "@/components/fonts";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Ratchet", template: "%s · Ratchet" },
  description: "A self-hosted workbench for a self-improving coding agent.",
  robots: { index: false, follow: false },
};

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: dark)", color: "#09090b" },
    { media: "(prefers-color-scheme: light)", color: "#ffffff" },
  ],
  colorScheme: "light dark",
};

/** Rendered per request, every page: each response's scripts carry that request's CSP nonce (proxy.ts). */
export default async function RootLayout({ children }: { children: ReactNode }) {
  await connection();
  return (
    <html lang="en" className={`${inter.variable} ${jetbrainsMono.variable}`}>
      <body className="min-h-dvh bg-canvas font-sans text-base text-fg antialiased">{children}</body>
    </html>
  );
}
