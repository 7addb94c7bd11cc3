import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import type { ServiceState, ServiceStatus } from '../status.ts';
import type { ApiError } from './api.ts';
import { relativeTime } from './compliance.ts';
import { isExpired, knownIdentity, parseCredential, signIn, signOut, useCredential } from './credentials.ts';
import { useServiceStatus } from './hooks.ts';
import { formatInZone, viewerTimeZone, zoneName } from './privacy.ts';

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

/**
 * Signing in with an API key or a bearer token, for the pages whose calls need one. The
 * credential stays in this tab (sessionStorage) and is shared by every page; the line
 * shown once signed in says whose it is and its roles: the service's answer (the page asks
 * it, see `learnIdentity`), until then a token's own claims, or just "an API key".
 */
export function SignIn({ hint }: { hint?: string }) {
  const credential = useCredential();
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const signOutButton = useRef<HTMLButtonElement>(null);
  // Where focus goes after the form is replaced: the control that takes its place.
  const moveFocus = useRef<'input' | 'sign-out' | null>(null);

  useEffect(() => {
    if (moveFocus.current === 'sign-out') signOutButton.current?.focus();
    if (moveFocus.current === 'input') input.current?.focus();
    moveFocus.current = null;
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseCredential(draft);
    if (!parsed.ok) {
      setError(parsed.error);
      input.current?.focus();
      return;
    }
    setError(null);
    setDraft('');
    moveFocus.current = 'sign-out';
    signIn(parsed.credential);
  };

  const leave = () => {
    moveFocus.current = 'input';
    signOut();
  };

  const expired = credential ? isExpired(credential) : false;
  const identity = credential ? knownIdentity(credential) : null;
  return (
    <section className="card signin" aria-label={credential ? 'Signed in' : 'Sign in'}>
      {/* One live region for both states, so signing in and out is announced. */}
      <div aria-live="polite" data-testid="signed-in">
        {credential ? (
          <div className="row">
            <p className="signin-who">
              {identity ? (
                <>
                  Signed in as <strong>{identity.subject}</strong>{' '}
                  {identity.roles.length > 0 ? `(roles: ${identity.roles.join(', ')})` : '(no roles)'}
                </>
              ) : (
                <>
                  Signed in with {credential.kind === 'jwt' ? 'a ' : 'an '}
                  <strong>{credential.kind === 'jwt' ? 'token' : 'API key'}</strong>
                </>
              )}
              <span className="muted small">
                {identity ? (credential.kind === 'jwt' ? ' · token' : ' · API key') : ''}
                {credential.kind === 'jwt' && credential.claims.exp !== null && !expired
                  ? ` · expires ${new Date(credential.claims.exp * 1000).toLocaleString()}`
                  : ''}
              </span>
            </p>
            <button type="button" className="secondary" ref={signOutButton} onClick={leave}>
              Sign out
            </button>
          </div>
        ) : null}
        {expired ? (
          <p className="banner banner-warning small">This token has expired; sign out and sign in with a new one.</p>
        ) : null}
      </div>
      {credential ? null : (
        <form className="stack signin-form" onSubmit={submit} noValidate>
          <label htmlFor="signin-credential">Sign in with an API key or token</label>
          <div className="row">
            <input
              id="signin-credential"
              ref={input}
              type="password"
              className="signin-input"
              autoComplete="off"
              spellCheck={false}
              value={draft}
              onChange={(event) => setDraft(event.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? 'signin-error signin-help' : 'signin-help'}
            />
            <button type="submit">Sign in</button>
          </div>
          <p id="signin-help" className="muted small">
            {hint ? `${hint} ` : ''}Kept in this browser tab only, and sent with this console's requests as an x-api-key
            header or a bearer token.
          </p>
          {error ? (
            <p id="signin-error" className="field-error" role="alert">
              {error}
            </p>
          ) : null}
        </form>
      )}
    </section>
  );
}

/** One form field with its label, hint and own error message. */
export function Field(props: {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string;
  children: (aria: { 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactNode;
}) {
  const described = [props.error ? `${props.id}-error` : '', props.hint ? `${props.id}-hint` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      {props.children({
        ...(props.error ? { 'aria-invalid': true as const } : {}),
        ...(described ? { 'aria-describedby': described } : {}),
      })}
      {props.hint ? (
        <span id={`${props.id}-hint`} className="muted small">
          {props.hint}
        </span>
      ) : null}
      {props.error ? (
        <span id={`${props.id}-error`} className="field-error">
          {props.error}
        </span>
      ) : null}
    </div>
  );
}

/** Frames focusFirstInvalid looks for the marked field: about a second. */
const INVALID_FIELD_FRAMES = 60;

/**
 * Focuses the first field with an error once the errors are on screen, so the person lands
 * on what to fix. Errors from an answer that arrived asynchronously are rendered in a task
 * of their own, which may come after the next frame: it looks again each frame until the
 * marked, enabled field is there.
 */
export function focusFirstInvalid(form: HTMLFormElement | null) {
  let frames = INVALID_FIELD_FRAMES;
  const attempt = () => {
    const field = form?.querySelector<HTMLElement>('[aria-invalid="true"]:not(:disabled)');
    if (field) field.focus();
    else if (--frames > 0) requestAnimationFrame(attempt);
  };
  requestAnimationFrame(attempt);
}

/**
 * A time with how long ago or ahead it is, in the viewer's zone unless `timeZone` says
 * another: "in 3 days · 2026-12-10 14:00 CET".
 */
export function When({ iso, now, testId, timeZone }: { iso: string; now: number; testId?: string; timeZone?: string }) {
  const zone = timeZone ?? viewerTimeZone();
  const relative = relativeTime(iso, now);
  return (
    <time dateTime={iso} data-testid={testId} title={new Date(iso).toISOString()}>
      {relative ? <span className="when-relative">{relative}</span> : null}
      <span className="muted small">
        {relative ? ' · ' : ''}
        {formatInZone(iso, zone)} {zoneName(iso, zone)}
      </span>
    </time>
  );
}

/**
 * A refusal that took a control away (a 403): takes the focus the removed control had, so
 * the person hears why it went.
 */
export function Refusal({ testId, children }: { testId: string; children: ReactNode }) {
  const element = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    element.current?.focus();
  }, []);
  return (
    <p className="muted" ref={element} tabIndex={-1} data-testid={testId}>
      {children}
    </p>
  );
}

/**
 * What a page shows until its first answer: a spinner while asking, else why it failed, with
 * Try again (not after a 401: signing in with another credential is the way on).
 */
export function FirstLoad({
  label,
  error,
  onRetry,
  testId,
}: {
  label: string;
  error: ApiError | null;
  onRetry: () => void;
  testId: string;
}) {
  return (
    <section className="card stack" aria-label="Loading" data-testid={testId}>
      {error ? null : <Spinner label={label} />}
      <ErrorMessage error={error} />
      {error && error.status !== 401 ? (
        <div className="row">
          <button type="button" className="secondary" onClick={onRetry}>
            Try again
          </button>
        </div>
      ) : null}
    </section>
  );
}
