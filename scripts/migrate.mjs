// Applies pending migrations (prisma migrate deploy); the schema engine runs in JS through the driver adapter.
import { spawn } from "node:child_process";
import { bin } from "./lib.mjs";

const child = spawn(bin("prisma"), ["migrate", "deploy"], {
  env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
  stdio: ["ignore", "pipe", "pipe"],
});
let output = "";
child.stdout.on("data", (chunk) => (output += chunk));
child.stderr.on("data", (chunk) => (output += chunk));
child.on("exit", (code) => {
  if (code !== 0) {
    console.error(`[ratchet] database migration failed:\n${output}`);
    process.exit(1);
  }
  const applied = /The following migration\(s\) have been applied:([\s\S]*?)All migrations/.exec(output);
  const names = applied ? [...applied[1].matchAll(/└─ (\S+)\//g)].map((m) => m[1]) : [];
  console.log(
    names.length ? `[ratchet] database migrated: ${names.join(", ")}` : "[ratchet] database up to date",
  );
});
