// IPv4 and IPv6 addresses and CIDR prefixes as unsigned 32-bit words (one for IPv4, four for IPv6),
// the form the prefix trie walks bit by bit. Parsing is strict: no zone ids, no leading
// zeros in IPv4 octets (they read as octal in some tools), host bits of a prefix must be
// zero. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) and prefixes are turned into IPv4, so
// a subscriber seen through a dual-stack socket meets the operator's IPv4 prefixes.

export type Family = 4 | 6;

export interface Address {
  family: Family;
  /** One word for IPv4, four for IPv6, most significant first. */
  words: readonly number[];
}

export interface Prefix extends Address {
  /** Prefix length in bits: 1–32 for IPv4, 1–128 for IPv6. */
  length: number;
  /** Canonical text: `41.0.0.0/11`, `2c0f:f000::/24`. */
  text: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

/** Longest text worth parsing as an address (a full IPv6 with an embedded IPv4 is 45). */
const MAX_ADDRESS_TEXT = 64;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIPv4Word(text: string): number | undefined {
  // By character code: this runs for every classified flow.
  let word = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 46;
    if (code === 46) {
      // No empty octets, no leading zeros (010 reads as octal in some tools), none over 255.
      if (digits === 0 || octet > 255 || (digits > 1 && text.charCodeAt(i - digits) === 48)) return undefined;
      word = word * 256 + octet;
      octet = 0;
      digits = 0;
      if (i < text.length) dots++;
    } else if (code >= 48 && code <= 57 && digits < 3) {
      octet = octet * 10 + (code - 48);
      digits++;
    } else {
      return undefined;
    }
  }
  return dots === 3 ? word >>> 0 : undefined;
}

