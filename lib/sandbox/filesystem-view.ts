import { existsSync, lstatSync, readlinkSync, realpathSync } from "node:fs";
import path from "node:path";

/**
 * What a sandboxed process sees of this machine's files, by allowlist: the system folders a
 * program needs to run, the toolchains on the server's PATH, what an admin added, and the folders
 * of its own task. Nothing else exists inside: not the home directory, not Ratchet's app or data
 * dirs wherever they are, not another instance's data, not `/run`, `/var` or `/srv`.
 */

/** Read-only at the same path; on merged-/usr systems most of these are links into /usr. */
const SYSTEM_FOLDERS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/nix/store"];

/**
 * Secrets of the machine itself inside the system folders: readable by root's uid even without
 * capabilities, so they are covered with an empty file or folder.
 */
const SYSTEM_SECRETS = [
  "/etc/shadow",
  "/etc/shadow-",
  "/etc/gshadow",
  "/etc/gshadow-",
  "/etc/security/opasswd",
  "/etc/ssl/private",
  "/etc/ssh/ssh_host_rsa_key",
  "/etc/ssh/ssh_host_ecdsa_key",
  "/etc/ssh/ssh_host_ed25519_key",
  "/etc/ssh/ssh_host_dsa_key",
];

/** Where language toolchains install themselves in a home directory; never credentials. */
const HOME_TOOLCHAINS = [
  ".cargo",
  ".rustup",
  ".pyenv",
  ".rbenv",
  ".goenv",
  ".nvm",
  ".volta",
  ".bun",
  ".deno",
  ".sdkman",
  ".local/bin",
  ".local/share/pnpm",
  "go/bin",
];

/** Never readable, even when a PATH entry points inside them. */
const HOME_NEVER = [
  ".ssh",
  ".aws",
  ".azure",
  ".gnupg",
  ".kube",
  ".docker",
  ".config",
  ".netrc",
  ".npmrc",
  ".pypirc",
  ".pgpass",
  ".git-credentials",
  ".claude",
  ".local/share",
];

export type SystemMount =
  | { kind: "ro-bind"; path: string }
  | { kind: "symlink"; path: string; target: string };

