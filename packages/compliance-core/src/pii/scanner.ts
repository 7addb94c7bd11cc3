/**
 * Finds PII in free text: regexes cut out candidates, the validators decide. Offsets are UTF-16
 * code unit indexes into the input (what `String.prototype.slice` takes), `end` exclusive.
 * Every pattern is linear (bounded quantifiers, no nested repetition), and input is capped.
 */
import { createHmac } from 'node:crypto';
import {
  IBAN_LENGTHS,
  isBrCnpj,
  isBrCpf,
  isCaSin,
  isCreditCard,
  isDateOfBirth,
  isE164,
  isEmail,
  isIban,
  isIpv4,
  isIpv6,
  isNationalPhone,
  isUkNino,
  isUsSsn,
  isZaId,
  NATIONAL_PHONE_PATTERNS,
} from './validators.ts';

export const PII_TYPES = [
  'email',
  'phone',
  'credit_card',
  'iban',
  'us_ssn',
  'za_id',
  'br_cpf',
  'br_cnpj',
  'ca_sin',
  'uk_nino',
  'ip_address',
  'date_of_birth',
] as const;
export type PiiType = (typeof PII_TYPES)[number];

export interface Finding {
  type: PiiType;
  /** UTF-16 code unit index of the first character. */
  start: number;
  /** UTF-16 code unit index just past the last character. */
  end: number;
  /** 0–1: checksum-validated types high, format-only types lower, a nearby keyword raises it. */
  confidence: number;
}

export interface ScanOptions {
  /** Only look for these types (default all). */
  types?: readonly PiiType[];
  /** Drop findings below this confidence (default 0). */
  minConfidence?: number;
  /** "Now" for the not-in-the-future date-of-birth rule (default the current time). */
  today?: Date;
}

/** Inputs above this many UTF-8 bytes are refused; the HTTP layer answers 413. */
export const MAX_INPUT_BYTES = 1024 * 1024;

export class PiiInputTooLargeError extends Error {
  readonly status = 413;
  readonly bytes: number;
  constructor(bytes: number) {
    super(`input of ${bytes} bytes exceeds the ${MAX_INPUT_BYTES}-byte PII scan limit`);
    this.name = 'PiiInputTooLargeError';
    this.bytes = bytes;
  }
}

function assertSize(text: string): void {
  // Cheap upper bound first: a UTF-16 unit is at most 3 UTF-8 bytes.
  if (text.length * 3 <= MAX_INPUT_BYTES) return;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_INPUT_BYTES) throw new PiiInputTooLargeError(bytes);
}

/** Base confidence per type: checksum-backed types near 1, shape-only types lower. */
const BASE_CONFIDENCE: Record<PiiType, number> = {
  credit_card: 0.95,
  iban: 0.97,
  br_cnpj: 0.95,
  br_cpf: 0.9,
  // Date, citizenship and race digits on top of Luhn: more constrained than a 13-digit Visa.
  za_id: 0.96,
  ca_sin: 0.85,
  us_ssn: 0.75,
  uk_nino: 0.85,
  email: 0.9,
  ip_address: 0.8,
  phone: 0.65,
  date_of_birth: 0.8,
};

/** Tie-break when two findings overlap with equal confidence: the more specific type wins. */
const SPECIFICITY: Record<PiiType, number> = {
  iban: 12,
  br_cnpj: 11,
  credit_card: 10,
  za_id: 9,
  br_cpf: 8,
  ca_sin: 7,
  us_ssn: 6,
  uk_nino: 5,
  email: 4,
  date_of_birth: 3,
  ip_address: 2,
  phone: 1,
};

const KEYWORDS: Partial<Record<PiiType, RegExp>> = {
  credit_card: /\b(card|cart[aã]o|visa|mastercard|amex|credit|cr[eé]dito|pan)\b/i,
  iban: /\b(iban|bank|account|conta|konto)\b/i,
  us_ssn: /\b(ssn|social security)\b/i,
  ca_sin: /\b(sin|social insurance|nas)\b/i,
  za_id: /\b(id number|identity|rsa id|sa id)\b/i,
  br_cpf: /\bcpf\b/i,
  br_cnpj: /\bcnpj\b/i,
  uk_nino: /\b(nino|national insurance|ni number)\b/i,
  phone: /\b(phone|tel|telephone|mobile|cell|telefone|celular|telefon|t[eé]l[eé]phone|call)\b/i,
  ip_address: /\b(ip|address|host|client)\b/i,
  email: /\b(e-?mail|contact)\b/i,
};

const DOB_KEYWORD =
  /\b(dob|d\.o\.b|date of birth|birth ?date|born|birthday|nascimento|nascid[oa]|geboren|geburtsdatum|date de naissance|n[ée]e?)\b/i;

const CONTEXT_WINDOW = 40;

