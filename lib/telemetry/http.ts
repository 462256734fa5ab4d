import "server-only";
import { ApiError } from "@/lib/errors";
import { InvalidRangeError, parseRange, type RangePreset, type TimeRange } from "./range";

/** The time range of a telemetry request (`range`, or `since`/`until`); a 400 with the reason when invalid. */
export function requestRange(request: Request, fallback: RangePreset = "30d"): TimeRange {
  try {
    return parseRange(new URL(request.url).searchParams, { fallback });
  } catch (error) {
    if (error instanceof InvalidRangeError) throw new ApiError("bad_request", error.message);
    throw error;
  }
}

export function intParam(request: Request, name: string, fallback: number, max: number): number {
  const raw = new URL(request.url).searchParams.get(name);
  if (raw === null || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new ApiError("bad_request", `${name} must be an integer from 1 to ${max}.`);
  return value;
}

export function flagParam(request: Request, name: string): boolean {
  const raw = new URL(request.url).searchParams.get(name);
  return raw === "1" || raw === "true";
}

/** Keyset cursor of the call lists: the last row's createdAt and id, base64url JSON. */
export function encodeCursor(call: { createdAt: string; id: string }): string {
  return Buffer.from(JSON.stringify([call.createdAt, call.id])).toString("base64url");
}

export function decodeCursor(raw: string | null): { createdAt: Date; id: string } | undefined {
  if (!raw) return undefined;
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as [string, string];
    const date = new Date(createdAt);
    if (typeof id !== "string" || Number.isNaN(date.getTime())) throw new Error("bad cursor");
    return { createdAt: date, id };
  } catch {
    throw new ApiError("bad_request", "cursor is not one this API returned.");
  }
}
