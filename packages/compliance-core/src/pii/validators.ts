/**
 * One validator per PII type. Each takes the candidate as found in text (separators allowed
 * where the format allows them) and answers whether it is a real value, not just the right shape:
 * check digits, issuer ranges, per-country lengths. The scanner only reports what passes here.
 */
import { isIP } from 'node:net';

const digitsOf = (s: string): string => s.replace(/\D/g, '');

/** Luhn mod-10 over a digit string. */
export function luhn(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export type CardIssuer = 'visa' | 'mastercard' | 'amex' | 'discover' | 'jcb' | 'diners' | 'unionpay';

/** Issuer prefix ranges (inclusive, compared on the first `len` digits) and the lengths each allows. */
const ISSUERS: ReadonlyArray<{
  issuer: CardIssuer;
  ranges: ReadonlyArray<[number, number, number]>;
  lengths: number[];
}> = [
  {
    issuer: 'amex',
    ranges: [
      [34, 34, 2],
      [37, 37, 2],
    ],
    lengths: [15],
  },
  {
    issuer: 'diners',
    ranges: [
      [300, 305, 3],
      [36, 36, 2],
      [38, 39, 2],
    ],
    lengths: [14, 15, 16, 17, 18, 19],
  },
  {
    issuer: 'discover',
    ranges: [
      [6011, 6011, 4],
      [644, 649, 3],
      [65, 65, 2],
      [622126, 622925, 6],
    ],
    lengths: [16, 17, 18, 19],
  },
  { issuer: 'jcb', ranges: [[3528, 3589, 4]], lengths: [16, 17, 18, 19] },
  {
    issuer: 'mastercard',
    ranges: [
      [51, 55, 2],
      [2221, 2720, 4],
    ],
    lengths: [16],
  },
  { issuer: 'unionpay', ranges: [[62, 62, 2]], lengths: [16, 17, 18, 19] },
  { issuer: 'visa', ranges: [[4, 4, 1]], lengths: [13, 16, 19] },
];

/** The issuer whose prefix range and length match, or undefined. Order matters: Discover's 622126–622925 before UnionPay's 62. */
export function cardIssuer(digits: string): CardIssuer | undefined {
  for (const { issuer, ranges, lengths } of ISSUERS) {
    if (!lengths.includes(digits.length)) continue;
    for (const [lo, hi, len] of ranges) {
      const p = Number(digits.slice(0, len));
      if (p >= lo && p <= hi) return issuer;
    }
  }
  return undefined;
}

/** Payment card: known issuer range with its length, and Luhn. Spaces or dashes between groups are allowed. */
export function isCreditCard(candidate: string): boolean {
  if (!/^\d[\d -]*\d$/.test(candidate)) return false;
  const d = digitsOf(candidate);
  return cardIssuer(d) !== undefined && luhn(d);
}

/** IBAN length per country: all SEPA countries plus common non-SEPA ones (Brazil, Turkey, Gulf, …). */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BR: 29,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MR: 27,
  MT: 31,
  MU: 30,
  NL: 18,
  NO: 15,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
};

/** mod-97 of the rearranged IBAN, computed piecewise so no bigint is needed. */
function ibanMod97(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (const ch of rearranged) {
    const v = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const c of v) rem = (rem * 10 + (c.charCodeAt(0) - 48)) % 97;
  }
  return rem;
}

/** IBAN: known country, that country's exact length, mod-97 = 1. Spaces between groups allowed. */
export function isIban(candidate: string): boolean {
  const iban = candidate.replace(/ /g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return false;
  const len = IBAN_LENGTHS[iban.slice(0, 2)];
  return len === iban.length && ibanMod97(iban) === 1;
}

/** Makes the two check digits for a BBAN, used by the corpus generator. */
export function ibanCheckDigits(country: string, bban: string): string {
  const r = ibanMod97(`${country}00${bban}`);
  return String(98 - r).padStart(2, '0');
}

/** US SSN: AAA-GG-SSSS (dashes, spaces or none), area not 000/666/900–999, group not 00, serial not 0000. */
export function isUsSsn(candidate: string): boolean {
  const m = /^(\d{3})([- ]?)(\d{2})\2(\d{4})$/.exec(candidate);
  if (!m) return false;
  const area = Number(m[1]);
  return area !== 0 && area !== 666 && area < 900 && m[3] !== '00' && m[4] !== '0000';
}

/** True for a real calendar date. */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const dim = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= dim;
}

