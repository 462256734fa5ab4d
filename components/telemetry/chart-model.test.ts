import { describe, expect, it } from "vitest";
import { moneyAxis, needsDots } from "./chart-model";

describe("needsDots", () => {
  it("draws the points of a line with fewer than two values: one day of data is a point, not nothing", () => {
    const month = Array.from({ length: 30 }, (_, i) => (i === 29 ? 80 : null));
    expect(needsDots(month)).toBe(true);
    expect(needsDots([])).toBe(true);
    expect(needsDots([null, Number.NaN, 3])).toBe(true);
  });

  it("leaves a line with two values or more as a line", () => {
    expect(needsDots([1, null, null, 2])).toBe(false);
    expect(needsDots([0, 0])).toBe(false);
  });
});

describe("moneyAxis", () => {
  const labels = (values: Array<number | null>) => {
    const axis = moneyAxis(values);
    return axis.ticks.map(axis.format);
  };

  it("gives a day of fractions of a cent ticks that read differently", () => {
    const shown = labels([null, 0.0012, null, 0.0031]);
    expect(new Set(shown).size).toBe(shown.length);
    expect(shown).toEqual(["$0.000", "$0.001", "$0.002", "$0.003", "$0.004"]);
  });

  it("reaches at least the largest value, from 0, in round steps", () => {
    expect(moneyAxis([0.7]).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(moneyAxis([0.7]).top).toBe(0.8);
    expect(labels([1.3])).toEqual(["$0.00", "$0.50", "$1.00", "$1.50"]);
    expect(labels([12])).toEqual(["$0.00", "$5.00", "$10.00", "$15.00"]);
    expect(labels([0.00009])).toEqual(["$0.000000", "$0.000025", "$0.000050", "$0.000075", "$0.000100"]);
  });

  it("shows a one-cent scale when nothing was spent", () => {
    expect(labels([])).toEqual(["$0.00", "$0.01"]);
    expect(labels([null, 0])).toEqual(["$0.00", "$0.01"]);
  });
});
