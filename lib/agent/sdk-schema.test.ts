import { asSchema, zodSchema } from "ai";
import { describe, expect, it } from "vitest";
import { sdkSchema } from "./sdk-schema";
import { builtinToolsFor } from "./tools/registry";

describe("a built-in's input schema as the SDK takes it", () => {
  const builtins = [...new Set((["agent", "maintenance", "evaluation"] as const).flatMap(builtinToolsFor))];

  it.each(builtins.map((def) => [def.name, def] as const))(
    "%s: converted once per process, to what the SDK makes of the zod schema itself",
    async (_name, def) => {
      const first = sdkSchema(def.inputSchema);
      // what the SDK does on every model request: the same object, its JSON Schema not built again
      expect(asSchema(first)).toBe(first);
      expect(sdkSchema(def.inputSchema)).toBe(first);
      expect(await first.jsonSchema).toBe(await first.jsonSchema);
      expect(await first.jsonSchema).toEqual(await zodSchema(def.inputSchema).jsonSchema);
    },
  );

  it("still checks what a model sends against the zod schema", async () => {
    const def = builtins.find((d) => d.name === "run_command");
    expect(def).toBeDefined();
    if (!def) return;
    const result = await sdkSchema(def.inputSchema).validate?.({ command: 42 });
    expect(result?.success).toBe(false);
  });
});
