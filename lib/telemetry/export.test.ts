import { describe, expect, it } from "vitest";
import { csvCell, formulaRisk, toCsv } from "./export";

it("quotes what CSV needs quoted and defuses spreadsheet formulas", () => {
  expect(csvCell('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
  expect(csvCell("=cmd|' /C calc'!A0")).toBe("\"'=cmd|' /C calc'!A0\"");
  expect(csvCell("-rf")).toBe("'-rf");
  expect(csvCell(-3)).toBe("-3");
  expect(csvCell(null)).toBe("");
  expect(csvCell(true)).toBe("true");
  expect(toCsv(["a", "b"], [[1, "x,y"]])).toBe('a,b\r\n1,"x,y"\r\n');
});

/** Row 37 (docs/security.md): a recorded command line that a spreadsheet would run. */
describe("CSV cells a spreadsheet could run", () => {
  const triggers = ["=", "+", "-", "@"];
  const separators = [",", ";", "\t", "|", "\r", "\n", "\r\n"];
  const payload = "cmd|' /C calc'!A0";

  const risky: string[] = [
    ...triggers.map((t) => `${t}${payload}`),
    ...triggers.map((t) => `   ${t}${payload}`),
    `\t=${payload}`,
    `\r=${payload}`,
    "\tplain",
    "\rplain",
    ...separators.flatMap((sep) => triggers.map((t) => `ls${sep}${t}${payload}`)),
    ...separators.flatMap((sep) => triggers.map((t) => `ls${sep}  ${t}${payload}`)),
    'echo ok;=HYPERLINK("http://evil.example","x")',
    "a,@SUM(1+1)*cmd|' /C calc'!A0",
    "=1+1",
    "+1+1",
    "-2+3",
    "@A1",
  ];
  it.each(risky.map((v) => [JSON.stringify(v), v]))(
    "%s gets a leading apostrophe and stays one cell",
    (_n, v) => {
      expect(formulaRisk(v)).toBe(true);
      const cell = csvCell(v);
      const inner = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
      expect(inner).toBe(`'${v}`);
      // a cell holding any separator is quoted, so a spreadsheet that splits there keeps it whole
      if (/[,;\t|\r\n"]/.test(inner)) expect(cell).toMatch(/^".*"$/s);
    },
  );

  const safe: Array<[string, string]> = [
    ["npm test", "npm test"],
    ["git commit -m fix", "git commit -m fix"],
    ["a = b", "a = b"],
    ["x=1", "x=1"],
    ["user@example.com", "user@example.com"],
    ["ls -la --color=auto", "ls -la --color=auto"],
    ["-3", "-3"],
    ["+1.5e3", "+1.5e3"],
    ["-0.25", "-0.25"],
    ["", ""],
  ];
  it.each(safe)("%j stays as it is", (value, expected) => {
    expect(formulaRisk(value)).toBe(false);
    expect(csvCell(value)).toBe(expected);
  });

  it("keeps numbers numbers, whatever their sign", () => {
    for (const n of [-3, -0.5, 0, 12, -1e21]) expect(csvCell(n)).toBe(String(n));
  });

  it("quotes cells with a semicolon, a tab or a pipe", () => {
    expect(csvCell("a;b")).toBe('"a;b"');
    expect(csvCell("a\tb")).toBe('"a\tb"');
    expect(csvCell("a|b")).toBe('"a|b"');
  });
});
