// The compiled table: every operator's IPv4 and IPv6 prefixes in two binary tries, their
// MSISDN prefixes in a map looked up from the longest prefix down, and each operator's
// rules indexed by exact host and by wildcard domain. Built from one snapshot of the
// store; never changed afterwards (a change builds a new table and swaps it in).

import { flowPath, pathUnder } from './host.ts';
import { type Address, type Family, formatAddress, type Prefix } from './ip.ts';
import { BitTrie } from './trie.ts';

export interface Operator {
  id: string;
  name: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  mccMnc: string;
  /** Canonical CIDR texts. */
  prefixes: string[];
  /** Digits only. */
  msisdnPrefixes: string[];
  updatedAt: string;
}

export interface Rule {
  id: string;
  operator: string;
  ratingGroup: number;
  /** Canonical patterns: `example.org`, `*.example.org`. */
  hosts: string[];
  /** Normalised (no trailing slash); empty: any path. */
  pathPrefixes: string[];
  validFrom: string | null;
  validUntil: string | null;
  monthlyQuotaBytes: number | null;
  updatedAt: string;
}

/** What classification looks at. `address`/`msisdn` already parsed; `host` already normalised. */
export interface Flow {
  address?: Address;
  msisdn?: string;
  host: string;
  path?: string;
}

export type Outcome = 'zero_rated' | 'no_operator' | 'no_rule' | 'outside_validity' | 'quota_exhausted';

export interface Match {
  outcome: Outcome;
  operator: Operator | null;
  rule: Rule | null;
  /** How the operator was found: `prefix 41.0.0.0/11` or `msisdn prefix 2782`. */
  via: string | null;
  reason: string;
}

/** The longest MSISDN (E.164 without `+`) is 15 digits. */
export const MAX_MSISDN_DIGITS = 15;

interface Candidate {
  rule: Rule;
  from: number;
  until: number;
  /** How the host matched: `exact host x` or `wildcard *.x`. */
  how: string;
}

interface OperatorRules {
  exact: Map<string, Candidate[]>;
  wildcard: Map<string, Candidate[]>;
}

/** Who owns an address or number: the operator, its prefix that matched, and its rules. */
interface Owner {
  operator: Operator;
  prefix: string;
  /** `prefix 41.0.0.0/11`, `msisdn prefix 2782`: how the subscriber was matched. */
  via: string;
  rules: OperatorRules;
}

export interface TableStats {
  version: number;
  operators: number;
  rules: number;
  prefixes: Record<`ipv${Family}`, number>;
  trieNodes: Record<`ipv${Family}`, number>;
  trieBytes: number;
  msisdnPrefixes: number;
}

export class Table {
  readonly version: number;
  private readonly ipv4 = new BitTrie();
  private readonly ipv6 = new BitTrie();
  /** Trie values index this: the operator, the prefix that matched, and the operator's rules. */
  private readonly owners: Owner[] = [];
  private readonly msisdn = new Map<string, Owner>();
  private readonly rulesOf = new Map<string, OperatorRules>();
  private readonly ruleById = new Map<string, Rule>();
  private readonly operatorCount: number;
  private readonly ruleCount: number;

  /**
   * Compiles a snapshot. Prefixes arrive parsed (the store validated them on write); the
   * store refuses a prefix two operators both claim, so none is overwritten here.
   */
  constructor(version: number, operators: Operator[], rules: Rule[], parse: (text: string) => Prefix) {
    this.version = version;
    this.operatorCount = operators.length;
    this.ruleCount = rules.length;
    for (const operator of operators) {
      const rules: OperatorRules = { exact: new Map(), wildcard: new Map() };
      this.rulesOf.set(operator.id, rules);
      for (const text of operator.prefixes) {
        const prefix = parse(text);
        this.owners.push({ operator, prefix: prefix.text, via: `prefix ${prefix.text}`, rules });
        (prefix.family === 4 ? this.ipv4 : this.ipv6).insert(prefix.words, prefix.length, this.owners.length - 1);
      }
      for (const digits of operator.msisdnPrefixes) {
        this.msisdn.set(digits, { operator, prefix: digits, via: `msisdn prefix ${digits}`, rules });
      }
    }
    for (const rule of rules) {
      this.ruleById.set(rule.id, rule);
      const index = this.rulesOf.get(rule.operator);
      if (!index) continue; // the store refuses rules of unknown operators; a snapshot is consistent
      const from = rule.validFrom ? Date.parse(rule.validFrom) : Number.NEGATIVE_INFINITY;
      const until = rule.validUntil ? Date.parse(rule.validUntil) : Number.POSITIVE_INFINITY;
      for (const pattern of rule.hosts) {
        const wildcard = pattern.startsWith('*.');
        const host = wildcard ? pattern.slice(2) : pattern;
        const map = wildcard ? index.wildcard : index.exact;
        const list = map.get(host) ?? [];
        list.push({ rule, from, until, how: wildcard ? `wildcard ${pattern}` : `exact host ${pattern}` });
        map.set(host, list);
      }
    }
  }

