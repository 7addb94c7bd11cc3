// Host names and paths as rules and flows are matched: IDNs in punycode (node's
// domainToASCII, the WHATWG URL host parser), lower case, without a trailing dot or a port;
// path prefixes that match on segment boundaries only (`/learn` matches `/learn` and
// `/learn/x`, never `/learning`).
import { domainToASCII } from 'node:url';
import { formatAddress, type Parsed, parseAddress } from './ip.ts';

/** The longest host name DNS allows. */
export const MAX_HOST_LENGTH = 253;
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const PORT = /^\d{1,5}$/;
/** Already valid ASCII labels under an alphabetic top-level label: the result of domainToASCII is its lower case. */
const ASCII_HOST = /^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z]{2,63}$/i;

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });
const tooLong = () => fail(`is longer than ${MAX_HOST_LENGTH} characters (a DNS name's limit)`);

/**
 * A flow's host as it is matched: `Bücher.Example.:8080` → `xn--bcher-kva.example`. IP
 * literals (`[2001:db8::1]:443`, `10.0.0.1`) come back in canonical text; no rule names
 * them, so they match nothing.
 */
export function normalizeHost(raw: string): Parsed<string> {
  // A port and a trailing dot may come on top of the 253; anything far longer is refused unread.
  if (raw.length > MAX_HOST_LENGTH + 8) return tooLong();
  let host = raw;
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    const rest = end < 0 ? '' : host.slice(end + 1);
    if (end < 0 || (rest !== '' && !(rest.startsWith(':') && PORT.test(rest.slice(1))))) {
      return fail('is not a valid host (an IPv6 literal is written [address] or [address]:port)');
    }
    const address = parseAddress(host.slice(1, end));
    return address.ok
      ? { ok: true, value: formatAddress(address.value) }
      : fail(`has an IPv6 literal that ${address.error}`);
  }
  if (ASCII_HOST.test(host) && !/xn--/i.test(host)) {
    // Plain ASCII names (most flows) need no IDN conversion: lower case is the whole of it.
    return host.length > MAX_HOST_LENGTH ? tooLong() : { ok: true, value: host.toLowerCase() };
  }
  const colons = host.split(':').length - 1;
  if (colons > 1) {
    const address = parseAddress(host);
    return address.ok ? { ok: true, value: formatAddress(address.value) } : fail('is not a valid host name');
  }
  if (colons === 1) {
    const [name, port] = host.split(':') as [string, string];
    if (!PORT.test(port) || Number(port) > 65535) return fail('has a port that is not a number from 0 to 65535');
    host = name;
  }
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host === '') return fail('is empty');
  const ascii = domainToASCII(host);
  if (ascii === '') return fail('is not a valid host name (after IDN conversion to punycode)');
  if (ascii.length > MAX_HOST_LENGTH) return tooLong();
  if (!ascii.split('.').every((label) => LABEL.test(label))) {
    return fail('is not a valid host name: each label must be 1–63 letters, digits, hyphens or underscores');
  }
  return { ok: true, value: ascii };
}

export interface HostPattern {
  /** The host, or for a wildcard the domain under `*.`, normalised. */
  host: string;
  /** `*.example.org`: every subdomain of example.org at any depth, not example.org itself. */
  wildcard: boolean;
  /** Canonical text: `example.org`, `*.example.org`. */
  text: string;
}

/** A rule's host: `example.org` or `*.example.org`, normalised as flows' hosts are. */
export function parseHostPattern(raw: string): Parsed<HostPattern> {
  const wildcard = raw.startsWith('*.');
  const rest = wildcard ? raw.slice(2) : raw;
  if (rest.includes('*')) return fail('uses a wildcard other than as the whole first label (write *.example.org)');
  const host = normalizeHost(rest);
  if (!host.ok) return host;
  if (parseAddress(host.value).ok || /^\d+$/.test(host.value.slice(host.value.lastIndexOf('.') + 1))) {
    return fail('is an IP address: rules name sites by domain (operators own addresses)');
  }
  if (wildcard && !host.value.includes('.')) {
    return fail(
      'is a wildcard over a whole top-level domain: it must sit under at least two labels (*.example.org, not *.org)',
    );
  }
  return { ok: true, value: { host: host.value, wildcard, text: wildcard ? `*.${host.value}` : host.value } };
}

/** The longest path prefix accepted. */
export const MAX_PATH_LENGTH = 2048;

/** A rule's path prefix: starts with `/`, no query or fragment; a trailing `/` is dropped (`/learn/` = `/learn`). */
export function parsePathPrefix(raw: string): Parsed<string> {
  if (!raw.startsWith('/')) return fail('does not start with "/"');
  if (raw.length > MAX_PATH_LENGTH) return fail(`is longer than ${MAX_PATH_LENGTH} characters`);
  if (/[?#\s\p{Cc}]/u.test(raw)) {
    return fail('is not a bare path: no query (?), fragment (#), spaces or control characters');
  }
  return { ok: true, value: raw.length > 1 && raw.endsWith('/') ? raw.replace(/\/+$/, '') || '/' : raw };
}

/** A flow's path without its query or fragment ('/' when absent). */
export function flowPath(raw: string | undefined): string {
  if (raw === undefined || raw === '') return '/';
  let end = raw.indexOf('?');
  const hash = raw.indexOf('#');
  if (hash >= 0 && (end < 0 || hash < end)) end = hash;
  const path = end < 0 ? raw : raw.slice(0, end);
  return path === '' ? '/' : path;
}

/** Whether `path` lies under `prefix` on a segment boundary. */
export function pathUnder(prefix: string, path: string): boolean {
  if (prefix === '/') return true;
  return path.startsWith(prefix) && (path.length === prefix.length || path.charCodeAt(prefix.length) === 47);
}
