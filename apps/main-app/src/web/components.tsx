import type { ServiceState, ServiceStatus } from '../status.ts';
import type { ApiError } from './api.ts';
import { useServiceStatus } from './hooks.ts';

export const STATE_LABELS: Record<ServiceState, string> = {
  ready: 'Ready',
  degraded: 'Degraded',
  down: 'Down',
  not_deployed: 'Not deployed',
  pending: 'Checking…',
};

export function StateBadge({ state }: { state: ServiceState }) {
  return <span className={`badge badge-${state}`}>{STATE_LABELS[state]}</span>;
}

function availabilityMessage(status: ServiceStatus): string | null {
  if (status.state === 'down') return `${status.name} is down${status.detail ? ` — ${status.detail}` : ''}.`;
  if (status.state === 'not_deployed') return `${status.name} is not part of this deployment.`;
  if (status.state === 'degraded') return `${status.name} is degraded${status.detail ? ` — ${status.detail}` : ''}.`;
  return null;
}

/** A banner when the page's service is not ready; nothing while it is. */
export function ServiceBanner({ service }: { service: string }) {
  const status = useServiceStatus(service);
  if (!status) return null;
  const message = availabilityMessage(status);
  if (!message) return null;
  const severe = status.state === 'down' || status.state === 'not_deployed';
  return (
    <div className={`banner ${severe ? 'banner-error' : 'banner-warning'}`} role="status" data-testid="service-banner">
      <strong>{severe ? 'Unavailable' : 'Degraded'}:</strong> {message}
      {severe ? ' This page will work again once it is back; the rest of the console keeps working.' : ''}
    </div>
  );
}

/** A failed request, worded for the person who made it. */
export function ErrorMessage({ error }: { error: ApiError | null }) {
  if (!error) return null;
  return (
    <div className="banner banner-error" role="alert">
      <strong>{error.unavailable ? `${error.upstream ?? 'The service'} is unavailable:` : 'Request failed:'}</strong>{' '}
      {error.message}
      {error.errors.length > 0 ? (
        <ul>
          {error.errors.map((e) => (
            <li key={`${e.path}:${e.message}`}>
              {e.path ? `${e.path}: ` : ''}
              {e.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function Spinner({ label }: { label: string }) {
  return (
    <span className="spinner-wrap" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </span>
  );
}

/** A horizontal bar for a value in [-1, 1] or [0, 1]. */
export function ScoreBar({ label, value, signed = false }: { label: string; value: number; signed?: boolean }) {
  const percent = signed ? ((value + 1) / 2) * 100 : value * 100;
  const tone = signed ? (value >= 0.05 ? 'positive' : value <= -0.05 ? 'negative' : 'neutral') : label.toLowerCase();
  return (
    <div className="score">
      <span className="score-label">{label}</span>
      <span className="score-track">
        <span className={`score-fill tone-${tone}`} style={{ width: `${Math.max(0, Math.min(100, percent))}%` }} />
      </span>
      <span className="score-value">{value.toFixed(3)}</span>
    </div>
  );
}
