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
 * Runs worker-side work for the host. Errors leave as plain data with their code (the host turns them
 * back into EdgewiseError); a runtime trap ends the worker instead of answering.
 */
export async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isRuntimeTrap(error)) {
      // The host sees the worker die, starts a fresh runtime, reloads the models and retries the call
      // once, as after any crash.
      const message = error instanceof Error ? error.message : String(error);
      setTimeout(() => {
        throw new Error(`the runtime trapped (${message}); this worker cannot be trusted any more`);
      });
      return new Promise<never>(() => {});
    }
    if (isEdgewiseError(error)) throw error.toJSON();
    throw new EdgewiseError('INTERNAL', error instanceof Error ? error.message : String(error)).toJSON();
  }
}
