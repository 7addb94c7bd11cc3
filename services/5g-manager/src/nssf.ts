// Network slice selection as an NSSF does it at registration (TS 23.501 §5.15.5.2.1): the
// allowed NSSAI is what the UE requested, limited to what it subscribes to and what its
// tracking area offers; when none of that is left, its default subscribed S-NSSAIs offered there.
// Plain logic, no I/O: the store gathers the sets, this decides.
import { type Snssai, snssaiKey } from './snssai.ts';

/** Why a requested S-NSSAI is not in the allowed NSSAI (after TS 24.501 §9.11.3.46's causes). */
export type RejectionCause =
  /** The operator has no such slice at all. */
  | 'S_NSSAI_NOT_AVAILABLE_IN_PLMN'
  /** The slice exists but the UE's subscription does not include it. */
  | 'S_NSSAI_NOT_SUBSCRIBED'
  /** Subscribed, but the UE's tracking area does not offer it. */
  | 'S_NSSAI_NOT_AVAILABLE_IN_TA';

/** An allowed NSSAI holds at most eight S-NSSAIs (TS 24.501 §9.11.3.37). */
export const MAX_ALLOWED = 8;

export interface SelectionInput {
  requested: readonly Snssai[];
  /** Every S-NSSAI the operator has configured (keys). */
  configured: ReadonlySet<string>;
  subscribed: readonly { snssai: Snssai; isDefault: boolean }[];
  /** The S-NSSAIs the tracking area offers (keys). */
  offered: ReadonlySet<string>;
}

export interface Selection {
  allowed: Snssai[];
  rejected: { snssai: Snssai; cause: RejectionCause }[];
  /** True when the allowed NSSAI is the defaults because nothing requested could be allowed. */
  defaultsUsed: boolean;
}

export function selectNssai(input: SelectionInput): Selection {
  const subscribed = new Set(input.subscribed.map((entry) => snssaiKey(entry.snssai)));
  const allowed: Snssai[] = [];
  const rejected: Selection['rejected'] = [];
  for (const snssai of input.requested) {
    const key = snssaiKey(snssai);
    if (!input.configured.has(key)) rejected.push({ snssai, cause: 'S_NSSAI_NOT_AVAILABLE_IN_PLMN' });
    else if (!subscribed.has(key)) rejected.push({ snssai, cause: 'S_NSSAI_NOT_SUBSCRIBED' });
    else if (!input.offered.has(key)) rejected.push({ snssai, cause: 'S_NSSAI_NOT_AVAILABLE_IN_TA' });
    else allowed.push(snssai);
  }
  if (allowed.length > 0) return { allowed: allowed.slice(0, MAX_ALLOWED), rejected, defaultsUsed: false };
  const defaults = input.subscribed
    .filter((entry) => entry.isDefault && input.offered.has(snssaiKey(entry.snssai)))
    .map((entry) => entry.snssai);
  return { allowed: defaults.slice(0, MAX_ALLOWED), rejected, defaultsUsed: true };
}
