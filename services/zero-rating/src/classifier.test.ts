import { describe, expect, it } from 'vitest';
import type { Operator, Rule, Table } from './classifier.ts';
import { flowPath, normalizeHost, parseHostPattern, parsePathPrefix, pathUnder } from './host.ts';
import { type Address, parseAddress } from './ip.ts';
import { compile } from './tables.ts';

const host = (raw: string) => {
  const parsed = normalizeHost(raw);
  if (!parsed.ok) throw new Error(`${raw}: ${parsed.error}`);
  return parsed.value;
};
const hostError = (raw: string) => {
  const parsed = normalizeHost(raw);
  if (parsed.ok) throw new Error(`${raw} was accepted as ${parsed.value}`);
  return parsed.error;
};

describe('hosts', () => {
  it('normalises case, IDNs, a trailing dot and a port', () => {
    expect(host('WWW.Example.ORG')).toBe('www.example.org');
    expect(host('Bücher.example.:8443')).toBe('xn--bcher-kva.example');
    expect(host('xn--bcher-kva.example')).toBe('xn--bcher-kva.example');
    expect(host('例子.测试')).toBe('xn--fsqu00a.xn--0zwm56d');
    expect(host('[2C0F:F000::1]:443')).toBe('2c0f:f000::1');
    expect(host('41.13.22.1:80')).toBe('41.13.22.1');
  });

  it('refuses hosts longer than DNS allows, and malformed ones, saying why', () => {
    const label = 'a'.repeat(63);
    const longest = [label, label, label, 'a'.repeat(61)].join('.');
    expect(longest).toHaveLength(253);
    expect(host(longest)).toBe(longest);
    expect(hostError(`${longest}a`)).toMatch(/longer than 253 characters/);
    expect(hostError('x'.repeat(10_000))).toMatch(/longer than 253 characters/);
    expect(hostError(`${'a'.repeat(64)}.com`)).toMatch(/label/);
    expect(hostError('')).toMatch(/empty/);
    expect(hostError('a b.com')).toMatch(/not a valid host name/);
    expect(hostError('example.org:99999')).toMatch(/port/);
    expect(hostError('example.org:')).toMatch(/port/);
    expect(hostError('[fe80::1%eth0]:80')).toMatch(/zone id/);
    expect(hostError('a..b')).toMatch(/label/);
  });

  it('takes rule hosts as exact names or *.domain wildcards', () => {
    expect(parseHostPattern('*.Wikipedia.ORG.')).toEqual({
      ok: true,
      value: { host: 'wikipedia.org', wildcard: true, text: '*.wikipedia.org' },
    });
    expect(parseHostPattern('*.org')).toMatchObject({ ok: false, error: expect.stringMatching(/top-level domain/) });
    expect(parseHostPattern('a.*.org')).toMatchObject({ ok: false, error: expect.stringMatching(/wildcard/) });
    expect(parseHostPattern('*')).toMatchObject({ ok: false });
    expect(parseHostPattern('10.0.0.1')).toMatchObject({ ok: false, error: expect.stringMatching(/IP address/) });
  });

  it('matches path prefixes on segment boundaries only', () => {
    expect(parsePathPrefix('/learn/')).toEqual({ ok: true, value: '/learn' });
    expect(parsePathPrefix('learn')).toMatchObject({ ok: false });
    expect(parsePathPrefix('/a?b')).toMatchObject({ ok: false });
    expect(pathUnder('/learn', '/learn')).toBe(true);
    expect(pathUnder('/learn', '/learn/maths')).toBe(true);
    expect(pathUnder('/learn', '/learning')).toBe(false);
    expect(pathUnder('/', '/anything')).toBe(true);
    expect(flowPath('/learn/x?y=1#z')).toBe('/learn/x');
    expect(flowPath(undefined)).toBe('/');
  });
});

