/**
 * A seeded, labelled corpus for measuring the scanner: English and Portuguese sentences with
 * valid values of every type (made with correct check digits), checksum-invalid look-alikes
 * (wrong check digit, bad Luhn, wrong IBAN length, SSN area 666, impossible dates…) and
 * distractors (order numbers, timestamps, version strings). Labels are the exact spans of the
 * valid values only; a look-alike reported by the scanner is a false positive.
 */
import type { PiiType } from './scanner.ts';
import { PII_TYPES, scanPii } from './scanner.ts';
import { cnpjCheckDigits, cpfCheckDigits, ibanCheckDigits, luhn } from './validators.ts';

export interface Label {
  type: PiiType;
  start: number;
  end: number;
  value: string;
}

export interface LabelledDocument {
  text: string;
  labels: Label[];
}

export interface CorpusOptions {
  seed?: number;
  /** Valid values generated per type (look-alikes: about half as many again). */
  perType?: number;
  /** Sentences per document. */
  sentencesPerDocument?: number;
}

/** "Today" the corpus is generated against, so future-date look-alikes stay in the future. */
export const CORPUS_TODAY = new Date(Date.UTC(2026, 0, 1));

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const digits = (r: Rand, n: number) => Array.from({ length: n }, () => String(int(r, 0, 9))).join('');
const pad = (n: number, w: number) => String(n).padStart(w, '0');
const letters = (r: Rand, n: number) => Array.from({ length: n }, () => String.fromCharCode(int(r, 65, 90))).join('');

function luhnComplete(r: Rand, prefix: string, length: number): string {
  const body = prefix + digits(r, length - prefix.length - 1);
  for (let c = 0; c <= 9; c++) if (luhn(body + c)) return body + c;
  throw new Error('unreachable');
}
/** Change the last digit to any other: breaks Luhn and mod-11 check digits alike. */
const breakLast = (r: Rand, s: string) => {
  const last = Number(s.at(-1));
  return s.slice(0, -1) + String((last + int(r, 1, 9)) % 10);
};

const group = (s: string, sizes: number[], sep: string) => {
  const out: string[] = [];
  let i = 0;
  for (const n of sizes) {
    out.push(s.slice(i, i + n));
    i += n;
  }
  if (i < s.length) out.push(s.slice(i));
  return out.join(sep);
};

const FIRST = ['ana', 'joao', 'maria', 'thabo', 'lerato', 'james', 'olivia', 'pierre', 'lena', 'rui', 'noah'];
const LAST = ['silva', 'santos', 'nkosi', 'smith', 'dubois', 'muller', 'costa', 'naidoo', 'brown'];
const DOMAINS = ['example.com', 'mail.co.za', 'empresa.com.br', 'azora.io', 'post.de', 'uni.ac.uk'];

// ---------- valid value and look-alike generators ----------

const CARD_PREFIXES: Array<[string, number, number[]]> = [
  ['4', 16, [4, 4, 4, 4]],
  ['51', 16, [4, 4, 4, 4]],
  ['55', 16, [4, 4, 4, 4]],
  ['2221', 16, [4, 4, 4, 4]],
  ['2720', 16, [4, 4, 4, 4]],
  ['34', 15, [4, 6, 5]],
  ['37', 15, [4, 6, 5]],
  ['6011', 16, [4, 4, 4, 4]],
  ['65', 16, [4, 4, 4, 4]],
  ['3530', 16, [4, 4, 4, 4]],
  ['36', 14, [4, 6, 4]],
  ['62', 16, [4, 4, 4, 4]],
];

function card(r: Rand, valid: boolean): string {
  const [prefix, len, sizes] = pick(r, CARD_PREFIXES);
  let d = luhnComplete(r, prefix, len);
  if (!valid) d = breakLast(r, d);
  const sep = pick(r, [' ', '-', ' ', '']);
  return sep === '' && len !== 16 ? group(d, sizes, ' ') : group(d, sizes, sep);
}

const IBAN_SPECS: Array<[string, (r: Rand) => string]> = [
  ['DE', (r) => digits(r, 18)],
  ['GB', (r) => letters(r, 4) + digits(r, 14)],
  ['NL', (r) => letters(r, 4) + digits(r, 10)],
  ['FR', (r) => digits(r, 23)],
  ['ES', (r) => digits(r, 20)],
  ['IT', (r) => letters(r, 1) + digits(r, 22)],
  ['PT', (r) => digits(r, 21)],
  ['BE', (r) => digits(r, 12)],
  ['BR', (r) => `${digits(r, 23)}C1`],
  ['CH', (r) => digits(r, 17)],
];