export interface HostLayout {
  system: SystemMount[];
  /** Files and folders in `system` to cover with an empty one. */
  masks: { path: string; dir: boolean }[];
  /** Toolchain folders, read-only at the same path. */
  toolchains: string[];
  /** The PATH inside: the server's entries that exist inside, in their order. */
  path: string;
  home: string;
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

function kind(file: string): "dir" | "file" | "link" | null {
  try {
    const stats = lstatSync(/*turbopackIgnore: true*/ file);
    return stats.isSymbolicLink() ? "link" : stats.isDirectory() ? "dir" : "file";
  } catch {
    return null;
  }
}

function systemMounts(): SystemMount[] {
  const mounts: SystemMount[] = [];
  for (const folder of SYSTEM_FOLDERS) {
    const k = kind(folder);
    if (k === "link") mounts.push({ kind: "symlink", path: folder, target: readlinkSync(folder) });
    else if (k === "dir") mounts.push({ kind: "ro-bind", path: folder });
  }
  return mounts;
}

function systemSecrets(): { path: string; dir: boolean }[] {
  const masks: { path: string; dir: boolean }[] = [];
  for (const secret of SYSTEM_SECRETS) {
    const k = kind(secret);
    if (k === "dir" || k === "file") masks.push({ path: secret, dir: k === "dir" });
  }
  return masks;
}

export interface LayoutInput {
  /** The server's PATH. */
  pathVariable: string;
  home: string;
  /** process.execPath: the node that runs agent tools. */
  nodeBinary: string;
  /** Folders no toolchain rule may expose (app, data, tools, skills, database folder). */
  protectedDirs: string[];
}

function visibleInSystem(dir: string, system: SystemMount[]): boolean {
  return system.some((m) => isInside(dir, m.path));
}

/**
 * The folder that holds a PATH entry's toolchain: `~/.cargo/bin` → `~/.cargo`, `/opt/node/bin` →
 * `/opt/node`, `~/.local/bin` stays itself (the rest of ~/.local holds keyrings and app data),
 * `~/.cache/x/node/bin` → `~/.cache/x/node`.
 */
function toolchainRoot(entry: string, home: string): string | null {
  if (isInside(entry, home)) {
    const rel = path.relative(home, entry);
    if (rel === "") return null;
    if (
      HOME_NEVER.some(
        (never) => isInside(entry, path.join(home, never)) && !isInside(entry, path.join(home, ".local/bin")),
      )
    )
      return null;
    const known = HOME_TOOLCHAINS.find((t) => isInside(entry, path.join(home, t)));
    if (known) return path.join(home, known);
    const top = rel.split(path.sep)[0] ?? "";
    if (!top.startsWith(".")) return null;
    // an unlisted dot folder (`~/.cache/…/node/bin`): only the toolchain itself, never all of
    // `~/.cache`, whose other entries are other programs' data
    return binParent(entry);
  }
  const root = binParent(entry);
  return root === "/" ? null : root;
}

/** `/opt/node/bin` → `/opt/node`; any other folder is its own toolchain. */
function binParent(entry: string): string {
  const base = path.basename(entry);
  return base === "bin" || base === "sbin" ? path.dirname(entry) : entry;
}

export function discoverLayout(input: LayoutInput): HostLayout {
  const system = systemMounts();
  const home = input.home;
  const candidates = new Set<string>();
  const entries = input.pathVariable.split(path.delimiter).filter((e) => path.isAbsolute(e));
  const blocked = (dir: string) =>
    input.protectedDirs.some((p) => isInside(dir, p) || isInside(p, dir)) ||
    dir === home ||
    isInside(home, dir);
  for (const entry of [...entries, path.dirname(input.nodeBinary)]) {
    if (visibleInSystem(entry, system)) continue;
    const root = toolchainRoot(entry, home);
    if (root && !blocked(root) && kind(root) !== null) candidates.add(root);
  }
  for (const rel of HOME_TOOLCHAINS) {
    const dir = path.join(home, rel);
    if (kind(dir) === "dir" && !blocked(dir)) candidates.add(dir);
  }
  // nested candidates (~/.local/bin inside a listed folder) need no mount of their own
  const toolchains = [...candidates]
    .map((dir) => {
      try {
        return realpathSync(/*turbopackIgnore: true*/ dir) === dir ? dir : null;
      } catch {
        return null;
      }
    })
    .filter((dir): dir is string => dir !== null)
    .filter((dir, _i, all) => !all.some((other) => other !== dir && isInside(dir, other)))
    .sort();
  const visible = (entry: string) =>
    visibleInSystem(entry, system) || toolchains.some((t) => isInside(entry, t));
  const inside = [...new Set(entries.filter((e) => visible(e) && existsSync(/*turbopackIgnore: true*/ e)))];
  return { system, masks: systemSecrets(), toolchains, path: inside.join(path.delimiter), home };
}

/** One mount of a command's view, besides the system ones; applied parents first. */
export type TaskMount =
  | { kind: "ro"; path: string }
  | { kind: "rw"; path: string; source?: string }
  | { kind: "ro-fd"; fd: number; path: string }
  | { kind: "rw-fd"; fd: number; path: string }
  | { kind: "tmpfs"; path: string }
  | { kind: "mask-file"; path: string }
  | { kind: "mask-dir"; path: string };

export interface ViewPlan {
  layout: HostLayout;
  mounts: TaskMount[];
  /** The proxy's socket, bound at /run/ratchet/proxy.sock; null for no network at all. */
  proxySocket: string | null;
  cwd: string;
  /** Size of the /tmp tmpfs. */
  tmpBytes: number;
  /** An empty file and an empty folder of our own, the sources of masks. */
  empty: { file: string; dir: string };
}

/** Binds on a path must come after binds on its parents, or the parent's would hide them. */
function depth(mount: TaskMount): number {
  return mount.path.split("/").filter(Boolean).length;
}

const ORDER: Record<TaskMount["kind"], number> = {
  tmpfs: 0,
  ro: 1,
  rw: 2,
  "rw-fd": 2,
  "ro-fd": 3,
  "mask-file": 4,
  "mask-dir": 4,
};

/** bwrap's arguments for a view (without the command). */
export function bwrapArguments(plan: ViewPlan): string[] {
  const args = ["--unshare-all", "--die-with-parent", "--new-session"];
  for (const mount of plan.layout.system) {
    if (mount.kind === "symlink") args.push("--symlink", mount.target, mount.path);
    else args.push("--ro-bind", mount.path, mount.path);
  }
  for (const mask of plan.layout.masks)
    args.push("--ro-bind", mask.dir ? plan.empty.dir : plan.empty.file, mask.path);
  args.push(
    "--proc",
    "/proc",
    "--dev",
    "/dev",
    "--size",
    String(plan.tmpBytes),
    "--tmpfs",
    "/tmp",
    "--tmpfs",
    "/run",
  );
  const mounts = [...plan.mounts].sort((a, b) => depth(a) - depth(b) || ORDER[a.kind] - ORDER[b.kind]);
  for (const mount of mounts) {
    switch (mount.kind) {
      case "ro":
        args.push("--ro-bind", mount.path, mount.path);
        break;
      case "rw":
        args.push("--bind", mount.source ?? mount.path, mount.path);
        break;
      case "ro-fd":
        args.push("--ro-bind-fd", String(mount.fd), mount.path);
        break;
      case "rw-fd":
        args.push("--bind-fd", String(mount.fd), mount.path);
        break;
      case "tmpfs":
        args.push("--tmpfs", mount.path);
        break;
      case "mask-file":
        args.push("--ro-bind", plan.empty.file, mount.path);
        break;
      case "mask-dir":
        args.push("--ro-bind", plan.empty.dir, mount.path);
        break;
    }
  }
  if (plan.proxySocket) args.push("--bind", plan.proxySocket, "/run/ratchet/proxy.sock");
  // the folders bwrap made for mount points are not places to write: a write outside the mounts
  // fails as it would on a read-only system instead of vanishing with the sandbox
  args.push("--remount-ro", "/", "--chdir", plan.cwd);
  return args;
}

export { isInside };
