import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");

/** A full garbage collection, for tests that check what memory stays reachable. */
export const gc = runInNewContext("gc") as () => void;
