/**
 * The starter tools Ratchet ships in its own `tools/` folder, by name, with the sha256 of each
 * file's exact content. Only a file with one of these hashes starts approved; any other file, in
 * either tools folder and at any moment, is a proposal that waits for a person. Editing a starter
 * means updating its hash here, in the same commit (lib/tools/shipped-tools.test.ts fails otherwise).
 */
export const STARTER_TOOLS: Readonly<Record<string, string>> = {
  list_files: "f23e7cc411ef9bae4cc9aa00bc028b7e95387b28e2a0d9c2a2e214ded4411240",
  safe_read: "be5af82b1bf059d8bca10bb0b92ff632bbc7b116f00b127c208750cfde621278",
  search_code: "3c2571db91998e527694d5debfa31bdcd5ff8b9938d40d8b3ff42284cfd1cf6c",
  test_dev_server: "b2fee31e4d11198dfbb25d8059ce078733bb3bd6b8694cffeda198d3f88eb6c8",
};

/** Is this exact version a starter Ratchet ships? */
export function isStarter(name: string, sha256: string): boolean {
  return Object.hasOwn(STARTER_TOOLS, name) && STARTER_TOOLS[name] === sha256;
}
