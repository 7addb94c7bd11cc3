/**
 * Finds HIPAA identifiers (45 CFR §164.514(b)(2)) in free text: the core scanner's findings
 * (email, phone, SSN, IP, cards…) mapped to HIPAA types, plus what only context reveals — a
 * name after a title or a label, an MRN, plan, account, licence, device or vehicle number after
 * its keyword, a date tied to the person (DOB, admitted, date of service…), a street address
 * and ZIP. Offsets as in scanPii; every pattern is linear (bounded, no nested repetition).
 */
import { US_STATE_CODES } from '../regimes/hipaa.ts';
import { type PiiType, type ScanOptions, scanPii } from './scanner.ts';
import { parseDate } from './validators.ts';

export const PHI_TYPES = [
  'name',
  'street_address',
  'zip_code',
  'date',
  'phone',
  'email',
  'ssn',
  'national_id',
  'mrn',
  'health_plan_id',
  'account_number',
  'license_number',
  'vehicle_id',
  'device_id',
  'ip_address',
] as const;
export type PhiType = (typeof PHI_TYPES)[number];

export interface PhiFinding {
  type: PhiType;
  start: number;
  end: number;
  confidence: number;
}

export interface PhiScanOptions {
  /** "Now" for the core scanner's date-of-birth rule (default the current time). */
  today?: Date;
  /** Drop findings below this confidence (default 0). */
  minConfidence?: number;
}

/** Which HIPAA identifier each core PII type is. */
const FROM_PII: Record<PiiType, PhiType> = {
  email: 'email',
  phone: 'phone',
  credit_card: 'account_number',
  iban: 'account_number',
  us_ssn: 'ssn',
  za_id: 'national_id',
  br_cpf: 'national_id',
  br_cnpj: 'national_id',
  ca_sin: 'national_id',
  uk_nino: 'national_id',
  ip_address: 'ip_address',
  date_of_birth: 'date',
};

/** Overlap tie-break at equal confidence: a number named by its keyword beats a bare shape. */
const SPECIFICITY: Record<PhiType, number> = {
  mrn: 15,
  health_plan_id: 14,
  device_id: 13,
  vehicle_id: 12,
  license_number: 11,
  account_number: 10,
  ssn: 9,
  national_id: 8,
  email: 7,
  ip_address: 6,
  street_address: 5,
  zip_code: 4,
  date: 3,
  phone: 2,
  name: 1,
};

/** `word` matching in any letter case ("Med Rec", "med rec", "MED REC"), without the `i` flag that would also loosen the name patterns. */
const ci = (word: string) =>
  word.replace(/\p{L}/gu, (c) => (c.toUpperCase() === c.toLowerCase() ? c : `[${c.toUpperCase()}${c.toLowerCase()}]`));
const anyOf = (words: readonly string[]) => `(?:${words.map(ci).join('|')})`;

// An identifier value: letters and digits, single hyphens or a space before a digit group.
const ID_VALUE = String.raw`[A-Z0-9](?:[A-Z0-9]|[-/](?=[A-Z0-9])| (?=\d)){3,30}`;
// Between a keyword and its value: "MRN: ", "Med Rec #: ", "Acct no. ", "S/N ".
// It must separate: "Lot DL4284" is a lot code, not a driver's licence.
const SEP = String.raw`(?:[ \t]{0,3}(?:#|[Nn]o\.|[Nn]umber|[Nn]um\.?|:)){0,3}[ \t]{0,3}(?<=[\s:#.])`;

interface Keyed {
  type: PhiType;
  re: RegExp;
  confidence: number;
  validate?: (value: string) => boolean;
}

const keyed = (type: PhiType, keywords: readonly string[], value = ID_VALUE, confidence = 0.95): Keyed => ({
  type,
  re: new RegExp(String.raw`(?<![\p{L}\p{N}])${anyOf(keywords)}${SEP}(?<v>${value})`, 'gdu'),
  confidence,
});

const digitCount = (s: string) => s.replace(/\D/g, '').length;

const VIN_MAP = '0123456789.ABCDEFGH..JKLMN.P.R..STUVWXYZ';
const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
/** ISO 3779 check digit (position 9). */
export function isVin(vin: string): boolean {
  if (!/^[A-HJ-NPR-Z0-9]{17}$/.test(vin)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = vin[i] as string;
    const value = /\d/.test(c) ? Number(c) : VIN_MAP.indexOf(c) % 10;
    sum += value * (VIN_WEIGHTS[i] ?? 0);
  }
  const check = sum % 11;
  return vin[8] === (check === 10 ? 'X' : String(check));
}

