// The Network page's rules: the shapes zero-rating and 5g-manager answer with, amounts in
// words (bytes, bitrates, latencies), a rule's validity and quota, a slice's or cell's load,
// the forms' bodies and their own checks, the services' 400s mapped onto the form's fields,
// a refused admission's reason in words, and who is offered the write controls.

// zero-rating (/api/zero-rating)

export interface ZrOperator {
  id: string;
  name: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  mccMnc: string;
  /** CIDR prefixes the operator's subscribers' addresses come from. */
  prefixes: string[];
  /** MSISDN prefixes (digits) of its numbers. */
  msisdnPrefixes: string[];
  updatedAt: string;
}
export interface ZrRule {
  id: string;
  operator: string;
  ratingGroup: number;
  hosts: string[];
  /** Empty: any path. */
  pathPrefixes: string[];
  validFrom: string | null;
  validUntil: string | null;
  monthlyQuotaBytes: number | null;
  updatedAt: string;
}
export interface Classification {
  zeroRated: boolean;
  operator: string | null;
  rule: string | null;
  ratingGroup: number | null;
  remainingBytes?: number;
  reason: string;
  subscriber: string;
  tableVersion: number;
}
export interface Usage {
  subscriber: string;
  month: string;
  totalBytes: number;
  rules: {
    rule: string;
    operator: string | null;
    usedBytes: number;
    monthlyQuotaBytes: number | null;
    remainingBytes: number | null;
  }[];
}

// 5g-manager (/api/5g-manager)

export interface Snssai {
  sst: number;
  sd?: string;
}
export interface SliceState {
  id: string;
  operator: string;
  snssai: Snssai;
  key: string;
  type: string;
  name: string;
  activeSessions: number;
  maxSessions: number;
  reservedBitrateKbps: number;
  guaranteedBitrateKbps: number;
  latencyBudgetMs: number;
  p95LatencyMs: number | null;
  latencySamples: number;
  latencyBreached: boolean;
}
export interface CellState {
  id: string;
  operator: string;
  name: string;
  tac: string;
  band: string;
  activeSessions: number;
  maxSessions: number;
  latest: { observedAt: string; loadPercent: number; throughputMbps: number; latencyMs: number } | null;
}
export interface NetworkSummary {
  generatedAt: string;
  windowSeconds: number;
  slices: SliceState[];
  cells: CellState[];
  breaches: string[];
}
export interface Slice {
  id: string;
  operatorId: string;
  snssai: Snssai;
  key: string;
  type: string;
  name: string;
  guaranteedBitrateKbps: number;
  reservedBitrateKbps: number;
  maxBitrateKbps: number;
  maxSessions: number;
  activeSessions: number;
  latencyBudgetMs: number;
}
export interface FiveGSubscriber {
  supi: string;
  operatorId: string;
  subscribedSnssais: Snssai[];
  defaultSnssais: Snssai[];
}
export interface PduSession {
  id: string;
  supi: string;
  snssai: Snssai;
  sliceId: string;
  cellId: string;
  bitrateKbps: number;
  status: 'active' | 'released' | (string & {});
  admittedBy: string;
  admittedAt: string;
  releasedAt: string | null;
}

/** How often the page asks 5g-manager for the slices', cells' and sessions' state again. */
export const REFRESH_MS = 10_000;

// Amounts in words

const NUMBER = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });
const WHOLE = new Intl.NumberFormat('en');

/** Bytes in binary units: "0 B", "512 B", "1.5 KiB", "2 GiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${NUMBER.format(unit === 0 ? Math.round(value) : Math.floor(value * 10) / 10)} ${units[unit]}`;
}

/** A bitrate given in kbps, in decimal units: "64 kbit/s", "1.5 Mbit/s", "2 Gbit/s". */
export function formatKbps(kbps: number): string {
  if (kbps >= 1_000_000) return `${NUMBER.format(kbps / 1_000_000)} Gbit/s`;
  if (kbps >= 1000) return `${NUMBER.format(kbps / 1000)} Mbit/s`;
  return `${NUMBER.format(kbps)} kbit/s`;
}

