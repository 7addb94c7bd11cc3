import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { type Address, contains, formatAddress, type Prefix, parseAddress, parsePrefix } from './ip.ts';
import { BitTrie } from './trie.ts';

const address = (text: string): Address => {
  const parsed = parseAddress(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.error}`);
  return parsed.value;
};
const prefix = (text: string): Prefix => {
  const parsed = parsePrefix(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.error}`);
  return parsed.value;
};
const prefixError = (text: string) => {
  const parsed = parsePrefix(text);
  if (parsed.ok) throw new Error(`${text} was accepted as ${parsed.value.text}`);
  return parsed.error;
};

describe('addresses', () => {
  it('parses and prints IPv4 and IPv6 in canonical form', () => {
    expect(formatAddress(address('41.13.22.1'))).toBe('41.13.22.1');
    expect(formatAddress(address('2C0F:F000:0000:0000:0000:0000:0000:0001'))).toBe('2c0f:f000::1');
    expect(formatAddress(address('2001:db8:0:0:1:0:0:1'))).toBe('2001:db8::1:0:0:1');
    expect(formatAddress(address('::'))).toBe('::');
    expect(formatAddress(address('1::'))).toBe('1::');
    expect(formatAddress(address('2001:db8::10.1.2.3'))).toBe('2001:db8::a01:203');
  });

  it('reads IPv4-mapped IPv6 addresses as IPv4', () => {
    const mapped = address('::ffff:41.13.22.1');
    expect(mapped.family).toBe(4);
    expect(formatAddress(mapped)).toBe('41.13.22.1');
    expect(formatAddress(address('::FFFF:290d:1601'))).toBe('41.13.22.1');
  });

  it('refuses what node itself would not call an address, and zone ids', () => {
    for (const bad of [
      '',
      '1.2.3',
      '1.2.3.4.5',
      '256.1.1.1',
      '01.2.3.4',
      '1.2.3.-4',
      ':::',
      '1::2::3',
      '12345::',
      '1:2:3:4:5:6:7:8:9',
      'g::1',
      '::1.2.3',
      '1.2.3.4::',
      'localhost',
      ' 1.2.3.4',
      '١.٢.٣.٤',
    ]) {
      expect(parseAddress(bad).ok, bad).toBe(false);
      // Node agrees (it accepts nothing we refuse, except the leading-zero octet we refuse deliberately).
      if (bad !== '01.2.3.4') expect(isIP(bad), bad).toBe(0);
    }
    const zoned = parseAddress('fe80::1%eth0');
    expect(zoned).toEqual({ ok: false, error: expect.stringMatching(/zone id/) });
  });

  it('agrees with node on random addresses', () => {
    for (let i = 0; i < 2000; i++) {
      const groups = Array.from({ length: 8 }, () => (Math.random() < 0.4 ? 0 : Math.floor(Math.random() * 65536)));
      const full = groups.map((g) => g.toString(16)).join(':');
      const parsed = address(full);
      const printed = formatAddress(parsed);
      expect(isIP(printed)).toBe(parsed.family);
      expect(formatAddress(address(printed))).toBe(printed);
    }
  });
});

describe('prefixes', () => {
  it('canonicalises valid prefixes', () => {
    expect(prefix('41.0.0.0/11').text).toBe('41.0.0.0/11');
    expect(prefix('2C0F:F000::/24').text).toBe('2c0f:f000::/24');
    expect(prefix('10.1.2.3/32').text).toBe('10.1.2.3/32');
    expect(prefix('::ffff:10.0.0.0/104').text).toBe('10.0.0.0/8');
  });

  it('says host bits must be zero, and which prefix was meant', () => {
    expect(prefixError('41.0.0.1/11')).toMatch(
      /host bits must be zero for a \/11 prefix \(did you mean 41\.0\.0\.0\/11\?\)/,
    );
    expect(prefixError('2c0f:f0ff::/24')).toMatch(/host bits must be zero.*2c0f:f000::\/24/);
  });

  it('refuses default routes, zones, bad lengths and malformed text', () => {
    expect(prefixError('0.0.0.0/0')).toMatch(/default route.*every IPv4 address/);
    expect(prefixError('::/0')).toMatch(/default route.*every IPv6 address/);
    expect(prefixError('::ffff:0.0.0.0/96')).toMatch(/every IPv4 address/);
    expect(prefixError('fe80::%eth0/64')).toMatch(/zone id/);
    expect(prefixError('10.0.0.0/33')).toMatch(/over 32/);
    expect(prefixError('2001:db8::/129')).toMatch(/over 128/);
    expect(prefixError('10.0.0.0')).toMatch(/address\/length/);
    expect(prefixError('10.0.0.0/')).toMatch(/not a whole number/);
    expect(prefixError('10.0.0.0/08')).toMatch(/not a whole number/);
    expect(prefixError('10.0.0.0/-1')).toMatch(/not a whole number/);
    expect(prefixError('10.0.0/8')).toMatch(/not an IPv4 or IPv6 address/);
    expect(prefixError(`${'1'.repeat(10_000)}/8`)).toMatch(/too long/);
  });
});