function iban(r: Rand, valid: boolean): string {
  const [cc, bbanOf] = pick(r, IBAN_SPECS);
  let bban = bbanOf(r);
  let check = ibanCheckDigits(cc, bban);
  if (!valid) {
    if (r() < 0.5) check = pad((Number(check) + int(r, 1, 90)) % 97 || 3, 2);
    else bban = r() < 0.5 ? bban.slice(0, -1) : `${bban}${digits(r, 1)}`; // wrong length
  }
  const compact = `${cc}${check}${bban}`;
  return r() < 0.6 ? compact.replace(/(.{4})(?=.)/g, '$1 ') : compact;
}

function ssn(r: Rand, valid: boolean): string {
  let area = int(r, 1, 899);
  if (area === 666) area = 667;
  let g = int(r, 1, 99);
  let serial = int(r, 1, 9999);
  if (!valid) {
    const k = int(r, 0, 4);
    if (k === 0) area = 666;
    else if (k === 1) area = int(r, 900, 999);
    else if (k === 2) area = 0;
    else if (k === 3) g = 0;
    else serial = 0;
  }
  return [pad(area, 3), pad(g, 2), pad(serial, 4)].join(r() < 0.8 ? '-' : ' ');
}

function zaId(r: Rand, valid: boolean): string {
  const yy = int(r, 0, 99);
  let mm = int(r, 1, 12);
  let dd = int(r, 1, 28);
  const broken = !valid ? int(r, 0, 2) : -1;
  if (broken === 0) mm = 13;
  if (broken === 1) {
    mm = 2;
    dd = 30;
  }
  const body = `${pad(yy, 2)}${pad(mm, 2)}${pad(dd, 2)}${digits(r, 4)}${pick(r, ['0', '1'])}8`;
  const id = luhnComplete(r, body, 13);
  return broken === 2 ? breakLast(r, id) : id;
}

function cpf(r: Rand, valid: boolean): string {
  const nine = digits(r, 9);
  let d = nine + cpfCheckDigits(nine);
  if (!valid) d = r() < 0.2 ? String(int(r, 0, 9)).repeat(11) : breakLast(r, d);
  return r() < 0.75 ? `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6, 9)}-${d.slice(9)}` : d;
}

function cnpj(r: Rand, valid: boolean): string {
  const twelve = `${digits(r, 8)}000${int(r, 1, 9)}`;
  let d = twelve + cnpjCheckDigits(twelve);
  if (!valid) d = breakLast(r, d);
  return r() < 0.75 ? `${d.slice(0, 2)}.${d.slice(2, 5)}.${d.slice(5, 8)}/${d.slice(8, 12)}-${d.slice(12)}` : d;
}

function sin(r: Rand, valid: boolean): string {
  let d = luhnComplete(r, String(pick(r, [1, 2, 3, 4, 5, 6, 7, 9])), 9);
  if (!valid) d = r() < 0.7 ? breakLast(r, d) : luhnComplete(r, pick(r, ['0', '8']), 9);
  return group(d, [3, 3, 3], pick(r, [' ', '-']));
}

const NINO_FIRST = 'ABCEGHJKLMNOPRSTWXYZ';
const NINO_SECOND = 'ABCEGHJKLMNPRSTWXYZ';
function nino(r: Rand, valid: boolean): string {
  let prefix = '';
  do prefix = pick(r, [...NINO_FIRST]) + pick(r, [...NINO_SECOND]);
  while (['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'].includes(prefix));
  if (!valid) prefix = pick(r, ['BG', 'GB', 'NK', 'TN', 'ZZ', 'QA', 'DA', 'AO', 'FV', 'UA']);
  const n = `${prefix}${digits(r, 6)}${pick(r, ['A', 'B', 'C', 'D'])}`;
  return r() < 0.5 ? `${n.slice(0, 2)} ${n.slice(2, 4)} ${n.slice(4, 6)} ${n.slice(6, 8)} ${n.slice(8)}` : n;
}

function ip(r: Rand, valid: boolean): string {
  if (valid && r() < 0.3) {
    const hex = () => int(r, 0, 0xffff).toString(16);
    return r() < 0.5 ? `2001:db8:${hex()}:${hex()}::${hex()}` : Array.from({ length: 8 }, hex).join(':');
  }
  const o = Array.from({ length: 4 }, () => String(int(r, 1, 254)));
  if (!valid) {
    const i = int(r, 0, 3);
    o[i] = r() < 0.5 ? String(int(r, 256, 999)) : `0${int(r, 1, 99)}`;
  }
  return o.join('.');
}

