import { BlockList, isIP } from "node:net";

/**
 * Who the client is, as an address: the socket's peer, unless TRUST_PROXY says which proxies in
 * front of us may tell us otherwise (X-Forwarded-For, X-Real-IP). Believing a forwarding header
 * from anyone would let a client pick its own address — and with it a fresh rate-limit bucket
 * per request. The rules follow Express's `trust proxy`:
 * - off (default): the socket's address; forwarding headers are ignored;
 * - a number N: N proxies in front of us, so the client is N hops back along X-Forwarded-For;
 * - a list of addresses or CIDR ranges (and `loopback`, `private`): hops from those are skipped,
 *   the first address that isn't one of them is the client;
 * - true: every hop is trusted, the left-most address wins (only behind a proxy that overwrites it).
 */

/**
 * The client's address as the front door decided it (front-door.ts), on every request, replacing
 * anything a client sent under this name. better-auth's limiter reads it (src/server/auth.ts).
 */
export const CLIENT_ADDRESS_HEADER = "x-avatar-studio-client-address";

export type TrustProxy =
  | { kind: "none" }
  | { kind: "all" }
  | { kind: "hops"; count: number }
  | { kind: "list"; proxies: BlockList; text: string };

const NAMED_RANGES: Record<string, Array<[string, number, "ipv4" | "ipv6"]>> = {
  loopback: [["127.0.0.0", 8, "ipv4"], ["::1", 128, "ipv6"]],
  private: [["10.0.0.0", 8, "ipv4"], ["172.16.0.0", 12, "ipv4"], ["192.168.0.0", 16, "ipv4"], ["fc00::", 7, "ipv6"]],
};

/** TRUST_PROXY's text → its rule; throws with what is wrong (env.ts reports it with the name). */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const text = (raw ?? "").trim().toLowerCase();
  if (["", "off", "false", "0", "no"].includes(text)) return { kind: "none" };
  if (["on", "true", "yes", "all"].includes(text)) return { kind: "all" };
  if (/^\d+$/.test(text)) return { kind: "hops", count: Math.min(Number(text), 20) };
  const proxies = new BlockList();
  for (const item of text.split(",").map((s) => s.trim()).filter(Boolean)) {
    const named = NAMED_RANGES[item];
    if (named) {
      for (const [net, prefix, type] of named) proxies.addSubnet(net, prefix, type);
      continue;
    }
    const [address = "", prefix] = item.split("/");
    const type = isIP(address);
    if (!type) throw new Error(`"${item}" is not an IP address or CIDR range (use off, a hop count, true, or addresses like 10.0.0.0/8, loopback, private)`);
    const family = type === 4 ? "ipv4" : "ipv6";
    if (prefix === undefined) proxies.addAddress(address, family);
    else {
      const bits = Number(prefix);
      if (!/^\d+$/.test(prefix) || bits > (type === 4 ? 32 : 128)) throw new Error(`"${item}" has an invalid prefix length`);
      proxies.addSubnet(address, bits, family);
    }
  }
  return { kind: "list", proxies, text };
}

/** "::ffff:10.0.0.1" (IPv4 on a dual-stack socket) → "10.0.0.1"; anything that isn't an IP → undefined. */
export function normalizeAddress(raw: string | undefined): string | undefined {
  const text = raw?.trim().replace(/^\[|\]$/g, "");
  if (!text) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text)?.[1];
  const address = mapped ?? text;
  return isIP(address) ? address : undefined;
}

function trusts(rule: TrustProxy, address: string): boolean {
  if (rule.kind !== "list") return false;
  return rule.proxies.check(address, isIP(address) === 4 ? "ipv4" : "ipv6");
}

export function clientAddress(
  socketAddress: string | undefined,
  headers: { forwardedFor?: string | undefined; realIp?: string | undefined },
  rule: TrustProxy,
): string | undefined {
  const peer = normalizeAddress(socketAddress);
  if (rule.kind === "none" || !peer) return peer;
  // The chain, nearest last: what each proxy appended, then the peer that connected to us.
  const forwarded = (headers.forwardedFor ?? "").split(",").map((a) => normalizeAddress(a));
  if (forwarded.length === 1 && forwarded[0] === undefined && headers.realIp) forwarded[0] = normalizeAddress(headers.realIp);
  const chain = [...forwarded.filter((a): a is string => a !== undefined), peer];
  switch (rule.kind) {
    case "all":
      return chain[0];
    case "hops":
      return chain[Math.max(0, chain.length - 1 - rule.count)];
    case "list": {
      let i = chain.length - 1;
      while (i > 0 && trusts(rule, chain[i]!)) i--;
      return chain[i];
    }
  }
}
