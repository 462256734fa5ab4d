import { isIP } from "node:net";

/**
 * Which addresses a sandboxed command may reach through the proxy, decided on the address a name
 * resolved to, never on how the name was spelled: `127.1`, `0x7f000001`, `[::ffff:127.0.0.1]`,
 * `localhost.` and a DNS name pointing at 10.0.0.5 all arrive here as the address they mean.
 *
 * Everything that is not a plain public unicast address has a class. Classes in NEVER are refused
 * in every policy; `private` is refused unless an admin listed the range in Settings.
 */
export type AddressClass =
  | "unspecified"
  | "loopback"
  | "link-local"
  | "metadata"
  | "this-machine"
  | "private"
  | "multicast"
  | "reserved"
  | "tunnel";

export type Verdict = { allowed: true } | { allowed: false; class: AddressClass; reason: string };

const NEVER = new Set<AddressClass>([
  "unspecified",
  "loopback",
  "link-local",
  "metadata",
  "this-machine",
  "multicast",
  "reserved",
  "tunnel",
]);

interface Range {
  bytes: number[];
  prefix: number;
  class: AddressClass;
}

function range(cidr: string, cls: AddressClass): Range {
  const [address = "", bits = ""] = cidr.split("/");
  const bytes = parseAddress(address);
  if (!bytes) throw new Error(`bad range ${cidr}`);
  return { bytes, prefix: Number(bits), class: cls };
}

/** Checked in order: the first match wins, so the specific (metadata) precede the general (link-local). */
const V4_RANGES: Range[] = [
  range("169.254.169.254/32", "metadata"),
  range("169.254.170.2/32", "metadata"),
  range("100.100.100.200/32", "metadata"),
  range("168.63.129.16/32", "metadata"),
  range("0.0.0.0/8", "unspecified"),
  range("127.0.0.0/8", "loopback"),
  range("169.254.0.0/16", "link-local"),
  range("10.0.0.0/8", "private"),
  range("172.16.0.0/12", "private"),
  range("192.168.0.0/16", "private"),
  range("100.64.0.0/10", "private"),
  range("198.18.0.0/15", "private"),
  range("192.0.0.0/24", "reserved"),
  range("224.0.0.0/4", "multicast"),
  range("240.0.0.0/4", "reserved"),
];

const V6_RANGES: Range[] = [
  range("fd00:ec2::254/128", "metadata"),
  range("::/128", "unspecified"),
  range("::1/128", "loopback"),
  range("fe80::/10", "link-local"),
  range("fec0::/10", "private"),
  range("fc00::/7", "private"),
  range("ff00::/8", "multicast"),
  range("100::/64", "reserved"),
  range("2001::/32", "tunnel"),
];

/**
 * IPv6 forms that carry an IPv4 address inside (mapped, compatible, NAT64, 6to4): the embedded
 * address decides, so `::ffff:127.0.0.1` is loopback, not "some IPv6 host".
 */
const EMBEDDED_V4: { prefix: Range; offset: number }[] = [
  { prefix: range("::ffff:0:0/96", "reserved"), offset: 12 },
  { prefix: range("::/96", "reserved"), offset: 12 },
  { prefix: range("::ffff:0:0:0/96", "reserved"), offset: 12 },
  { prefix: range("64:ff9b::/96", "reserved"), offset: 12 },
  { prefix: range("64:ff9b:1::/48", "reserved"), offset: 12 },
  { prefix: range("2002::/16", "reserved"), offset: 2 },
];

function parseV4(text: string): number[] | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const bytes = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : Number.NaN));
  return bytes.every((b) => b >= 0 && b <= 255) ? bytes : null;
}

