// The IoT devices page's rules, apart from React: the registration form checked as the service
// checks it (the public key's length says its algorithm), a refusal put beside its field, the
// words for rejection reasons and finding kinds, and who is offered which control.
import type { ApiError, NewDevice } from './api.ts';
import { sentence } from './reports.ts';

/** How often the page asks the service again (devices come online, messages arrive). */
export const REFRESH_MS = 5000;
/** The most recent rejections shown. */
export const REJECTIONS_SHOWN = 20;

export const ALGORITHMS = ['ML-DSA-44', 'ML-DSA-65'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];
/** FIPS 204 public key sizes. */
export const KEY_BYTES: Record<Algorithm, number> = { 'ML-DSA-44': 1312, 'ML-DSA-65': 1952 };

/** Offered while typing; any lower-case type is accepted. The health ones make readings PHI. */
export const DEVICE_TYPES = [
  'temperature-sensor',
  'humidity-sensor',
  'energy-meter',
  'health-sensor',
  'medical-device',
  'patient-monitor',
  'wearable-health',
] as const;

export const REJECTION_LABELS: Record<string, { label: string; why: string }> = {
  bad_signature: { label: 'Bad signature', why: 'not signed with the key the device registered' },
  replayed: { label: 'Replayed', why: 'a nonce the device had used before' },
  stale: { label: 'Stale', why: "its timestamp is too far from the service's clock" },
  unknown_device: { label: 'Unknown device', why: 'not registered, or decommissioned' },
  malformed: { label: 'Malformed', why: "not a telemetry message, or its device id is not its topic's" },
};

export const FINDING_LABELS: Record<string, string> = {
  hipaa_phi: 'Health information (PHI)',
  popia_sa_id: 'South African ID number',
  transfer_without_adequacy: 'Transfer without adequacy',
};

export const STATUS_LABELS: Record<string, string> = {
  online: 'Online',
  offline: 'Offline',
  decommissioned: 'Decommissioned',
};

/** The registration form as typed; `algorithm` '' means "the one the key's length says". */
export interface DeviceForm {
  id: string;
  type: string;
  location: string;
  jurisdiction: string;
  algorithm: '' | Algorithm;
  publicKey: string;
}
export type DeviceField = keyof DeviceForm;
export type DeviceErrors = Partial<Record<DeviceField, string>>;

export const EMPTY_DEVICE: DeviceForm = {
  id: '',
  type: '',
  location: '',
  jurisdiction: '',
  algorithm: '',
  publicKey: '',
};

const DEVICE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const TYPE = /^[a-z0-9][a-z0-9-]{0,63}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** How many bytes a base64 text holds (as Node decodes it), or null when it is not base64. */
export function base64Bytes(text: string): number | null {
  if (!BASE64.test(text)) return null;
  const data = text.replace(/=+$/, '').length;
  return Math.floor((data * 3) / 4);
}

/** The algorithm of a public key of `bytes` bytes, or undefined. */
export const algorithmOfKey = (bytes: number): Algorithm | undefined =>
  ALGORITHMS.find((algorithm) => KEY_BYTES[algorithm] === bytes);

/** What to send to register the device the form describes, or what to fix, field by field. */
export function deviceFrom(form: DeviceForm): { ok: true; device: NewDevice } | { ok: false; errors: DeviceErrors } {
  const errors: DeviceErrors = {};
  const id = form.id.trim();
  const type = form.type.trim();
  const location = form.location.trim();
  const jurisdiction = form.jurisdiction.trim().toUpperCase();
  // A pasted key may be wrapped over several lines.
  const publicKey = form.publicKey.replace(/\s+/g, '');

  if (!id) errors.id = 'Give the device an id, e.g. ward-3-monitor.';
  else if (!DEVICE_ID.test(id)) {
    errors.id = 'Use letters, digits, dots, dashes and underscores (at most 64), starting with a letter or digit.';
  }
  if (!type) errors.type = 'Say what kind of device it is, e.g. health-sensor.';
  else if (!TYPE.test(type)) errors.type = 'Use lower-case letters, digits and dashes, e.g. health-sensor.';
  if (!location) errors.location = 'Say where the device is, e.g. Ward 3, Groote Schuur.';
  else if (location.length > 200) errors.location = `At most 200 characters; this is ${location.length}.`;
  if (!/^[A-Z]{2}$/.test(jurisdiction)) {
    errors.jurisdiction = 'The two-letter country code (ISO 3166-1) where the device is, e.g. ZA or DE.';
  }

  let algorithm: Algorithm | undefined;
  if (!publicKey) errors.publicKey = "Paste the device's ML-DSA public key, in base64.";
  else {
    const bytes = base64Bytes(publicKey);
    if (bytes === null) {
      errors.publicKey = 'This is not base64: only A–Z, a–z, 0–9, + and /, with = at the end.';
    } else {
      algorithm = algorithmOfKey(bytes);
      if (!algorithm) {
        errors.publicKey = `An ML-DSA-44 public key is ${KEY_BYTES['ML-DSA-44']} bytes and an ML-DSA-65 one ${KEY_BYTES['ML-DSA-65']}; this one is ${bytes}.`;
      } else if (form.algorithm && form.algorithm !== algorithm) {
        errors.algorithm = `The key is an ${algorithm} key (${bytes} bytes), not ${form.algorithm}.`;
      }
    }
  }
  if (Object.keys(errors).length > 0 || !algorithm) return { ok: false, errors };
  return { ok: true, device: { id, type, location, jurisdiction, algorithm, publicKey } };
}

const FIELDS: readonly DeviceField[] = ['id', 'type', 'location', 'jurisdiction', 'algorithm', 'publicKey'];

/**
 * A refused registration, field by field: the service's per-field errors; an id already taken
 * (409) beside the id; a key it refused beside the key. `other`: show the message as it is.
 */
export function deviceErrors(error: Pick<ApiError, 'status' | 'message' | 'errors'>): {
  fields: DeviceErrors;
  other: boolean;
} {
  const fields: DeviceErrors = {};
  for (const item of error.errors) {
    const field = item.path as DeviceField;
    if (FIELDS.includes(field) && !fields[field]) fields[field] = sentence(item.message);
  }
  if (Object.keys(fields).length > 0) return { fields, other: false };
  if (error.status === 409) return { fields: { id: sentence(error.message) }, other: false };
  if (error.status === 400 && /publicKey|public key/i.test(error.message)) {
    return { fields: { publicKey: sentence(error.message.replace(/^publicKey\b/, 'the public key')) }, other: false };
  }
  return { fields, other: true };
}

/**
 * Registering is for an operator or a dpo. `roles`: what the service answered to `GET me`; null
 * when it could not say, and then offered, and the service decides.
 */
export const mayRegister = (roles: readonly string[] | null) =>
  roles === null || roles.includes('operator') || roles.includes('dpo');
/** Resolving a finding is for a dpo; offered too when the service could not say the roles. */
export const mayResolve = (roles: readonly string[] | null) => roles === null || roles.includes('dpo');

/**
 * The controls the page offers, by the roles the service answered (null: it could not say). A
 * refusal (the roles changed since) takes its control away; a refusal to register means neither
 * operator nor dpo, so not a dpo either: no resolving.
 */
export function iotControls(
  roles: readonly string[] | null,
  refused: { register: boolean; resolve: boolean },
): { register: boolean; resolve: boolean } {
  return {
    register: !refused.register && mayRegister(roles),
    resolve: !refused.resolve && !refused.register && mayResolve(roles),
  };
}
