import path from "node:path";

/** Approved tools live here as files, so users can version them with git. */
export function toolsDir(): string {
  return path.resolve(
    /*turbopackIgnore: true*/ process.env.RATCHET_TOOLS_DIR ?? path.join(process.cwd(), "tools"),
  );
}

export function toolFile(name: string): string {
  return path.join(toolsDir(), `${name}.mjs`);
}
