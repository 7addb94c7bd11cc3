// AZR amounts as the Wallet page shows and reads them: BigInt all the way, so 18-decimal
// amounts survive exactly.
import { describe, expect, it } from 'vitest';
import { formatAzr, parseAzr } from './azr.ts';

describe('formatAzr', () => {
  it('shows base units as whole AZR with only the decimals that matter', () => {
    expect(formatAzr('1500000000000000000')).toBe('1.5');
    expect(formatAzr('0')).toBe('0');
    expect(formatAzr('1')).toBe('0.000000000000000001');
    expect(formatAzr('1000000000000000000000000')).toBe('1,000,000');
    expect(formatAzr('1000000000000000000000000', { grouped: false })).toBe('1000000');
    expect(formatAzr('123456789012345678901234567')).toBe('123,456,789.012345678901234567');
  });

  it('signs history deltas', () => {
    expect(formatAzr('-2500000000000000000', { signed: true })).toBe('\u22122.5');
    expect(formatAzr('2500000000000000000', { signed: true })).toBe('+2.5');
    expect(formatAzr('-5')).toBe('\u22120.000000000000000005');
    expect(formatAzr('0', { signed: true })).toBe('0');
  });

  it('keeps whatever is not an integer string visible as it came', () => {
    expect(formatAzr('1.5')).toBe('1.5');
    expect(formatAzr('')).toBe('');
  });
});

describe('parseAzr', () => {
  const units = (input: string) => {
    const parsed = parseAzr(input);
    if (!parsed.ok) throw new Error(`${input}: ${parsed.error}`);
    return parsed.units;
  };
  const error = (input: string) => {
    const parsed = parseAzr(input);
    if (parsed.ok) throw new Error(`${input} was accepted as ${parsed.units}`);
    return parsed.error;
  };

  it('reads AZR as base units, exactly', () => {
    expect(units('1.5')).toBe('1500000000000000000');
    expect(units('1')).toBe('1000000000000000000');
    expect(units(' 25 ')).toBe('25000000000000000000');
    expect(units('0.000000000000000001')).toBe('1');
    expect(units('.5')).toBe('500000000000000000');
    expect(units('3.')).toBe('3000000000000000000');
    expect(units('+2')).toBe('2000000000000000000');
    expect(units('1,000,000')).toBe('1000000000000000000000000');
    expect(units('1,000.25')).toBe('1000250000000000000000');
    // Past what a double holds exactly.
    expect(units('123456789.123456789123456789')).toBe('123456789123456789123456789');
    expect(units('0.1')).toBe('100000000000000000');
  });

  it('round-trips with formatAzr', () => {
    for (const value of ['1.5', '0.000000000000000001', '999,999.999999999999999999', '42']) {
      expect(formatAzr(units(value))).toBe(value);
    }
  });

  it('refuses more than 18 decimals, saying how many there are', () => {
    expect(error('0.0000000000000000001')).toBe('AZR has at most 18 decimal places; this amount has 19.');
  });

  it('refuses malformed, negative, zero and empty amounts with a sentence', () => {
    expect(error('')).toMatch(/enter an amount/i);
    expect(error('   ')).toMatch(/enter an amount/i);
    expect(error('-1')).toMatch(/positive/);
    expect(error('\u22121')).toMatch(/positive/);
    expect(error('0')).toMatch(/greater than zero/);
    expect(error('0.000')).toMatch(/greater than zero/);
    expect(error('1e18')).toMatch(/exponent/);
    expect(error('1.2.3')).toMatch(/at most one point/);
    expect(error('abc')).toMatch(/number of AZR/);
    expect(error('.')).toMatch(/number of AZR/);
    expect(error('1 000')).toMatch(/number of AZR/);
    expect(error('0x10')).toMatch(/number of AZR/);
    expect(error('1,5')).toMatch(/point for decimals/);
    expect(error('10,00')).toMatch(/point for decimals/);
    expect(error('Infinity')).toMatch(/number of AZR/);
    expect(error('NaN')).toMatch(/number of AZR/);
  });
});