interface Extractor {
  type: PiiType;
  re: RegExp;
  validate: (candidate: string, today: Date) => boolean;
  /** Shorten an over-long match to the real value (IBAN groups run into the next word). */
  trim?: (candidate: string) => string;
  /** Reported only with a keyword nearby (bare digit runs that are more often order numbers). */
  needsKeyword?: (candidate: string) => boolean;
}

const stripAnchors = (re: RegExp) => re.source.replace(/^\^/, '').replace(/\$$/, '');

const DATE_SOURCE = String.raw`\d{4}-\d{2}-\d{2}|\d{1,2}([/.-])\d{1,2}\1\d{4}|\d{1,2} (?:de )?\p{L}{3,10}\.?,? (?:de )?\d{4}|\p{L}{3,10}\.? \d{1,2},? \d{4}`;

const EXTRACTORS: Extractor[] = [
  {
    type: 'email',
    re: /[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}/g,
    validate: isEmail,
    trim: (c) => c.replace(/^[.]+/, ''),
  },
  {
    type: 'credit_card',
    re: /\d{4}([ -]?)\d{4}\1\d{4}\1\d{4}(?:\1\d{3})?|\d{4}([ -]?)\d{6}\2\d{4,5}|\d{13,19}/g,
    validate: isCreditCard,
  },
  {
    type: 'iban',
    re: /[A-Z]{2}\d{2}(?: ?[A-Z0-9]{1,4}){2,8}/g,
    validate: isIban,
    trim: trimIban,
  },
  {
    type: 'us_ssn',
    re: /\d{3}([- ]?)\d{2}\1\d{4}/g,
    validate: isUsSsn,
    needsKeyword: (c) => /^\d+$/.test(c),
  },
  { type: 'za_id', re: /\d{13}/g, validate: isZaId },
  { type: 'br_cpf', re: /\d{3}\.\d{3}\.\d{3}-\d{2}|\d{11}/g, validate: isBrCpf },
  { type: 'br_cnpj', re: /\d{2}\.\d{3}\.\d{3}\/\d{4}-\d{2}|\d{14}/g, validate: isBrCnpj },
  {
    type: 'ca_sin',
    re: /\d{3}([- ]?)\d{3}\1\d{3}/g,
    validate: isCaSin,
    needsKeyword: (c) => /^\d+$/.test(c),
  },
  { type: 'uk_nino', re: /[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]/g, validate: isUkNino },
  { type: 'ip_address', re: /\d{1,3}(?:\.\d{1,3}){3}/g, validate: isIpv4 },
  {
    type: 'ip_address',
    re: /[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?::\d{1,3}(?:\.\d{1,3}){3})?/g,
    validate: isIpv6,
  },
  { type: 'phone', re: /\+\d{1,3}(?:[ -]?\d{1,5}){1,6}/g, validate: isE164 },
  {
    type: 'phone',
    re: new RegExp(NATIONAL_PHONE_PATTERNS.map(({ re }) => `(?:${stripAnchors(re)})`).join('|'), 'g'),
    validate: isNationalPhone,
  },
  {
    type: 'date_of_birth',
    re: new RegExp(DATE_SOURCE, 'gu'),
    validate: isDateOfBirth,
    needsKeyword: () => true,
  },
];

function trimIban(candidate: string): string {
  const len = IBAN_LENGTHS[candidate.slice(0, 2)];
  if (!len) return candidate;
  let seen = 0;
  for (let i = 0; i < candidate.length; i++) {
    if (candidate[i] !== ' ') seen++;
    if (seen === len) return candidate.slice(0, i + 1);
  }
  return candidate;
}

const WORD = /[\p{L}\p{N}_]/u;

/** A match must not be cut out of a longer token: no letter/digit touching either side, no `.5` / `-5` continuing a number. */
function onBoundary(text: string, start: number, end: number, type: PiiType): boolean {
  const before = text[start - 1] ?? '';
  const after = text[end] ?? '';
  if (WORD.test(before) || WORD.test(after)) return false;
  const after2 = text[end + 1] ?? '';
  const before2 = text[start - 2] ?? '';
  if (type === 'email') return before !== '@' && after !== '@';
  if (/[.\-/:]/.test(after) && /[\p{L}\p{N}]/u.test(after2)) return false;
  if (/[.\-/:+]/.test(before) && /[\p{L}\p{N}]/u.test(before2)) return false;
  return true;
}

const SENTENCE_END = /[.!?;]\s|\n/g;

/** A keyword counts within CONTEXT_WINDOW characters either side, but not across a sentence end. */
function nearKeyword(text: string, start: number, end: number, re: RegExp): boolean {
  let before = text.slice(Math.max(0, start - CONTEXT_WINDOW), start);
  const breaks = [...before.matchAll(SENTENCE_END)];
  const last = breaks.at(-1);
  if (last) before = before.slice(last.index + last[0].length);
  let after = text.slice(end, end + CONTEXT_WINDOW);
  const stop = after.search(SENTENCE_END);
  if (stop >= 0) after = after.slice(0, stop);
  return re.test(before) || re.test(after);
}

