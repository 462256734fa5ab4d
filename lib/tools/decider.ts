/** Who decides on a single-user install: the holder of the one access token. */
export const DECIDER = "owner";
