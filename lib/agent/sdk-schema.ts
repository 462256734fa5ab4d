import { type Schema, zodSchema } from "ai";
import type { z } from "zod";

/**
 * A zod schema as the AI SDK takes it, converted to JSON Schema once per process. Given the zod
 * schema itself, the SDK converts it on every model request (`asSchema` → `toJSONSchema`): about
 * 7 ms of CPU per turn start for the built-ins (docs/benchmarks.md §18). Safe to keep: a built-in's
 * input schema is a constant of the code, the same for every session, setting and instance; what a
 * model sends is still checked against the zod schema itself.
 */
const converted = new WeakMap<z.ZodType, Schema>();

export function sdkSchema<T>(schema: z.ZodType<T>): Schema<T> {
  let sdk = converted.get(schema);
  if (!sdk) {
    sdk = zodSchema(schema);
    converted.set(schema, sdk);
  }
  return sdk as Schema<T>;
}
