import path from "node:path";
import { parseCommandLine, type SimpleCommand, type Word } from "./shell-parse";

/**
 * How a `run_command` line meets a rule's pattern. The line is split into its simple commands
 * (./shell-parse.ts); each is unwrapped into the programs it runs — `sudo git push` runs `sudo` and
 * `git push`, `env X=1 git push`, `command git push`, `xargs git push`, `find -exec …`, `timeout 5 …`
 * likewise, and `bash -c '…'`, `eval '…'`, `env -S '…'`, `watch '…'` and a heredoc fed to a shell
 * are parsed again as command lines. A pattern names a program, then its subcommands and flags
 * (`git push`, `git reset --hard`, `rm -rf`), and matches an invocation when the program's name
 * (its basename), the subcommands as its first words that are not options (after the options
 * before them, `git -C dir push`), and every flag (in any spelling and order: `-fr`, `-r -f`,
 * `--recursive --force`, git's `--har`) are there.
 *
 * A match is `yes`, `no` or `maybe`. `maybe` is what cannot be known before the command runs: the
 * program or a subcommand is a variable or a substitution (`$GIT push`), a flag may come from one
 * (`rm $FLAGS dir`), or the line could not be read (`opaque`: an unclosed quote, a shell reading its
 * script from a pipe, `eval "$x"`). The rules treat `maybe` as a match for ask and deny, never for
 * allow. What no reading of the command line can see — a script file that runs `git push`, a git
 * alias, a Makefile — is out of reach: the rules steer the agent, the sandbox contains it.
 */

export type Match = "yes" | "no" | "maybe";

/** One program the line runs, with its arguments. */
export interface Invocation {
  /** The program's basename; null when it is only known at run time. */
  name: string | null;
  args: Word[];
}

export interface CommandAnalysis {
  invocations: Invocation[];
  /** Why part of the line cannot be seen (empty when all of it can): every pattern is then `maybe`. */
  opaque: string[];
}

export interface CommandPattern {
  command: string;
  subcommands: string[];
  /** Flags as canonical ids (`-r`, `--hard`), each required. */
  flags: string[];
}

const MAX_UNWRAP = 12;

/** Reserved words that may come before a command (`if git push; then`): skipped. */
const LEADING_KEYWORDS = new Set([
  "!",
  "{",
  "}",
  "if",
  "then",
  "else",
  "elif",
  "fi",
  "while",
  "until",
  "do",
  "done",
  "esac",
  "coproc",
]);
/** Simple commands that run nothing themselves (their `$(…)` are read separately). */
const NOT_COMMANDS = new Set(["for", "select", "case", "function", "[[", "]]", "in"]);
const SHELLS = new Set(["bash", "sh", "dash", "zsh", "ksh", "ash", "mksh", "rbash", "fish"]);

/**
 * Options that take the next word as their value, per program, where it matters: before a
 * subcommand (`git -C dir push`) and in wrappers (`sudo -u root git push`).
 */