function parseV6(text: string): number[] | null {
  let head = text;
  let tail: number[] = [];
  const lastColon = head.lastIndexOf(":");
  if (head.includes(".")) {
    const v4 = parseV4(head.slice(lastColon + 1));
    if (!v4) return null;
    tail = v4;
    head = `${head.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split("::");
  if (halves.length > 2) return null;
  const groups = (part: string | undefined) => (part ? part.split(":") : []);
  const left = groups(halves[0]);
  const right = groups(halves[1]);
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...right];
  const bytes: number[] = [];
  for (const group of all) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return null;
    const value = Number.parseInt(group, 16);
    bytes.push(value >> 8, value & 0xff);
  }
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** The bytes of an IPv4 (4) or IPv6 (16) literal, brackets and a zone id allowed; null otherwise. */
export function parseAddress(text: string): number[] | null {
  const bare = text.replace(/^\[(.*)\]$/, "$1").replace(/%.*$/, "");
  const kind = isIP(bare);
  if (kind === 4) return parseV4(bare);
  if (kind === 6) return parseV6(bare);
  return null;
}

function inRange(bytes: number[], r: Range): boolean {
  if (bytes.length !== r.bytes.length) return false;
  let bits = r.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((bytes[i] ?? 0) & mask) !== ((r.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}

function key(bytes: number[]): string {
  return bytes.join(".");
}

/** A CIDR an admin allowed (`10.20.0.0/16`, `fd12::/48`), or null when it is not one. */
export function parseCidr(text: string): Range | null {
  const [address = "", bits] = text.trim().split("/");
  const bytes = parseAddress(address);
  if (!bytes) return null;
  const max = bytes.length * 8;
  const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : Number.NaN;
  if (!(prefix >= 0 && prefix <= max)) return null;
  return { bytes, prefix, class: "private" };
}

export interface AddressRules {
  /** The addresses of this machine's own interfaces (a service bound to 0.0.0.0 answers on them). */
  localAddresses: readonly string[];
  /** Private ranges an admin allowed in Settings; never widens a class in NEVER. */
  allowedPrivate: readonly string[];
}

/** The IPv4 address inside an IPv6 one, except `::` and `::1`, which are themselves. */
function embeddedV4(bytes: number[]): number[] | null {
  if (bytes.length !== 16) return null;
  const last = bytes[15] ?? 0;
  if (bytes.slice(0, 15).every((b) => b === 0) && last <= 1) return null;
  const form = EMBEDDED_V4.find(({ prefix }) => inRange(bytes, prefix));
  return form ? bytes.slice(form.offset, form.offset + 4) : null;
}

function classOf(bytes: number[]): AddressClass | null {
  const v4 = embeddedV4(bytes);
  if (v4) return classOf(v4);
  const ranges = bytes.length === 4 ? V4_RANGES : V6_RANGES;
  return ranges.find((r) => inRange(bytes, r))?.class ?? null;
}

const REASONS: Record<AddressClass, string> = {
  unspecified: "an unspecified address (this machine)",
  loopback: "a loopback address (this machine)",
  "link-local": "a link-local address",
  metadata: "a cloud metadata address",
  "this-machine": "an address of this machine",
  private: "a private network address (Settings → Sandbox can allow a range)",
  multicast: "a multicast address",
  reserved: "a reserved address",
  tunnel: "a tunnelled (Teredo) address",
};

/** Whether a command may connect to `address` (an IP literal), and why not. */
export function judgeAddress(address: string, rules: AddressRules): Verdict {
  const bytes = parseAddress(address);
  if (!bytes) return { allowed: false, class: "reserved", reason: "not an IP address" };
  const cls = classOf(bytes);
  if (cls !== null && NEVER.has(cls)) return { allowed: false, class: cls, reason: REASONS[cls] };
  const local = new Set(
    rules.localAddresses
      .map((a) => parseAddress(a))
      .filter((b) => b !== null)
      .map(key),
  );
  const embedded = embeddedV4(bytes);
  if (local.has(key(bytes)) || (embedded && local.has(key(embedded))))
    return { allowed: false, class: "this-machine", reason: REASONS["this-machine"] };
  if (cls === null) return { allowed: true };
  const target = embedded ?? bytes;
  if (rules.allowedPrivate.map(parseCidr).some((r) => r !== null && inRange(target, r)))
    return { allowed: true };
  return { allowed: false, class: cls, reason: REASONS[cls] };
}
