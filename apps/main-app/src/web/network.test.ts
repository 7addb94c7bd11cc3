// The Network page's rules: amounts in words, a rule's validity and quota, slice and cell
// load, the forms' own checks, 400s put on the right fields, a refusal in words, and who is
// offered Admit and Release.
import { describe, expect, it } from 'vitest';
import {
  admissionFrom,
  admissionNotFound,
  bitrateInWords,
  type Classification,
  fieldErrorsFrom,
  flowFrom,
  formatBytes,
  formatKbps,
  formatUtc,
  latencyInWords,
  load,
  mayWrite,
  parseSnssaiKey,
  prefixesInWords,
  quotaInWords,
  refusalInWords,
  sentence,
  sessionsInWords,
  sliceLabel,
  snssaiKey,
  usagePath,
  validityInWords,
  verdictHeadline,
} from './network.ts';

const NOW = Date.parse('2026-12-07T13:00:00.000Z');

describe('amounts in words', () => {
  it('says bytes in binary units, never rounding up past what is there', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(2 * 1024 ** 3)).toBe('2 GiB');
    expect(formatBytes(1024 ** 3 - 1)).toBe('1,023.9 MiB');
    expect(formatBytes(-5)).toBe('0 B');
  });

  it('says kbps in decimal bitrate units', () => {
    expect(formatKbps(64)).toBe('64 kbit/s');
    expect(formatKbps(1500)).toBe('1.5 Mbit/s');
    expect(formatKbps(100_000)).toBe('100 Mbit/s');
    expect(formatKbps(2_000_000)).toBe('2 Gbit/s');
    expect(bitrateInWords(50_000, 2_000_000)).toBe('50 Mbit/s of 2 Gbit/s reserved');
    expect(sessionsInWords(1200, 5000)).toBe('1,200 / 5,000');
  });

  it('counts an operator’s prefixes, singular and plural', () => {
    expect(prefixesInWords({ prefixes: ['41.0.0.0/11', '2c0f:f000::/24'], msisdnPrefixes: ['2782'] })).toBe(
      '2 address prefixes, 1 number prefix',
    );
    expect(prefixesInWords({ prefixes: [], msisdnPrefixes: [] })).toBe('0 address prefixes, 0 number prefixes');
  });

  it('says a quota per month, or that there is none', () => {
    expect(quotaInWords(2 * 1024 ** 3)).toBe('2 GiB a month per subscriber');
    expect(quotaInWords(null)).toBe('No quota');
  });
});

describe('validityInWords', () => {
  it('says always for a rule without a window', () => {
    expect(validityInWords({ validFrom: null, validUntil: null }, NOW)).toEqual({ text: 'Always', state: 'active' });
  });

  it('names the window in UTC, with the time only when it is not midnight', () => {
    expect(
      validityInWords({ validFrom: '2026-01-01T00:00:00.000Z', validUntil: '2027-01-01T12:30:00.000Z' }, NOW),
    ).toEqual({ text: '2026-01-01 to 2027-01-01 12:30 UTC', state: 'active' });
    expect(validityInWords({ validFrom: '2026-01-01T00:00:00.000Z', validUntil: null }, NOW).text).toBe(
      'From 2026-01-01',
    );
    expect(formatUtc('not a date')).toBe('not a date');
  });

  it('marks a window that has ended or not begun', () => {
    expect(validityInWords({ validFrom: null, validUntil: '2026-12-07T13:00:00.000Z' }, NOW)).toEqual({
      text: 'Until 2026-12-07 13:00 UTC (ended)',
      state: 'ended',
    });
    expect(validityInWords({ validFrom: '2026-12-08T00:00:00.000Z', validUntil: null }, NOW)).toEqual({
      text: 'From 2026-12-08 (not yet)',
      state: 'upcoming',
    });
  });
});

