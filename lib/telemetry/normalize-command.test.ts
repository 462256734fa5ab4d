import { expect, it } from "vitest";
import { normalizeCommand } from "./normalize-command";

it.each([
  ["npm test -- a", "npm test"],
  ["npm test -- b", "npm test"],
  ["npm run build", "npm run build"],
  ["npm run build:prod -- --watch", "npm run build:prod"],
  ["git status", "git status"],
  ["git commit -m 'fix: x'", "git commit"],
  ["cat src/a.ts", "cat"],
  ["FOO=1 BAR=2 ./scripts/build.sh --fast", "build.sh"],
  ["sudo apt-get install -y jq", "apt-get install"],
  ["cd app && npm test", "npm test"],
  ["cd app", "cd app"],
  ["ls -la | grep x", "ls"],
  ["  pytest tests/test_a.py::test_b  ", "pytest"],
  ["", ""],
])("%j → %j", (command, expected) => {
  expect(normalizeCommand(command)).toBe(expected);
});
