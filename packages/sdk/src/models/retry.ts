import { EdgewiseError } from '../errors.js';

export interface RetryPolicy {
  /** Attempts after the first; default 3. */
  retries?: number;
  /** The first wait; each next one doubles, with jitter. Default 300 ms. */
  retryDelayMs?: number;
}

/** The wait before retry `attempt` (0-based): exponential, with up to 50% jitter so clients spread out. */
export function backoffDelay(attempt: number, baseMs: number): number {
  return baseMs * 2 ** attempt * (0.5 + Math.random() * 0.5);
}

export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) {
    throw new EdgewiseError('ABORTED', `${what} was aborted by its AbortSignal.`, { cause: signal.reason });
  }
}

/** Waits `ms`, or rejects with ABORTED as soon as the signal fires. */
export function sleep(ms: number, signal: AbortSignal | undefined, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted)
      return reject(new EdgewiseError('ABORTED', `${what} was aborted by its AbortSignal.`));
    const onAbort = () => {
      clearTimeout(timer);
      reject(
        new EdgewiseError('ABORTED', `${what} was aborted by its AbortSignal.`, { cause: signal?.reason }),
      );
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Waits for a shared promise, but gives up with ABORTED as soon as this caller's signal fires. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
  if (!signal) return promise;
  throwIfAborted(signal, what);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () =>
      reject(
        new EdgewiseError('ABORTED', `${what} was aborted by its AbortSignal.`, { cause: signal.reason }),
      );
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
