import { describe, expect, it } from "vitest";
import { analyzeCommand, type Match, matchCommand, parsePattern } from "./command-match";
import { parseCommandLine } from "./shell-parse";

function match(pattern: string, line: string): Match {
  const p = parsePattern(pattern);
  if (!p) throw new Error(`bad pattern ${pattern}`);
  return matchCommand(p, analyzeCommand(line));
}

// Every spelling a model or an injection would use to run `git push`.
const GIT_PUSH_SPELLINGS = [
  "git push",
  "git push origin main",
  "git   push",
  "  git push  ",
  "/usr/bin/git push",
  "./git push",
  "\\git push",
  "g\\it push",
  "'git' 'push'",
  '"git" "push"',
  "gi''t pu\"\"sh",
  "$'git' push",
  "$'\\x67it' push",
  "$'\\147it' push",
  "$'\\u0067it' push",
  'git $"push"',
  "git \\\n push",
  "git\\\n push",
  "git pu\\\nsh",
  "git -C /tmp/x push",
  "git -C/tmp/x push",
  "git -c user.name=x push",
  "git --git-dir=.git push",
  "git --git-dir .git --work-tree . push",
  "git --no-pager push",
  "git -p push",
  "git -- push",
  "echo hi && git push",
  "echo hi || git push",
  "echo hi; git push",
  "echo hi | git push",
  "echo hi |& git push",
  "git status & git push",
  "echo hi\ngit push",
  "(git push)",
  "( cd sub && git push )",
  "{ git push; }",
  "echo $(git push)",
  'echo "$(git push)"',
  "echo `git push`",
  'echo "`git push`"',
  "echo $(echo $(git push))",
  "cat <(git push)",
  "diff <(ls) >(git push)",
  "env git push",
  "env X=1 git push",
  "env -i PATH=/usr/bin git push",
  "env -u HOME git push",
  "env -C /tmp git push",
  "env -- git push",
  "env -S 'git push'",
  "env -S'git push'",
  "X=1 git push",
  "X=1 Y=2 git push",
  "sudo git push",
  "sudo -u root git push",
  "sudo -E -H git push",
  "sudo --user=root git push",
  "sudo -- git push",
  "doas git push",
  "command git push",
  "command -p git push",
  "builtin command git push",
  "exec git push",
  "exec -a name git push",
  "nohup git push",
  "nohup git push > out.log 2>&1 &",
  "setsid git push",
  "time git push",
  "time -p git push",
  "nice git push",
  "nice -n 5 git push",
  "nice -5 git push",
  "ionice -c 3 git push",
  "stdbuf -oL git push",
  "timeout 30 git push",
  "timeout -s KILL 30 git push",
  "timeout --kill-after=5 30 git push",
  "xargs git push",
  "echo origin | xargs git push",
  "echo origin | xargs -I{} git push {}",
  "echo origin | xargs -n 1 git push",
  "find . -maxdepth 0 -exec git push \\;",
  "find . -execdir git push {} +",
  "bash -c 'git push'",
  'bash -c "git push"',
  "bash -lc 'git push'",
  "bash -ec 'cd x && git push'",
  "sh -c 'git push'",
  "/bin/sh -c 'git push'",
  "zsh -c 'git push'",
  "dash -c 'git push'",
  "busybox sh -c 'git push'",
  "bash -c 'bash -c \"git push\"'",
  "sudo bash -c 'git push'",
  "eval git push",
  "eval 'git push'",
  'eval "git push"',
  "watch 'git push'",
  "watch -n 1 git push",
  "flock /tmp/l git push",
  "flock /tmp/l -c 'git push'",
  "su -c 'git push'",
  "bash <<EOF\ngit push\nEOF",
  "sh <<'EOF'\ngit push\nEOF",
  "bash -s <<-EOF\n\tgit push\n\tEOF",
  "cat <<EOF\n$(git push)\nEOF",
  "if git push; then echo ok; fi",
  "while git push; do sleep 1; done",
  "for i in 1; do git push; done",
  "! git push",
  "f() { git push; }; f",
  "git push 2>/dev/null",
  "git push >out 2>&1",
  "git push &>/dev/null",
  "2>/dev/null git push",
  ">/dev/null git push",
  "git push # and a comment",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text
  "echo ${X:-$(git push)}",
  "echo $(( $(git push) + 1 ))",
  "python3 -m git push",
  "case $x in a) git push;; esac",
  "trap 'git push' EXIT",
  "coproc git push",
  "script -qc 'git push' /dev/null",
  "x=$(git push)",
  "export X=$(git push)",
  "bash -c 'sudo env A=1 command git -C . push'",
  "git\tpush",
  "npx git push",
];