/** "100,000 kbps": the unit the admission form takes. */
export const kbpsExact = (kbps: number) => `${WHOLE.format(kbps)} kbps`;

/** Milliseconds, to a tenth: "5 ms", "12.3 ms". */
export const formatMs = (ms: number) => `${NUMBER.format(ms)} ms`;

const plural = (count: number, one: string, many = `${one}s`) => `${WHOLE.format(count)} ${count === 1 ? one : many}`;

/** An operator's prefixes counted: "2 address prefixes, 4 number prefixes". */
export function prefixesInWords(operator: Pick<ZrOperator, 'prefixes' | 'msisdnPrefixes'>): string {
  return `${plural(operator.prefixes.length, 'address prefix', 'address prefixes')}, ${plural(
    operator.msisdnPrefixes.length,
    'number prefix',
    'number prefixes',
  )}`;
}

/** A rule's monthly quota: "2 GiB a month per subscriber", or "No quota". */
export function quotaInWords(quota: number | null): string {
  return quota === null ? 'No quota' : `${formatBytes(quota)} a month per subscriber`;
}

/** "2026-01-01" at midnight UTC, else "2026-01-01 12:30 UTC". */
export function formatUtc(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const text = date.toISOString();
  return text.slice(11, 16) === '00:00' ? text.slice(0, 10) : `${text.slice(0, 10)} ${text.slice(11, 16)} UTC`;
}

export type ValidityState = 'active' | 'upcoming' | 'ended';

/** When a rule applies, in words, and whether it does now. */
export function validityInWords(
  rule: Pick<ZrRule, 'validFrom' | 'validUntil'>,
  now: number,
): { text: string; state: ValidityState } {
  const from = rule.validFrom === null ? null : Date.parse(rule.validFrom);
  const until = rule.validUntil === null ? null : Date.parse(rule.validUntil);
  const state: ValidityState =
    until !== null && until <= now ? 'ended' : from !== null && from > now ? 'upcoming' : 'active';
  let text: string;
  if (rule.validFrom === null && rule.validUntil === null) text = 'Always';
  else if (rule.validUntil === null) text = `From ${formatUtc(rule.validFrom as string)}`;
  else if (rule.validFrom === null) text = `Until ${formatUtc(rule.validUntil)}`;
  else text = `${formatUtc(rule.validFrom)} to ${formatUtc(rule.validUntil)}`;
  if (state === 'ended') text += ' (ended)';
  if (state === 'upcoming') text += ' (not yet)';
  return { text, state };
}

/** What the page says a classification came to, in one sentence. */
export function verdictHeadline(classification: Classification, host: string, operatorName?: string): string {
  const who = classification.subscriber;
  if (classification.zeroRated) {
    const by = operatorName ?? classification.operator ?? 'the operator';
    return `${host} is zero-rated for ${who} by ${by} (rule ${classification.rule}, rating group ${classification.ratingGroup}).`;
  }
  return `${host} is charged for ${who}: ${classification.reason}.`;
}

// S-NSSAI, slices and cells

/** "1-000001", or "1" without a differentiator (as 5g-manager keys slices). */
export const snssaiKey = (snssai: Snssai) =>
  snssai.sd === undefined ? String(snssai.sst) : `${snssai.sst}-${snssai.sd}`;

/** The S-NSSAI of a key such as "1-000001" or "128"; null when it is not one. */
export function parseSnssaiKey(key: string): Snssai | null {
  const match = /^(\d{1,3})(?:-([0-9A-Fa-f]{6}))?$/.exec(key.trim());
  if (!match) return null;
  const sst = Number(match[1]);
  if (sst < 1 || sst > 255) return null;
  return match[2] === undefined ? { sst } : { sst, sd: match[2].toUpperCase() };
}

/** "Consumer broadband (eMBB 1-000001)". */
export const sliceLabel = (slice: Pick<Slice, 'name' | 'type' | 'key'>) => `${slice.name} (${slice.type} ${slice.key})`;

/** "JHB-Braamfontein-1 (TAC 000101, n78)". */
export const cellLabel = (cell: Pick<CellState, 'name' | 'tac' | 'band'>) =>
  `${cell.name} (TAC ${cell.tac}, ${cell.band})`;

