/**
 * Identifiers of data subjects (emails, phone numbers, national ids) are never stored in
 * the clear:
 *   - they are found by a keyed hash (HMAC-SHA256 with a key from the environment), so
 *     equal identifiers meet, and a leaked table tells nothing without the key;
 *   - the raw value is kept encrypted (AES-256-GCM). Each ciphertext names the key that
 *     sealed it, so keys rotate: new writes use the current key, older rows still open
 *     with theirs until they are sealed again (`needsResealing`).
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const FORMAT = 'v1';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** A sealed value that cannot be opened: tampered with, sealed for another record, or under an unknown key. */
export class SealError extends Error {
  override name = 'SealError';
}

function decodeKey(text: string, what: string): Buffer {
  const key = Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64').replace(/=+$/, '') !== text.replace(/=+$/, '')) {
    throw new Error(`${what} must be ${KEY_BYTES} bytes in base64 (openssl rand -base64 32)`);
  }
  return key;
}

/** The encryption keys by id; the first one listed seals, every one listed opens. */
export class Keyring {
  readonly currentId: string;
  readonly #keys: ReadonlyMap<string, Buffer>;

  constructor(keys: ReadonlyArray<{ id: string; key: Buffer }>) {
    const first = keys[0];
    if (!first) throw new Error('a keyring needs at least one key');
    const byId = new Map<string, Buffer>();
    for (const { id, key } of keys) {
      if (!KEY_ID.test(id)) throw new Error(`key id "${id}" must be 1–32 letters, digits, "-" or "_"`);
      if (key.length !== KEY_BYTES) throw new Error(`key "${id}" must be ${KEY_BYTES} bytes`);
      if (byId.has(id)) throw new Error(`key id "${id}" is listed twice`);
      byId.set(id, key);
    }
    this.currentId = first.id;
    this.#keys = byId;
  }

  /**
   * Seals `plaintext` under the current key. `context` (a record's id, say) is
   * authenticated but not stored: the value opens only for the same context, so a
   * ciphertext copied onto another row does not decrypt there.
   */
  seal(plaintext: string, context = ''): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#keys.get(this.currentId) as Buffer, iv);
    cipher.setAAD(Buffer.from(`${this.currentId}\n${context}`, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, body, cipher.getAuthTag()].map((part) => part.toString('base64url'));
    return [FORMAT, this.currentId, ...parts].join('.');
  }

  open(sealed: string, context = ''): string {
    const [format, keyId, iv, body, tag, ...rest] = sealed.split('.');
    if (format !== FORMAT || !keyId || iv === undefined || body === undefined || tag === undefined || rest.length) {
      throw new SealError('not a sealed value');
    }
    const key = this.#keys.get(keyId);
    if (!key) throw new SealError(`sealed under key "${keyId}", which is not in the keyring`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(`${keyId}\n${context}`, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SealError('the sealed value was altered, or belongs to another record');
    }
  }

  /** True when `sealed` is under an older key: open it and seal it again to finish a rotation. */
  needsResealing(sealed: string): boolean {
    return sealed.split('.')[1] !== this.currentId;
  }
}

/** `ENCRYPTION_KEYS`: `id:base64key` pairs, comma-separated, the current key first. */
export function parseKeyring(spec: string): Keyring {
  const keys = spec
    .split(',')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const colon = pair.indexOf(':');
      if (colon <= 0) throw new Error(`"${pair.slice(0, 40)}" is not id:base64key`);
      const id = pair.slice(0, colon);
      return { id, key: decodeKey(pair.slice(colon + 1), `key "${id}"`) };
    });
  return new Keyring(keys);
}

export type IdentifierKind = 'email' | 'phone' | 'national_id' | 'sa_id' | 'customer_id' | 'other';

/**
 * The form an identifier is compared in: emails in lower case, phone numbers as their
 * digits (with a leading + kept), ids without spaces, dots or dashes and in upper case.
 */
export function normalizeIdentifier(kind: IdentifierKind, value: string): string {
  const text = value.normalize('NFKC').trim();
  switch (kind) {
    case 'email':
      return text.toLowerCase();
    case 'phone':
      return (text.startsWith('+') ? '+' : '') + text.replace(/\D/g, '');
    case 'national_id':
    case 'sa_id':
    case 'customer_id':
      return text.replace(/[\s.\-/]/g, '').toUpperCase();
    default:
      return text;
  }
}

/** The lookup hash of an identifier: HMAC-SHA256 over its kind and normalized value, in hex. */
export function identifierHash(key: Buffer, kind: IdentifierKind, value: string): string {
  return createHmac('sha256', key)
    .update(`${kind}\n${normalizeIdentifier(kind, value)}`, 'utf8')
    .digest('hex');
}

/** `IDENTIFIER_HASH_KEY` and `ENCRYPTION_KEYS`, spread into the shape given to the kit's `loadConfig`. */
export function identityConfigShape() {
  return {
    IDENTIFIER_HASH_KEY: z.string().transform((value, ctx) => {
      try {
        return decodeKey(value, 'IDENTIFIER_HASH_KEY');
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
    ENCRYPTION_KEYS: z.string().transform((value, ctx) => {
      try {
        return parseKeyring(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  };
}
