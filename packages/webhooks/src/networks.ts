import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { z } from 'zod';

/**
 * Where webhook URLs may point. `public` is every globally routable address; anything else is a
 * CIDR allowed besides (or instead). The default, `public`, keeps a tenant from making the
 * control plane POST to loopback, private networks or a cloud's metadata service (SSRF); the
 * embedded development start adds loopback.
 */
export interface NetworkPolicy {
  public: boolean;
  allowed: BlockList;
  /** As configured, for messages. */
  text: string;
}

/** Addresses that are not public (RFC 6890 special-purpose ranges, and the metadata services in them). */
const SPECIAL: Array<[string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'], ['10.0.0.0', 8, 'ipv4'], ['100.64.0.0', 10, 'ipv4'], ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.0.0.0', 24, 'ipv4'], ['192.0.2.0', 24, 'ipv4'],
  ['192.88.99.0', 24, 'ipv4'], ['192.168.0.0', 16, 'ipv4'], ['198.18.0.0', 15, 'ipv4'], ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'], ['224.0.0.0', 4, 'ipv4'], ['240.0.0.0', 4, 'ipv4'],
  // IPv4-compatible (::a.b.c.d, deprecated; :: and ::1 too) and IPv4-translated (::ffff:0:a.b.c.d)
  // addresses carry an IPv4 address that may be private; IPv4-mapped ones (::ffff:a.b.c.d) are
  // checked as the IPv4 address they carry, by BlockList itself. NAT64, Teredo (2001::/32) and
  // 6to4 embed one too: refused with their ranges, as is deprecated site-local fec0::/10.
  ['::', 96, 'ipv6'], ['::ffff:0:0:0', 96, 'ipv6'], ['64:ff9b::', 96, 'ipv6'], ['fec0::', 10, 'ipv6'], ['64:ff9b:1::', 48, 'ipv6'], ['100::', 64, 'ipv6'],
  ['2001::', 23, 'ipv6'], ['2001:db8::', 32, 'ipv6'], ['2002::', 16, 'ipv6'], ['fc00::', 7, 'ipv6'], ['fe80::', 10, 'ipv6'], ['ff00::', 8, 'ipv6'],
];
const special = new BlockList();
for (const [net, prefix, family] of SPECIAL) special.addSubnet(net, prefix, family);

/** Parses `public,127.0.0.0/8,::1/128`; throws naming the bad entry. */
export function parseNetworkPolicy(text: string): NetworkPolicy {
  const policy: NetworkPolicy = { public: false, allowed: new BlockList(), text };
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    if (entry === 'public') {
      policy.public = true;
      continue;
    }
    const [net, bits] = entry.split('/');
    const family = isIP(net ?? '');
    const prefix = Number(bits ?? (family === 6 ? 128 : 32));
    if (!family || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32)) {
      throw new Error(`"${entry}" is neither "public" nor a CIDR (like 10.0.0.0/8)`);
    }
    policy.allowed.addSubnet(net!, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return policy;
}

/** Whether a resolved address is one the policy lets deliveries reach. */
export function isAllowedAddress(policy: NetworkPolicy, address: string): boolean {
  const family = isIP(address);
  if (!family) return false;
  // An IPv4-mapped IPv6 address is the IPv4 address it carries.
  const mapped = family === 6 ? address.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i)?.[1] : undefined;
  const [a, type] = mapped ? [mapped, 'ipv4' as const] : [address, family === 6 ? ('ipv6' as const) : ('ipv4' as const)];
  if (policy.allowed.check(a, type)) return true;
  return policy.public && !special.check(a, type);
}

export class TargetRefused extends Error {}
/** The URL's host name does not resolve now: refused when a webhook is made, retried when delivering (DNS may be down for a while). */
export class TargetUnresolved extends TargetRefused {}

/** A URL checked and pinned: deliveries connect to `address`, the one checked, not to a second lookup. */
export interface Target {
  url: URL;
  address: string;
  family: 4 | 6;
}

/** Checks a webhook URL's shape (http/https, no credentials) and that every address it resolves to is allowed. */
export async function resolveTarget(policy: NetworkPolicy, raw: string): Promise<Target> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TargetRefused('is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TargetRefused('must be an http or https URL');
  if (url.username || url.password) throw new TargetRefused('must not carry credentials (the signature authenticates deliveries)');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: Array<{ address: string; family: number }>;
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch {
      throw new TargetUnresolved(`"${host}" does not resolve`);
    }
  }
  // Every address: a name that resolves to one public and one private address is refused.
  const refused = addresses.find((a) => !isAllowedAddress(policy, a.address));
  if (refused || !addresses.length) throw new TargetRefused(`resolves to ${refused?.address ?? 'nothing'}, outside the networks webhooks may reach (${policy.text})`);
  return { url, address: addresses[0]!.address, family: addresses[0]!.family === 6 ? 6 : 4 };
}

/** The WEBHOOK_ALLOWED_NETWORKS variable of the API and the worker: `public` unless set. */
export const networkPolicyEnv = (defaultText = 'public') =>
  z
    .string()
    .default(defaultText)
    .transform((text, ctx) => {
      try {
        return parseNetworkPolicy(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    });
