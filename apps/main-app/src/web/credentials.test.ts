// What the sign-in control makes of a pasted credential, and who the console takes it to
// be for; the services verify it for real.
import { afterEach, describe, expect, it } from 'vitest';
import {
  credentialHeaders,
  decodeJwt,
  getCredential,
  isExpired,
  knownIdentity,
  learnIdentity,
  parseCredential,
  signIn,
  signOut,
} from './credentials.ts';

/** base64url of the JSON, as a browser would make it (no Node Buffer here). */
const base64url = (value: unknown) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const jwt = (payload: unknown) => `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(payload)}.c2lnbmF0dXJl`;
const API_KEY = 'e2e-alice-0123456789abcdef01234567';

describe('parseCredential', () => {
  it('reads a JWT’s subject, roles and expiry, for display', () => {
    const token = jwt({ sub: 'alice', roles: ['user', 'minter', 7], exp: 2_000_000_000 });
    const parsed = parseCredential(`  Bearer ${token} `);
    expect(parsed).toEqual({
      ok: true,
      credential: {
        kind: 'jwt',
        value: token,
        claims: { sub: 'alice', roles: ['user', 'minter'], exp: 2_000_000_000 },
        identity: null,
      },
    });
    if (!parsed.ok) return;
    // The token's own claims: the first guess, until the service answers.
    expect(knownIdentity(parsed.credential)).toEqual({ subject: 'alice', roles: ['user', 'minter'] });
    expect(credentialHeaders(parsed.credential)).toEqual({ authorization: `Bearer ${token}` });
    expect(isExpired(parsed.credential, 1_999_999_999_000)).toBe(false);
    expect(isExpired(parsed.credential, 2_000_000_000_000)).toBe(true);
  });

  it('decodes UTF-8 subjects', () => {
    expect(decodeJwt(jwt({ sub: 'zoë', roles: [] }))?.sub).toBe('zoë');
  });

  it('guesses nothing for a token without a subject', () => {
    const parsed = parseCredential(jwt({ roles: ['admin'] }));
    expect(parsed.ok && knownIdentity(parsed.credential)).toBeNull();
  });

  it('takes anything else of 24 characters or more as an API key, whose owner is not yet known', () => {
    const parsed = parseCredential(API_KEY);
    expect(parsed).toEqual({ ok: true, credential: { kind: 'api-key', value: API_KEY, identity: null } });
    if (!parsed.ok || parsed.credential.kind !== 'api-key') return;
    expect(knownIdentity(parsed.credential)).toBeNull();
    expect(credentialHeaders(parsed.credential)).toEqual({ 'x-api-key': API_KEY });
    expect(isExpired(parsed.credential)).toBe(false);
  });

  it('says what is wrong with what was pasted', () => {
    const error = (input: string) => {
      const parsed = parseCredential(input);
      return parsed.ok ? null : parsed.error;
    };
    expect(error('')).toMatch(/paste/i);
    expect(error('short-key')).toBe('API keys are at least 24 characters; this one has 9.');
    expect(error('has spaces in it 0123456789abcdef')).toMatch(/no spaces/);
    expect(error('ключ-0123456789abcdef0123456789')).toMatch(/no spaces or special characters/);
    expect(error('aaa.!!!.ccc')).toMatch(/looks like a token/);
    expect(error('eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln')).toMatch(/looks like a token/);
    expect(error(`${base64url({})}.${base64url([1, 2])}.sig`)).toMatch(/looks like a token/);
  });

  it('sends nothing when signed out', () => {
    expect(credentialHeaders(null)).toEqual({});
  });
});

describe('learnIdentity', () => {
  // Node has no sessionStorage: the store keeps the credential in memory, as in a browser with storage off.
  afterEach(() => signOut());
  const credential = (input: string) => {
    const parsed = parseCredential(input);
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.credential;
  };

  it('records the service’s answer: who an API key is for, and its roles', () => {
    signIn(credential(API_KEY));
    learnIdentity(API_KEY, { subject: 'e2e-minter', roles: ['minter'] });
    const current = getCredential();
    expect(current).toMatchObject({ kind: 'api-key', value: API_KEY });
    expect(current && knownIdentity(current)).toEqual({ subject: 'e2e-minter', roles: ['minter'] });
  });

  it('overrides what a token claims', () => {
    const token = jwt({ sub: 'bob', roles: ['minter'] });
    signIn(credential(token));
    learnIdentity(token, { subject: 'bob', roles: ['user'] });
    const current = getCredential();
    expect(current && knownIdentity(current)).toEqual({ subject: 'bob', roles: ['user'] });
  });

  it('ignores an answer about a credential no longer signed in', () => {
    signIn(credential(API_KEY));
    const other = `${API_KEY}-other`;
    learnIdentity(other, { subject: 'someone-else', roles: ['admin'] });
    expect(getCredential()?.identity).toBeNull();
    signOut();
    learnIdentity(API_KEY, { subject: 'e2e-alice', roles: ['user'] });
    expect(getCredential()).toBeNull();
  });
});
