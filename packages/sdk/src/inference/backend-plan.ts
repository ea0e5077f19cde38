import type { ModelFormat } from '../models/manifest-types.js';
import type { BackendCapabilities } from './capabilities.js';

export type Backend = 'webgpu' | 'wasm' | 'remote';

export const DEFAULT_BACKEND_ORDER: readonly Backend[] = ['webgpu', 'wasm', 'remote'];

/** One backend to try, with what it will use and why it is on the list. */
export interface BackendCandidate {
  backend: Backend;
  /** WASM threads (1 when the page is not cross-origin isolated). */
  threads: number;
  reason: string;
}

export interface BackendPlan {
  candidates: BackendCandidate[];
  /** Backends left out, and why: reported on the model so nobody has to guess. */
  skipped: { backend: Backend; reason: string }[];
}

/** The most WASM threads worth asking for: onnxruntime's own default caps at 4 too. */
const MAX_THREADS = 4;

/**
 * Orders the backends to try for one model, from the app's preference and what this device can do.
 *
 * @example
 * planBackends(caps, { format: 'onnx', remoteAvailable: false }).candidates[0]
 * // → { backend: 'webgpu', threads: 4, reason: 'WebGPU adapter google/swiftshader' }
 */
export function planBackends(
  caps: BackendCapabilities,
  options: {
    format: ModelFormat;
    preference?: readonly Backend[];
    remoteAvailable: boolean;
    /** Ask for this many WASM threads; still 1 where threads are unavailable. */
    threads?: number;
  },
): BackendPlan {
  const order = options.preference ?? DEFAULT_BACKEND_ORDER;
  const wanted = options.threads ?? Math.min(MAX_THREADS, caps.threads.hardwareConcurrency);
  const threads = caps.threads.available ? Math.max(1, Math.floor(wanted)) : 1;
  const candidates: BackendCandidate[] = [];
  const skipped: BackendPlan['skipped'] = [];
  for (const backend of new Set(order)) {
    if (backend === 'webgpu') {
      if (caps.webgpu.available) {
        const a = caps.webgpu.adapter;
        candidates.push({
          backend,
          threads,
          reason: `WebGPU adapter ${a ? `${a.vendor || 'unknown'}/${a.architecture || 'unknown'}` : 'available'}`,
        });
      } else skipped.push({ backend, reason: caps.webgpu.reason });
    } else if (backend === 'wasm') {
      if (!caps.wasm.available) {
        skipped.push({ backend, reason: caps.wasm.reason });
        continue;
      }
      const simd = caps.simd.available ? 'SIMD' : 'no SIMD';
      const how =
        threads > 1
          ? `${threads} threads`
          : `1 thread (${caps.threads.available ? 'one core' : caps.threads.reason})`;
      candidates.push({ backend, threads, reason: `WebAssembly, ${simd}, ${how}` });
    } else if (options.remoteAvailable) {
      candidates.push({ backend, threads: 1, reason: 'the server runs the model (/v1/predict)' });
    } else {
      skipped.push({ backend, reason: 'no server configured (pass remoteUrl or serverUrl)' });
    }
  }
  return { candidates, skipped };
}
