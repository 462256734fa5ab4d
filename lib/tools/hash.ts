import { createHash } from "node:crypto";

/** The identity of a tool version: approval binds to it. */
export function sha256(source: string): string {
  return createHash("sha256").update(source).digest("hex");
}
