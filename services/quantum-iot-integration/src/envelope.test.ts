import { describe, expect, it } from 'vitest';
import { algorithmOfPublicKey, generateKeyPair, parseEnvelope, sign, signedBytes, verify } from './envelope.ts';

const SEED = new Uint8Array(32).fill(7);
const keys44 = generateKeyPair('ML-DSA-44', SEED);
const message = { deviceId: 'd1', ts: 1, nonce: 'AAAAAAAAAAAAAAAAAAAAAA', payload: { b: 2, a: 1 } };

describe('the signed telemetry envelope', () => {
  it('signs the canonical encoding: sorted keys, no whitespace, whatever order the fields were built in', () => {
    expect(new TextDecoder().decode(signedBytes(message))).toBe(
      '{"deviceId":"d1","nonce":"AAAAAAAAAAAAAAAAAAAAAA","payload":{"a":1,"b":2},"ts":1}',
    );
    const reordered = { payload: { a: 1, b: 2 }, nonce: message.nonce, ts: 1, deviceId: 'd1' };
    expect(signedBytes(reordered)).toEqual(signedBytes(message));
  });

  it('verifies with ML-DSA-44 and ML-DSA-65 after a round trip through JSON', () => {
    for (const algorithm of ['ML-DSA-44', 'ML-DSA-65'] as const) {
      const keys = generateKeyPair(algorithm, SEED);
      expect(algorithmOfPublicKey(keys.publicKey)).toBe(algorithm);
      const wire = new TextEncoder().encode(JSON.stringify(sign(message, keys)));
      const parsed = parseEnvelope(wire);
      expect(parsed.ok).toBe(true);
      if (parsed.ok) expect(verify(parsed.envelope, algorithm, keys.publicKey)).toBe(true);
    }
  });

  it('fails verification when anything signed changes, or under another key', () => {
    const envelope = sign(message, keys44);
    expect(verify({ ...envelope, payload: { a: 1, b: 3 } }, 'ML-DSA-44', keys44.publicKey)).toBe(false);
    expect(verify({ ...envelope, ts: 2 }, 'ML-DSA-44', keys44.publicKey)).toBe(false);
    expect(verify({ ...envelope, nonce: 'BAAAAAAAAAAAAAAAAAAAAA' }, 'ML-DSA-44', keys44.publicKey)).toBe(false);
    expect(verify({ ...envelope, deviceId: 'd2' }, 'ML-DSA-44', keys44.publicKey)).toBe(false);
    const other = generateKeyPair('ML-DSA-44', new Uint8Array(32).fill(8));
    expect(verify(envelope, 'ML-DSA-44', other.publicKey)).toBe(false);
    expect(verify({ ...envelope, sig: 'AAAA' }, 'ML-DSA-44', keys44.publicKey)).toBe(false);
  });

  it('says what is wrong with a message that is not one', () => {
    const bad = (value: unknown) => {
      const parsed = parseEnvelope(new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value)));
      return parsed.ok ? 'ok' : parsed.detail;
    };
    const good = sign(message, keys44);
    expect(bad(good)).toBe('ok');
    expect(bad('{not json')).toBe('not JSON');
    expect(bad([1])).toBe('not a JSON object');
    expect(bad({ ...good, v: 2 })).toBe('v must be 1');
    expect(bad({ ...good, deviceId: 'a/b' })).toBe('bad deviceId');
    expect(bad({ ...good, ts: '1' })).toMatch(/^ts must be/);
    expect(bad({ ...good, nonce: 'short' })).toMatch(/^nonce must be/);
    expect(bad({ ...good, payload: 3 })).toMatch(/^payload must be/);
    expect(bad({ ...good, payload: { note: ['a\u0000b'] } })).toBe('payload must not contain U+0000');
    expect(bad({ ...good, payload: { 'a\u0000': 1 } })).toBe('payload must not contain U+0000');
    expect(bad({ ...good, payload: { note: 'a backslash-u: \\u0000' } })).toBe('ok');
    const deep = JSON.parse(`${'{"a":'.repeat(40)}1${'}'.repeat(40)}`);
    expect(bad({ ...good, payload: deep })).toBe('payload nested deeper than 32 levels');
    expect(bad({ ...good, sig: '!' })).toMatch(/^sig must be/);
    expect(parseEnvelope(new Uint8Array(70_000)).ok).toBe(false);
  });
});
