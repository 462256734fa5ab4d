import type { ModelMessage } from "ai";
import type { ModelEndpoint } from "@/lib/model/client";

/**
 * The provider's own apply_patch tool (OpenAI's Responses API, `openai.tools.applyPatch`): models
 * trained on it call it as a tool of its own kind (`apply_patch_call`, one file operation each)
 * instead of our function tool. Both end in the same place: the operation is written as our patch
 * text and run by the same built-in (lib/agent/tools/edit-files.ts) through executeCall, so the
 * permission rules, the sandbox, telemetry and the changes attribution cannot tell them apart.
 */

/**
 * Models that know the native tool, by name (a dated snapshot or a provider prefix included):
 * GPT-5.1 and later, and their Codex variants. GPT-5, GPT-4.1, o-series and every open model do
 * not: they get the function tool. Checked in order; the first match decides.
 */
export const NATIVE_APPLY_PATCH_MODELS: readonly { pattern: RegExp; native: boolean }[] = [
  // gpt-5 itself and its mini/nano/chat variants predate the tool
  { pattern: /^gpt-5(?:-(?:mini|nano|chat|codex)|-\d{4}-\d{2}-\d{2})?(?:-latest)?$/, native: false },
  // gpt-5.1, gpt-5.1-codex, gpt-5.1-codex-mini, gpt-5.2, gpt-5.2-2025-12-11, …
  { pattern: /^gpt-5\.[1-9]\d*(?:-[a-z0-9.-]+)?$/, native: true },
  // a later major version
  { pattern: /^gpt-(?:[6-9]|[1-9]\d+)(?:\.\d+)?(?:-[a-z0-9.-]+)?$/, native: true },
];

/** Does this model take the native tool? A name the table does not know gets the function tool. */
export function modelKnowsNativePatch(model: string): boolean {
  const name = model
    .trim()
    .toLowerCase()
    .replace(/^openai\//, "");
  return NATIVE_APPLY_PATCH_MODELS.find((row) => row.pattern.test(name))?.native ?? false;
}

/** The native tool is offered only through the Responses API, to a model that knows it. */
export function offersNativePatch(endpoint: Pick<ModelEndpoint, "api" | "model">): boolean {
  return endpoint.api === "responses" && modelKnowsNativePatch(endpoint.model);
}

/** One operation of a native call, as the provider parsed it. */
export type PatchOperation =
  | { type: "create_file"; path: string; diff: string }
  | { type: "update_file"; path: string; diff: string }
  | { type: "delete_file"; path: string };

/** A line that would start another section of our patch text: the operation must not smuggle one in. */
const SECTION = /^\*\*\* (?:Begin Patch|End Patch|Add File:|Delete File:|Update File:|Move to:)/;

/**
 * The native operation as our patch text, or why it cannot be one (a path that is not one line, a
 * diff that would add another file's section). A create's diff is the new file, each line with a
 * leading `+` (plain content gets one); an update's is hunks of ` `, `-` and `+` lines, as in our
 * own format.
 */
export function patchFromOperation(
  operation: PatchOperation,
): { ok: true; patch: string } | { ok: false; error: string } {
  const { path } = operation;
  if (!path.trim() || /[\r\n\0]/.test(path))
    return {
      ok: false,
      error: `apply_patch: the path ${JSON.stringify(path.slice(0, 200))} is not one file path.`,
    };
  if (operation.type === "delete_file")
    return { ok: true, patch: `*** Begin Patch\n*** Delete File: ${path}\n*** End Patch` };
  const body = operation.diff.replace(/\r\n/g, "\n").replace(/\n$/, "");
  const smuggled = body.split("\n").find((line) => SECTION.test(line));
  if (smuggled)
    return {
      ok: false,
      error: `apply_patch: the diff of ${path} holds "${smuggled.slice(0, 80)}", which starts another file's section; one operation changes one file. No file was changed.`,
    };
  if (operation.type === "update_file")
    return { ok: true, patch: `*** Begin Patch\n*** Update File: ${path}\n${body}\n*** End Patch` };
  // a new file's lines each start with "+"; a diff that is plainly the content gets them
  const lines = body === "" ? [] : body.split("\n");
  const added = lines.every((line) => line.startsWith("+")) ? lines : lines.map((line) => `+${line}`);
  return {
    ok: true,
    patch: ["*** Begin Patch", `*** Add File: ${path}`, ...added, "*** End Patch"].join("\n"),
  };
}

/** The name earlier turns' apply_patch calls carry in the history sent with the native tool offered. */
export const HISTORY_PATCH_NAME = "apply_patch_earlier";

/**
 * Earlier turns' apply_patch calls, stored as our patch text, under another name: with the native
 * tool offered, the provider reads every history call named `apply_patch` as a native one and
 * refuses our input shape (one patch of several files is no native operation). The model still
 * reads what it did and what came back.
 */
export function historyForNativePatch(messages: ModelMessage[]): ModelMessage[] {
  return messages.map((message) => {
    if ((message.role !== "assistant" && message.role !== "tool") || typeof message.content === "string")
      return message;
    const content = message.content.map((part) =>
      (part.type === "tool-call" || part.type === "tool-result") && part.toolName === "apply_patch"
        ? { ...part, toolName: HISTORY_PATCH_NAME }
        : part,
    );
    return { ...message, content } as ModelMessage;
  });
}
