/**
 * The signed telemetry message, shared by the service (verify) and the simulator (sign).
 *
 * On the wire (MQTT payload on `azora/iot/<deviceId>/telemetry`, UTF-8 JSON, at most 64 KiB):
 *   { "v": 1, "deviceId": "…", "ts": <ms since epoch>, "nonce": "<base64url, 16–48 bytes>",
 *     "payload": { …the reading… }, "sig": "<base64 ML-DSA signature>" }
 *
 * What is signed: the UTF-8 bytes of the canonical encoding of { deviceId, nonce, payload, ts }
 * (canonicalEncoding from @azora/compliance-core: object keys sorted by UTF-16 code units, no
 * whitespace, strings in Unicode NFC, numbers as JSON/ECMAScript writes them), signed with
 * ML-DSA (FIPS 204, ML-DSA-44 or ML-DSA-65) under the FIPS 204 context string
 * `azora-iot/telemetry/v1`, which keeps these signatures from being valid for anything else.
 * Example: deviceId "d1", ts 1, nonce "n", payload {"b":2,"a":1} signs
 * `{"deviceId":"d1","nonce":"n","payload":{"a":1,"b":2},"ts":1}`.
 */
import { type Canonical, canonicalEncoding } from '@azora/compliance-core';
import { ml_dsa44, ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';

export const ALGORITHMS = ['ML-DSA-44', 'ML-DSA-65'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

const SCHEMES = { 'ML-DSA-44': ml_dsa44, 'ML-DSA-65': ml_dsa65 } as const;
const CONTEXT = new TextEncoder().encode('azora-iot/telemetry/v1');

export const MAX_MESSAGE_BYTES = 64 * 1024;
/** Letters, digits, `.`, `_`, `-`: safe as one MQTT topic level (no `/`, `+` or `#`). */
export const DEVICE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const NONCE = /^[A-Za-z0-9_-]{22,64}$/;

/** Where devices publish: `<root>/<deviceId>/telemetry` and `<root>/<deviceId>/status` (MQTT_TOPIC_ROOT). */
export const DEFAULT_TOPIC_ROOT = 'azora/iot';
export const telemetryTopic = (deviceId: string, root = DEFAULT_TOPIC_ROOT) => `${root}/${deviceId}/telemetry`;
export const statusTopic = (deviceId: string, root = DEFAULT_TOPIC_ROOT) => `${root}/${deviceId}/status`;

export interface Unsigned {
  deviceId: string;
  /** Milliseconds since the epoch, the device's clock. */
  ts: number;
  nonce: string;
  payload: { [key: string]: Canonical };
}

export interface Envelope extends Unsigned {
  v: 1;
  /** base64 */
  sig: string;
}

/** The bytes a signature covers (see the module comment). */
export function signedBytes(message: Unsigned): Uint8Array {
  const { deviceId, ts, nonce, payload } = message;
  return new TextEncoder().encode(canonicalEncoding({ deviceId, nonce, payload, ts }));
}

/** The algorithm of a public key, from its length (FIPS 204: 1312 bytes for ML-DSA-44, 1952 for -65). */
export function algorithmOfPublicKey(publicKey: Uint8Array): Algorithm | undefined {
  return ALGORITHMS.find((name) => SCHEMES[name].lengths.publicKey === publicKey.length);
}

export interface KeyPair {
  algorithm: Algorithm;
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

/** A key pair; from `seed` (32 bytes) when given, so a simulated device can keep its identity. */
export function generateKeyPair(algorithm: Algorithm, seed?: Uint8Array): KeyPair {
  const { publicKey, secretKey } = SCHEMES[algorithm].keygen(seed);
  return { algorithm, publicKey, secretKey };
}

export function sign(message: Unsigned, key: KeyPair): Envelope {
  const sig = SCHEMES[key.algorithm].sign(signedBytes(message), key.secretKey, { context: CONTEXT });
  return { v: 1, ...message, sig: Buffer.from(sig).toString('base64') };
}

export function verify(envelope: Envelope, algorithm: Algorithm, publicKey: Uint8Array): boolean {
  const sig = Buffer.from(envelope.sig, 'base64');
  if (sig.length !== SCHEMES[algorithm].lengths.signature) return false;
  try {
    return SCHEMES[algorithm].verify(sig, signedBytes(envelope), publicKey, { context: CONTEXT });
  } catch {
    return false;
  }
}

export type Parsed = { ok: true; envelope: Envelope } | { ok: false; detail: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Deepest nesting of objects and arrays accepted in a payload. */
export const MAX_PAYLOAD_DEPTH = 32;

/** What makes a payload unstorable (Postgres keeps no U+0000 in text or jsonb), or undefined. */
function payloadProblem(value: unknown, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? 'payload must not contain U+0000' : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth >= MAX_PAYLOAD_DEPTH) return `payload nested deeper than ${MAX_PAYLOAD_DEPTH} levels`;
  for (const [key, item] of Object.entries(value)) {
    const problem = payloadProblem(key) ?? payloadProblem(item, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

/** Checks the shape of a message as received; says what is wrong when it is not a message. */
export function parseEnvelope(raw: Uint8Array): Parsed {
  if (raw.length > MAX_MESSAGE_BYTES) return { ok: false, detail: `larger than ${MAX_MESSAGE_BYTES} bytes` };
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch {
    return { ok: false, detail: 'not JSON' };
  }
  if (!isObject(value)) return { ok: false, detail: 'not a JSON object' };
  const { v, deviceId, ts, nonce, payload, sig } = value;
  if (v !== 1) return { ok: false, detail: 'v must be 1' };
  if (typeof deviceId !== 'string' || !DEVICE_ID.test(deviceId)) return { ok: false, detail: 'bad deviceId' };
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts < 0) {
    return { ok: false, detail: 'ts must be whole milliseconds since the epoch' };
  }
  if (typeof nonce !== 'string' || !NONCE.test(nonce))
    return { ok: false, detail: 'nonce must be 22–64 base64url characters' };
  if (!isObject(payload)) return { ok: false, detail: 'payload must be a JSON object' };
  const problem = payloadProblem(payload);
  if (problem) return { ok: false, detail: problem };
  if (typeof sig !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(sig))
    return { ok: false, detail: 'sig must be base64' };
  return { ok: true, envelope: { v, deviceId, ts, nonce, payload: payload as Envelope['payload'], sig } };
}
