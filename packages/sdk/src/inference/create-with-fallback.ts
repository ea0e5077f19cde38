import { EdgewiseError, isEdgewiseError } from '../errors.js';
import type { Backend, BackendCandidate } from './backend-plan.js';

export interface FallbackAttempt {
  backend: Backend;
  error: string;
}

export interface FallbackResult<S> {
  session: S;
  candidate: BackendCandidate;
  /** Backends that were tried first and failed, in order. */
  failed: FallbackAttempt[];
}

/** Errors that are about the model or the input, not the backend: trying another backend cannot help. */
const NOT_A_BACKEND_PROBLEM = new Set(['MODEL_FORMAT', 'INTEGRITY', 'ABORTED', 'DISPOSED']);

/**
 * Tries each candidate in order until one creates a session. A WebGPU failure falls back to WASM, a
 * WASM failure to the server; each step is reported through `onFallback`.
 */
export async function createWithFallback<S>(
  candidates: readonly BackendCandidate[],
  create: (candidate: BackendCandidate) => Promise<S>,
  onFallback?: (from: FallbackAttempt, to: BackendCandidate | undefined) => void,
): Promise<FallbackResult<S>> {
  const failed: FallbackAttempt[] = [];
  for (const [i, candidate] of candidates.entries()) {
    try {
      return { session: await create(candidate), candidate, failed };
    } catch (error) {
      if (isEdgewiseError(error) && NOT_A_BACKEND_PROBLEM.has(error.code)) throw error;
      const attempt = {
        backend: candidate.backend,
        error: error instanceof Error ? error.message : String(error),
      };
      failed.push(attempt);
      onFallback?.(attempt, candidates[i + 1]);
    }
  }
  const tried = failed.map((f) => `${f.backend}: ${f.error}`).join('; ');
  throw new EdgewiseError(
    'BACKEND_UNAVAILABLE',
    candidates.length === 0
      ? 'no backend can run this model here: none of the requested backends is available on this device'
      : `every backend failed to run this model (${tried}); check the model file or allow another backend`,
    { details: { failed } },
  );
}
