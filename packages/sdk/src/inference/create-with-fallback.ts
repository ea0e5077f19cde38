import { EdgewiseError, type ErrorCode, isEdgewiseError } from '../errors.js';
import type { Backend, BackendCandidate } from './backend-plan.js';

export interface FallbackAttempt {
  backend: Backend;
  error: string;
}

export interface FallbackResult<S, C extends BackendCandidate = BackendCandidate> {
  session: S;
  candidate: C;
  /** Backends that were tried first and failed, in order. */
  failed: FallbackAttempt[];
}

/**
 * Errors about the model, the request or the network, not the backend: another backend cannot help,
 * so they reach the caller as they are.
 */
const NOT_A_BACKEND_PROBLEM = new Set<ErrorCode>([
  'MODEL_FORMAT',
  'INTEGRITY',
  'ABORTED',
  'DISPOSED',
  'NETWORK',
  'QUOTA',
  'CONFIG',
  'MODEL_NOT_FOUND',
  'VERSION_NOT_FOUND',
  // Every device backend runs in the one worker: when it cannot start, trying another does not help.
  'WORKER_CRASHED',
]);

export function isBackendProblem(error: unknown): boolean {
  return !(isEdgewiseError(error) && NOT_A_BACKEND_PROBLEM.has(error.code));
}

/**
 * Tries each candidate in order until one creates a session. A WebGPU failure falls back to WASM, a
 * WASM failure to the server; each step is reported through `onFallback`.
 */
export async function createWithFallback<S, C extends BackendCandidate>(
  candidates: readonly C[],
  create: (candidate: C) => Promise<S>,
  onFallback?: (from: FallbackAttempt, to: C | undefined) => void,
): Promise<FallbackResult<S, C>> {
  const failed: FallbackAttempt[] = [];
  for (const [i, candidate] of candidates.entries()) {
    try {
      return { session: await create(candidate), candidate, failed };
    } catch (error) {
      if (!isBackendProblem(error)) throw error;
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
