/**
 * The console's credential: an API key or a bearer JWT the person pastes in, kept in
 * this tab's sessionStorage only (gone when the tab closes, never in localStorage or a
 * cookie) and sent to the services by `api(…, { auth: true })`. The console has no
 * credentials of its own.
 *
 * Who the credential is for, and its roles, is what the service answers (azora-mint's
 * `GET /me`, recorded with `learnIdentity`). Until then a JWT's payload, decoded here, is
 * the first guess (the services verify the signature); an API key says nothing about its
 * holder.
 */
import { useSyncExternalStore } from 'react';

const STORAGE_KEY = 'azora.credential';
/** The kit refuses shorter keys (API_KEYS entries need at least 24 characters). */
const MIN_API_KEY_LENGTH = 24;

export interface JwtClaims {
  sub: string | null;
  roles: string[];
  /** Expiry, in seconds since the epoch, when the token has one. */
  exp: number | null;
}

/** Who a credential is for, as the service says: the key's name or the token's `sub`, and its roles. */
export interface Identity {
  subject: string;
  roles: string[];
}

/** `identity`: the service's answer, once it has been asked (see `learnIdentity`). */
export type Credential =
  | { kind: 'jwt'; value: string; claims: JwtClaims; identity: Identity | null }
  | { kind: 'api-key'; value: string; identity: Identity | null };

export type ParsedCredential = { ok: true; credential: Credential } | { ok: false; error: string };

function decodeBase64Url(segment: string): string {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
  return new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
}

/** The claims of a JWT, or null when `token` is not one (three base64url parts, a JSON payload). */
export function decodeJwt(token: string): JwtClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part, i) => /^[A-Za-z0-9_-]*$/.test(part) && (i === 2 || part.length > 0))) {
    return null;
  }
  let payload: unknown;
  try {
    payload = JSON.parse(decodeBase64Url(parts[1] as string));
  } catch {
    return null;
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
  const claims = payload as { sub?: unknown; roles?: unknown; exp?: unknown };
  return {
    sub: typeof claims.sub === 'string' ? claims.sub : null,
    roles: Array.isArray(claims.roles) ? claims.roles.filter((role): role is string => typeof role === 'string') : [],
    exp: typeof claims.exp === 'number' ? claims.exp : null,
  };
}

/** What the person pasted, as a credential, or why it cannot be one. */
export function parseCredential(input: string): ParsedCredential {
  const value = input.trim().replace(/^bearer\s+/i, '');
  if (!value) return { ok: false, error: 'Paste an API key or a token.' };
  if (!/^[\x21-\x7e]+$/.test(value)) {
    return { ok: false, error: 'API keys and tokens have no spaces or special characters; check what you pasted.' };
  }
  const claims = decodeJwt(value);
  if (claims) return { ok: true, credential: { kind: 'jwt', value, claims, identity: null } };
  if (value.split('.').length === 3) {
    return { ok: false, error: 'This looks like a token, but its payload cannot be read; paste the whole token.' };
  }
  if (value.length < MIN_API_KEY_LENGTH) {
    return {
      ok: false,
      error: `API keys are at least ${MIN_API_KEY_LENGTH} characters; this one has ${value.length}.`,
    };
  }
  return { ok: true, credential: { kind: 'api-key', value, identity: null } };
}

/** Whether a JWT has expired (by its `exp`; the service decides for real). */
export function isExpired(credential: Credential, now = Date.now()): boolean {
  return credential.kind === 'jwt' && credential.claims.exp !== null && credential.claims.exp * 1000 <= now;
}

/**
 * Who the credential is for, as far as the console knows: the service's answer; before
 * it, a JWT's own `sub` and `roles` (a guess, for display); null for an API key.
 */
export function knownIdentity(credential: Credential): Identity | null {
  if (credential.identity) return credential.identity;
  if (credential.kind === 'jwt' && credential.claims.sub !== null) {
    return { subject: credential.claims.sub, roles: credential.claims.roles };
  }
  return null;
}

/** The headers that authenticate a request with `credential`. */
export function credentialHeaders(credential: Credential | null): Record<string, string> {
  if (!credential) return {};
  return credential.kind === 'jwt'
    ? { authorization: `Bearer ${credential.value}` }
    : { 'x-api-key': credential.value };
}

// The store: one credential per tab, shared by every page that needs it.

let current: Credential | null | undefined;
const listeners = new Set<() => void>();

function load(): Credential | null {
  let stored: string | null = null;
  try {
    stored = window.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage disabled: signed out, and signing in lasts until the page is left.
  }
  if (!stored) return null;
  const parsed = parseCredential(stored);
  return parsed.ok ? parsed.credential : null;
}

function publish(next: Credential | null) {
  current = next;
  for (const listener of listeners) listener();
}

export function getCredential(): Credential | null {
  if (current === undefined) current = load();
  return current;
}

export function signIn(credential: Credential): void {
  try {
    window.sessionStorage.setItem(STORAGE_KEY, credential.value);
  } catch {
    // Kept in memory only.
  }
  publish(credential);
}

export function signOut(): void {
  try {
    window.sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing stored.
  }
  publish(null);
}

/**
 * Records the service's answer to "who is this?" for the credential `value`: ignored when
 * someone has since signed out or in with another one. Not stored: asked again on load.
 */
export function learnIdentity(value: string, identity: Identity): void {
  const credential = getCredential();
  if (credential?.value === value) publish({ ...credential, identity });
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The current credential; re-renders when someone signs in or out. */
export function useCredential(): Credential | null {
  return useSyncExternalStore(subscribe, getCredential);
}