/** `XX00 ` just before: the candidate is the tail of an IBAN-shaped token, not a value of its own. */
const IBAN_HEAD = /[A-Z]{2}\d{2}[ -]$/;

/** Every validated PII value in `text`, sorted by start, overlaps resolved by confidence then specificity. */
export function scanPii(text: string, options: ScanOptions = {}): Finding[] {
  assertSize(text);
  const today = options.today ?? new Date();
  const wanted = new Set(options.types ?? PII_TYPES);
  const candidates: Finding[] = [];
  for (const ex of EXTRACTORS) {
    if (!wanted.has(ex.type)) continue;
    for (const m of text.matchAll(ex.re)) {
      const raw = m[0];
      const value = ex.trim ? ex.trim(raw) : raw;
      const start = m.index + raw.indexOf(value);
      const end = start + value.length;
      if (!onBoundary(text, start, end, ex.type) || !ex.validate(value, today)) continue;
      if (ex.type === 'iban' && /^ ?\d/.test(text.slice(end, end + 2))) continue; // a longer digit run: wrong length
      if (ex.type !== 'iban' && IBAN_HEAD.test(text.slice(Math.max(0, start - 5), start))) continue;
      const kw = ex.type === 'date_of_birth' ? DOB_KEYWORD : KEYWORDS[ex.type];
      const hasKeyword = kw ? nearKeyword(text, start, end, kw) : false;
      if (ex.needsKeyword?.(value) && !hasKeyword) continue;
      const confidence = Math.min(1, BASE_CONFIDENCE[ex.type] + (hasKeyword ? 0.1 : 0));
      candidates.push({ type: ex.type, start, end, confidence: Math.round(confidence * 100) / 100 });
    }
  }
  return resolveOverlaps(candidates).filter((f) => f.confidence >= (options.minConfidence ?? 0));
}

/** Greedy by confidence, then specificity, then length; the survivors never overlap. */
export function resolveOverlaps(findings: Finding[]): Finding[] {
  const ranked = [...findings].sort(
    (a, b) =>
      b.confidence - a.confidence ||
      SPECIFICITY[b.type] - SPECIFICITY[a.type] ||
      b.end - b.start - (a.end - a.start) ||
      a.start - b.start,
  );
  const kept: Finding[] = [];
  for (const f of ranked) {
    if (kept.every((k) => f.end <= k.start || f.start >= k.end)) kept.push(f);
  }
  return kept.sort((a, b) => a.start - b.start);
}

export type RedactMode = 'mask' | 'hash' | 'remove';

export interface RedactOptions {
  /** HMAC key for `hash` mode (required there): the same value under the same key hashes the same. */
  key?: string | Buffer;
  /** Hex characters of the HMAC kept in the token (default 16). */
  hashLength?: number;
}

/**
 * Replaces each finding. `mask`: cards and IBANs keep their last 4 letters/digits (separators
 * kept, the rest `*`); every other type becomes one `*` per code point, so an emoji or accented
 * letter is one star, never half a surrogate. `hash`: `[type:<hex>]`, HMAC-SHA256 of the value
 * under `options.key`. `remove`: the value is deleted.
 */
export function redact(
  text: string,
  findings: readonly Finding[],
  mode: RedactMode,
  options: RedactOptions = {},
): string {
  if (mode === 'hash' && !options.key) throw new Error('redact: hash mode needs options.key');
  const sorted = [...findings].sort((a, b) => a.start - b.start);
  let out = '';
  let pos = 0;
  for (const f of sorted) {
    if (f.start < pos || f.end > text.length || f.start > f.end)
      throw new RangeError('redact: findings overlap or fall outside the text');
    out += text.slice(pos, f.start);
    const value = text.slice(f.start, f.end);
    out += replacement(value, f.type, mode, options);
    pos = f.end;
  }
  return out + text.slice(pos);
}

function replacement(value: string, type: PiiType, mode: RedactMode, options: RedactOptions): string {
  if (mode === 'remove') return '';
  if (mode === 'hash') {
    const mac = createHmac('sha256', options.key ?? '')
      .update(value, 'utf8')
      .digest('hex');
    return `[${type}:${mac.slice(0, options.hashLength ?? 16)}]`;
  }
  if (type === 'credit_card' || type === 'iban') {
    let keep = 4;
    const chars = [...value];
    for (let i = chars.length - 1; i >= 0; i--) {
      if (!/[A-Za-z0-9]/.test(chars[i] ?? '')) continue;
      if (keep > 0) keep--;
      else chars[i] = '*';
    }
    return chars.join('');
  }
  return '*'.repeat([...value].length);
}
