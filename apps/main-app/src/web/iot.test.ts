// The IoT devices page's rules: the registration form checked as the service checks it (the
// key's length says its algorithm), refusals beside their fields, and controls by role.
import { describe, expect, it } from 'vitest';
import { base64Bytes, type DeviceForm, deviceErrors, deviceFrom, iotControls, mayRegister, mayResolve } from './iot.ts';

/** A base64 text of `bytes` bytes (the content does not matter to the form). */
const keyOf = (bytes: number) => btoa(String.fromCharCode(...new Uint8Array(bytes).map((_, i) => i % 251)));

const FORM: DeviceForm = {
  id: 'ward-3-monitor',
  type: 'health-sensor',
  location: 'Ward 3, Groote Schuur',
  jurisdiction: 'za',
  algorithm: '',
  publicKey: keyOf(1312),
};

describe('deviceFrom', () => {
  it('sends the device with the country code in capitals and the algorithm the key’s length says', () => {
    const result = deviceFrom({ ...FORM, id: ' ward-3-monitor ', location: ' Ward 3, Groote Schuur ' });
    expect(result).toEqual({
      ok: true,
      device: {
        id: 'ward-3-monitor',
        type: 'health-sensor',
        location: 'Ward 3, Groote Schuur',
        jurisdiction: 'ZA',
        algorithm: 'ML-DSA-44',
        publicKey: FORM.publicKey,
      },
    });
    const big = deviceFrom({ ...FORM, publicKey: keyOf(1952), algorithm: 'ML-DSA-65' });
    expect(big.ok && big.device.algorithm).toBe('ML-DSA-65');
  });

  it('ignores the line breaks of a pasted key', () => {
    const wrapped = FORM.publicKey.replace(/(.{64})/g, '$1\n');
    const result = deviceFrom({ ...FORM, publicKey: `\n${wrapped}\n` });
    expect(result.ok && result.device.publicKey).toBe(FORM.publicKey);
  });

  it('says what is missing, field by field', () => {
    const result = deviceFrom({ id: '', type: '', location: ' ', jurisdiction: '', algorithm: '', publicKey: '' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(['id', 'jurisdiction', 'location', 'publicKey', 'type']);
  });

  it('refuses ids, types and country codes the service would refuse', () => {
    const result = deviceFrom({ ...FORM, id: 'ward/3', type: 'Health Sensor', jurisdiction: 'ZAF' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.id).toMatch(/letters, digits/);
    expect(result.errors.type).toMatch(/lower-case/);
    expect(result.errors.jurisdiction).toMatch(/two-letter/);
    expect(deviceFrom({ ...FORM, id: '-leading' }).ok).toBe(false);
    expect(deviceFrom({ ...FORM, id: 'a'.repeat(65) }).ok).toBe(false);
    expect(deviceFrom({ ...FORM, id: `a${'b'.repeat(63)}` }).ok).toBe(true);
  });

  it('refuses a key that is not base64, or not an ML-DSA public key, saying its size', () => {
    const notBase64 = deviceFrom({ ...FORM, publicKey: '-----BEGIN PUBLIC KEY-----' });
    expect(!notBase64.ok && notBase64.errors.publicKey).toMatch(/not base64/);
    const short = deviceFrom({ ...FORM, publicKey: keyOf(32) });
    expect(!short.ok && short.errors.publicKey).toMatch(/1312 bytes .* 1952; this one is 32\./);
  });

  it('refuses an algorithm the key is not', () => {
    const result = deviceFrom({ ...FORM, algorithm: 'ML-DSA-65' });
    expect(!result.ok && result.errors).toEqual({
      algorithm: 'The key is an ML-DSA-44 key (1312 bytes), not ML-DSA-65.',
    });
  });

  it('counts base64 bytes as Node decodes them', () => {
    expect(base64Bytes(keyOf(1312))).toBe(1312);
    expect(base64Bytes(keyOf(1952))).toBe(1952);
    expect(base64Bytes('YQ==')).toBe(1);
    expect(base64Bytes('YQ')).toBe(1);
    expect(base64Bytes('a b')).toBeNull();
  });
});

describe('deviceErrors', () => {
  const refusal = (status: number, message: string, errors: { path: string; message: string }[] = []) => ({
    status,
    message,
    errors,
  });

  it('puts the service’s per-field errors beside their fields', () => {
    expect(
      deviceErrors(
        refusal(400, 'invalid body: jurisdiction: …', [
          { path: 'jurisdiction', message: 'must be an ISO 3166-1 alpha-2 country code, e.g. ZA' },
          { path: 'location', message: 'too small' },
        ]),
      ),
    ).toEqual({
      fields: { jurisdiction: 'Must be an ISO 3166-1 alpha-2 country code, e.g. ZA', location: 'Too small' },
      other: false,
    });
  });

  it('puts an id already registered beside the id, and a refused key beside the key', () => {
    expect(deviceErrors(refusal(409, 'device ward-3 is already registered (ids are never reused)'))).toEqual({
      fields: { id: 'Device ward-3 is already registered (ids are never reused)' },
      other: false,
    });
    expect(
      deviceErrors(
        refusal(400, 'publicKey must be an ML-DSA-44 (1312 bytes) or ML-DSA-65 (1952 bytes) public key, base64'),
      ).fields.publicKey,
    ).toBe('The public key must be an ML-DSA-44 (1312 bytes) or ML-DSA-65 (1952 bytes) public key, base64');
  });

  it('leaves anything else to be shown as it is', () => {
    expect(deviceErrors(refusal(503, 'the database (Postgres) is unavailable'))).toEqual({ fields: {}, other: true });
  });
});

describe('who is offered what', () => {
  it('offers registering to an operator or dpo, resolving to a dpo, and both when the service could not say the roles', () => {
    expect(mayRegister(['operator'])).toBe(true);
    expect(mayRegister(['dpo'])).toBe(true);
    expect(mayRegister(['auditor'])).toBe(false);
    expect(mayRegister(null)).toBe(true);
    expect(mayResolve(['dpo'])).toBe(true);
    expect(mayResolve(['operator'])).toBe(false);
    expect(mayResolve(null)).toBe(true);
  });

  const none = { register: false, resolve: false };
  it('offers an auditor nothing, an operator registering, a dpo both, by what the service answered', () => {
    expect(iotControls(['auditor'], none)).toEqual({ register: false, resolve: false });
    expect(iotControls([], none)).toEqual({ register: false, resolve: false });
    expect(iotControls(['operator'], none)).toEqual({ register: true, resolve: false });
    expect(iotControls(['dpo'], none)).toEqual({ register: true, resolve: true });
    expect(iotControls(['auditor', 'dpo'], none)).toEqual({ register: true, resolve: true });
  });

  it('offers both when the service could not say, and takes away what it then refuses', () => {
    expect(iotControls(null, none)).toEqual({ register: true, resolve: true });
    // Refused a resolve: still an operator or a dpo, so still registering.
    expect(iotControls(null, { register: false, resolve: true })).toEqual({ register: true, resolve: false });
    // Refused a registration: neither operator nor dpo, so no resolving either.
    expect(iotControls(null, { register: true, resolve: false })).toEqual({ register: false, resolve: false });
    // A dpo whose role has gone since the service said so.
    expect(iotControls(['dpo'], { register: true, resolve: false })).toEqual({ register: false, resolve: false });
  });
});
