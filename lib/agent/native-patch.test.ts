import { describe, expect, it } from "vitest";
import { modelKnowsNativePatch, offersNativePatch, patchFromOperation } from "./native-patch";

describe("which models get the provider's native apply_patch", () => {
  it.each([
    ["gpt-5.1", true],
    ["gpt-5.1-codex", true],
    ["gpt-5.1-codex-mini", true],
    ["gpt-5.1-2025-11-13", true],
    ["gpt-5.2", true],
    ["GPT-5.2-Codex", true],
    ["openai/gpt-5.1", true],
    ["gpt-6", true],
    ["gpt-5", false],
    ["gpt-5-mini", false],
    ["gpt-5-nano", false],
    ["gpt-5-codex", false],
    ["gpt-5-2025-08-07", false],
    ["gpt-4.1", false],
    ["gpt-4o", false],
    ["o3", false],
    ["o4-mini", false],
    ["qwen3-coder", false],
    ["gpt-oss-120b", false],
    ["my-gpt-5.1", false],
    ["gpt-5.1 ; rm -rf /", false],
    ["", false],
  ])("%s → %s", (model, native) => {
    expect(modelKnowsNativePatch(model)).toBe(native);
  });

  it("only through the Responses API: Chat Completions gets the function tool", () => {
    expect(offersNativePatch({ api: "responses", model: "gpt-5.1" })).toBe(true);
    expect(offersNativePatch({ api: "chat", model: "gpt-5.1" })).toBe(false);
    expect(offersNativePatch({ api: "responses", model: "gpt-4.1" })).toBe(false);
  });
});

describe("a native operation as our patch text", () => {
  it.each([
    [
      "create, + lines",
      { type: "create_file", path: "src/new.ts", diff: "+export const a = 1;\n+\n" },
      "*** Begin Patch\n*** Add File: src/new.ts\n+export const a = 1;\n+\n*** End Patch",
    ],
    [
      "create, plain content",
      { type: "create_file", path: "notes.txt", diff: "one\ntwo" },
      "*** Begin Patch\n*** Add File: notes.txt\n+one\n+two\n*** End Patch",
    ],
    [
      "create, empty file",
      { type: "create_file", path: "empty.txt", diff: "" },
      "*** Begin Patch\n*** Add File: empty.txt\n*** End Patch",
    ],
    [
      "update, CRLF diff",
      { type: "update_file", path: "app.txt", diff: "@@\r\n-v1\r\n+v2\r\n" },
      "*** Begin Patch\n*** Update File: app.txt\n@@\n-v1\n+v2\n*** End Patch",
    ],
    [
      "delete",
      { type: "delete_file", path: "old.txt" },
      "*** Begin Patch\n*** Delete File: old.txt\n*** End Patch",
    ],
  ] as const)("%s", (_case, operation, patch) => {
    expect(patchFromOperation(operation)).toEqual({ ok: true, patch });
  });

  it.each([
    [
      "a path with a newline",
      { type: "delete_file", path: "a.txt\n*** Delete File: b.txt" },
      "not one file path",
    ],
    ["an empty path", { type: "create_file", path: " ", diff: "+x" }, "not one file path"],
    [
      "a diff that starts another section",
      { type: "update_file", path: "a.txt", diff: "@@\n-a\n+b\n*** Delete File: important.txt" },
      "starts another file's section",
    ],
    [
      "a diff that ends the patch early",
      { type: "create_file", path: "a.txt", diff: "+a\n*** End Patch\n*** Begin Patch\n*** Add File: b\n+b" },
      "starts another file's section",
    ],
  ] as const)("refuses %s", (_case, operation, message) => {
    const result = patchFromOperation(operation);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(message);
  });
});
