// The Compliance page's rules: the colour band of a score (never green without one), times
// relative to now, what a degraded overview is missing, breach and rejection counts in a
// stable order, and who is offered the Acknowledge button.
import type { DashboardDeadline, DashboardOverview, DashboardRegime } from './api.ts';

/** How often the page asks the dashboard again. */
export const REFRESH_MS = 10_000;

/** good: green; fair: amber; poor: red; unknown: grey (no answer, so no colour that could mean "fine"). */
export type ScoreBand = 'good' | 'fair' | 'poor' | 'unknown';

/** The band of a regime's card: by its score, 0–100, or unknown when its service did not answer. */
export function scoreBand(regime: Pick<DashboardRegime, 'reachable'> & { score?: number }): ScoreBand {
  if (!regime.reachable || typeof regime.score !== 'number' || !Number.isFinite(regime.score)) return 'unknown';
  if (regime.score >= 85) return 'good';
  if (regime.score >= 60) return 'fair';
  return 'poor';
}

export const BAND_LABELS: Record<ScoreBand, string> = {
  good: 'Good',
  fair: 'Needs attention',
  poor: 'At risk',
  unknown: 'Unknown',
};

const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "in 3 days", "2 hours ago", "now": the largest whole unit, rounded toward now. */
export function relativeTime(iso: string, now: number): string {
  const diff = Date.parse(iso) - now;
  if (Number.isNaN(diff)) return '';
  for (const [unit, ms] of UNITS) {
    const whole = Math.trunc(diff / ms);
    if (whole !== 0) return RELATIVE.format(whole, unit);
  }
  return 'now';
}

/** What the overview lacks while degraded: the regimes that did not answer, then the IoT integration. */
export function missingParts(overview: Pick<DashboardOverview, 'regimes' | 'iot'>): string[] {
  return [
    ...overview.regimes.filter((r) => !r.reachable).map((r) => r.name),
    ...(overview.iot.reachable ? [] : ['IoT integration']),
  ];
}

/** "A, B and C". */
export function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const BREACH_ORDER = ['open', 'contained', 'closed'];

/** A regime's breaches by state: open, contained, closed first, any other state after, by name. */
export function breachStates(breaches: Record<string, number>): { state: string; count: number }[] {
  const rank = (state: string) => {
    const i = BREACH_ORDER.indexOf(state);
    return i === -1 ? BREACH_ORDER.length : i;
  };
  return Object.entries(breaches)
    .map(([state, count]) => ({ state, count }))
    .sort((a, b) => rank(a.state) - rank(b.state) || a.state.localeCompare(b.state));
}

/** Rejected messages by reason, most first, leaving out reasons with none. */
export function rejectionReasons(rejected: Record<string, number>): { reason: string; count: number }[] {
  return Object.entries(rejected)
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

export const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);

/** "bad_signature" → "bad signature". */
export const words = (id: string) => id.replace(/_/g, ' ');

/** The deadlines soonest first (as the dashboard sends them; kept so whatever the order it arrives in). */
export function soonestFirst<T extends Pick<DashboardDeadline, 'dueAt' | 'id'>>(deadlines: readonly T[]): T[] {
  return [...deadlines].sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || a.id.localeCompare(b.id));
}

export const DEADLINE_KINDS: Record<string, string> = {
  request: 'Request',
  breach_notification: 'Breach notification',
};

export const ALERT_KINDS: Record<string, string> = {
  overdue: 'Overdue request',
  deadline: 'Notification deadline',
  iot: 'IoT finding',
};

/**
 * Whether to offer the Acknowledge button: yes for a dpo, no for other known roles; when the
 * roles are unknown (an API key the dashboard has not said anything about), offered, and the
 * dashboard decides (its refusal is shown, and the button goes).
 */
export function mayAcknowledge(roles: readonly string[] | null): boolean {
  return roles === null || roles.includes('dpo');
}

/** What to say about a regime that did not answer, beside its error. */
export function lastAnswered(lastSuccessAt: string | null, format: (iso: string) => string): string {
  return lastSuccessAt === null ? 'not reached since the dashboard started' : `last answered ${format(lastSuccessAt)}`;
}