const VALUE_OPTIONS: Record<string, ReadonlySet<string>> = {
  git: new Set([
    "-C",
    "-c",
    "--git-dir",
    "--work-tree",
    "--namespace",
    "--config-env",
    "--super-prefix",
    "--exec-path",
    "--attr-source",
  ]),
  npm: new Set([
    "-C",
    "--prefix",
    "--registry",
    "--otp",
    "--tag",
    "--access",
    "-w",
    "--workspace",
    "--userconfig",
    "--cache",
    "--loglevel",
  ]),
  pnpm: new Set([
    "-C",
    "--dir",
    "--filter",
    "-F",
    "--registry",
    "--otp",
    "--tag",
    "--access",
    "--workspace-dir",
  ]),
  yarn: new Set(["--cwd", "--registry", "--otp", "--tag", "--access"]),
  cargo: new Set([
    "-C",
    "--manifest-path",
    "-Z",
    "--config",
    "--color",
    "--registry",
    "--token",
    "--index",
    "-p",
    "--package",
  ]),
  gem: new Set(["--config-file", "-k", "--key", "--host"]),
  twine: new Set([
    "-r",
    "--repository",
    "--repository-url",
    "-u",
    "--username",
    "-p",
    "--password",
    "-c",
    "--comment",
  ]),
  sudo: new Set([
    "-u",
    "-g",
    "-h",
    "-p",
    "-C",
    "-D",
    "-R",
    "-T",
    "-U",
    "-r",
    "-t",
    "--user",
    "--group",
    "--host",
    "--prompt",
    "--close-from",
    "--chdir",
    "--chroot",
    "--command-timeout",
    "--other-user",
    "--role",
    "--type",
  ]),
  doas: new Set(["-u", "-C"]),
  env: new Set(["-u", "--unset", "-C", "--chdir", "-S", "--split-string", "-a", "--argv0"]),
  exec: new Set(["-a"]),
  nice: new Set(["-n", "--adjustment"]),
  ionice: new Set(["-c", "-n", "--class", "--classdata"]),
  stdbuf: new Set(["-i", "-o", "-e", "--input", "--output", "--error"]),
  timeout: new Set(["-s", "-k", "--signal", "--kill-after"]),
  xargs: new Set([
    "-a",
    "-d",
    "-E",
    "-I",
    "-L",
    "-n",
    "-P",
    "-s",
    "--arg-file",
    "--delimiter",
    "--max-lines",
    "--max-args",
    "--max-procs",
    "--max-chars",
    "--process-slot-var",
  ]),
  watch: new Set(["-n", "--interval", "-d", "-q", "--equexit"]),
  flock: new Set(["-w", "--timeout", "-E", "--conflict-exit-code"]),
  npx: new Set(["-p", "--package", "-c", "--call"]),
  chroot: new Set(["--userspec", "--groups"]),
  su: new Set(["-c", "--command", "-s", "--shell", "-g", "--group", "-G"]),
};

/** Flag spellings that mean the same, per program: each maps to the canonical id. */
const FLAG_ALIASES: Record<string, Record<string, string>> = {
  rm: { "-R": "-r", "--recursive": "-r", "--force": "-f" },
  git: { "--force": "-f" },
};

export function analyzeCommand(line: string): CommandAnalysis {
  const parsed = parseCommandLine(line);
  const analysis: CommandAnalysis = { invocations: [], opaque: [...parsed.uncertain] };
  for (const command of parsed.commands) unwrap(command.words, command, analysis, 0);
  return analysis;
}

function opaque(analysis: CommandAnalysis, reason: string): void {
  if (!analysis.opaque.includes(reason)) analysis.opaque.push(reason);
}

/** Parses a string a program runs as a command line (bash -c, eval, watch) into the analysis. */
function nestedLine(source: Word | Word[], analysis: CommandAnalysis, depth: number, what: string): void {
  const words = Array.isArray(source) ? source : [source];
  if (words.some((w) => w.dynamic)) {
    opaque(analysis, `${what} runs a command only known at run time`);
    return;
  }
  const parsed = parseCommandLine(words.map((w) => w.text).join(" "), depth);
  for (const reason of parsed.uncertain) opaque(analysis, reason);
  for (const command of parsed.commands) unwrap(command.words, command, analysis, depth + 1);
}

function programName(word: Word): string | null {
  if (word.dynamic) return null;
  return path.posix.basename(word.text);
}

/** Skips a wrapper's options (and NAME=value for env); returns the index of its command. */
function skipOptions(name: string, args: Word[], from: number): number {
  const values = VALUE_OPTIONS[name] ?? new Set<string>();
  let i = from;
  while (i < args.length) {
    const w = args[i] as Word;
    if (w.text === "--" && !w.dynamic) return i + 1;
    if (name === "env" && w.assignment) {
      i++;
      continue;
    }
    if (w.dynamic || !w.text.startsWith("-") || w.text === "-") return i;
    const flag = w.text.includes("=") ? w.text.slice(0, w.text.indexOf("=")) : w.text;
    i += values.has(flag) && !w.text.includes("=") ? 2 : 1;
  }
  return i;
}