  stats(): TableStats {
    return {
      version: this.version,
      operators: this.operatorCount,
      rules: this.ruleCount,
      prefixes: { ipv4: this.ipv4.size, ipv6: this.ipv6.size },
      trieNodes: { ipv4: this.ipv4.nodeCount, ipv6: this.ipv6.nodeCount },
      trieBytes: this.ipv4.bytes + this.ipv6.bytes,
      msisdnPrefixes: this.msisdn.size,
    };
  }

  rule(id: string): Rule | undefined {
    return this.ruleById.get(id);
  }

  /** The operator owning `address` by longest-prefix match, with the prefix that matched. */
  operatorOfAddress(address: Address): Owner | undefined {
    const index = address.family === 4 ? this.ipv4.lookup(address.words, 32) : this.ipv6.lookup(address.words, 128);
    return index < 0 ? undefined : this.owners[index];
  }

  /** The operator with the longest MSISDN prefix of `msisdn`, with that prefix. */
  operatorOfMsisdn(msisdn: string): Owner | undefined {
    for (let length = Math.min(msisdn.length, MAX_MSISDN_DIGITS); length > 0; length--) {
      const owner = this.msisdn.get(msisdn.slice(0, length));
      if (owner) return owner;
    }
    return undefined;
  }

  /**
   * Finds the operator (by address first, then MSISDN) and its most specific rule for the
   * host and path that is valid at `now`: an exact host beats a wildcard, a wildcard on a
   * longer domain beats one on a shorter, then the longer path prefix wins, then the
   * smaller rule id (so the answer never depends on insertion order). Quotas are not
   * looked at here: usage lives in Redis.
   */
  match(flow: Flow, now: number): Match {
    let owner = flow.address ? this.operatorOfAddress(flow.address) : undefined;
    if (!owner && flow.msisdn !== undefined) owner = this.operatorOfMsisdn(flow.msisdn);
    if (!owner) {
      const who = [
        flow.address ? `address ${formatAddress(flow.address)}` : undefined,
        flow.msisdn !== undefined ? `number ${flow.msisdn}` : undefined,
      ].filter(Boolean);
      return {
        outcome: 'no_operator',
        operator: null,
        rule: null,
        via: null,
        reason: `no operator owns ${who.join(' or ')}`,
      };
    }
    const { operator, via } = owner;
    const path = flowPath(flow.path);
    const index = owner.rules;
    let outOfWindow: Candidate | undefined;
    const pick = (candidates: Candidate[] | undefined) => {
      let best: { candidate: Candidate; pathLength: number; prefix: string | null } | undefined;
      if (!candidates) return undefined;
      for (const candidate of candidates) {
        const { rule } = candidate;
        let pathLength = -1;
        let matched: string | null = null;
        if (rule.pathPrefixes.length === 0) pathLength = 0;
        for (const prefix of rule.pathPrefixes) {
          if (prefix.length > pathLength && pathUnder(prefix, path)) {
            pathLength = prefix.length;
            matched = prefix;
          }
        }
        if (pathLength < 0) continue;
        if (now < candidate.from || now >= candidate.until) {
          outOfWindow ??= candidate;
          continue;
        }
        if (
          !best ||
          pathLength > best.pathLength ||
          (pathLength === best.pathLength && rule.id < best.candidate.rule.id)
        ) {
          best = { candidate, pathLength, prefix: matched };
        }
      }
      return best;
    };
    let found = pick(index.exact.get(flow.host));
    for (let dot = flow.host.indexOf('.'); !found && dot >= 0; dot = flow.host.indexOf('.', dot + 1)) {
      found = pick(index.wildcard.get(flow.host.slice(dot + 1)));
    }
    if (found) {
      const { rule, how } = found.candidate;
      const path = found.prefix ? ` and path prefix ${found.prefix}` : '';
      return {
        outcome: 'zero_rated',
        operator,
        rule,
        via,
        reason: `zero-rated by rule ${rule.id} of ${operator.id} (${how}${path}; subscriber matched by ${via})`,
      };
    }
    if (outOfWindow) {
      const { rule } = outOfWindow;
      const window = now < outOfWindow.from ? `not valid until ${rule.validFrom}` : `expired at ${rule.validUntil}`;
      return {
        outcome: 'outside_validity',
        operator,
        rule,
        via,
        reason: `rule ${rule.id} of ${operator.id} matches but is ${window}`,
      };
    }
    return {
      outcome: 'no_rule',
      operator,
      rule: null,
      via,
      reason: `no zero-rating rule of ${operator.id} matches ${flow.host}${path}`,
    };
  }
}