/** South African ID: YYMMDD a real date, SSSS, citizenship 0/1, race digit 8/9 (legacy), Luhn over all 13. */
export function isZaId(candidate: string): boolean {
  if (!/^\d{13}$/.test(candidate)) return false;
  const yy = Number(candidate.slice(0, 2));
  const mm = Number(candidate.slice(2, 4));
  const dd = Number(candidate.slice(4, 6));
  // YY is ambiguous across centuries; a date valid in either 19YY or 20YY (29 Feb) is accepted.
  if (!isCalendarDate(1900 + yy, mm, dd) && !isCalendarDate(2000 + yy, mm, dd)) return false;
  if (candidate[10] !== '0' && candidate[10] !== '1') return false;
  if (candidate[11] !== '8' && candidate[11] !== '9') return false;
  return luhn(candidate);
}

function mod11Check(digits: string, weights: number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += (digits.charCodeAt(i) - 48) * (weights[i] ?? 0);
  const r = sum % 11;
  return r < 2 ? 0 : 11 - r;
}

/** The two CPF check digits for its first 9 digits. */
export function cpfCheckDigits(nine: string): string {
  const d1 = mod11Check(nine, [10, 9, 8, 7, 6, 5, 4, 3, 2]);
  const d2 = mod11Check(nine + d1, [11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
  return `${d1}${d2}`;
}

/** Brazilian CPF: 000.000.000-00 or 11 bare digits, both check digits, not all one digit. */
export function isBrCpf(candidate: string): boolean {
  if (!/^(\d{3}\.\d{3}\.\d{3}-\d{2}|\d{11})$/.test(candidate)) return false;
  const d = digitsOf(candidate);
  if (/^(\d)\1{10}$/.test(d)) return false;
  return cpfCheckDigits(d.slice(0, 9)) === d.slice(9);
}

/** The two CNPJ check digits for its first 12 digits. */
export function cnpjCheckDigits(twelve: string): string {
  const d1 = mod11Check(twelve, [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
  const d2 = mod11Check(twelve + d1, [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
  return `${d1}${d2}`;
}

/** Brazilian CNPJ: 00.000.000/0000-00 or 14 bare digits, both check digits, not all one digit. */
export function isBrCnpj(candidate: string): boolean {
  if (!/^(\d{2}\.\d{3}\.\d{3}\/\d{4}-\d{2}|\d{14})$/.test(candidate)) return false;
  const d = digitsOf(candidate);
  if (/^(\d)\1{13}$/.test(d)) return false;
  return cnpjCheckDigits(d.slice(0, 12)) === d.slice(12);
}

/** Canadian SIN: 9 digits (groups of 3 by space or dash allowed), first digit not 0 or 8, Luhn. */
export function isCaSin(candidate: string): boolean {
  const m = /^(\d{3})([- ]?)(\d{3})\2(\d{3})$/.exec(candidate);
  if (!m) return false;
  const d = `${m[1]}${m[3]}${m[4]}`;
  return d[0] !== '0' && d[0] !== '8' && luhn(d);
}

const NINO_BAD_PREFIXES = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);

/** UK NINO: two prefix letters under HMRC's rules, six digits, suffix A–D. Spaces allowed between pairs. */
export function isUkNino(candidate: string): boolean {
  const n = candidate.replace(/ /g, '').toUpperCase();
  const m = /^([A-Z])([A-Z])\d{6}([A-D])$/.exec(n);
  if (!m) return false;
  const [, a = '', b = ''] = m;
  if ('DFIQUV'.includes(a) || 'DFIOQUV'.includes(b)) return false;
  return !NINO_BAD_PREFIXES.has(a + b);
}

/** IPv4 dotted quad: four octets 0–255, no leading zeros. */
export function isIpv4(candidate: string): boolean {
  const parts = candidate.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

/** IPv6 by Node's parser, once the candidate has been cut out of the text. */
export function isIpv6(candidate: string): boolean {
  return candidate.includes(':') && isIP(candidate) === 6;
}

export function isIpAddress(candidate: string): boolean {
  return isIpv4(candidate) || isIpv6(candidate);
}

/** ITU country calling codes (1–3 digits) in use, enough to reject made-up prefixes. */
const COUNTRY_CODES = new Set(
  (
    '1 7 20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98 ' +
    '211 212 213 216 218 220 221 222 223 224 225 226 227 228 229 230 231 232 233 234 235 236 237 238 239 240 241 242 243 244 245 246 248 249 250 251 252 253 254 255 256 257 258 260 261 262 263 264 265 266 267 268 269 290 291 297 298 299 ' +
    '350 351 352 353 354 355 356 357 358 359 370 371 372 373 374 375 376 377 378 380 381 382 383 385 386 387 389 420 421 423 ' +
    '500 501 502 503 504 505 506 507 508 509 590 591 592 593 594 595 596 597 598 599 670 672 673 674 675 676 677 678 679 680 681 682 683 685 686 687 688 689 690 691 692 ' +
    '850 852 853 855 856 880 886 960 961 962 963 964 965 966 967 968 970 971 972 973 974 975 976 977 992 993 994 995 996 998'
  ).split(' '),
);

/** E.164: '+', a country code in use, 8–15 digits in all; spaces/dashes between groups allowed. */
export function isE164(candidate: string): boolean {
  if (!/^\+\d[\d -]*\d$/.test(candidate) || /[ -]{2}/.test(candidate)) return false;
  const d = digitsOf(candidate);
  if (d.length < 8 || d.length > 15) return false;
  return COUNTRY_CODES.has(d.slice(0, 1)) || COUNTRY_CODES.has(d.slice(0, 2)) || COUNTRY_CODES.has(d.slice(0, 3));
}

/**
 * National formats recognised (separators required, so bare digit runs stay order numbers):
 * - US/CA: (NXX) NXX-XXXX, NXX-NXX-XXXX, NXX.NXX.XXXX (NANP: area and exchange start 2–9)
 * - UK: 0XXXX XXXXXX, 0XXX XXX XXXX, 020 XXXX XXXX (11 digits starting 0, first after 0 in 1–3 or 7)
 * - ZA: 0XX XXX XXXX (10 digits, 0 then 1–8)
 * - BR: (XX) XXXXX-XXXX or (XX) XXXX-XXXX (area 11–99, mobile starts 9)
 * - DE: 0XXX XXXXXXX / 0XXX-XXXXXXX (10–12 digits starting 0, not 00)
 * - FR: 0X XX XX XX XX (10 digits, 0 then 1–9), spaces or dots
 */
export const NATIONAL_PHONE_PATTERNS: ReadonlyArray<{ region: string; re: RegExp }> = [
  { region: 'US/CA', re: /^(?:\([2-9]\d{2}\) ?|[2-9]\d{2}[-.])[2-9]\d{2}[-.]\d{4}$/ },
  { region: 'UK', re: /^0(?:[1-3]\d{3} \d{6}|[1-3]\d{2} \d{3} \d{4}|20 \d{4} \d{4}|7\d{3} \d{6})$/ },
  { region: 'ZA', re: /^0[1-8]\d [- ]?\d{3}[- ]\d{4}$/ },
  { region: 'BR', re: /^\([1-9][1-9]\) (?:9\d{4}|[2-5]\d{3})-\d{4}$/ },
  { region: 'FR', re: /^0[1-9]([ .])\d{2}(?:\1\d{2}){3}$/ },
  { region: 'DE', re: /^0[1-9]\d{1,4}[ /-]\d{5,8}$/ },
];

export function isNationalPhone(candidate: string): boolean {
  const n = digitsOf(candidate).length;
  return n >= 10 && n <= 12 && NATIONAL_PHONE_PATTERNS.some(({ re }) => re.test(candidate));
}

export function isPhone(candidate: string): boolean {
  return isE164(candidate) || isNationalPhone(candidate);
}

/** RFC-ish email: dot-atom local part, dotted domain of LDH labels, TLD of 2+ letters. */
export function isEmail(candidate: string): boolean {
  if (candidate.length > 254) return false;
  const at = candidate.lastIndexOf('@');
  if (at < 1 || at > 64) return false;
  const local = candidate.slice(0, at);
  const domain = candidate.slice(at + 1);
  if (!/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/.test(local)) return false;
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  const tld = labels[labels.length - 1] ?? '';
  if (!/^[A-Za-z]{2,63}$/.test(tld)) return false;
  return labels.every((l) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l));
}

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  january: 1,
  janeiro: 1,
  januar: 1,
  janvier: 1,
  feb: 2,
  february: 2,
  fevereiro: 2,
  februar: 2,
  fevrier: 2,
  mar: 3,
  march: 3,
  marco: 3,
  märz: 3,
  mars: 3,
  apr: 4,
  april: 4,
  abril: 4,
  avril: 4,
  may: 5,
  maio: 5,
  mai: 5,
  jun: 6,
  june: 6,
  junho: 6,
  juni: 6,
  juin: 6,
  jul: 7,
  july: 7,
  julho: 7,
  juli: 7,
  juillet: 7,
  aug: 8,
  august: 8,
  agosto: 8,
  aout: 8,
  sep: 9,
  sept: 9,
  september: 9,
  setembro: 9,
  septembre: 9,
  oct: 10,
  october: 10,
  outubro: 10,
  oktober: 10,
  octobre: 10,
  nov: 11,
  november: 11,
  novembro: 11,
  novembre: 11,
  dec: 12,
  december: 12,
  dezembro: 12,
  dezember: 12,
  decembre: 12,
};

/** Month number for an English/Portuguese/German/French month name (accents folded), or undefined. */
export function monthNumber(name: string): number | undefined {
  const key = name
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\.$/, '');
  return MONTHS[key] ?? MONTHS[name.toLowerCase()];
}

/**
 * Parses a date written as ISO (1985-03-12), d/m/y or d.m.y or d-m-y (12/03/1985, day first —
 * the formats of every jurisdiction served but the US; a m/d/y reading is tried when day-first
 * is impossible), "12 March 1985", "March 12, 1985" or "12 de março de 1985".
 */
export function parseDate(s: string): { year: number; month: number; day: number } | undefined {
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m) return ymd(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/.exec(s);
  if (m) return ymd(Number(m[4]), Number(m[3]), Number(m[1])) ?? ymd(Number(m[4]), Number(m[1]), Number(m[3]));
  m = /^(\d{1,2}) (?:de )?([\p{L}]+\.?),? (?:de )?(\d{4})$/u.exec(s);
  if (m) {
    const month = monthNumber(m[2] ?? '');
    return month ? ymd(Number(m[3]), month, Number(m[1])) : undefined;
  }
  m = /^([\p{L}]+\.?) (\d{1,2}),? (\d{4})$/u.exec(s);
  if (m) {
    const month = monthNumber(m[1] ?? '');
    return month ? ymd(Number(m[3]), month, Number(m[2])) : undefined;
  }
  return undefined;
}

function ymd(year: number, month: number, day: number) {
  return isCalendarDate(year, month, day) ? { year, month, day } : undefined;
}

/** A plausible date of birth: a real date, not before 1900, not after `today`. */
export function isDateOfBirth(candidate: string, today: Date = new Date()): boolean {
  const d = parseDate(candidate);
  if (!d || d.year < 1900) return false;
  return Date.UTC(d.year, d.month - 1, d.day) <= today.getTime();
}