describe('verdictHeadline', () => {
  const zeroRated: Classification = {
    zeroRated: true,
    operator: 'vodacom',
    rule: 'vodacom-universities',
    ratingGroup: 100,
    reason: 'zero-rated by rule vodacom-universities of vodacom',
    subscriber: '41.1.2.3',
    tableVersion: 8,
  };

  it('says a zero-rated flow’s operator, rule and rating group', () => {
    expect(verdictHeadline(zeroRated, 'www.up.ac.za', 'Vodacom South Africa')).toBe(
      'www.up.ac.za is zero-rated for 41.1.2.3 by Vodacom South Africa (rule vodacom-universities, rating group 100).',
    );
    expect(verdictHeadline(zeroRated, 'www.up.ac.za')).toContain('by vodacom (');
  });

  it('says why a flow is charged', () => {
    const charged = {
      ...zeroRated,
      zeroRated: false,
      rule: null,
      ratingGroup: null,
      reason: 'no zero-rating rule of vodacom matches www.example.com',
    };
    expect(verdictHeadline(charged, 'www.example.com')).toBe(
      'www.example.com is charged for 41.1.2.3: no zero-rating rule of vodacom matches www.example.com.',
    );
  });
});

describe('slices and cells', () => {
  it('keys and parses S-NSSAIs as 5g-manager does', () => {
    expect(snssaiKey({ sst: 1, sd: '000001' })).toBe('1-000001');
    expect(snssaiKey({ sst: 128 })).toBe('128');
    expect(parseSnssaiKey('1-00000a')).toEqual({ sst: 1, sd: '00000A' });
    expect(parseSnssaiKey(' 2 ')).toEqual({ sst: 2 });
    for (const bad of ['', '0', '256', '1-0001', '1-GGGGGG', 'eMBB']) expect(parseSnssaiKey(bad), bad).toBeNull();
    expect(sliceLabel({ name: 'Consumer broadband', type: 'eMBB', key: '1-000001' })).toBe(
      'Consumer broadband (eMBB 1-000001)',
    );
  });

  it('bands load: high from 80 %, full at capacity, and an empty capacity full', () => {
    expect(load(1, 500)).toEqual({ ratio: 0.002, level: 'low' });
    expect(load(160, 200).level).toBe('high');
    expect(load(200, 200)).toEqual({ ratio: 1, level: 'full' });
    expect(load(250, 200).ratio).toBe(1);
    expect(load(0, 0).level).toBe('full');
  });

  it('says p95 latency against the budget, and never a breach without samples', () => {
    expect(
      latencyInWords({ p95LatencyMs: 12.34, latencyBudgetMs: 5, latencyBreached: true, latencySamples: 3 }),
    ).toEqual({ text: 'p95 12.3 ms, budget 5 ms', breached: true });
    expect(
      latencyInWords({ p95LatencyMs: null, latencyBudgetMs: 50, latencyBreached: false, latencySamples: 0 }),
    ).toEqual({ text: 'No samples, budget 50 ms', breached: false });
  });
});

describe('the forms’ own checks', () => {
  it('sends a flow with what was given, trimmed; the number without spaces', () => {
    expect(flowFrom({ clientIp: ' 41.1.2.3 ', msisdn: '', host: 'www.up.ac.za', path: '' })).toEqual({
      ok: true,
      flow: { clientIp: '41.1.2.3', host: 'www.up.ac.za' },
    });
    expect(
      flowFrom({ clientIp: '', msisdn: '27 82 123 4567', host: 'www.gov.za', path: '/about-sa/education' }),
    ).toEqual({ ok: true, flow: { msisdn: '27821234567', host: 'www.gov.za', path: '/about-sa/education' } });
  });

  it('asks for a subscriber and a host; what is wrong with a value is the service’s to say', () => {
    const missing = flowFrom({ clientIp: ' ', msisdn: '', host: '', path: '' });
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(Object.keys(missing.errors).sort()).toEqual(['clientIp', 'host']);
    expect(flowFrom({ clientIp: '999.1.1.1', msisdn: '', host: 'x', path: 'no-slash' }).ok).toBe(true);
  });

  it('looks usage up by the subscriber, escaped, and the month when given', () => {
    expect(usagePath(' +27 82 123 4567 ', '')).toEqual({ ok: true, path: 'usage/%2B27821234567' });
    expect(usagePath('2c0f:f000::1', '2026-12')).toEqual({ ok: true, path: 'usage/2c0f%3Af000%3A%3A1?month=2026-12' });
    expect(usagePath('', '2026-12')).toEqual({
      ok: false,
      errors: { subscriber: 'Enter an MSISDN or an IP address.' },
    });
  });

  it('builds an admission with the slice’s S-NSSAI and a whole bitrate', () => {
    expect(
      admissionFrom({ supi: ' imsi-001010000000002 ', snssai: '1-000001', cellId: 'c1', bitrateKbps: '20,000' }),
    ).toEqual({
      ok: true,
      request: { supi: 'imsi-001010000000002', snssai: { sst: 1, sd: '000001' }, cellId: 'c1', bitrateKbps: 20000 },
    });
  });

  it('names every missing admission field, and a bitrate that is not a whole number', () => {
    const result = admissionFrom({ supi: '', snssai: '', cellId: '', bitrateKbps: '' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors).sort()).toEqual(['bitrateKbps', 'cellId', 'snssai', 'supi']);
    const fraction = admissionFrom({ supi: 'imsi-1', snssai: '1', cellId: 'c', bitrateKbps: '1.5' });
    expect(fraction).toEqual({
      ok: false,
      errors: { bitrateKbps: 'The bitrate is a whole number of kbps, e.g. 20000.' },
    });
  });
});

