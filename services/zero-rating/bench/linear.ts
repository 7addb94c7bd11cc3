// The baseline: the same decisions as the compiled table, found by looking at every prefix
// and every rule for each flow — what a table kept as plain lists does.
import type { Flow, Operator, Rule } from '../src/classifier.ts';
import { flowPath, pathUnder } from '../src/host.ts';
import { contains, type Prefix, parsePrefix } from '../src/ip.ts';

export class LinearTable {
  private readonly prefixes: { prefix: Prefix; operator: Operator }[] = [];
  private readonly operators: Operator[];
  private readonly rules: Rule[];

  constructor(operators: Operator[], rules: Rule[]) {
    this.operators = operators;
    this.rules = rules;
    for (const operator of operators) {
      for (const text of operator.prefixes) {
        const parsed = parsePrefix(text);
        if (parsed.ok) this.prefixes.push({ prefix: parsed.value, operator });
      }
    }
  }

  /** Operator id and rule id (or null) for the flow. */
  match(flow: Flow, now: number): { operator: string | null; rule: string | null } {
    let owner: Operator | undefined;
    let bestLength = -1;
    if (flow.address) {
      for (const { prefix, operator } of this.prefixes) {
        if (prefix.length > bestLength && contains(prefix, flow.address)) {
          owner = operator;
          bestLength = prefix.length;
        }
      }
    }
    if (!owner && flow.msisdn !== undefined) {
      let longest = 0;
      for (const operator of this.operators) {
        for (const prefix of operator.msisdnPrefixes) {
          if (prefix.length > longest && flow.msisdn.startsWith(prefix)) {
            owner = operator;
            longest = prefix.length;
          }
        }
      }
    }
    if (!owner) return { operator: null, rule: null };
    const path = flowPath(flow.path);
    let best: { rule: Rule; hostRank: number; pathLength: number } | undefined;
    for (const rule of this.rules) {
      if (rule.operator !== owner.id) continue;
      const from = rule.validFrom ? Date.parse(rule.validFrom) : Number.NEGATIVE_INFINITY;
      const until = rule.validUntil ? Date.parse(rule.validUntil) : Number.POSITIVE_INFINITY;
      if (now < from || now >= until) continue;
      // An exact host outranks any wildcard; a wildcard on a longer domain outranks a shorter one.
      let hostRank = -1;
      for (const pattern of rule.hosts) {
        if (pattern === flow.host) hostRank = Math.max(hostRank, 1000);
        else if (pattern.startsWith('*.') && flow.host.endsWith(pattern.slice(1))) {
          hostRank = Math.max(hostRank, pattern.length);
        }
      }
      if (hostRank < 0) continue;
      let pathLength = rule.pathPrefixes.length === 0 ? 0 : -1;
      for (const prefix of rule.pathPrefixes)
        if (pathUnder(prefix, path)) pathLength = Math.max(pathLength, prefix.length);
      if (pathLength < 0) continue;
      if (
        !best ||
        hostRank > best.hostRank ||
        (hostRank === best.hostRank && pathLength > best.pathLength) ||
        (hostRank === best.hostRank && pathLength === best.pathLength && rule.id < best.rule.id)
      ) {
        best = { rule, hostRank, pathLength };
      }
    }
    return { operator: owner.id, rule: best?.rule.id ?? null };
  }
}