function phone(r: Rand, valid: boolean): string {
  if (!valid)
    return pick(r, [
      `+999 ${digits(r, 4)} ${digits(r, 4)}`,
      `+${int(r, 1, 9)} ${digits(r, 3)}`,
      `+44 ${digits(r, 8)}${digits(r, 6)}`,
    ]);
  const nxx = () => `${int(r, 2, 9)}${digits(r, 2)}`;
  return pick(r, [
    () => `+1 ${nxx()} ${nxx()} ${digits(r, 4)}`,
    () => `+44 20 ${digits(r, 4)} ${digits(r, 4)}`,
    () => `+27 ${int(r, 60, 84)} ${digits(r, 3)} ${digits(r, 4)}`,
    () => `+55 ${int(r, 1, 9)}${int(r, 1, 9)} 9${digits(r, 4)}-${digits(r, 4)}`,
    () => `+49 30 ${digits(r, 7)}`,
    () => `+33${int(r, 1, 9)}${digits(r, 8)}`,
    () => `(${nxx()}) ${nxx()}-${digits(r, 4)}`,
    () => `${nxx()}-${nxx()}-${digits(r, 4)}`,
    () => `07${digits(r, 3)} ${digits(r, 6)}`,
    () => `020 ${digits(r, 4)} ${digits(r, 4)}`,
    () => `0${int(r, 11, 87)} ${digits(r, 3)} ${digits(r, 4)}`,
    () => `(${int(r, 1, 9)}${int(r, 1, 9)}) 9${digits(r, 4)}-${digits(r, 4)}`,
    () => `030 ${digits(r, 7)}`,
    () => `0${int(r, 1, 9)} ${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)}`,
  ])();
}

function email(r: Rand, valid: boolean): string {
  const local = `${pick(r, FIRST)}${pick(r, ['.', '_', ''])}${pick(r, LAST)}${r() < 0.5 ? int(r, 1, 99) : ''}`;
  if (!valid) return pick(r, [`${local}@localhost`, `${local}@mail.c0m`, `${local}@-bad.com`, `${local}@example.123`]);
  return `${local}@${pick(r, DOMAINS)}`;
}

const MONTHS_EN = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const MONTHS_PT = [
  'janeiro',
  'fevereiro',
  'março',
  'abril',
  'maio',
  'junho',
  'julho',
  'agosto',
  'setembro',
  'outubro',
  'novembro',
  'dezembro',
];

function date(r: Rand, valid: boolean): string {
  let y = int(r, 1920, 2015);
  let m = int(r, 1, 12);
  let d = int(r, 1, 28);
  if (!valid) {
    const k = int(r, 0, 2);
    if (k === 0) y = int(r, 2030, 2090);
    else if (k === 1) y = int(r, 1800, 1899);
    else {
      m = pick(r, [2, 4, 6, 9, 11]);
      d = m === 2 ? 30 : 31;
    }
  }
  return pick(r, [
    () => `${y}-${pad(m, 2)}-${pad(d, 2)}`,
    () => `${pad(d, 2)}/${pad(m, 2)}/${y}`,
    () => `${d}.${m}.${y}`,
    () => `${d} ${MONTHS_EN[m - 1]} ${y}`,
    () => `${MONTHS_EN[m - 1]} ${d}, ${y}`,
    () => `${d} de ${MONTHS_PT[m - 1]} de ${y}`,
  ])();
}

const GENERATORS: Record<PiiType, (r: Rand, valid: boolean) => string> = {
  email,
  phone,
  credit_card: card,
  iban,
  us_ssn: ssn,
  za_id: zaId,
  br_cpf: cpf,
  br_cnpj: cnpj,
  ca_sin: sin,
  uk_nino: nino,
  ip_address: ip,
  date_of_birth: date,
};

/** Sentence frames per type, English and Portuguese; `{v}` is where the value goes. */
const FRAMES: Record<PiiType, string[]> = {
  email: [
    'Send the report to {v} before Friday.',
    'O cliente escreveu de {v} ontem.',
    'Contact: {v}',
    'Reply-to address ({v}) bounced twice.',
  ],
  phone: [
    'Call me on {v} after lunch.',
    'Telefone para contato: {v}.',
    'The driver can be reached at {v}',
    'Ligou do número {v} às 14h.',
  ],
  credit_card: [
    'Card ending charged in full: {v}.',
    'Pagamento com o cartão {v} recusado.',
    'She read out {v} over the phone.',
    'PAN {v} flagged by the acquirer',
  ],
  iban: [
    'Please wire the refund to {v} today.',
    'Transferir para a conta {v} amanhã.',
    'IBAN: {v}',
    'Beneficiary account {v} was verified.',
  ],
  us_ssn: ['His SSN is {v} per the W-2.', 'Social security number {v} on file.', 'Applicant listed {v} on the form.'],
  za_id: [
    'ID number {v} was captured at the branch.',
    'Her identity document reads {v}.',
    'Applicant {v} passed the check.',
  ],
  br_cpf: ['CPF do titular: {v}.', 'O comprador informou o CPF {v} na nota.', 'Registered under {v} at the Receita.'],
  br_cnpj: ['CNPJ da empresa: {v}.', 'Fornecedor {v} emitiu a fatura.', 'The supplier registration is {v}.'],
  ca_sin: ['SIN {v} belongs to the employee.', 'Social insurance number: {v}', 'The T4 shows {v} for the payee.'],
  uk_nino: ['National Insurance number {v} on the payslip.', 'NINO: {v}', 'HMRC matched {v} to the claimant.'],
  ip_address: [
    'Login from {v} was blocked.',
    'Acesso a partir do IP {v} registrado.',
    'The request came from {v} at noon.',
  ],
  date_of_birth: [
    'Patient born on {v} in Durban.',
    'DOB: {v}',
    'Data de nascimento: {v}.',
    'Nascido em {v}, em Recife.',
    'Date of birth {v} confirmed.',
    'Birthday: {v}',
  ],
};