// The program or subcommand is only known at run time: a rule on `git push` may match.
const GIT_PUSH_MAYBE = [
  "$GIT push",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text
  "${GIT} push",
  "$(echo git) push",
  "`which git` push",
  "git $CMD",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text
  "git ${SUB}",
  "git pu{sh,ll}",
  "git {push,}",
  "echo git push | bash",
  "echo git push | sh",
  "bash < script.sh",
  'bash -c "$CMD"',
  'eval "$CMD"',
  "eval $CMD",
  "sudo -i",
  "git push 'origin",
  'git status "unclosed',
  "echo $(git push",
  "git --unknown-opt value push",
  "git -c alias.p='!git push' p",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text
  "git${IFS}push",
  "{git,push}",
  "bash <<< 'git push'",
  'env -S "$X"',
];

// Near misses: none of these runs `git push`.
const NOT_GIT_PUSH = [
  "echo git push",
  'echo "git push"',
  "echo 'git push'",
  "printf '%s\\n' 'git push'",
  "git pushd",
  "git push-all",
  "pushd git",
  "git status",
  "git log --grep push",
  "git commit -m 'git push later'",
  'git commit -m "then git push"',
  "git stash push",
  "gitk push",
  "legit push",
  "git-push",
  "grep 'git push' notes.md",
  'grep -r "git push" .',
  "cat <<'EOF' > notes.md\ngit push\nEOF",
  "cat <<EOF > notes.md\ngit push\nEOF",
  "# git push",
  "echo hi # git push",
  "command -v git push",
  "bash script.sh git push",
  "ls push",
  "echo \\$\\(git push\\)",
  "echo '$(git push)'",
  "echo '`git push`'",
  "bash -c 'echo git push'",
];

describe("a rule on `git push`", () => {
  it.each(GIT_PUSH_SPELLINGS)("matches %j", (line) => {
    expect(match("git push", line)).toBe("yes");
  });
  it.each(GIT_PUSH_MAYBE)("may match %j (asks: it cannot be read with confidence)", (line) => {
    expect(match("git push", line)).not.toBe("no");
  });
  it.each(NOT_GIT_PUSH)("does not match %j", (line) => {
    expect(match("git push", line)).toBe("no");
  });
});

