import { EdgewiseError, isEdgewiseError } from '../errors.js';

/**
 * A WebAssembly trap (an integer overflow, an out-of-bounds access, an abort) unwinds through the
 * runtime's C++ without running its destructors: its heap, locks and sessions are in an unknown
 * state, so every later answer from it would be suspect.
 */
function isRuntimeTrap(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) return true;
    if ((e as { name?: unknown }).name === 'RuntimeError') return true;
  }
  return false;
}

/**
 * What a failure sends back to the host: the error as plain data with its code (the host turns it
 * back into EdgewiseError). Undefined after a runtime trap: then the worker ends itself instead of
 * answering, and the host sees it die, starts a fresh runtime, reloads the models and retries the
 * call once, as after any crash.
 */
export function failureReply(error: unknown): unknown {
  if (isRuntimeTrap(error)) {
    const message = error instanceof Error ? error.message : String(error);
    setTimeout(() => {
      throw new Error(`the runtime trapped (${message}); this worker cannot be trusted any more`);
    });
    return undefined;
  }
  if (isEdgewiseError(error)) return error.toJSON();
  return new EdgewiseError('INTERNAL', error instanceof Error ? error.message : String(error)).toJSON();
}

/** Runs worker-side work for the host: a failure leaves as `failureReply` says, a trap never answers. */
export async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const reply = failureReply(error);
    if (reply === undefined) return new Promise<never>(() => {});
    throw reply;
  }
}