const KEYED: Keyed[] = [
  keyed('mrn', ['MRN', 'MR', 'medical record', 'med rec', 'chart', 'patient ID', 'hospital number']),
  keyed('health_plan_id', [
    'member ID',
    'member',
    'Medicare MBI',
    'MBI',
    'Medicare',
    'Medicaid ID',
    'Medicaid',
    'subscriber ID',
    'subscriber',
    'policy',
    'group',
    'health plan beneficiary',
    'beneficiary',
    'insurance ID',
  ]),
  keyed('account_number', [
    'account',
    'acct',
    'patient account',
    'billing account',
    'card on file',
    'card',
    'bank account',
  ]),
  keyed('license_number', [
    "driver's license",
    'driver’s license',
    "driver's licence",
    'drivers license',
    'DL',
    'license',
    'licence',
    'nursing license',
    'DEA',
    'certificate',
    'NPI',
  ]),
  {
    ...keyed('vehicle_id', ['VIN', 'vehicle identification', 'vehicle ID'], '[A-HJ-NPR-Z0-9]{17}'),
    validate: isVin,
  },
  keyed('vehicle_id', ['license plate', 'licence plate', 'plate'], '[A-Z0-9]{1,4}[- ]?[A-Z0-9]{1,4}', 0.9),
  keyed('device_id', ['UDI', 'unique device identifier'], String.raw`(?:\(\d{2}\)[A-Z0-9]{1,20}){1,5}`),
  keyed('device_id', ['serial', 'serial number', 'S/N', 'SN', 'device ID', 'device', 'IMEI', 'UDI', 'model/serial']),
];

// ---------- dates tied to the person ----------

const MONTH = String.raw`(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?`;
const DATE = String.raw`\d{1,2}(?<sep>[/.-])\d{1,2}\k<sep>\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}-${MONTH}-\d{4}|\d{1,2} ${MONTH},? \d{4}|${MONTH} \d{1,2},? \d{4}`;
const DATE_KEYWORDS = [
  'DOB',
  'D.O.B.',
  'date of birth',
  'birth date',
  'birthdate',
  'born on',
  'born',
  'date of service',
  'service date',
  'DOS',
  'admitted on',
  'admitted',
  'admission date',
  'date of admission',
  'discharged on',
  'discharged',
  'discharge date',
  'date of discharge',
  'collected on',
  'collected',
  'reported on',
  'reported',
  'received on',
  'received',
  'visit date',
  'date of visit',
  'visited on',
  'seen on',
  'date of death',
  'died on',
  'deceased on',
  'expired on',
  'date of surgery',
  'surgery date',
  'date of procedure',
  'procedure date',
  'date of injury',
  'appointment on',
  'appointment date',
  'scheduled for',
  'scheduled on',
].map((k) => k.replace(/\./g, '\\.'));
const DATE_RE = new RegExp(
  String.raw`(?<![\p{L}\p{N}])${anyOf(DATE_KEYWORDS)}[ \t]{0,3}:?[ \t]{0,3}(?<v>${DATE})(?![\p{L}\p{N}])`,
  'gdu',
);

/** A real calendar date from 1900 on ("05-Mar-2024" read as "05 Mar 2024"). */
function isRealDate(value: string): boolean {
  const d = parseDate(value.replace(/^(\d{1,2})-(\p{L}+\.?)-(\d{4})$/u, '$1 $2 $3'));
  return d !== undefined && d.year >= 1900;
}

// ---------- names ----------

