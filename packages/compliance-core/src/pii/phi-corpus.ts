/**
 * A seeded, labelled corpus of synthetic clinical notes for measuring `scanPhi`: progress notes,
 * discharge summaries, referral letters, lab results and billing notes, each carrying labelled
 * spans of HIPAA identifiers in varied formats, mixed with hard negatives that look like
 * identifiers but are not (drug doses, lab values, vitals, ICD-10 and CPT codes, ages,
 * durations, bare years, dates of guidelines, clinician-facing text without patient details).
 * All people, numbers and addresses are made up; labels are exact spans.
 */
import { prng } from './corpus.ts';
import type { PhiType } from './phi.ts';
import { luhn } from './validators.ts';

/** HIPAA identifier types labelled in the corpus: the detector's (phi.ts). */
export type { PhiType } from './phi.ts';

export interface PhiLabel {
  type: PhiType;
  start: number;
  end: number;
  value: string;
}

export type NoteKind = 'progress' | 'discharge' | 'referral' | 'lab' | 'billing';

export interface PhiDocument {
  kind: NoteKind;
  text: string;
  labels: PhiLabel[];
}

export interface PhiCorpusOptions {
  seed?: number;
  /** Number of notes (default 500). */
  notes?: number;
}

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const digits = (r: Rand, n: number) => Array.from({ length: n }, () => String(int(r, 0, 9))).join('');
const pad = (n: number, w: number) => String(n).padStart(w, '0');
const upper = (r: Rand, n: number, alphabet = 'ABCDEFGHJKLMNPRSTUVWXYZ') =>
  Array.from({ length: n }, () => pick(r, [...alphabet])).join('');

/** A piece of a note: literal text, or a labelled PHI value. */
type Part = string | { type: PhiType; value: string };
const v = (type: PhiType, value: string): Part => ({ type, value });