const DISTRACTORS: Array<(r: Rand) => string> = [
  (r) =>
    `Order #${digits(r, 8)} shipped on 2025-${pad(int(r, 1, 12), 2)}-${pad(int(r, 1, 28), 2)}T${pad(int(r, 0, 23), 2)}:${pad(int(r, 0, 59), 2)}:${pad(int(r, 0, 59), 2)}Z.`,
  (r) =>
    `Upgraded to v${int(r, 1, 9)}.${int(r, 0, 20)}.${int(r, 0, 40)} and build ${int(r, 1, 9)}.${int(r, 0, 9)}.${int(r, 0, 9)}.${int(r, 0, 99)}.${int(r, 0, 9)}.`,
  (r) => `Pedido INV-${digits(r, 6)} no valor de R$ ${int(r, 10, 999)},${digits(r, 2)}.`,
  (r) => `The meeting moved to ${pad(int(r, 0, 23), 2)}:${pad(int(r, 0, 59), 2)} in room ${int(r, 100, 999)}.`,
  (r) =>
    `Ticket ${letters(r, 3)}-${digits(r, 5)} was closed on ${pad(int(r, 1, 28), 2)}/${pad(int(r, 1, 12), 2)}/2024.`,
  (r) => `Tracking ${letters(r, 2)}${digits(r, 9)}${letters(r, 2)} arrived.`,
  () => 'Nada mais a declarar sobre o assunto. 🙂',
];

/**
 * A checksum-invalid value of `type` that is not, by chance, a valid value of another type (a
 * broken ZA ID whose 13 digits happen to pass as a Visa is a Visa, not a look-alike).
 */
function lookAlike(r: Rand, type: PiiType): string {
  for (;;) {
    const value = GENERATORS[type](r, false);
    // Only the *other* types are consulted, so a look-alike the own-type validator wrongly accepts still counts as a false positive.
    const others = PII_TYPES.filter((t) => t !== type);
    if (scanPii(`x ${value} x`, { today: CORPUS_TODAY, types: others }).length === 0) return value;
  }
}

/** Generates documents of mixed sentences: `perType` valid values of every type, half as many look-alikes, and distractors. */
export function generateCorpus(options: CorpusOptions = {}): LabelledDocument[] {
  const r = prng(options.seed ?? 1);
  const perType = options.perType ?? 200;
  const per = options.sentencesPerDocument ?? 8;
  const items: Array<{ type: PiiType; valid: boolean } | null> = [];
  for (const type of PII_TYPES) {
    for (let i = 0; i < perType; i++) items.push({ type, valid: true });
    for (let i = 0; i < Math.ceil(perType / 2); i++) items.push({ type, valid: false });
  }
  for (let i = 0; i < perType * 2; i++) items.push(null);
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [items[i], items[j]] = [items[j] ?? null, items[i] ?? null];
  }
  const docs: LabelledDocument[] = [];
  for (let i = 0; i < items.length; i += per) {
    let text = '';
    const labels: Label[] = [];
    for (const item of items.slice(i, i + per)) {
      if (text) text += ' ';
      if (!item) {
        text += pick(r, DISTRACTORS)(r);
        continue;
      }
      const value = item.valid ? GENERATORS[item.type](r, true) : lookAlike(r, item.type);
      const frame = pick(r, FRAMES[item.type]);
      const at = frame.indexOf('{v}');
      const start = text.length + at;
      text += frame.replace('{v}', value);
      if (item.valid) labels.push({ type: item.type, start, end: start + value.length, value });
    }
    docs.push({ text, labels });
  }
  return docs;
}