/** Longest-prefix match by looking at every prefix: the oracle for the trie. */
function linearLookup(prefixes: Prefix[], target: Address): number {
  let best = -1;
  let bestLength = -1;
  prefixes.forEach((p, index) => {
    if (p.length > bestLength && contains(p, target)) {
      best = index;
      bestLength = p.length;
    }
  });
  return best;
}

function trieOf(prefixes: Prefix[]) {
  const tries = { 4: new BitTrie(4), 6: new BitTrie(4) };
  for (const [index, p] of prefixes.entries()) tries[p.family].insert(p.words, p.length, index);
  return (target: Address) => tries[target.family].lookup(target.words, target.family === 4 ? 32 : 128);
}

describe('longest-prefix match', () => {
  it('picks the most specific of nested IPv4 prefixes', () => {
    const table = ['41.0.0.0/11', '41.13.0.0/16', '41.13.22.0/24', '41.13.22.128/25', '41.13.22.130/32'].map(prefix);
    const lookup = trieOf(table);
    const owner = (ip: string) => table[lookup(address(ip))]?.text ?? null;
    expect(owner('41.13.22.130')).toBe('41.13.22.130/32');
    expect(owner('41.13.22.131')).toBe('41.13.22.128/25');
    expect(owner('41.13.22.127')).toBe('41.13.22.0/24');
    expect(owner('41.13.23.1')).toBe('41.13.0.0/16');
    expect(owner('41.31.255.255')).toBe('41.0.0.0/11');
    expect(owner('41.32.0.0')).toBeNull();
    expect(owner('40.255.255.255')).toBeNull();
    // The same subscriber seen through a dual-stack socket.
    expect(owner('::ffff:41.13.22.130')).toBe('41.13.22.130/32');
  });

  it('picks the most specific of nested IPv6 prefixes, and keeps the families apart', () => {
    const table = ['2c0f:f000::/24', '2c0f:f0ab::/32', '2c0f:f0ab:1:2::/64', '2c0f:f0ab:1:2::1/128', '41.0.0.0/8'].map(
      prefix,
    );
    const lookup = trieOf(table);
    const owner = (ip: string) => table[lookup(address(ip))]?.text ?? null;
    expect(owner('2c0f:f0ab:1:2::1')).toBe('2c0f:f0ab:1:2::1/128');
    expect(owner('2c0f:f0ab:1:2::2')).toBe('2c0f:f0ab:1:2::/64');
    expect(owner('2c0f:f0ab:1:3::1')).toBe('2c0f:f0ab::/32');
    expect(owner('2c0f:f0ff::1')).toBe('2c0f:f000::/24');
    expect(owner('2c0f:f100::1')).toBeNull();
    // 41.0.0.1 as an IPv6 address that is not IPv4-mapped is not in 41.0.0.0/8.
    expect(owner('::2900:1')).toBeNull();
    expect(owner('::ffff:2900:1')).toBe('41.0.0.0/8');
  });

  it('agrees with a linear scan on random nested tables in both families', () => {
    const random32 = () => Math.floor(Math.random() * 2 ** 32) >>> 0;
    const randomAddress = (family: 4 | 6): Address => ({
      family,
      words:
        family === 4
          ? Array.of(random32())
          : Array.of(0x2c0f0000 | (random32() & 0xffff), random32(), random32(), random32()),
    });
    const table: Prefix[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < 600; i++) {
      const family = i % 2 === 0 ? 4 : 6;
      // Short prefixes nest the long ones drawn from the same narrow space.
      const length = family === 4 ? 4 + Math.floor(Math.random() * 29) : 16 + Math.floor(Math.random() * 113);
      const base = randomAddress(family);
      const text = parsePrefix(`${formatAddress(base)}/${length}`);
      const network = text.ok ? text : parsePrefix(text.error.match(/did you mean (\S+)\?/)?.[1] ?? '');
      if (!network.ok) throw new Error(network.error);
      if (seen.has(network.value.text)) continue;
      seen.add(network.value.text);
      table.push(network.value);
    }
    const lookup = trieOf(table);
    let matched = 0;
    for (let i = 0; i < 5000; i++) {
      const target = randomAddress(i % 2 === 0 ? 4 : 6);
      const expected = linearLookup(table, target);
      expect(lookup(target)).toBe(expected);
      if (expected >= 0) matched++;
    }
    // The comparison meant something: many lookups hit a prefix.
    expect(matched).toBeGreaterThan(1000);
  });
});
