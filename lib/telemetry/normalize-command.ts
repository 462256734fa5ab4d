/**
 * Groups shell commands by what they do, not their arguments: the program, then up to two
 * subcommand words. `npm test -- a` and `npm test -- b` are both "npm test"; `cat src/a.ts` is "cat";
 * `FOO=1 ./scripts/build.sh --fast` is "build.sh". The first command of a list counts, after any
 * leading `cd dir &&` or `export X=…;` set-up.
 */
const SETUP = /^(cd|pushd|export|source|\.|set|unset)(\s|$)/;

export function normalizeCommand(command: string): string {
  const segments = (command.trim().split("\n")[0] ?? "").split(/\s*(?:&&|\|\||;|\|)\s*/);
  const first = segments.find((segment) => !SETUP.test(segment)) ?? segments[0] ?? "";
  const tokens = first.split(/\s+/).filter(Boolean);
  while (tokens.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(tokens[0] ?? "")) tokens.shift();
  while (tokens.length && ["sudo", "time", "exec", "env", "nice", "command"].includes(tokens[0] ?? ""))
    tokens.shift();
  const program = (tokens.shift() ?? "").split("/").pop() ?? "";
  if (!program) return "";
  const words = [program];
  for (const token of tokens) {
    if (words.length >= 3 || !/^[a-z][a-z0-9:_-]*$/.test(token) || token.includes("/")) break;
    words.push(token);
  }
  return words.join(" ");
}

/** A call's command key: run_command's command, normalized, so failing commands group in SQL. */
export function commandKeyOf(call: { tool: string; inputSummary: string }): string | null {
  return call.tool === "run_command" ? normalizeCommand(call.inputSummary) || null : null;
}