/** The programs one simple command runs, wrappers and all, added to the analysis. */
function unwrap(words: Word[], command: SimpleCommand, analysis: CommandAnalysis, depth: number): void {
  if (depth > MAX_UNWRAP) {
    opaque(analysis, "commands wrapped too deeply");
    return;
  }
  let start = 0;
  while (start < words.length) {
    const w = words[start] as Word;
    if (w.assignment || (!w.dynamic && LEADING_KEYWORDS.has(w.text))) start++;
    else break;
  }
  const head = words[start];
  if (!head) return;
  const name = programName(head);
  const args = words.slice(start + 1);
  if (name !== null && NOT_COMMANDS.has(name)) return;
  analysis.invocations.push({ name, args });
  if (name === null) return;
  const rest = (from: number) => unwrap(args.slice(from), command, analysis, depth + 1);
  const text = (i: number) => args[i];
  switch (name) {
    case "sudo":
    case "doas":
    case "command":
    case "builtin":
    case "exec":
    case "nohup":
    case "setsid":
    case "nice":
    case "ionice":
    case "stdbuf":
    case "unbuffer":
    case "chronic":
    case "time": {
      if (name === "command" && args.some((a) => a.text === "-v" || a.text === "-V")) return;
      const at = skipOptions(name, args, 0);
      if ((name === "sudo" || name === "doas") && at >= args.length) {
        if (args.some((a) => /^-[a-zA-Z]*[is]/.test(a.text))) opaque(analysis, `${name} opens a shell`);
        return;
      }
      rest(at);
      return;
    }
    case "env": {
      for (let i = 0; i < args.length; i++) {
        const a = args[i] as Word;
        if (a.text === "-S" || a.text === "--split-string") {
          const split = args[i + 1];
          if (split) nestedLine([split, ...args.slice(i + 2)], analysis, depth, "env -S");
          return;
        }
        if (a.text.startsWith("--split-string=") || (a.text.startsWith("-S") && a.text.length > 2)) {
          const value = a.text.startsWith("-S") ? a.text.slice(2) : a.text.slice(15);
          nestedLine([{ ...a, text: value }, ...args.slice(i + 1)], analysis, depth, "env -S");
          return;
        }
      }
      rest(skipOptions(name, args, 0));
      return;
    }
    case "timeout": {
      // timeout [options] DURATION command
      rest(skipOptions(name, args, 0) + 1);
      return;
    }
    case "chroot":
      rest(skipOptions(name, args, 0) + 1);
      return;
    case "flock": {
      const at = skipOptions(name, args, 0);
      const c = args.findIndex((a) => a.text === "-c" || a.text === "--command");
      if (c !== -1 && args[c + 1]) nestedLine(args[c + 1] as Word, analysis, depth, "flock -c");
      else rest(at + 1);
      return;
    }
    case "xargs": {
      const at = skipOptions(name, args, 0);
      if (at < args.length) rest(at);
      return;
    }
    case "npx":
    case "bunx": {
      const c = args.findIndex((a) => a.text === "-c" || a.text === "--call");
      if (c !== -1 && args[c + 1]) nestedLine(args[c + 1] as Word, analysis, depth, `${name} -c`);
      else rest(skipOptions("npx", args, 0));
      return;
    }
    case "watch":
      nestedLine(args.slice(skipOptions(name, args, 0)), analysis, depth, "watch");
      return;
    case "eval":
      if (args.length) nestedLine(args, analysis, depth, "eval");
      return;
    case "trap": {
      // trap 'command' SIGNAL…: the command runs when the signal comes (EXIT: when the line ends)
      const at = skipOptions(name, args, 0);
      const action = args[at];
      if (action && args.length > at + 1) nestedLine(action, analysis, depth, "trap");
      return;
    }
    case "script": {
      const c = args.findIndex((a) => a.text === "-c" || a.text === "--command" || /^-[a-z]*c$/.test(a.text));
      if (c !== -1 && args[c + 1]) nestedLine(args[c + 1] as Word, analysis, depth, "script -c");
      return;
    }
    case "su": {
      const c = args.findIndex((a) => a.text === "-c" || a.text === "--command");
      if (c !== -1 && args[c + 1]) nestedLine(args[c + 1] as Word, analysis, depth, "su -c");
      else opaque(analysis, "su opens a shell");
      return;
    }
    case "find": {
      for (let i = 0; i < args.length; i++) {
        if (!/^-(exec|execdir|ok|okdir)$/.test(text(i)?.text ?? "")) continue;
        const end = args.findIndex((a, j) => j > i && (a.text === ";" || a.text === "+"));
        unwrap(args.slice(i + 1, end === -1 ? args.length : end), command, analysis, depth + 1);
      }
      return;
    }
    case "python":
    case "python3": {
      const m = args.findIndex((a) => a.text === "-m");
      if (m !== -1) rest(m + 1);
      return;
    }
    case "git": {
      // `git -c alias.x='!git push' x` runs what the alias says
      for (let i = 0; i < args.length - 1; i++)
        if (args[i]?.text === "-c" && /^alias\./i.test(args[i + 1]?.text ?? ""))
          opaque(analysis, "git runs an alias defined on the command line");
      return;
    }
    default:
      if (SHELLS.has(name) || name === "busybox") shell(name, args, command, analysis, depth);
  }
}

