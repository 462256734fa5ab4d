import { describe, expect, it } from "vitest";
import { judgeAddress, parseAddress, parseCidr } from "./address-class";

const rules = { localAddresses: ["10.1.2.3", "fe80::1", "2a01:4f8::5"], allowedPrivate: [] };

/** Every spelling a command might use for something it must not reach, with the class it is. */
const DENIED: [string, string][] = [
  ["127.0.0.1", "loopback"],
  ["127.0.0.2", "loopback"],
  ["127.255.255.254", "loopback"],
  ["::1", "loopback"],
  ["[::1]", "loopback"],
  ["0:0:0:0:0:0:0:1", "loopback"],
  ["::ffff:127.0.0.1", "loopback"],
  ["::ffff:7f00:1", "loopback"],
  ["[::ffff:127.0.0.1]", "loopback"],
  ["::127.0.0.1", "loopback"],
  ["64:ff9b::127.0.0.1", "loopback"],
  ["64:ff9b::7f00:1", "loopback"],
  ["2002:7f00:1::", "loopback"],
  ["0.0.0.0", "unspecified"],
  ["0.1.2.3", "unspecified"],
  ["::", "unspecified"],
  ["[::]", "unspecified"],
  ["::ffff:0.0.0.0", "unspecified"],
  ["::2", "unspecified"],
  ["169.254.169.254", "metadata"],
  ["::ffff:169.254.169.254", "metadata"],
  ["::ffff:a9fe:a9fe", "metadata"],
  ["169.254.170.2", "metadata"],
  ["fd00:ec2::254", "metadata"],
  ["100.100.100.200", "metadata"],
  ["168.63.129.16", "metadata"],
  ["169.254.1.1", "link-local"],
  ["fe80::abcd", "link-local"],
  ["fe80::abcd%eth0", "link-local"],
  ["febf::1", "link-local"],
  ["10.0.0.1", "private"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["192.168.1.1", "private"],
  ["100.64.0.1", "private"],
  ["::ffff:10.0.0.1", "private"],
  ["fd12:3456::1", "private"],
  ["fc00::1", "private"],
  ["fec0::1", "private"],
  ["224.0.0.1", "multicast"],
  ["ff02::1", "multicast"],
  ["255.255.255.255", "reserved"],
  ["240.0.0.1", "reserved"],
  ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "tunnel"],
  ["10.1.2.3", "this-machine"],
  ["::ffff:10.1.2.3", "this-machine"],
  ["2a01:4f8::5", "this-machine"],
  ["2a01:4f8:0:0::5", "this-machine"],
];

const ALLOWED = [
  "8.8.8.8",
  "203.0.113.80",
  "1.1.1.1",
  "172.32.0.1",
  "2606:4700::1111",
  "::ffff:8.8.8.8",
  "64:ff9b::808:808",
];

describe("judgeAddress", () => {
  it.each(DENIED)("refuses %s as %s", (address, cls) => {
    const verdict = judgeAddress(address, rules);
    expect(verdict).toMatchObject({ allowed: false, class: cls });
  });

  it.each(ALLOWED)("lets %s through (public unicast)", (address) => {
    expect(judgeAddress(address, rules)).toEqual({ allowed: true });
  });

  it("allows a private range only when an admin listed it, and never widens loopback or metadata", () => {
    const open = { ...rules, allowedPrivate: ["10.20.0.0/16", "fd12::/16", "0.0.0.0/0", "::/0"] };
    expect(judgeAddress("10.20.5.5", open)).toEqual({ allowed: true });
    expect(judgeAddress("::ffff:10.20.5.5", open)).toEqual({ allowed: true });
    expect(judgeAddress("fd12::9", open)).toEqual({ allowed: true });
    expect(judgeAddress("10.21.0.1", { ...rules, allowedPrivate: ["10.20.0.0/16"] })).toMatchObject({
      allowed: false,
    });
    for (const never of ["127.0.0.1", "169.254.169.254", "::1", "0.0.0.0", "10.1.2.3", "fe80::1"])
      expect(judgeAddress(never, open), never).toMatchObject({ allowed: false });
  });

  it("refuses what is not an address at all", () => {
    for (const bad of ["localhost", "", "1.2.3", "1.2.3.4.5", "999.1.1.1", ":::1", "1::2::3", "g::1"])
      expect(judgeAddress(bad, rules), bad).toMatchObject({ allowed: false });
  });
});

describe("parseAddress and parseCidr", () => {
  it("reads IPv6 with an embedded IPv4 tail and compressed groups", () => {
    expect(parseAddress("::ffff:1.2.3.4")?.slice(10)).toEqual([255, 255, 1, 2, 3, 4]);
    expect(parseAddress("1::")).toHaveLength(16);
    expect(parseAddress("1:2:3:4:5:6:7:8")).toHaveLength(16);
    expect(parseAddress("1:2:3:4:5:6:7:8:9")).toBeNull();
  });

  it("accepts CIDRs and bare addresses, refuses nonsense prefixes", () => {
    expect(parseCidr("10.0.0.0/8")?.prefix).toBe(8);
    expect(parseCidr("10.0.0.1")?.prefix).toBe(32);
    expect(parseCidr("fd00::/8")?.prefix).toBe(8);
    for (const bad of ["10.0.0.0/33", "fd00::/129", "10.0.0.0/x", "example.com/8"])
      expect(parseCidr(bad)).toBeNull();
  });
});
