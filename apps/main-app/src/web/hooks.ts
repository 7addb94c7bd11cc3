import {
  type Dispatch,
  type RefObject,
  type SetStateAction,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { ServiceStatus, StatusReport } from '../status.ts';
import { ApiError, asApiError, getStatus, newEventId } from './api.ts';
import { type Credential, type Identity, knownIdentity, learnIdentity } from './credentials.ts';

/** The status report, refreshed every `intervalMs` while the component is mounted. */
export function useStatus(intervalMs = 5000): { report: StatusReport | null; error: ApiError | null } {
  const { data, error } = usePolled(getStatus, intervalMs);
  return { report: data, error };
}

/** One service's entry in the live status report (undefined while loading). */
export function useServiceStatus(name: string): ServiceStatus | undefined {
  const { report } = useStatus(5000);
  return report?.services.find((service) => service.name === name);
}

/**
 * Whether a write's outcome is unknown: the request may or may not have been carried out
 * (no answer, the gateway gave up waiting, the service failed, or it is still working on
 * the same key). Sending it again with the same Idempotency-Key is then safe.
 */
export function isInconclusive(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  return error.status === 0 || error.status >= 500 || (error.status === 409 && error.code === 'idempotency-key-in-use');
}

export interface IdempotencyKeys {
  /** The key for sending `body`: the previous attempt's when it had the same body and no conclusive answer, else a new one. */
  keyFor: (body: unknown) => string;
  /** Call with the outcome: success or a conclusive error ends the action, so the next one gets a new key. */
  settle: (error?: unknown) => void;
}

/**
 * Idempotency keys for one form's writes: a fresh key for every action the person takes,
 * and the same key when they retry an action whose outcome is unknown (a network failure,
 * say), so the service carries it out once however often it is sent.
 */
export function useIdempotencyKeys(): IdempotencyKeys {
  const pending = useRef<{ key: string; body: string } | null>(null);
  return useMemo(
    () => ({
      keyFor: (body) => {
        const text = JSON.stringify(body);
        if (pending.current?.body !== text) pending.current = { key: newEventId(), body: text };
        return pending.current.key;
      },
      settle: (error) => {
        if (error === undefined || !isInconclusive(error)) pending.current = null;
      },
    }),
    [],
  );
}

export interface Polled<T> {
  /** The latest answer; null until the first. */
  data: T | null;
  /** Changes the answer shown (after a write), until the next one replaces it. */
  setData: Dispatch<SetStateAction<T | null>>;
  /** Why the latest ask failed; null once one succeeds. */
  error: ApiError | null;
  loading: boolean;
  /** When the latest answer came (for "2 minutes ago"). */
  at: number;
  /** Asks again now. */
  refresh: () => void;
}

/**
 * What `load` answers: asked on mount, on `refresh()`, and `intervalMs` after each answer or
 * failure; an answer to an older ask never overwrites a newer one.
 */
export function usePolled<T>(load: () => Promise<T>, intervalMs: number): Polled<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);
  const [at, setAt] = useState(() => Date.now());
  const [version, setVersion] = useState(0);
  const generation = useRef(0);
  const loader = useRef(load);
  loader.current = load;
  const refresh = useCallback(() => setVersion((v) => v + 1), []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the reload signal
  useEffect(() => {
    const mine = ++generation.current;
    let timer: number | undefined;
    setLoading(true);
    loader.current().then(
      (answer) => {
        if (mine !== generation.current) return;
        setData(answer);
        setError(null);
        setAt(Date.now());
        setLoading(false);
        timer = window.setTimeout(refresh, intervalMs);
      },
      (caught: unknown) => {
        if (mine !== generation.current) return;
        setError(asApiError(caught));
        setLoading(false);
        timer = window.setTimeout(refresh, intervalMs);
      },
    );
    return () => window.clearTimeout(timer);
  }, [version, refresh, intervalMs]);

  return { data, setData, error, loading, at, refresh };
}

/**
 * Focus for a form whose errors may come back from the service: call the returned function
 * when setting the errors, and once React has put them on screen (after an await, that is
 * later than the next animation frame), the first invalid field gets the focus.
 */
export function useFocusFirstInvalid(form: RefObject<HTMLElement | null>): () => void {
  const [requests, setRequests] = useState(0);
  useEffect(() => {
    if (requests > 0) form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [requests, form]);
  return useCallback(() => setRequests((n) => n + 1), []);
}

export interface ServiceIdentity {
  /**
   * Who the credential is: the service's answer; before it, or when there is none, what the
   * console knows (`knownIdentity`: a token's own claims; nothing for an API key).
   */
  identity: Identity | null;
  /** Whether the service has answered, or failed to; a page that waits for it never offers a control too early. */
  settled: boolean;
}

/**
 * Asks a service who `credential` is (`me`: its `GET …/me`, which answers for an API key and a
 * token alike), once per credential, and records the answer with `learnIdentity` (so the
 * signed-in line shows it too). A page offers a control only to the roles that may use it;
 * when the service answered but could not say (no `me`), it offers it, and the service's
 * refusal is the fallback; when the request did not reach the service, it asks again.
 */
export function useServiceIdentity(credential: Credential, me: () => Promise<Identity>): ServiceIdentity {
  const [answer, setAnswer] = useState<{ value: string; identity: Identity | null } | null>(null);

  useEffect(() => {
    let live = true;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const ask = () =>
      me().then(
        (identity) => {
          if (!live) return;
          learnIdentity(credential.value, identity);
          setAnswer({ value: credential.value, identity });
        },
        (error) => {
          if (!live) return;
          // The request did not reach the service (the network, a moment's outage): ask
          // again rather than settle, so no control is offered on a guess.
          if (asApiError(error).status === 0) retry = setTimeout(ask, 1000);
          else setAnswer({ value: credential.value, identity: null });
        },
      );
    ask();
    return () => {
      live = false;
      clearTimeout(retry);
    };
  }, [credential.value, me]);

  // An answer about an earlier credential is not this one's.
  const mine = answer?.value === credential.value ? answer : null;
  return { identity: mine?.identity ?? knownIdentity(credential), settled: mine !== null };
}