/** `bash -c '…'` is a command line; `bash script` a file nobody reads here; bare `bash` reads stdin. */
function shell(
  name: string,
  args: Word[],
  command: SimpleCommand,
  analysis: CommandAnalysis,
  depth: number,
): void {
  if (name === "busybox") {
    if (args[0] && !args[0].dynamic && SHELLS.has(args[0].text))
      shell(args[0].text, args.slice(1), command, analysis, depth);
    return;
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as Word;
    if (a.dynamic) {
      opaque(analysis, `${name} is given an option or script only known at run time`);
      return;
    }
    if (a.text === "--") {
      if (i + 1 < args.length) return; // a script file
      break;
    }
    if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(a.text)) {
      const script = args[i + 1];
      if (script) nestedLine(script, analysis, depth, `${name} -c`);
      else opaque(analysis, `${name} -c without a command`);
      return;
    }
    if (
      a.text === "-o" ||
      a.text === "+o" ||
      a.text === "-O" ||
      a.text === "+O" ||
      a.text === "--rcfile" ||
      a.text === "--init-file"
    ) {
      i++;
      continue;
    }
    if (a.text.startsWith("-") || a.text.startsWith("+")) continue;
    return; // a script file: what it runs is not on this line
  }
  if (command.heredocs.length) {
    for (const body of command.heredocs)
      nestedLine({ text: body, dynamic: false, assignment: false }, analysis, depth, name);
    return;
  }
  opaque(analysis, `${name} reads its commands from standard input`);
}

/** Parses a rule's pattern (`git push`, `rm -rf`); null when it is not a pattern. */
export function parsePattern(source: string): CommandPattern | null {
  const words = source.trim().split(/\s+/);
  const [command, ...rest] = words;
  if (!command || command.startsWith("-")) return null;
  const subcommands: string[] = [];
  const flags: string[] = [];
  for (const word of rest) {
    if (word.startsWith("-")) flags.push(...flagIds(command, word));
    else if (flags.length)
      return null; // subcommands come before flags
    else subcommands.push(word);
  }
  return { command, subcommands, flags };
}

/** The canonical ids a flag word stands for: `-rf` is `-r` and `-f`; `--recursive` is rm's `-r`. */
function flagIds(command: string, word: string): string[] {
  const aliases = FLAG_ALIASES[command] ?? {};
  if (word.startsWith("--")) {
    const name = word.includes("=") ? word.slice(0, word.indexOf("=")) : word;
    return [aliases[name] ?? name];
  }
  return [...word.slice(1)].map((letter) => aliases[`-${letter}`] ?? `-${letter}`);
}

