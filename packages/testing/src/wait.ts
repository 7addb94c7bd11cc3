/** Waiting on something observable (a port, a container state, an alert) instead of sleeping and assuming. */

/** Thrown by a probe when waiting longer cannot help (a container that exited for good). */
export class GiveUp extends Error {}

/**
 * Polls `probe` until it returns a value other than undefined; throws `what` on timeout.
 * A probe that throws is asked again (its error is reported on timeout), unless it throws GiveUp.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      if (error instanceof GiveUp) throw new Error(`${what}: ${error.message}`);
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(
    `${what}: not within ${timeoutMs / 1000} s${last ? ` (last error: ${(last as Error).message})` : ''}`,
  );
}