export type LoadLevel = 'low' | 'high' | 'full';

/** How full something is, 0–1, and its level: high from 80 %, full at 100 %. */
export function load(used: number, capacity: number): { ratio: number; level: LoadLevel } {
  const ratio = capacity > 0 ? Math.min(1, Math.max(0, used / capacity)) : 1;
  return { ratio, level: ratio >= 1 ? 'full' : ratio >= 0.8 ? 'high' : 'low' };
}

/** "1 / 500". */
export const sessionsInWords = (active: number, max: number) => `${WHOLE.format(active)} / ${WHOLE.format(max)}`;

/** "50 Mbit/s of 2 Gbit/s reserved". */
export const bitrateInWords = (reserved: number, guaranteed: number) =>
  `${formatKbps(reserved)} of ${formatKbps(guaranteed)} reserved`;

/** A slice's p95 latency against its budget: "p95 12 ms, budget 5 ms", or no samples (never a breach). */
export function latencyInWords(
  slice: Pick<SliceState, 'p95LatencyMs' | 'latencyBudgetMs' | 'latencyBreached' | 'latencySamples'>,
): { text: string; breached: boolean } {
  const budget = `budget ${formatMs(slice.latencyBudgetMs)}`;
  if (slice.p95LatencyMs === null) return { text: `No samples, ${budget}`, breached: false };
  return {
    text: `p95 ${formatMs(slice.p95LatencyMs)}, ${budget}`,
    breached: slice.latencyBreached,
  };
}

// 409: why a session was not admitted

export const REFUSALS: Record<string, { title: string; advice: string }> = {
  S_NSSAI_NOT_SUBSCRIBED: {
    title: 'Not subscribed to this slice',
    advice: 'The subscriber’s subscription does not include it; pick one of the slices they subscribe to.',
  },
  S_NSSAI_NOT_AVAILABLE_IN_TA: {
    title: 'Slice not offered in this cell’s area',
    advice: 'The cell’s tracking area does not offer this slice; pick a cell in an area that does.',
  },
  BITRATE_ABOVE_MAXIMUM: {
    title: 'Bitrate above the slice’s maximum',
    advice: 'Ask for at most the slice’s per-session maximum.',
  },
  BITRATE_NOT_GUARANTEED: {
    title: 'Not enough guaranteed bitrate left on the slice',
    advice: 'Ask for less, or release a session on the slice first.',
  },
  SLICE_FULL: { title: 'Slice full', advice: 'Every session the slice admits is in use; release one first.' },
  CELL_FULL: { title: 'Cell full', advice: 'The cell has all its sessions in use; pick another cell.' },
};

/** A refused admission's reason in words (a reason this page does not know still gets a title). */
export function refusalInWords(reason: string | undefined): { title: string; advice?: string } {
  return (reason && REFUSALS[reason]) || { title: 'Not admitted' };
}

// Forms

/** The service's detail as a sentence. */
export const sentence = (text: string) => {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
};

/**
 * A 400's field errors (`{ path, message }`, paths like `snssai.sst` or `flows[0].host`)
 * put on the form's fields: a path belongs to the first field it is, or is under; the first
 * message for a field wins; the rest are returned to show above the form.
 */
export function fieldErrorsFrom<F extends string>(
  errors: readonly { path: string; message: string }[],
  fields: readonly F[],
): { fields: Partial<Record<F, string>>; other: string[] } {
  const mapped: Partial<Record<F, string>> = {};
  const other: string[] = [];
  for (const error of errors) {
    const field = fields.find(
      (name) => error.path === name || error.path.startsWith(`${name}.`) || error.path.startsWith(`${name}[`),
    );
    if (field === undefined) other.push(error.path ? `${error.path}: ${error.message}` : error.message);
    else mapped[field] ??= sentence(error.message);
  }
  return { fields: mapped, other };
}

export type ClassifyField = 'clientIp' | 'msisdn' | 'host' | 'path';
export const CLASSIFY_FIELDS: readonly ClassifyField[] = ['clientIp', 'msisdn', 'host', 'path'];
export type Flow = { clientIp?: string; msisdn?: string; host: string; path?: string };