/** The long spellings (canonical and aliases) of a flag id, for git's and getopt's abbreviations. */
function longForms(command: string, id: string): string[] {
  const aliases = FLAG_ALIASES[command] ?? {};
  const forms = Object.entries(aliases)
    .filter(([alias, canonical]) => canonical === id && alias.startsWith("--"))
    .map(([alias]) => alias);
  return id.startsWith("--") ? [id, ...forms] : forms;
}

export function matchInvocation(pattern: CommandPattern, invocation: Invocation): Match {
  if (invocation.name === null) return "maybe";
  if (invocation.name !== pattern.command) return "no";
  const { args } = invocation;
  const values = VALUE_OPTIONS[pattern.command] ?? new Set<string>();
  let unsure = false;
  let i = 0;
  // the subcommands: the first words that are not options (or their values)
  for (const sub of pattern.subcommands) {
    let found = false;
    let afterUnknownOption = false;
    while (i < args.length && !found) {
      const w = args[i] as Word;
      if (w.dynamic) {
        unsure = true;
        i++;
        found = true; // it may be the subcommand
        continue;
      }
      if (w.text === "--") {
        i++;
        continue;
      }
      if (w.text.startsWith("-") && w.text !== "-") {
        const flag = w.text.includes("=") ? w.text.slice(0, w.text.indexOf("=")) : w.text;
        if (values.has(flag) && !w.text.includes("=")) i += 2;
        else {
          // an option not in the table may take the next word as its value
          afterUnknownOption = !w.text.includes("=");
          i++;
        }
        continue;
      }
      i++;
      if (w.text === sub) found = true;
      else if (afterUnknownOption) {
        unsure = true;
        afterUnknownOption = false;
      } else return "no";
    }
    if (!found) return "no";
  }
  // the flags: anywhere after the subcommands, before `--`
  const present = new Set<string>();
  const longArgs: string[] = [];
  let dynamicArg = false;
  for (; i < args.length; i++) {
    const w = args[i] as Word;
    if (w.dynamic) {
      dynamicArg = true;
      continue;
    }
    if (w.text === "--") break;
    if (!w.text.startsWith("-") || w.text === "-") continue;
    for (const id of flagIds(pattern.command, w.text)) present.add(id);
    if (w.text.startsWith("--")) longArgs.push(w.text.split("=")[0] as string);
  }
  const missing = pattern.flags.filter(
    (id) =>
      !present.has(id) &&
      // `--har` is `--hard` to git and getopt when no other option starts so
      !longArgs.some(
        (arg) => arg.length >= 4 && longForms(pattern.command, id).some((f) => f.startsWith(arg)),
      ),
  );
  if (missing.length) return dynamicArg ? "maybe" : "no";
  return unsure ? "maybe" : "yes";
}

/** The operands after a pattern's words (`rm -rf a b` → a, b): for rules that spare some paths. */
export function operands(pattern: CommandPattern, invocation: Invocation): Word[] {
  let skipped = 0;
  const out: Word[] = [];
  let options = true;
  for (const w of invocation.args) {
    if (options && !w.dynamic && w.text === "--") {
      options = false;
      continue;
    }
    if (options && !w.dynamic && w.text.startsWith("-") && w.text !== "-") continue;
    if (skipped < pattern.subcommands.length) {
      skipped++;
      continue;
    }
    out.push(w);
  }
  return out;
}

/** How a whole command line meets a pattern: the strongest match of any program it runs. */
export function matchCommand(pattern: CommandPattern, analysis: CommandAnalysis): Match {
  let best: Match = analysis.opaque.length ? "maybe" : "no";
  for (const invocation of analysis.invocations) {
    const m = matchInvocation(pattern, invocation);
    if (m === "yes") return "yes";
    if (m === "maybe") best = "maybe";
  }
  return best;
}
