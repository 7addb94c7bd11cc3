import { useEffect, useMemo, useRef, useState } from 'react';
import type { ServiceStatus, StatusReport } from '../status.ts';
import { ApiError, getStatus, newEventId } from './api.ts';

/** The status report, refreshed every `intervalMs` while the component is mounted. */
export function useStatus(intervalMs = 5000): { report: StatusReport | null; error: ApiError | null } {
  const [report, setReport] = useState<StatusReport | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let cancelled = false;
    let timer: number | undefined;
    const load = async () => {
      try {
        const next = await getStatus();
        if (cancelled) return;
        setReport(next);
        setError(null);
      } catch (caught) {
        if (cancelled) return;
        setError(caught instanceof ApiError ? caught : new ApiError(0, String(caught)));
      }
      if (!cancelled) timer = window.setTimeout(load, intervalMs);
    };
    void load();
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [intervalMs]);

  return { report, error };
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
