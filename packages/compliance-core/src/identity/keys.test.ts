import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { identifierHash, identityConfigShape, Keyring, normalizeIdentifier, parseKeyring, SealError } from './keys.ts';

const key = () => randomBytes(32).toString('base64');

describe('Keyring', () => {
  it('seals and opens any text, and each seal of the same text differs', () => {
    const ring = parseKeyring(`k1:${key()}`);
    for (const text of ['ana@example.com', '', 'Zoë 🚀 — 王小明', 'x'.repeat(100_000)]) {
      const sealed = ring.seal(text, 'subject-1');
      expect(sealed.startsWith('v1.k1.')).toBe(true);
      expect(sealed).not.toContain(text || '\u0000');
      expect(ring.open(sealed, 'subject-1')).toBe(text);
    }
    expect(ring.seal('same')).not.toBe(ring.seal('same'));
  });

  it('refuses a value that was altered, copied to another record, or is not sealed', () => {
    const ring = parseKeyring(`k1:${key()}`);
    const sealed = ring.seal('4111111111111111', 'subject-1');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3] as string, 'base64url');
    body[0] = (body[0] as number) ^ 1;
    const altered = [...parts.slice(0, 3), body.toString('base64url'), ...parts.slice(4)].join('.');
    expect(() => ring.open(altered, 'subject-1')).toThrow(SealError);
    expect(() => ring.open(sealed, 'subject-2')).toThrow(/another record/);
    expect(() => ring.open('4111111111111111')).toThrow(/not a sealed value/);
    expect(() => ring.open(`${sealed}.extra`, 'subject-1')).toThrow(SealError);
  });

  it('rotates: the new key seals, the old one still opens, and old values are found for resealing', () => {
    const [old, current] = [key(), key()];
    const before = parseKeyring(`2025:${old}`);
    const sealedBefore = before.seal('+27821234567', 's');
    const after = parseKeyring(`2026:${current}, 2025:${old}`);
    expect(after.currentId).toBe('2026');
    expect(after.open(sealedBefore, 's')).toBe('+27821234567');
    expect(after.needsResealing(sealedBefore)).toBe(true);
    const resealed = after.seal(after.open(sealedBefore, 's'), 's');
    expect(after.needsResealing(resealed)).toBe(false);
    // A key id relabelled onto another key does not open what the first key sealed.
    expect(() => parseKeyring(`2025:${current}`).open(sealedBefore, 's')).toThrow(SealError);
    expect(() => parseKeyring(`2026:${current}`).open(sealedBefore, 's')).toThrow(/key "2025", which is not in/);
  });

  it('explains a bad ENCRYPTION_KEYS', () => {
    expect(() => parseKeyring('')).toThrow(/at least one key/);
    expect(() => parseKeyring(key())).toThrow(/id:base64key/);
    expect(() => parseKeyring('k1:c2hvcnQ=')).toThrow(/32 bytes/);
    expect(() => parseKeyring(`k 1:${key()}`)).toThrow(/letters, digits/);
    const one = key();
    expect(() => parseKeyring(`k1:${one},k1:${key()}`)).toThrow(/listed twice/);
    expect(() => new Keyring([])).toThrow(/at least one key/);
  });
});

describe('identifier hashes', () => {
  it('meet for the same identifier however it is written, and differ by kind and by key', () => {
    const hashKey = randomBytes(32);
    expect(identifierHash(hashKey, 'email', ' Ana@Example.COM ')).toBe(
      identifierHash(hashKey, 'email', 'ana@example.com'),
    );
    expect(identifierHash(hashKey, 'phone', '+27 82 123-4567')).toBe(identifierHash(hashKey, 'phone', '+27821234567'));
    expect(identifierHash(hashKey, 'national_id', '123.456.789-09')).toBe(
      identifierHash(hashKey, 'national_id', '12345678909'),
    );
    expect(identifierHash(hashKey, 'phone', '+27821234567')).not.toBe(identifierHash(hashKey, 'phone', '27821234567'));
    expect(identifierHash(hashKey, 'email', 'a@b.co')).not.toBe(identifierHash(hashKey, 'customer_id', 'a@b.co'));
    expect(identifierHash(randomBytes(32), 'email', 'a@b.co')).not.toBe(identifierHash(hashKey, 'email', 'a@b.co'));
    expect(identifierHash(hashKey, 'email', 'a@b.co')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('normalizes full-width and composed forms the same way (NFKC)', () => {
    expect(normalizeIdentifier('national_id', 'ｚａ ８００１０１')).toBe('ZA800101');
    expect(normalizeIdentifier('email', 'Zoe\u0308@example.com')).toBe('zoë@example.com');
  });
});

describe('identityConfigShape', () => {
  it('parses the keys from the environment and names what is wrong', () => {
    const shape = z.object(identityConfigShape());
    const parsed = shape.parse({ IDENTIFIER_HASH_KEY: key(), ENCRYPTION_KEYS: `k1:${key()}` });
    expect(parsed.IDENTIFIER_HASH_KEY).toHaveLength(32);
    expect(parsed.ENCRYPTION_KEYS.currentId).toBe('k1');
    const bad = shape.safeParse({ IDENTIFIER_HASH_KEY: 'abc', ENCRYPTION_KEYS: 'nope' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((issue) => issue.path[0])).toEqual(['IDENTIFIER_HASH_KEY', 'ENCRYPTION_KEYS']);
  });
});
