import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { inter, jetbrainsMono } from "@/components/fonts";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Ratchet", template: "%s · Ratchet" },
  description: "A self-hosted workbench for a self-improving coding agent.",
  robots: { index: false, follow: false },
};

export const viewport: Viewport = {
  themeColor: "#09090b",
  colorScheme: "dark",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" className={`${inter.variable} ${jetbrainsMono.variable}`}>
      <body className="min-h-dvh bg-canvas font-sans text-base text-fg antialiased">{children}</body>
    </html>
  );
}