const FIRST = [
  'Maria',
  'John',
  'Jane',
  'Aisha',
  'Wei',
  'José',
  'Siobhan',
  'Thabo',
  'Priya',
  'Chloé',
  'Robert',
  'Linda',
  'Mohammed',
  'Olga',
  'Kenji',
  'Fatima',
  'Daniel',
  'Grace',
  'Luis',
  'Amara',
  'Anne-Marie',
  'Zoë',
  'Björn',
  'Nnamdi',
];
const LAST = [
  'Lopez',
  'Smith',
  'Patel',
  "O'Brien",
  'Nguyen',
  'Smith-Jones',
  'McDonald',
  'Okafor',
  'Müller',
  'García',
  'Johnson',
  'Kowalski',
  'Haddad',
  'Tanaka',
  'Brown',
  'Naidoo',
  'Williams',
  'Rossi',
  'Chen',
  'Dubois',
  "D'Angelo",
  'Ó Súilleabháin',
  'MacLeod',
];
const STREETS = [
  'Elm',
  'Oak Ridge',
  'Maple',
  'Harbor',
  'Washington',
  'Cedar Hill',
  'Lincoln',
  'Pine',
  'Sunset',
  'Main',
  '5th',
  '42nd',
];
const SUFFIXES = ['Street', 'St', 'Avenue', 'Ave', 'Road', 'Rd', 'Blvd', 'Lane', 'Dr', 'Court', 'Way', 'Place'];
const CITIES: Array<[string, string]> = [
  ['Springfield', 'IL'],
  ['Boston', 'MA'],
  ['Austin', 'TX'],
  ['Portland', 'OR'],
  ['Fresno', 'CA'],
  ['Albany', 'NY'],
  ['Tampa', 'FL'],
  ['Madison', 'WI'],
];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_LONG = [
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
const DOCTORS = ['Patel', 'Nguyen', 'Okafor', 'Rossi', 'Haddad', 'Kim', 'Schwartz', 'Adeyemi', 'Moreau', 'Lindqvist'];

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

function date(r: Rand, yearLo: number, yearHi: number): string {
  const y = int(r, yearLo, yearHi);
  const m = int(r, 1, 12);
  const d = int(r, 1, daysIn(y, m));
  return pick(r, [
    () => `${pad(m, 2)}/${pad(d, 2)}/${y}`,
    () => `${m}/${d}/${y}`,
    () => `${d} ${MONTHS[m - 1]} ${y}`,
    () => `${MONTHS_LONG[m - 1]} ${d}, ${y}`,
    () => `${y}-${pad(m, 2)}-${pad(d, 2)}`,
    () => `${pad(d, 2)}-${MONTHS[m - 1]}-${y}`,
    () => `${pad(m, 2)}-${pad(d, 2)}-${y}`,
    () => `${MONTHS_LONG[m - 1]} ${d} ${y}`,
  ])();
}
const dob = (r: Rand) => date(r, 1930, 2015);
const recent = (r: Rand) => date(r, 2022, 2025);

function personName(r: Rand): string {
  const first = pick(r, FIRST);
  const last = pick(r, LAST);
  return pick(r, [() => `${first} ${last}`, () => `${first} ${last}`, () => `${first} ${upper(r, 1)}. ${last}`])();
}

function phone(r: Rand): string {
  const nxx = () => `${int(r, 2, 9)}${digits(r, 2)}`;
  return pick(r, [
    () => `(${nxx()}) ${nxx()}-${digits(r, 4)}`,
    () => `${nxx()}-${nxx()}-${digits(r, 4)}`,
    () => `${nxx()}.${nxx()}.${digits(r, 4)}`,
    () => `+1 ${nxx()} ${nxx()} ${digits(r, 4)}`,
    () => `1-${nxx()}-${nxx()}-${digits(r, 4)}`,
    () => `(${nxx()})${nxx()}-${digits(r, 4)}`,
  ])();
}

function email(r: Rand): string {
  const f = pick(r, FIRST)
    .toLowerCase()
    .normalize('NFD')
    .replace(/[^a-z]/g, '');
  const l = pick(r, LAST)
    .toLowerCase()
    .normalize('NFD')
    .replace(/[^a-z]/g, '');
  return `${f}${pick(r, ['.', '_', ''])}${l}${r() < 0.5 ? int(r, 1, 99) : ''}@${pick(r, ['gmail.com', 'yahoo.com', 'outlook.com', 'comcast.net', 'icloud.com', 'mail.uni-example.edu', 'proton.me'])}`;
}

function ssn(r: Rand): string {
  let area = int(r, 1, 899);
  if (area === 666) area = 667;
  return `${pad(area, 3)}-${pad(int(r, 1, 99), 2)}-${pad(int(r, 1, 9999), 4)}`;
}

function mrn(r: Rand): Part[] {
  return pick(r, [
    () => ['MRN: ', v('mrn', digits(r, 8))],
    () => ['MRN# ', v('mrn', `${int(r, 1, 9)}${digits(r, 6)}`)],
    () => ['Medical record number: ', v('mrn', `MR-${digits(r, 7)}`)],
    () => ['Med Rec #: ', v('mrn', digits(r, 9))],
    () => ['medical record # ', v('mrn', `${upper(r, 1)}${digits(r, 7)}`)],
    () => ['MRN ', v('mrn', `${digits(r, 3)}-${digits(r, 3)}-${digits(r, 3)}`)],
    () => ['Chart #: ', v('mrn', digits(r, 7))],
    () => ['Patient ID: ', v('mrn', `PID${digits(r, 8)}`)],
  ])();
}

function healthPlan(r: Rand): Part[] {
  const mbi = () => {
    const a = 'ACDEFGHJKMNPQRTUVWXY';
    const an = `${a}0123456789`;
    return `${int(r, 1, 9)}${upper(r, 1, a)}${upper(r, 1, an)}${digits(r, 1)}-${upper(r, 1, a)}${upper(r, 1, an)}${digits(r, 1)}-${upper(r, 2, a)}${digits(r, 2)}`;
  };
  return pick(r, [
    () => ['Member ID: ', v('health_plan_id', `${upper(r, 3)}${digits(r, 9)}`)],
    () => ['Medicare MBI ', v('health_plan_id', mbi())],
    () => ['Subscriber ID ', v('health_plan_id', `W${digits(r, 9)}`)],
    () => ['Policy #: ', v('health_plan_id', `${upper(r, 3)}-${digits(r, 8)}`)],
    () => ['Medicaid ID: ', v('health_plan_id', `${digits(r, 8)}${upper(r, 1)}`)],
    () => ['health plan beneficiary number ', v('health_plan_id', `${upper(r, 2)}${digits(r, 10)}`)],
  ])();
}

function luhnComplete(r: Rand, prefix: string, length: number): string {
  const body = prefix + digits(r, length - prefix.length - 1);
  for (let c = 0; c <= 9; c++) if (luhn(body + c)) return body + c;
  throw new Error('unreachable');
}

function account(r: Rand): Part[] {
  return pick(r, [
    () => ['Account #: ', v('account_number', digits(r, 8))],
    () => ['Acct no. ', v('account_number', `${digits(r, 3)}-${digits(r, 2)}-${digits(r, 4)}`)],
    () => ['patient account number ', v('account_number', `PA${digits(r, 9)}`)],
    () => [
      'Card on file: ',
      v(
        'account_number',
        luhnComplete(r, '4', 16)
          .replace(/(\d{4})(?=\d)/g, '$1 ')
          .trim(),
      ),
    ],
    () => ['Billing account ', v('account_number', `${digits(r, 4)}-${digits(r, 6)}`)],
  ])();
}

function licence(r: Rand): Part[] {
  const dea = () => {
    const d = digits(r, 6);
    const n = d.split('').map(Number);
    const check = ((n[0] ?? 0) + (n[2] ?? 0) + (n[4] ?? 0) + 2 * ((n[1] ?? 0) + (n[3] ?? 0) + (n[5] ?? 0))) % 10;
    return `${pick(r, ['A', 'B', 'F', 'M'])}${upper(r, 1)}${d}${check}`;
  };
  return pick(r, [
    () => ["Driver's license: ", v('license_number', `${upper(r, 1)}${digits(r, 7)}`)],
    () => ['DL# ', v('license_number', `${upper(r, 1)}${digits(r, 3)}-${digits(r, 4)}-${digits(r, 4)}`)],
    () => ['Nursing license no. ', v('license_number', `RN${digits(r, 6)}`)],
    () => ['DEA # ', v('license_number', dea())],
    () => ['Certificate number ', v('license_number', `${digits(r, 2)}-${digits(r, 6)}`)],
  ])();
}

const VIN_CHARS = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';
const VIN_VALUE: Record<string, number> = Object.fromEntries(
  [...'ABCDEFGHJKLMNPRSTUVWXYZ'].map((c) => [
    c,
    {
      A: 1,
      B: 2,
      C: 3,
      D: 4,
      E: 5,
      F: 6,
      G: 7,
      H: 8,
      J: 1,
      K: 2,
      L: 3,
      M: 4,
      N: 5,
      P: 7,
      R: 9,
      S: 2,
      T: 3,
      U: 4,
      V: 5,
      W: 6,
      X: 7,
      Y: 8,
      Z: 9,
    }[c] ?? 0,
  ]),
);
const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

function vin(r: Rand): string {
  const chars = Array.from({ length: 17 }, () => pick(r, [...VIN_CHARS]));
  const sum = chars.reduce(
    (s, c, i) => s + (/\d/.test(c) ? Number(c) : (VIN_VALUE[c] ?? 0)) * (VIN_WEIGHTS[i] ?? 0),
    0,
  );
  const check = sum % 11;
  chars[8] = check === 10 ? 'X' : String(check);
  return chars.join('');
}

function device(r: Rand): Part[] {
  return pick(r, [
    () => ['Pacemaker serial number: ', v('device_id', `${upper(r, 3)}${digits(r, 6)}${upper(r, 1)}`)],
    () => ['insulin pump S/N ', v('device_id', `${digits(r, 1)}${upper(r, 2)}-${digits(r, 5)}-${upper(r, 1)}`)],
    () => ['CGM device ID ', v('device_id', `${upper(r, 2)}${digits(r, 8)}`)],
    () => ['hearing aid serial # ', v('device_id', `${digits(r, 10)}`)],
    () => ['phone IMEI ', v('device_id', luhnComplete(r, '35', 15))],
    () => ['implant UDI ', v('device_id', `(01)${digits(r, 14)}(21)${upper(r, 2)}${digits(r, 5)}`)],
  ])();
}

function address(r: Rand): Part[] {
  const [city, state] = pick(r, CITIES);
  const street = `${int(r, 1, 9999)} ${r() < 0.2 ? `${pick(r, ['N.', 'S.', 'E.', 'W.'])} ` : ''}${pick(r, STREETS)} ${pick(r, SUFFIXES)}`;
  const unit =
    r() < 0.3 ? `, ${pick(r, ['Apt', 'Unit', 'Suite'])} ${int(r, 1, 40)}${r() < 0.5 ? upper(r, 1, 'ABCD') : ''}` : '';
  const zip = r() < 0.8 ? pad(int(r, 1001, 99950), 5) : `${pad(int(r, 1001, 99950), 5)}-${digits(r, 4)}`;
  return [v('street_address', street + unit), `, ${city}, ${state} `, v('zip_code', zip)];
}

function ip(r: Rand): string {
  return Array.from({ length: 4 }, () => String(int(r, 1, 254))).join('.');
}

function sin(r: Rand): string {
  return luhnComplete(r, String(pick(r, [1, 2, 4, 5, 6, 7, 9])), 9).replace(/(\d{3})(?=\d)/g, '$1 ');
}

// ---------- hard negatives: identifier-shaped text that is not PHI ----------

const DRUGS = ['Metformin', 'Lisinopril', 'Atorvastatin', 'Amlodipine', 'Levothyroxine', 'Apixaban', 'Sertraline'];
function negative(r: Rand): string {
  return pick(r, [
    () =>
      `${pick(r, DRUGS)} ${pick(r, ['5', '10', '20', '25', '40', '500', '850', '1000'])} mg PO ${pick(r, ['daily', 'BID', 'TID', 'at bedtime'])}.`,
    () =>
      `BP ${int(r, 100, 170)}/${int(r, 60, 100)}, HR ${int(r, 50, 110)}, RR ${int(r, 12, 22)}, SpO2 ${int(r, 90, 100)}%, Temp ${int(r, 36, 38)}.${int(r, 0, 9)} C.`,
    () => `A1c ${int(r, 5, 11)}.${int(r, 0, 9)}%, LDL ${int(r, 60, 190)} mg/dL, eGFR ${int(r, 20, 110)} mL/min/1.73m2.`,
    () =>
      `WBC ${int(r, 3, 15)}.${int(r, 0, 9)} x10^9/L, Hgb ${int(r, 8, 17)}.${int(r, 0, 9)} g/dL, Plt ${int(r, 120, 450)}.`,
    () =>
      `Dx: ${pick(r, ['E11.9', 'I10', 'J45.909', 'N18.3', 'F32.1', 'M54.5', 'E78.5', 'Z79.4'])} ${pick(r, ['Type 2 Diabetes Mellitus', 'Essential Hypertension', 'Moderate Persistent Asthma', 'Chronic Kidney Disease'])}.`,
    () => `CPT ${pick(r, ['99213', '99214', '93000', '80053', '36415'])} billed.`,
    () =>
      `${int(r, 18, 95)}-year-old with ${pick(r, ['Parkinson Disease', 'Hodgkin Lymphoma', 'Crohn Disease', 'Graves Disease'])}.`,
    () => `Follow up in ${int(r, 2, 8)} ${pick(r, ['weeks', 'months', 'days'])}.`,
    () => `Symptoms for ${int(r, 2, 14)} days; smoker since ${int(r, 1970, 2015)}, quit in ${int(r, 1990, 2024)}.`,
    () => `Patient tolerated the procedure well. Dr. on call notified.`,
    () =>
      `Per ADA Standards of Care ${int(r, 2019, 2025)}, guideline revised ${int(r, 2019, 2024)}-${pad(int(r, 1, 12), 2)}-01.`,
    () => `Room ${int(r, 100, 899)}, bed ${int(r, 1, 4)}; call extension ${int(r, 1000, 9999)} for the charge nurse.`,
    () => `Plan: Continue Current Regimen, Recheck Labs. Return precautions reviewed.`,
    () => `Apgar ${int(r, 6, 9)} and ${int(r, 8, 10)}; weight ${int(r, 2500, 4200)} g.`,
    () => `Lot ${upper(r, 2)}${digits(r, 4)} of influenza vaccine, ${pick(r, ['0.5', '0.25'])} mL IM.`,
    () => `Pain ${int(r, 0, 10)}/10. Ambulating ${int(r, 50, 300)} ft with walker.`,
    () => `Springfield General Hospital Cardiology Clinic, Suite B.`,
    () => `NDC ${pad(int(r, 1, 99999), 5)}-${pad(int(r, 1, 9999), 4)}-${pad(int(r, 1, 99), 2)} dispensed.`,
    () => `LOINC ${int(r, 1000, 99999)}-${int(r, 0, 9)} resulted at ${pad(int(r, 0, 23), 2)}:${pad(int(r, 0, 59), 2)}.`,
    () => `Glucose ${int(r, 60, 300)} mg/dL (ref range 70-99).`,
    () => `Patient Education Materials provided. Contact: Nursing Station for questions.`,
    () => `Order ${digits(r, 8)} sent to the lab; tube ${int(r, 1, 6)} of ${int(r, 6, 8)}.`,
    () =>
      `Weight ${int(r, 45, 140)}.${int(r, 0, 9)} kg, height ${int(r, 140, 200)} cm, BMI ${int(r, 17, 45)}.${int(r, 0, 9)}.`,
  ])();
}

// ---------- note templates ----------

function sentence(r: Rand, parts: Part[]): Part[] {
  return [...parts, ' ', negative(r), ' '];
}

function progressNote(r: Rand): Part[] {
  const doc = pick(r, DOCTORS);
  const kw = pick(r, ['Patient: ', 'Patient name: ', 'pt ', 'Name: ', 'PATIENT NAME: ', 'Pt: ']);
  return [
    'PROGRESS NOTE\n',
    kw,
    v('name', personName(r)),
    '  DOB: ',
    v('date', dob(r)),
    '  ',
    ...mrn(r),
    '\n',
    'Date of service: ',
    v('date', recent(r)),
    '. Seen by Dr. ',
    v('name', doc),
    ' in clinic. ',
    negative(r),
    ' ',
    negative(r),
    '\n',
    ...sentence(r, ['Patient reports good adherence. ', negative(r)]),
    ...(r() < 0.5 ? ['Device check: ', ...device(r), '. '] : []),
    ...(r() < 0.4 ? ['Portal login from ', v('ip_address', ip(r)), ' flagged for review. '] : []),
    negative(r),
    '\nElectronically signed by Dr. ',
    v('name', `${pick(r, FIRST)} ${doc}`),
    ', MD\n',
  ];
}

function dischargeSummary(r: Rand): Part[] {
  const title = pick(r, ['Mr. ', 'Mrs. ', 'Ms. ']);
  return [
    'DISCHARGE SUMMARY\n',
    'Patient: ',
    v('name', personName(r)),
    ', ',
    ...mrn(r),
    '\nAdmitted: ',
    v('date', recent(r)),
    '   Discharged: ',
    v('date', recent(r)),
    '\n',
    title,
    v('name', pick(r, LAST)),
    ' was admitted for ',
    pick(r, ['community-acquired pneumonia', 'CHF exacerbation', 'DKA', 'cellulitis of the left leg']),
    '. ',
    negative(r),
    ' ',
    negative(r),
    '\n',
    ...(r() < 0.3
      ? ['Involved in a motor vehicle collision as driver, VIN ', v('vehicle_id', vin(r)), '. ']
      : ['Discharged home with family. ']),
    'Emergency contact: ',
    v('name', personName(r)),
    ' (',
    pick(r, ['spouse', 'daughter', 'son', 'sister']),
    '), ',
    v('phone', phone(r)),
    '.\n',
    ...(r() < 0.3 ? ['Fax records to ', v('phone', phone(r)), '. '] : []),
    'Home address: ',
    ...address(r),
    '.\n',
    ...(r() < 0.2 ? ['Date of death: ', v('date', recent(r)), '. '] : []),
    negative(r),
    ' Follow up with Dr. ',
    v('name', pick(r, DOCTORS)),
    ' in 2 weeks.\n',
  ];
}

function referralLetter(r: Rand): Part[] {
  const doc = pick(r, DOCTORS);
  const pt = personName(r);
  return [
    'Dear Dr. ',
    v('name', doc),
    ',\n',
    'Re: ',
    v('name', pt),
    ', born on ',
    v('date', dob(r)),
    '\n',
    'I am referring this patient for evaluation of ',
    pick(r, ['resistant hypertension', 'chronic cough', 'anemia', 'atrial fibrillation']),
    '. ',
    negative(r),
    ' ',
    negative(r),
    '\n',
    'Contact the patient at ',
    v('phone', phone(r)),
    ' or ',
    v('email', email(r)),
    '. ',
    ...(r() < 0.5 ? ['SSN ', v('ssn', ssn(r)), ' on file. '] : []),
    ...(r() < 0.2 ? ['Canadian SIN ', v('national_id', sin(r)), ' provided. '] : []),
    ...(r() < 0.4 ? [...licence(r), ' presented at registration. '] : []),
    '\n',
    negative(r),
    '\nSincerely,\nDr. ',
    v('name', `${pick(r, FIRST)} ${pick(r, DOCTORS)}`),
    '\n',
  ];
}

function labResult(r: Rand): Part[] {
  return [
    'LABORATORY REPORT\n',
    'Name: ',
    v('name', r() < 0.3 ? `${pick(r, LAST)}, ${pick(r, FIRST)}`.toUpperCase() : `${pick(r, LAST)}, ${pick(r, FIRST)}`),
    '   ',
    ...mrn(r),
    '   DOB ',
    v('date', dob(r)),
    '\nCollected: ',
    v('date', recent(r)),
    '  Reported: ',
    v('date', recent(r)),
    '\n',
    negative(r),
    '\n',
    negative(r),
    '\n',
    negative(r),
    '\nOrdering provider: Dr. ',
    v('name', pick(r, DOCTORS)),
    '. ',
    negative(r),
    '\n',
  ];
}

function billingNote(r: Rand): Part[] {
  return [
    'BILLING NOTE\n',
    'Guarantor: ',
    v('name', personName(r)),
    '\n',
    ...healthPlan(r),
    '; ',
    ...account(r),
    '\n',
    'Mailing address: ',
    ...address(r),
    '\n',
    ...(r() < 0.5 ? ['Email statement to ', v('email', email(r)), '. '] : []),
    ...(r() < 0.4 ? [...licence(r), ' on file. '] : []),
    'Visit date ',
    v('date', recent(r)),
    '. ',
    negative(r),
    ' ',
    negative(r),
    '\n',
    ...(r() < 0.5 ? ['Call ', v('phone', phone(r)), ' regarding balance. '] : []),
    negative(r),
    '\n',
  ];
}

const TEMPLATES: Record<NoteKind, (r: Rand) => Part[]> = {
  progress: progressNote,
  discharge: dischargeSummary,
  referral: referralLetter,
  lab: labResult,
  billing: billingNote,
};

function assemble(kind: NoteKind, parts: Part[]): PhiDocument {
  let text = '';
  const labels: PhiLabel[] = [];
  for (const p of parts) {
    if (typeof p === 'string') text += p;
    else {
      labels.push({ type: p.type, start: text.length, end: text.length + p.value.length, value: p.value });
      text += p.value;
    }
  }
  return { kind, text, labels };
}

/** Deterministic for a seed: the same seed gives the same notes and labels. */
export function generatePhiCorpus(options: PhiCorpusOptions = {}): PhiDocument[] {
  const r = prng(options.seed ?? 1401);
  const kinds = Object.keys(TEMPLATES) as NoteKind[];
  return Array.from({ length: options.notes ?? 500 }, (_, i) => {
    const kind = kinds[i % kinds.length] as NoteKind;
    return assemble(kind, TEMPLATES[kind](r));
  });
}
