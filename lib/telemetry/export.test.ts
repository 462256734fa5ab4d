import { expect, it } from "vitest";
import { csvCell, toCsv } from "./export";

it("quotes what CSV needs quoted and defuses spreadsheet formulas", () => {
  expect(csvCell('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
  expect(csvCell("=cmd|' /C calc'!A0")).toBe("'=cmd|' /C calc'!A0");
  expect(csvCell("-rf")).toBe("'-rf");
  expect(csvCell(-3)).toBe("-3");
  expect(csvCell(null)).toBe("");
  expect(csvCell(true)).toBe("true");
  expect(toCsv(["a", "b"], [[1, "x,y"]])).toBe('a,b\r\n1,"x,y"\r\n');
});
