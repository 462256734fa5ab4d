import type { NextConfig } from "next";
import { API_POLICY } from "./lib/api/csp";

const config: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // Next's default loads every page and route at start, after the boot, and the first API call waited
  // for all of it (0.6-1 s of CPU under load). A route now loads when first asked; the boot warms what
  // the first turn needs instead (lib/agent/warm.ts, docs/benchmarks.md §22).
  experimental: { preloadEntriesOnStart: false },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "no-referrer" },
        ],
      },
      // API responses skip proxy.ts (its matcher says why); their policy has no nonce, so it is set here
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_POLICY }] },
    ];
  },
};

export default config;
