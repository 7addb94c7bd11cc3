import { useEffect, useState } from 'react';
import type { ServiceStatus, StatusReport } from '../status.ts';
import { ApiError, getStatus } from './api.ts';

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