describe("flags in a pattern", () => {
  const cases: Array<[string, string, Match]> = [
    ["rm -rf", "rm -rf build", "yes"],
    ["rm -rf", "rm -fr build", "yes"],
    ["rm -rf", "rm -r -f build", "yes"],
    ["rm -rf", "rm -Rf build", "yes"],
    ["rm -rf", "rm -rfv build", "yes"],
    ["rm -rf", "rm --recursive --force build", "yes"],
    ["rm -rf", "rm --recursive -f build", "yes"],
    ["rm -rf", "rm --rec --force build", "yes"],
    ["rm -rf", "rm build -rf", "yes"],
    ["rm -rf", "/bin/rm -rf build", "yes"],
    ["rm -rf", "sudo rm -rf /", "yes"],
    ["rm -rf", "rm $FLAGS build", "maybe"],
    ["rm -rf", "rm -r build", "no"],
    ["rm -rf", "rm -f build", "no"],
    ["rm -rf", "rm build", "no"],
    ["rm -rf", "rm -- -rf", "no"],
    ["rm -rf", "grep 'rm -rf' file", "no"],
    ["rm -rf", "echo rm -rf /", "no"],
    ["rm -rf", "rmdir -p a/b", "no"],
    ["git reset --hard", "git reset --hard", "yes"],
    ["git reset --hard", "git reset --hard HEAD~1", "yes"],
    ["git reset --hard", "git reset HEAD~1 --hard", "yes"],
    ["git reset --hard", "git -C repo reset --hard", "yes"],
    ["git reset --hard", "git reset --har", "yes"],
    ["git reset --hard", "git reset --soft HEAD~1", "no"],
    ["git reset --hard", "git reset", "no"],
    ["git reset --hard", "git checkout --hard", "no"],
    ["git push --force", "git push -f", "yes"],
    ["git push --force", "git push origin --force", "yes"],
    ["git push --force", "git push origin", "no"],
    ["npm publish", "npm publish", "yes"],
    ["npm publish", "npm publish --access public", "yes"],
    ["npm publish", "npm --registry https://r.example publish", "yes"],
    ["npm publish", "npm --registry=https://r.example publish", "yes"],
    ["npm publish", "npm -w pkg publish", "yes"],
    ["npm publish", "npm run publish-docs", "no"],
    ["npm publish", "npm pack", "no"],
    ["yarn npm publish", "yarn npm publish", "yes"],
    ["cargo publish", "cargo publish --dry-run", "yes"],
    ["cargo publish", "cargo --manifest-path x/Cargo.toml publish", "yes"],
    ["twine upload", "twine upload dist/*", "yes"],
    ["twine upload", "python3 -m twine upload dist/*", "yes"],
    ["gem push", "gem push x.gem", "yes"],
    ["gem push", "gem build x.gemspec", "no"],
  ];
  it.each(cases)("%s on %j → %s", (pattern, line, expected) => {
    expect(match(pattern, line)).toBe(expected);
  });
});

describe("patterns", () => {
  it.each(["git push", "rm -rf", "git reset --hard", "npm publish", "ls"])("reads %j", (p) => {
    expect(parsePattern(p)).not.toBeNull();
  });
  it.each(["", "-rf", "git --force push"])("refuses %j", (p) => {
    expect(parsePattern(p)).toBeNull();
  });
});

describe("the parser", () => {
  it("splits a line into its simple commands, substitutions included", () => {
    const parsed = parseCommandLine("a 1 && b 2; (c | d $(e f)) > out");
    expect(parsed.uncertain).toEqual([]);
    expect(parsed.commands.map((c) => c.words.map((w) => w.text).join(" "))).toEqual([
      "a 1",
      "b 2",
      "c",
      "e f",
      "d $(…)",
    ]);
  });
  it("marks a line it cannot read", () => {
    expect(parseCommandLine("echo 'open").uncertain).not.toEqual([]);
    expect(parseCommandLine("echo $(open").uncertain).not.toEqual([]);
    expect(parseCommandLine("echo `open").uncertain).not.toEqual([]);
  });
  it("reads a heredoc's body as data, and its substitutions as commands", () => {
    const parsed = parseCommandLine("cat <<EOF > f\nhello $(date)\nEOF\necho done");
    expect(parsed.commands.map((c) => c.words[0]?.text)).toEqual(["cat", "date", "echo"]);
    expect(parsed.commands[0]?.heredocs).toEqual(["hello $(date)"]);
  });
  it("does not loop on a lone backslash or an unclosed substitution in a heredoc", () => {
    expect(parseCommandLine("echo \\").commands).toHaveLength(1);
    expect(parseCommandLine("cat <<EOF\n$(oops\nEOF").uncertain).not.toEqual([]);
  });
});
