import { describe, expect, it } from "vitest";
import { SaveQueue } from "./save-queue";

/** A save the test answers by hand, in whatever order it likes. */
function manual<T>() {
  let answer: (value: T) => void = () => {};
  const promise = new Promise<T>((resolve) => {
    answer = resolve;
  });
  return { promise, answer };
}

describe("SaveQueue", () => {
  it("sends a board's saves one at a time, in the order they were made", async () => {
    const queue = new SaveQueue();
    const sent: string[] = [];
    const first = manual<string>();
    const second = manual<string>();
    const a = queue.run("card", () => {
      sent.push("to in progress");
      return first.promise;
    });
    const b = queue.run("card", () => {
      sent.push("to done");
      return second.promise;
    });
    await Promise.resolve();
    // the second waits for the first's answer: the server can never apply them out of order
    expect(sent).toEqual(["to in progress"]);
    first.answer("in_progress");
    await expect(a).resolves.toEqual({ result: "in_progress", latest: false });
    expect(sent).toEqual(["to in progress", "to done"]);
    second.answer("done");
    await expect(b).resolves.toEqual({ result: "done", latest: true });
  });

  it("marks only the answer to a card's latest move as the one to show", async () => {
    const queue = new SaveQueue();
    const moves = [1, 2, 3].map((n) => queue.run("card", async () => n));
    const other = queue.run("other", async () => "x");
    expect(await Promise.all(moves)).toEqual([
      { result: 1, latest: false },
      { result: 2, latest: false },
      { result: 3, latest: true },
    ]);
    // another card's move does not make this card's answer stale
    expect(await other).toEqual({ result: "x", latest: true });
  });

  it("keeps going after a save that threw", async () => {
    const queue = new SaveQueue();
    const broken = queue.run("card", () => Promise.reject(new Error("offline")));
    const next = queue.run("card", async () => "saved");
    await expect(broken).rejects.toThrow("offline");
    await expect(next).resolves.toEqual({ result: "saved", latest: true });
  });
});