const LOWER = String.raw`[\p{Ll}\p{M}]`;
// "Maria", "McDonald", "Smith-Jones", "O'Brien", "Álvarez-Núñez"; "K." an initial; 李 a CJK name.
// "Ó" a one-letter particle before a surname.
const TOKEN = String.raw`\p{Lu}${LOWER}{1,30}(?:\p{Lu}${LOWER}{1,30})?(?:-\p{Lu}${LOWER}{1,30})?|\p{Lu}['’]\p{Lu}${LOWER}{1,30}|\p{Lu}\.|\p{Lu}(?= \p{Lu}${LOWER})|\p{Lo}{1,6}`;
const NAME = `(?:${TOKEN})(?:,? (?:${TOKEN})){0,3}`;
// Upper-case "LOPEZ, MARIA" as EHR headers print it: only after a label, and only with the comma.
const CAPS = String.raw`\p{Lu}(?:\p{Lu}{1,29}|['’]\p{Lu}{1,30})(?:-\p{Lu}{1,30})?`;
const CAPS_NAME = String.raw`${CAPS}, ${CAPS}(?: \p{Lu}\.?)?(?![\p{L}\p{N}])`;
const TITLES = ['Dr', 'Mr', 'Mrs', 'Ms', 'Mx', 'Miss', 'Prof'];
const NAME_LABELS = [
  'patient',
  'patient name',
  'name',
  'pt',
  're',
  'guarantor',
  'emergency contact',
  'next of kin',
  'contact',
  'spouse',
  'mother',
  'father',
  'guardian',
  'caregiver',
  'subscriber',
  'insured',
  'attn',
];
const NAME_RES: Array<{ re: RegExp; confidence: number; minTokens: number }> = [
  {
    re: new RegExp(String.raw`(?<![\p{L}\p{N}])(?:${TITLES.join('|')})\.? (?<v>${NAME})`, 'gdu'),
    confidence: 0.9,
    minTokens: 1,
  },
  {
    re: new RegExp(String.raw`(?<![\p{L}\p{N}])${anyOf(NAME_LABELS)}[ \t]{0,3}:[ \t]{0,3}(?<v>${NAME})`, 'gdu'),
    confidence: 0.9,
    minTokens: 1,
  },
  {
    re: new RegExp(String.raw`(?<![\p{L}\p{N}])${anyOf(NAME_LABELS)}[ \t]{0,3}:[ \t]{0,3}(?<v>${CAPS_NAME})`, 'gdu'),
    confidence: 0.9,
    minTokens: 2,
  },
  {
    // "pt Maria Lopez", "seen by Maria Lopez": a bare keyword, so two tokens at least.
    re: new RegExp(
      String.raw`(?<![\p{L}\p{N}])(?:[Pp]t\.?|[Pp]atient|(?:seen|signed|examined|referred|accompanied) by) (?<v>${NAME})`,
      'gdu',
    ),
    confidence: 0.85,
    minTokens: 2,
  },
];

/** Capitalised words that end a name: the next label, a credential, a sentence's subject. */
const NOT_NAME = new Set(
  [
    'MD',
    'DO',
    'RN',
    'NP',
    'PA',
    'DOB',
    'MRN',
    'Date',
    'Admitted',
    'Discharged',
    'Medical',
    'Med',
    'Member',
    'Policy',
    'Account',
    'Acct',
    'Patient',
    'Name',
    'Seen',
    'The',
    'This',
    'Follow',
    'Contact',
    'Home',
    'Mailing',
    'Email',
    'Call',
    'Visit',
    'Plan',
    'Room',
    'Dx',
    'Hospital',
    'Clinic',
    'Department',
    'Unit',
    'Phone',
    'Tel',
    'Age',
    'Sex',
    'He',
    'She',
    'They',
    'On',
    'In',
    'At',
    'Ref',
    'Chart',
    // Capitalised service words that follow "Patient" or "Contact:" without being a person.
    'Education',
    'Materials',
    'Portal',
    'Services',
    'Service',
    'Station',
    'Nursing',
    'Pharmacy',
    'Desk',
    'Office',
    'Team',
    'Care',
    'Support',
    'Center',
    'Centre',
    'Information',
    'Instructions',
    'Safety',
    'Transport',
    'Relations',
    'Advocate',
    'Registration',
    'Scheduling',
    'Billing',
  ].map((w) => w.toLowerCase()),
);

/** The leading run of name words in `value` (stops at a non-name word or a trailing initial). */
function nameSpan(value: string): { length: number; tokens: number } | undefined {
  let length = 0;
  let tokens = 0;
  let counted = 0;
  for (const part of value.matchAll(/[^ ,]+/g)) {
    const word = part[0];
    if (NOT_NAME.has(word.toLowerCase())) break;
    counted++;
    if (/^\p{Lu}\.$/u.test(word)) continue;
    length = part.index + word.length;
    tokens = counted;
  }
  return length > 0 ? { length, tokens } : undefined;
}

