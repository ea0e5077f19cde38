import type { BackendCapabilities } from './capabilities.js';

/** Where a model can run: on this device's GPU, on its CPU through WebAssembly, or on the server. */
export type Backend = 'webgpu' | 'wasm' | 'remote';
/** The backends that run in the inference worker (or in this thread in Node). */
export type DeviceBackend = Exclude<Backend, 'remote'>;

export const BACKENDS: readonly Backend[] = ['webgpu', 'wasm', 'remote'];
export const DEFAULT_BACKEND_ORDER: readonly Backend[] = BACKENDS;

/** One backend to try, with what it will use and why it is on the list. */
export interface BackendCandidate {
  backend: Backend;
  /** WASM threads (1 when the page is not cross-origin isolated). */
  threads: number;
  reason: string;
}

/** A candidate the inference worker runs: the runtimes see only these. */
export interface DeviceCandidate extends BackendCandidate {
  backend: DeviceBackend;
}

export interface SkippedBackend {
  backend: Backend;
  reason: string;
}

export interface BackendPlan {
  candidates: BackendCandidate[];
  /** Backends left out, and why: reported on the model so nobody has to guess. */
  skipped: SkippedBackend[];
}

/** The most WASM threads worth asking for: onnxruntime's own default caps at 4 too. */
const MAX_THREADS = 4;

/**
 * Orders the on-device backends to try, from the app's preference and what this device can do. The
 * server is not planned here: `planPlacement` adds it where the preference puts it.
 *
 * @example
 * planBackends(caps, { preference: ['webgpu', 'wasm'] }).candidates[0]
 * // → { backend: 'webgpu', threads: 4, reason: 'WebGPU adapter google/swiftshader' }
 */
export function planBackends(
  caps: BackendCapabilities,
  options: {
    preference?: readonly Backend[];
    /** Ask for this many WASM threads; still 1 where threads are unavailable. */
    threads?: number;
    /** Use a software WebGPU adapter too (the app asked for WebGPU by name); default false. */
    softwareGpu?: boolean;
  } = {},
): BackendPlan {
  const order = options.preference ?? DEFAULT_BACKEND_ORDER;
  const wanted = options.threads ?? Math.min(MAX_THREADS, caps.threads.hardwareConcurrency);
  const threads = caps.threads.available ? Math.max(1, Math.floor(wanted)) : 1;
  const candidates: BackendCandidate[] = [];
  const skipped: SkippedBackend[] = [];
  for (const backend of new Set(order)) {
    if (backend === 'webgpu') {
      const a = caps.webgpu.adapter;
      const name = a ? `${a.vendor || 'unknown'}/${a.architecture || 'unknown'}` : 'unknown';
      if (caps.webgpu.available && caps.webgpu.software && !options.softwareGpu) {
        skipped.push({
          backend,
          reason: `the only WebGPU adapter is a software renderer (${name}), which runs models 25–150× slower than WebAssembly; list 'webgpu' in backends to use it anyway`,
        });
      } else if (caps.webgpu.available) {
        candidates.push({
          backend,
          threads,
          reason: `WebGPU adapter ${a ? name : 'available'}${caps.webgpu.software ? ' (software, as asked)' : ''}${f16Note(caps.webgpu.shaderF16)}`,
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
    }
  }
  return { candidates, skipped };
}

/**
 * What the adapter's shader-f16 means for the file WebGPU gets (the variant pick follows it: see
 * `VariantRequest.shaderF16`); nothing where it was not probed.
 */
function f16Note(shaderF16: boolean | undefined): string {
  if (shaderF16 === undefined) return '';
  return shaderF16
    ? ', has shader-f16: fp16 files run on it'
    : ', no shader-f16 on this adapter: an fp32 (or other non-fp16) file instead of fp16';
}
