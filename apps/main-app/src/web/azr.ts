/**
 * AZR amounts in the console. The ledger speaks base units as decimal strings
 * (1 AZR = 10^18 base units); the console shows and reads whole AZR with up to 18
 * decimals. Everything here is BigInt and string work — never a float, which would
 * silently round 18-decimal amounts.
 */

export const DECIMALS = 18;
const UNIT = 10n ** BigInt(DECIMALS);

/** Groups a string of digits in threes: "1000000" → "1,000,000". */
function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Base units (a decimal string, possibly signed: entries' `delta` is "-5") as AZR:
 * "1500000000000000000" → "1.5", "1000000000000000000000000" → "1,000,000",
 * "-5" → "−0.000000000000000005". `signed` puts a "+" before positive amounts.
 * Anything that is not an integer string is shown as it came, so a surprise from the
 * service stays visible rather than becoming a wrong number.
 */
export function formatAzr(units: string, options: { signed?: boolean; grouped?: boolean } = {}): string {
  const text = units.trim();
  if (!/^[-+]?\d+$/.test(text)) return units;
  const value = BigInt(text);
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const whole = (magnitude / UNIT).toString();
  const fraction = (magnitude % UNIT).toString().padStart(DECIMALS, '0').replace(/0+$/, '');
  const sign = negative ? '\u2212' : options.signed && magnitude > 0n ? '+' : '';
  const wholeText = options.grouped === false ? whole : group(whole);
  return `${sign}${wholeText}${fraction ? `.${fraction}` : ''}`;
}

export type ParsedAmount = { ok: true; units: string } | { ok: false; error: string };

/**
 * An amount the person typed in AZR, as base units: "1.5" → "1500000000000000000".
 * Accepts digits with an optional point and up to 18 decimals, and commas that group
 * the whole part in threes ("1,000.25"). Refuses anything else with a sentence saying
 * what is wrong.
 */
export function parseAzr(input: string): ParsedAmount {
  const text = input.trim();
  if (text === '') return { ok: false, error: 'Enter an amount in AZR, for example 1.5.' };
  if (/^[-\u2212]/.test(text)) return { ok: false, error: 'The amount must be positive.' };
  if (/e/i.test(text)) return { ok: false, error: 'Write the amount out in digits (no exponent such as 1e18).' };
  const match = /^(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d*))?$/.exec(text.replace(/^\+/, ''));
  if (!match || (match[1] === '' && !match[2])) {
    return {
      ok: false,
      error: text.includes(',')
        ? 'Use a point for decimals; commas may only group thousands (1,000.5).'
        : 'The amount must be a number of AZR such as 25 or 1.5, with digits and at most one point.',
    };
  }
  const whole = (match[1] ?? '').replace(/,/g, '') || '0';
  const fraction = match[2] ?? '';
  if (fraction.length > DECIMALS) {
    return {
      ok: false,
      error: `AZR has at most ${DECIMALS} decimal places; this amount has ${fraction.length}.`,
    };
  }
  const units = BigInt(whole) * UNIT + BigInt(fraction.padEnd(DECIMALS, '0') || '0');
  if (units === 0n) return { ok: false, error: 'The amount must be greater than zero.' };
  return { ok: true, units: units.toString() };
}
