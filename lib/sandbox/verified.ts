import { constants } from "node:fs";
import { open, readlink, realpath, stat } from "node:fs/promises";
import path from "node:path";

/**
 * Opens a folder or file by descriptor and checks the descriptor is that very path (`/proc/self/fd`):
 * a bind by path would follow a link swapped in after any check, say by another session whose
 * workspace holds this one, and mount whatever it points at.
 */
export async function openVerified(
  target: string,
  opts: { exact?: boolean } = {},
): Promise<{ fd: number; real: string; close(): Promise<void> }> {
  const real = await realpath(target);
  // a folder handed over already resolved (a workspace checked against its roots) must still be
  // that folder: had a component become a link since the check, its target would be bound instead
  if (opts.exact && real !== path.resolve(target))
    throw new Error(`${target} is no longer the folder it was (it now leads to ${real})`);
  const kind = await stat(real);
  const flags =
    constants.O_RDONLY |
    constants.O_NOFOLLOW |
    constants.O_NONBLOCK |
    (kind.isDirectory() ? constants.O_DIRECTORY : 0);
  const handle = await open(real, flags);
  const opened = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => "");
  if (opened !== real) {
    await handle.close();
    throw new Error(`${target} changed while it was being opened`);
  }
  return { fd: handle.fd, real, close: () => handle.close() };
}
