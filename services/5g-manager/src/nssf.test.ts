import { describe, expect, it } from 'vitest';
import { selectNssai } from './nssf.ts';
import { SnssaiSchema, snssaiKey } from './snssai.ts';

const EMBB = { sst: 1 };
const URLLC = { sst: 2, sd: '0000A1' };
const MIOT = { sst: 3 };
const V2X = { sst: 4, sd: '000001' };
const keys = (...list: { sst: number; sd?: string }[]) => new Set(list.map(snssaiKey));

describe('selectNssai', () => {
  const base = {
    configured: keys(EMBB, URLLC, MIOT, V2X),
    subscribed: [
      { snssai: EMBB, isDefault: true },
      { snssai: URLLC, isDefault: false },
      { snssai: V2X, isDefault: true },
    ],
    offered: keys(EMBB, URLLC, MIOT),
  };

  it('allows requested ∩ subscribed ∩ offered and says why each other one is rejected', () => {
    const selection = selectNssai({ ...base, requested: [URLLC, MIOT, V2X, { sst: 9 }] });
    expect(selection).toEqual({
      allowed: [URLLC],
      rejected: [
        { snssai: MIOT, cause: 'S_NSSAI_NOT_SUBSCRIBED' },
        { snssai: V2X, cause: 'S_NSSAI_NOT_AVAILABLE_IN_TA' },
        { snssai: { sst: 9 }, cause: 'S_NSSAI_NOT_AVAILABLE_IN_PLMN' },
      ],
      defaultsUsed: false,
    });
  });

  it('falls back to the default S-NSSAIs offered in the TA when nothing requested is allowed', () => {
    expect(selectNssai({ ...base, requested: [MIOT] })).toEqual({
      allowed: [EMBB],
      rejected: [{ snssai: MIOT, cause: 'S_NSSAI_NOT_SUBSCRIBED' }],
      defaultsUsed: true,
    });
    expect(selectNssai({ ...base, requested: [] })).toMatchObject({ allowed: [EMBB], defaultsUsed: true });
    expect(selectNssai({ ...base, offered: keys(MIOT), requested: [] })).toEqual({
      allowed: [],
      rejected: [],
      defaultsUsed: true,
    });
  });

  it('tells an S-NSSAI with an SD from the same SST without one', () => {
    const selection = selectNssai({ ...base, requested: [{ sst: 2 }, { sst: 1, sd: '000001' }] });
    expect(selection.rejected.map((r) => r.cause)).toEqual([
      'S_NSSAI_NOT_AVAILABLE_IN_PLMN',
      'S_NSSAI_NOT_AVAILABLE_IN_PLMN',
    ]);
  });
});

describe('S-NSSAI', () => {
  it('accepts SST 1 to 255 and a 6-hex-digit SD, kept upper case', () => {
    expect(SnssaiSchema.parse({ sst: 1 })).toEqual({ sst: 1 });
    expect(SnssaiSchema.parse({ sst: 255, sd: 'abcdef' })).toEqual({ sst: 255, sd: 'ABCDEF' });
    expect(snssaiKey({ sst: 2, sd: '0000A1' })).toBe('2-0000A1');
  });

  it.each([
    [{ sst: 0 }],
    [{ sst: 256 }],
    [{ sst: 1.5 }],
    [{ sst: '1' }],
    [{ sst: 1, sd: '12345' }],
    [{ sst: 1, sd: '1234567' }],
    [{ sst: 1, sd: 'GGGGGG' }],
    [{ sst: 1, sd: 'FFFFFF' }],
    [{ sst: 1, sd: 123456 }],
    [{ sst: 1, extra: true }],
    [{}],
  ])('refuses %j', (value) => {
    expect(SnssaiSchema.safeParse(value).success).toBe(false);
  });
});