/**
 * The classify request for the form, or what is missing. Only what is missing is checked
 * here: whether an address, number, host or path is valid the service says (its 400).
 */
export function flowFrom(
  form: Record<ClassifyField, string>,
): { ok: true; flow: Flow } | { ok: false; errors: Partial<Record<ClassifyField, string>> } {
  const clientIp = form.clientIp.trim();
  const msisdn = form.msisdn.trim().replace(/[\s-]/g, '');
  const host = form.host.trim();
  const path = form.path.trim();
  const errors: Partial<Record<ClassifyField, string>> = {};
  if (!clientIp && !msisdn) errors.clientIp = 'Enter the subscriber’s IP address or MSISDN (or both).';
  if (!host) errors.host = 'Enter the host the flow goes to, e.g. www.up.ac.za.';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    flow: { ...(clientIp ? { clientIp } : {}), ...(msisdn ? { msisdn } : {}), host, ...(path ? { path } : {}) },
  };
}

export type UsageField = 'subscriber' | 'month';
export const USAGE_FIELDS: readonly UsageField[] = ['subscriber', 'month'];

/** The usage lookup's path (month optional: the service takes the current one), or what is missing. */
export function usagePath(
  subscriber: string,
  month: string,
): { ok: true; path: string } | { ok: false; errors: Partial<Record<UsageField, string>> } {
  const who = subscriber.trim().replace(/[\s-]/g, '');
  if (!who) return { ok: false, errors: { subscriber: 'Enter an MSISDN or an IP address.' } };
  const query = month.trim() ? `?${new URLSearchParams({ month: month.trim() })}` : '';
  return { ok: true, path: `usage/${encodeURIComponent(who)}${query}` };
}

export type AdmitField = 'supi' | 'snssai' | 'cellId' | 'bitrateKbps';
export const ADMIT_FIELDS: readonly AdmitField[] = ['supi', 'snssai', 'cellId', 'bitrateKbps'];
export interface AdmitRequest {
  supi: string;
  snssai: Snssai;
  cellId: string;
  bitrateKbps: number;
}

/** The admission request for the form, or what is missing or not a number; the service checks the rest. */
export function admissionFrom(
  form: Record<AdmitField, string>,
): { ok: true; request: AdmitRequest } | { ok: false; errors: Partial<Record<AdmitField, string>> } {
  const errors: Partial<Record<AdmitField, string>> = {};
  const supi = form.supi.trim();
  const snssai = parseSnssaiKey(form.snssai);
  const bitrate = form.bitrateKbps.trim().replace(/[\s,_]/g, '');
  if (!supi) errors.supi = 'Enter the subscriber’s SUPI, e.g. imsi-001010000000001.';
  if (!snssai) errors.snssai = 'Pick the slice.';
  if (!form.cellId) errors.cellId = 'Pick the cell.';
  if (!bitrate) errors.bitrateKbps = 'Enter the bitrate in kbps.';
  else if (!/^\d+$/.test(bitrate)) errors.bitrateKbps = 'The bitrate is a whole number of kbps, e.g. 20000.';
  if (Object.keys(errors).length > 0 || !snssai) return { ok: false, errors };
  return { ok: true, request: { supi, snssai, cellId: form.cellId, bitrateKbps: Number(bitrate) } };
}

/** A 404 from an admission names what the service does not know: put it on that field. */
export function admissionNotFound(message: string): AdmitField | null {
  if (/subscriber/i.test(message)) return 'supi';
  if (/\bcell\b/i.test(message)) return 'cellId';
  if (/slice|S-NSSAI/i.test(message)) return 'snssai';
  return null;
}

/**
 * Whether to offer Admit and Release: to an operator or admin. Unknown roles (5g-manager has
 * not said who the credential is) get no controls: no write would go through without its answer.
 */
export function mayWrite(roles: readonly string[] | null): boolean {
  return roles?.some((role) => role === 'operator' || role === 'admin') ?? false;
}

/** "3f2a9c…e41d": a session id shortened for the eye. */
export const shortId = (id: string) => (id.length > 12 ? `${id.slice(0, 6)}…${id.slice(-4)}` : id);
