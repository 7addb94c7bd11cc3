// A seeded synthetic table like a national roaming hub's: operators with IPv4 and IPv6
// blocks, many more-specific prefixes inside them (some handed to other operators, as
// MVNOs get ranges inside their host's), MSISDN prefixes, and rules over exact and
// wildcard hosts with path prefixes, validity windows and quotas. Flows mostly come from
// inside the prefixes and ask for the rules' hosts, so lookups walk deep into the tries.
import type { Operator, Rule } from '../src/classifier.ts';
import { formatAddress } from '../src/ip.ts';

/** mulberry32: a small seeded generator, so every run benchmarks the same table. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const mask = (words: number[], length: number) =>
  words.map((word, i) => {
    const bits = Math.min(32, Math.max(0, length - 32 * i));
    return bits === 0 ? 0 : bits === 32 ? word : (word & (0xffffffff << (32 - bits))) >>> 0;
  });

export interface RawFlow {
  clientIp?: string;
  msisdn?: string;
  host: string;
  path: string;
}

export interface Synthetic {
  operators: Operator[];
  rules: Rule[];
  flows: RawFlow[];
  prefixCount: number;
}

export function generate(options: {
  operators: number;
  prefixes: number;
  rules: number;
  flows: number;
  seed?: number;
}): Synthetic {
  const next = random(options.seed ?? 16);
  const int = (n: number) => Math.floor(next() * n);
  const u32 = () => Math.floor(next() * 2 ** 32) >>> 0;
  const perOperator = Math.floor(options.prefixes / options.operators);
  const updatedAt = '2025-01-01T00:00:00.000Z';
  const owned = Array.from(
    { length: options.operators },
    () => [] as { family: 4 | 6; words: number[]; length: number }[],
  );
  const seen = new Set<string>();
  let prefixCount = 0;
  const add = (owner: number, family: 4 | 6, words: number[], length: number) => {
    const network = mask(words, length);
    const text = `${formatAddress({ family, words: network })}/${length}`;
    if (seen.has(text)) return false;
    seen.add(text);
    owned[owner]?.push({ family, words: network, length });
    prefixCount++;
    return true;
  };
  const operators: Operator[] = [];
  for (let i = 0; i < options.operators; i++) {
    // One /16 and one /32 per operator, then more-specifics inside them (a fifth given to a neighbour).
    const v4 = Array.of((((20 + (i >>> 8)) << 24) | ((i & 255) << 16)) >>> 0);
    const v6 = Array.of((0x2c0f0000 | (0xf000 + i)) >>> 0, 0, 0, 0);
    add(i, 4, v4, 16);
    add(i, 6, v6, 32);
    let made = 2;
    while (made < perOperator) {
      const owner = next() < 0.2 ? (i + 1 + int(3)) % options.operators : i;
      const ipv4 = next() < 0.7;
      const ok = ipv4
        ? add(owner, 4, Array.of(((v4[0] as number) | (u32() & 0xffff)) >>> 0), 17 + int(12))
        : add(owner, 6, Array.of(v6[0] as number, u32(), u32(), u32()), 33 + int(32));
      if (ok) made++;
    }
  }
  for (let i = 0; i < options.operators; i++) {
    operators.push({
      id: `op-${String(i).padStart(4, '0')}`,
      name: `Operator ${i}`,
      country: 'ZA',
      mccMnc: String(65_500 + (i % 99)).padStart(5, '0'),
      prefixes: (owned[i] ?? []).map((p) => `${formatAddress(p)}/${p.length}`),
      msisdnPrefixes: [`27${600 + i}`],
      updatedAt,
    });
  }
  const rules: Rule[] = [];
  for (let r = 0; r < options.rules; r++) {
    rules.push({
      id: `rule-${String(r).padStart(5, '0')}`,
      operator: operators[r % options.operators]?.id as string,
      ratingGroup: 1000 + (r % 50),
      hosts: [`learn${r}.example.org`, `*.school${r % 1000}.example.net`],
      pathPrefixes: r % 3 === 0 ? ['/courses', '/learn/maths'] : [],
      validFrom: r % 10 === 0 ? '2020-01-01T00:00:00.000Z' : null,
      validUntil: r % 10 === 0 ? '2100-01-01T00:00:00.000Z' : null,
      monthlyQuotaBytes: r % 5 === 0 ? 1024 ** 3 : null,
      updatedAt,
    });
  }
  const paths = ['/', '/courses/intro', '/learn/maths/algebra', '/other/page?x=1'];
  const flows: RawFlow[] = [];
  for (let f = 0; f < options.flows; f++) {
    const operator = int(options.operators);
    const prefixes = owned[operator] ?? [];
    const prefix = prefixes[int(prefixes.length)];
    let clientIp: string | undefined;
    if (next() < 0.1 || !prefix) {
      clientIp = `8.${int(256)}.${int(256)}.${int(256)}`;
    } else {
      const words = prefix.family === 4 ? Array.of(u32()) : Array.of(u32(), u32(), u32(), u32());
      // Keep the prefix's bits, randomise the rest: an address inside it.
      const inside = words.map((word, i) => {
        const bits = Math.min(32, Math.max(0, prefix.length - 32 * i));
        const keep = bits === 0 ? 0 : bits === 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
        return (((prefix.words[i] as number) & keep) | (word & ~keep)) >>> 0;
      });
      clientIp = formatAddress({ family: prefix.family, words: inside });
    }
    const pick = next();
    const rule = operator + options.operators * int(options.rules / options.operators);
    const host =
      pick < 0.4
        ? `Learn${rule}.Example.org`
        : pick < 0.7
          ? `www.school${int(1000)}.example.net`
          : `site${int(100_000)}.example.com`;
    flows.push({ clientIp, host, path: paths[int(paths.length)] as string });
  }
  return { operators, rules, flows, prefixCount };
}
