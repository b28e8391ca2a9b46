import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where renders (helm dependency update, kustomize remote resources) may connect, set by the
 * operator and never by the repository. By default every public address is allowed and
 * loopback, private, link-local (instance metadata), CGNAT, multicast and unspecified ones are
 * refused; `allow` lists CIDRs or addresses (e.g. `127.0.0.1/32` for a chart repository on
 * loopback in tests) that are let through anyway.
 */
export interface RenderNetworkPolicy {
  /** CIDRs (`10.1.0.0/16`, `::1/128`) or single addresses allowed although refused by default. */
  allow?: readonly string[];
}

const DENIED_V4 = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const;
const DENIED_V6 = [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const;

function blockList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split('/');
    const family = isIP(address ?? '') === 6 ? 'ipv6' : 'ipv4';
    if (!isIP(address ?? '')) throw new Error(`render network policy: ${entry} is not an address or CIDR`);
    if (bits === undefined) list.addAddress(address as string, family);
    else list.addSubnet(address as string, Number(bits), family);
  }
  return list;
}

/** `::ffff:127.0.0.1` is 127.0.0.1. */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (m) return { address: m[1] as string, family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

export type DestinationVerdict = { ok: true; address: string } | { ok: false; reason: string };

/** The policy as a checker: resolves a host and answers the address to connect to, or why not. */
export class DestinationCheck {
  private readonly denied = new BlockList();
  private readonly allowed: BlockList;

  constructor(policy: RenderNetworkPolicy = {}) {
    for (const [a, b] of DENIED_V4) this.denied.addSubnet(a, b, 'ipv4');
    for (const [a, b] of DENIED_V6) this.denied.addSubnet(a, b, 'ipv6');
    this.allowed = blockList(policy.allow ?? []);
  }

  /** Whether one IP address may be reached. */
  allowsAddress(ip: string): boolean {
    const { address, family } = unmapped(ip);
    return this.allowed.check(address, family) || !this.denied.check(address, family);
  }

  /**
   * Resolves `host` (every address it has) and answers the first allowed address; a host with
   * any refused address is refused, so a DNS answer cannot smuggle a private address in.
   */
  async check(host: string): Promise<DestinationVerdict> {
    const bare = host.replace(/^\[|\]$/g, '');
    let addresses: string[];
    try {
      addresses = isIP(bare) ? [bare] : (await lookup(bare, { all: true })).map((a) => a.address);
    } catch (cause) {
      return {
        ok: false,
        reason: `cannot resolve ${bare}: ${(cause as NodeJS.ErrnoException).code ?? cause}`,
      };
    }
    const refused = addresses.find((a) => !this.allowsAddress(a));
    if (refused !== undefined || addresses.length === 0) {
      const what =
        refused === undefined ? `${bare} has no address` : bare === refused ? bare : `${bare} (${refused})`;
      return {
        ok: false,
        reason: `${what} is a loopback, private or link-local destination, which the operator's render network policy refuses`,
      };
    }
    return { ok: true, address: addresses[0] as string };
  }

  /** Why a URL's host is refused, or undefined when it may be fetched. Non-URLs are left to the tool. */
  async refuseUrl(url: string): Promise<string | undefined> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    if (!parsed.hostname || parsed.protocol === 'file:') return undefined;
    const verdict = await this.check(parsed.hostname);
    return verdict.ok ? undefined : verdict.reason;
  }
}