/** The eight 16-bit groups of one side of `::`, or undefined. `last` allows an embedded IPv4. */
function parseGroups(text: string, last: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (last && i === parts.length - 1 && part.includes('.')) {
      const word = parseIPv4Word(part);
      if (word === undefined) return undefined;
      groups.push(word >>> 16, word & 0xffff);
    } else if (HEX_GROUP.test(part)) {
      groups.push(Number.parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

const hexValue = (code: number) =>
  code >= 48 && code <= 57
    ? code - 48
    : code >= 97 && code <= 102
      ? code - 87
      : code >= 65 && code <= 70
        ? code - 55
        : -1;

/**
 * IPv6 in hexadecimal groups, by character code (this runs for every classified flow);
 * undefined when malformed, null for the rare form with an embedded IPv4 tail.
 */
function parseIPv6Hex(text: string): number[] | undefined | null {
  const groups: number[] = [];
  const n = text.length;
  let gap = -1;
  let i = 0;
  if (text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return undefined;
    gap = 0;
    i = 2;
  }
  while (i < n) {
    let value = 0;
    let digits = 0;
    for (let h = hexValue(text.charCodeAt(i)); h >= 0 && i < n; h = hexValue(text.charCodeAt(++i))) {
      if (++digits > 4) return undefined;
      value = value * 16 + h;
    }
    if (digits === 0) return undefined;
    if (text.charCodeAt(i) === 46) return null;
    if (groups.length === 8) return undefined;
    groups.push(value);
    if (i === n) break;
    if (text.charCodeAt(i) !== 58 || ++i === n) return undefined;
    if (text.charCodeAt(i) === 58) {
      if (gap >= 0) return undefined;
      gap = groups.length;
      i++;
    }
  }
  if (gap < 0 ? groups.length !== 8 : groups.length > 7) return undefined;
  const words = [0, 0, 0, 0];
  const zeros = 8 - groups.length;
  for (let g = 0, k = 0; g < 8; g++) {
    const value = gap >= 0 && g >= gap && g < gap + zeros ? 0 : (groups[k++] as number);
    words[g >>> 1] = g % 2 === 0 ? (value << 16) >>> 0 : ((words[g >>> 1] as number) | value) >>> 0;
  }
  return words;
}

function parseIPv6Words(text: string): number[] | undefined {
  const fast = parseIPv6Hex(text);
  if (fast !== null) return fast;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const head = parseGroups(halves[0] as string, false);
    const tail = parseGroups(halves[1] as string, true);
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = parseGroups(text, true);
    if (all?.length !== 8) return undefined;
    groups = all;
  }
  const words = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) words[i] = (((groups[2 * i] as number) << 16) | (groups[2 * i + 1] as number)) >>> 0;
  return words;
}

const isMapped = (words: readonly number[]) => words[0] === 0 && words[1] === 0 && words[2] === 0xffff;

/** An IPv4 or IPv6 address; an IPv4-mapped IPv6 address comes back as IPv4. */
export function parseAddress(text: string): Parsed<Address> {
  if (text.length === 0) return fail('is empty');
  if (text.length > MAX_ADDRESS_TEXT) return fail('is not an IPv4 or IPv6 address (too long)');
  if (text.includes('%')) {
    return fail('carries an IPv6 zone id (the "%…" suffix): zones are local to one host and are not accepted');
  }
  if (!text.includes(':')) {
    const word = parseIPv4Word(text);
    if (word === undefined) return fail('is not an IPv4 or IPv6 address');
    return { ok: true, value: { family: 4, words: [word] } };
  }
  const words = parseIPv6Words(text);
  if (!words) return fail('is not an IPv4 or IPv6 address');
  if (isMapped(words)) return { ok: true, value: { family: 4, words: [words[3] as number] } };
  return { ok: true, value: { family: 6, words } };
}

/** The words of `words` with every bit past `length` cleared. */
function masked(words: readonly number[], length: number): number[] {
  return words.map((word, i) => {
    const bits = Math.min(32, Math.max(0, length - 32 * i));
    const mask = bits === 0 ? 0 : bits === 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
    return (word & mask) >>> 0;
  });
}

/**
 * A CIDR prefix `address/length`. Refused: host bits set (with the prefix that was probably
 * meant), length 0 (it would claim every address), zone ids, anything malformed.
 */
export function parsePrefix(text: string): Parsed<Prefix> {
  if (text.length > MAX_ADDRESS_TEXT + 4) return fail('is not a CIDR prefix (too long)');
  const slash = text.indexOf('/');
  if (slash < 0) return fail('is not a CIDR prefix: write address/length, e.g. 41.0.0.0/11 or 2c0f:f000::/24');
  const lengthText = text.slice(slash + 1);
  const address = parseAddress(text.slice(0, slash));
  if (!address.ok) return fail(`has an address that ${address.error}`);
  if (!/^(0|[1-9]\d{0,2})$/.test(lengthText)) return fail('has a prefix length that is not a whole number');
  let { family, words } = address.value;
  let length = Number(lengthText);
  const written = family === 4 && text.slice(0, slash).includes(':') ? 6 : family;
  const max = written === 4 ? 32 : 128;
  if (length > max) return fail(`has a prefix length over ${max}, the most for IPv${written}`);
  if (written === 6 && family === 4) {
    // ::ffff:a.b.c.d/n: the IPv4 prefix of length n − 96.
    if (length < 96) return fail('is an IPv4-mapped prefix (::ffff:…) shorter than /96');
    length -= 96;
  }
  if (length === 0) {
    return fail(
      family === 4
        ? 'is a default route (/0) matching every IPv4 address: an operator cannot own the whole address space'
        : 'is a default route (/0) matching every IPv6 address: an operator cannot own the whole address space',
    );
  }
  const network = masked(words, length);
  if (network.some((word, i) => word !== words[i])) {
    const meant = `${formatAddress({ family, words: network })}/${length}`;
    return fail(`has host bits set: host bits must be zero for a /${length} prefix (did you mean ${meant}?)`);
  }
  words = network;
  return { ok: true, value: { family, words, length, text: `${formatAddress({ family, words })}/${length}` } };
}

/** Dotted quad for IPv4; RFC 5952 text for IPv6 (lower case, longest zero run as `::`). */
export function formatAddress(address: Address): string {
  const { words } = address;
  if (address.family === 4) {
    const w = words[0] as number;
    return `${w >>> 24}.${(w >>> 16) & 255}.${(w >>> 8) & 255}.${w & 255}`;
  }
  const groups: number[] = [];
  for (const word of words) groups.push(word >>> 16, word & 0xffff);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (list: number[]) => list.map((group) => group.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

/** True when `address` lies inside `prefix` (the linear scan's test, and the tests' oracle). */
export function contains(prefix: Prefix, address: Address): boolean {
  if (prefix.family !== address.family) return false;
  const network = masked(address.words, prefix.length);
  return network.every((word, i) => word === prefix.words[i]);
}