describe('fieldErrorsFrom', () => {
  it('puts each 400 error on its field, nested paths on their field, the first message winning', () => {
    const mapped = fieldErrorsFrom(
      [
        { path: 'clientIp', message: '"41.0.0.999" is not an IPv4 or IPv6 address' },
        { path: 'clientIp', message: 'second' },
        { path: 'snssai.sst', message: 'must be a slice/service type' },
        { path: 'hosts[2]', message: 'is not a valid host name' },
        { path: '', message: 'a flow needs clientIp or msisdn' },
        { path: 'bytes', message: 'must not be negative' },
      ],
      ['clientIp', 'snssai', 'hosts'] as const,
    );
    expect(mapped.fields).toEqual({
      clientIp: '"41.0.0.999" is not an IPv4 or IPv6 address.',
      snssai: 'Must be a slice/service type.',
      hosts: 'Is not a valid host name.',
    });
    expect(mapped.other).toEqual(['a flow needs clientIp or msisdn', 'bytes: must not be negative']);
  });

  it('makes a sentence of a message', () => {
    expect(sentence(' must be 5 digits ')).toBe('Must be 5 digits.');
    expect(sentence('Done!')).toBe('Done!');
  });
});

describe('refusals and 404s of an admission', () => {
  it('says each 409 reason in words, and still titles one it does not know', () => {
    expect(refusalInWords('BITRATE_ABOVE_MAXIMUM').title).toBe('Bitrate above the slice’s maximum');
    expect(refusalInWords('SLICE_FULL').advice).toContain('release one first');
    for (const reason of [
      'S_NSSAI_NOT_SUBSCRIBED',
      'S_NSSAI_NOT_AVAILABLE_IN_TA',
      'BITRATE_NOT_GUARANTEED',
      'CELL_FULL',
    ]) {
      expect(refusalInWords(reason).advice, reason).toBeTruthy();
    }
    expect(refusalInWords('SOMETHING_NEW')).toEqual({ title: 'Not admitted' });
    expect(refusalInWords(undefined)).toEqual({ title: 'Not admitted' });
  });

  it('puts a 404 on the field it names', () => {
    expect(admissionNotFound('no subscriber with SUPI imsi-001019999999999')).toBe('supi');
    expect(admissionNotFound('no cell with id "3f…"')).toBe('cellId');
    expect(admissionNotFound('no route for POST /x')).toBeNull();
  });
});

describe('mayWrite', () => {
  it('offers Admit and Release to an operator or admin only, and not while the roles are unknown', () => {
    expect(mayWrite(['operator'])).toBe(true);
    expect(mayWrite(['viewer', 'admin'])).toBe(true);
    expect(mayWrite(['viewer'])).toBe(false);
    expect(mayWrite(['service'])).toBe(false);
    expect(mayWrite([])).toBe(false);
    expect(mayWrite(null)).toBe(false);
  });
});