// ---------- addresses ----------

const STREET_SUFFIX =
  '(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl)';
const STREET_WORD = String.raw`(?:\p{Lu}${LOWER}{1,30}|\d{1,3}(?:st|nd|rd|th))`;
const STREET_RE = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?<v>\d{1,6} (?:[NSEW]\.? )?(?:${STREET_WORD} ){1,3}${STREET_SUFFIX}(?![\p{L}\p{N}])\.?(?:,? (?:Apt|Apartment|Unit|Suite|Ste|#)\.? ?#?[A-Z0-9]{1,6})?)`,
  'gdu',
);
const ZIP_RE = new RegExp(
  String.raw`(?:(?<=\b(?:${US_STATE_CODES.join('|')}),? )|(?<=\b(?:ZIP|[Zz]ip|ZIP code|[Zz]ip code|[Pp]ostal code):? ?))(?<v>\d{5}(?:-\d{4})?)(?![\p{L}\p{N}-])`,
  'gdu',
);

// North American numbers in the forms the core's national pattern leaves out ("1-836-497-4812").
const NANP_RE =
  /(?<![\p{L}\p{N}+\-.])(?<v>(?:\+?1([-. ]))?(?:\([2-9]\d{2}\) ?|[2-9]\d{2}([-. ]))[2-9]\d{2}([-. ])\d{4})(?![\p{L}\p{N}]|[-.]\d)/dgu;

function* matches(re: RegExp, text: string) {
  for (const m of text.matchAll(re)) {
    const span = m.indices?.groups?.v;
    if (span) yield { value: m.groups?.v ?? '', start: span[0], end: span[1] };
  }
}

function contextual(text: string): PhiFinding[] {
  const out: PhiFinding[] = [];
  const add = (type: PhiType, start: number, end: number, confidence: number) =>
    out.push({ type, start, end, confidence });
  for (const k of KEYED) {
    for (const m of matches(k.re, text)) {
      const value = m.value.replace(/[ /-]+$/, '');
      if (digitCount(value) < 2 || (k.validate && !k.validate(value))) continue;
      if (/[\p{L}\p{N}]/u.test(text[m.start + value.length] ?? '')) continue;
      add(k.type, m.start, m.start + value.length, k.confidence);
    }
  }
  for (const m of matches(DATE_RE, text)) if (isRealDate(m.value)) add('date', m.start, m.end, 0.95);
  for (const { re, confidence, minTokens } of NAME_RES) {
    for (const m of matches(re, text)) {
      const span = nameSpan(m.value);
      if (span && span.tokens >= minTokens) add('name', m.start, m.start + span.length, confidence);
    }
  }
  for (const m of matches(STREET_RE, text)) add('street_address', m.start, m.end, 0.9);
  for (const m of matches(NANP_RE, text)) add('phone', m.start, m.end, 0.7);
  for (const m of matches(ZIP_RE, text)) add('zip_code', m.start, m.end, 0.9);
  return out;
}

/**
 * Greedy by confidence, then specificity, then length; the survivors never overlap. Taken
 * characters are marked in a bitmap, so a text with many candidates costs their total length,
 * not candidates × survivors.
 */
function merge(findings: PhiFinding[], length: number): PhiFinding[] {
  const ranked = [...findings].sort(
    (a, b) =>
      b.confidence - a.confidence ||
      SPECIFICITY[b.type] - SPECIFICITY[a.type] ||
      b.end - b.start - (a.end - a.start) ||
      a.start - b.start,
  );
  const taken = new Uint8Array(length);
  const kept: PhiFinding[] = [];
  for (const f of ranked) {
    if (taken.subarray(f.start, f.end).includes(1)) continue;
    taken.fill(1, f.start, f.end);
    kept.push(f);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/**
 * Every HIPAA identifier found in `text`, sorted by start, without overlaps. Refuses input over
 * the core's MAX_INPUT_BYTES with PiiInputTooLargeError, as scanPii does.
 */
export function scanPhi(text: string, options: PhiScanOptions = {}): PhiFinding[] {
  const core: ScanOptions = { today: options.today };
  const fromCore = scanPii(text, core).map((f) => ({ ...f, type: FROM_PII[f.type] }));
  return merge([...fromCore, ...contextual(text)], text.length).filter(
    (f) => f.confidence >= (options.minConfidence ?? 0),
  );
}