const at = Date.parse('2025-06-15T12:00:00Z');
const operator = (id: string, prefixes: string[], msisdnPrefixes: string[] = []): Operator => ({
  id,
  name: id,
  country: 'ZA',
  mccMnc: '65501',
  prefixes,
  msisdnPrefixes,
  updatedAt: '2025-01-01T00:00:00.000Z',
});
const rule = (id: string, operatorId: string, hosts: string[], extra: Partial<Rule> = {}): Rule => ({
  id,
  operator: operatorId,
  ratingGroup: 1,
  hosts,
  pathPrefixes: [],
  validFrom: null,
  validUntil: null,
  monthlyQuotaBytes: null,
  updatedAt: '2025-01-01T00:00:00.000Z',
  ...extra,
});
const ip = (text: string): Address => {
  const parsed = parseAddress(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
};

function table(operators: Operator[], rules: Rule[]): Table {
  return compile({ version: 1, operators, rules });
}

describe('classification', () => {
  const operators = [
    operator('host-mno', ['41.0.0.0/11', '2c0f:f000::/24'], ['2782', '27']),
    // An MVNO inside the host operator's ranges and number block.
    operator('mvno', ['41.13.0.0/16', '2c0f:f0ab::/32'], ['278212']),
  ];
  const rules = [
    rule('mno-wiki-wild', 'host-mno', ['*.wikipedia.org']),
    rule('mno-wiki-en', 'host-mno', ['en.wikipedia.org']),
    rule('mno-wiki-deep', 'host-mno', ['*.m.wikipedia.org']),
    rule('mno-learn', 'host-mno', ['www.example.org'], { pathPrefixes: ['/learn'] }),
    rule('mno-learn-maths', 'host-mno', ['www.example.org'], { pathPrefixes: ['/learn/maths'] }),
    rule('mvno-all', 'mvno', ['*.wikipedia.org', 'www.example.org']),
  ];
  const compiled = table(operators, rules);
  const classify = (flow: { ip?: string; msisdn?: string; host: string; path?: string }, now = at) =>
    compiled.match(
      { address: flow.ip ? ip(flow.ip) : undefined, msisdn: flow.msisdn, host: host(flow.host), path: flow.path },
      now,
    );

  it('finds the operator by the longest prefix, then by the longest MSISDN prefix', () => {
    expect(classify({ ip: '41.13.1.1', host: 'x.org' }).operator?.id).toBe('mvno');
    expect(classify({ ip: '41.14.1.1', host: 'x.org' }).operator?.id).toBe('host-mno');
    expect(classify({ ip: '2c0f:f0ab::9', host: 'x.org' }).operator?.id).toBe('mvno');
    expect(classify({ ip: '::ffff:41.13.1.1', host: 'x.org' }).operator?.id).toBe('mvno');
    expect(classify({ msisdn: '27821234567', host: 'x.org' }).operator?.id).toBe('mvno');
    expect(classify({ msisdn: '27829999999', host: 'x.org' }).operator?.id).toBe('host-mno');
    expect(classify({ msisdn: '27711234567', host: 'x.org' }).operator?.id).toBe('host-mno');
    // The address decides when both are given and the address is known.
    expect(classify({ ip: '41.14.1.1', msisdn: '27821234567', host: 'x.org' }).operator?.id).toBe('host-mno');
    const unknown = classify({ ip: '8.8.8.8', msisdn: '4479', host: 'x.org' });
    expect(unknown).toMatchObject({ outcome: 'no_operator', operator: null });
    expect(unknown.reason).toBe('no operator owns address 8.8.8.8 or number 4479');
  });

  it('prefers an exact host over a wildcard, and a deeper wildcard over a shallower one; never the apex', () => {
    const mno = { ip: '41.1.1.1' };
    expect(classify({ ...mno, host: 'en.wikipedia.org' }).rule?.id).toBe('mno-wiki-en');
    expect(classify({ ...mno, host: 'fr.wikipedia.org' }).rule?.id).toBe('mno-wiki-wild');
    expect(classify({ ...mno, host: 'en.m.wikipedia.org' }).rule?.id).toBe('mno-wiki-deep');
    expect(classify({ ...mno, host: 'a.b.c.wikipedia.org' }).rule?.id).toBe('mno-wiki-wild');
    const apex = classify({ ...mno, host: 'wikipedia.org' });
    expect(apex).toMatchObject({ outcome: 'no_rule', rule: null });
    expect(apex.reason).toBe('no zero-rating rule of host-mno matches wikipedia.org/');
    expect(classify({ ...mno, host: 'EN.Wikipedia.Org.:443' }).rule?.id).toBe('mno-wiki-en');
    // Another operator's subscribers get that operator's rules only.
    expect(classify({ ip: '41.13.0.1', host: 'en.wikipedia.org' }).rule?.id).toBe('mvno-all');
  });

  it('prefers the longer path prefix, on segment boundaries', () => {
    const flow = { ip: '41.1.1.1', host: 'www.example.org' };
    expect(classify({ ...flow, path: '/learn/maths/algebra' }).rule?.id).toBe('mno-learn-maths');
    expect(classify({ ...flow, path: '/learn/science?x=1' }).rule?.id).toBe('mno-learn');
    expect(classify({ ...flow, path: '/learning' }).outcome).toBe('no_rule');
    expect(classify({ ...flow, path: '/' }).outcome).toBe('no_rule');
    expect(classify({ ...flow, path: '/learn/maths' }).reason).toMatch(/path prefix \/learn\/maths/);
  });

  it('applies a rule only inside its validity window, falling back to a less specific valid rule', () => {
    const windowed = table(
      [operator('op', ['10.0.0.0/8'])],
      [
        rule('exam-season', 'op', ['exams.example.org'], {
          validFrom: '2025-06-01T00:00:00.000Z',
          validUntil: '2025-07-01T00:00:00.000Z',
        }),
        rule('later', 'op', ['later.example.org'], { validFrom: '2025-09-01T00:00:00.000Z' }),
        rule('fallback', 'op', ['*.example.org'], { validUntil: '2025-06-20T00:00:00.000Z' }),
      ],
    );
    const classifyAt = (name: string, now: number) => windowed.match({ address: ip('10.0.0.1'), host: name }, now);
    expect(classifyAt('exams.example.org', at).rule?.id).toBe('exam-season');
    expect(classifyAt('exams.example.org', Date.parse('2025-07-01T00:00:00Z')).outcome).toBe('outside_validity');
    expect(classifyAt('later.example.org', at).rule?.id).toBe('fallback');
    const early = classifyAt('later.example.org', Date.parse('2025-06-25T00:00:00Z'));
    expect(early.outcome).toBe('outside_validity');
    expect(early.reason).toMatch(/later of op matches but is not valid until 2025-09-01/);
  });

  it('counts what it compiled', () => {
    expect(compiled.stats()).toMatchObject({
      operators: 2,
      rules: 6,
      prefixes: { ipv4: 2, ipv6: 2 },
      msisdnPrefixes: 3,
    });
  });
});
