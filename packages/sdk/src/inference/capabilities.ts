/** What this browser (or worker, or Node) can run, and why a backend is missing. */
export interface BackendCapabilities {
  webgpu: {
    available: boolean;
    reason: string;
    adapter?: { vendor: string; architecture: string; description: string };
    /**
     * The adapter renders on the CPU (SwiftShader, llvmpipe, WARP, or one the browser flags as a
     * fallback adapter): models run 25–150× slower there than on WASM, so it is never a default.
     */
    software?: boolean;
    /**
     * The adapter has the `shader-f16` feature (f16 in WGSL): onnxruntime-web's WebGPU EP needs it to
     * run fp16 model files, so without it the file pick keeps fp16 files off WebGPU. Set when
     * `available`; undefined where nothing was probed.
     */
    shaderF16?: boolean;
  };
  wasm: { available: boolean; reason: string };
  simd: { available: boolean; reason: string };
  threads: { available: boolean; reason: string; crossOriginIsolated: boolean; hardwareConcurrency: number };
}

// The smallest module using a v128 instruction (i8x16.splat + drop); validate() is false without SIMD.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11,
]);

// A shared memory import; validate() is false where WASM threads are not compiled in.
const THREADS_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 4, 1, 3, 1, 1, 10, 11, 1, 9, 0, 65, 0, 254,
  16, 2, 0, 26, 11,
]);

function detectWasm(): BackendCapabilities['wasm'] {
  if (typeof WebAssembly !== 'object') return { available: false, reason: 'WebAssembly is not defined here' };
  return { available: true, reason: 'WebAssembly is available' };
}

function detectSimd(): BackendCapabilities['simd'] {
  if (typeof WebAssembly !== 'object') return { available: false, reason: 'no WebAssembly' };
  return WebAssembly.validate(SIMD_PROBE)
    ? { available: true, reason: 'WebAssembly SIMD (v128) validates' }
    : { available: false, reason: 'this engine rejects WebAssembly SIMD instructions' };
}

function detectThreads(): BackendCapabilities['threads'] {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const cores = (globalThis.navigator as Navigator | undefined)?.hardwareConcurrency ?? 1;
  const base = { crossOriginIsolated: isolated, hardwareConcurrency: cores };
  if (typeof SharedArrayBuffer !== 'function') {
    return {
      ...base,
      available: false,
      reason: 'SharedArrayBuffer is missing: serve the page with COOP: same-origin and COEP: require-corp',
    };
  }
  if (typeof WebAssembly !== 'object' || !WebAssembly.validate(THREADS_PROBE)) {
    return { ...base, available: false, reason: 'this engine rejects WebAssembly atomics' };
  }
  if (!isolated && typeof window !== 'undefined') {
    return {
      ...base,
      available: false,
      reason: 'the page is not cross-origin isolated (COOP/COEP headers missing)',
    };
  }
  return { ...base, available: true, reason: `cross-origin isolated, ${cores} cores` };
}

async function detectWebGpu(): Promise<BackendCapabilities['webgpu']> {
  // Typed locally: @webgpu/types is not a dependency of the SDK, and may or may not be loaded by others.
  const gpu = (globalThis.navigator as unknown as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) return { available: false, reason: 'navigator.gpu is missing: this browser has no WebGPU' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter)
      return { available: false, reason: 'navigator.gpu.requestAdapter() returned null (no usable GPU)' };
    const info = adapter.info ?? { vendor: '', architecture: '', description: '' };
    const device = await adapter.requestDevice();
    device.destroy();
    const software = isSoftwareAdapter(adapter);
    const shaderF16 = hasShaderF16(adapter);
    return {
      available: true,
      reason: `adapter ${info.vendor || 'unknown'}/${info.architecture || 'unknown'} gave a device${software ? ' (a software renderer)' : ''}, ${shaderF16 ? 'with' : 'without'} shader-f16`,
      adapter: { vendor: info.vendor, architecture: info.architecture, description: info.description },
      software,
      shaderF16,
    };
  } catch (error) {
    return { available: false, reason: `WebGPU device request failed: ${String(error)}` };
  }
}

interface AdapterLike {
  info?: { vendor: string; architecture: string; description: string; isFallbackAdapter?: boolean };
  /** Older browsers put the flag on the adapter itself. */
  isFallbackAdapter?: boolean;
  /** The adapter's optional features (a GPUSupportedFeatures set); missing on very old browsers. */
  features?: { has(name: string): boolean };
  requestDevice(): Promise<{ destroy(): void }>;
}

interface GpuLike {
  requestAdapter(): Promise<AdapterLike | null>;
}

/** CPU renderers by the names their adapters report (Chromium's SwiftShader, Mesa's llvmpipe, …). */
const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b/i;

/** Whether the adapter can run f16 shaders, which fp16 model files need on WebGPU. */
export function hasShaderF16(adapter: AdapterLike): boolean {
  return adapter.features?.has('shader-f16') === true;
}

export function isSoftwareAdapter(adapter: AdapterLike): boolean {
  if (adapter.info?.isFallbackAdapter === true || adapter.isFallbackAdapter === true) return true;
  const { vendor = '', architecture = '', description = '' } = adapter.info ?? {};
  return SOFTWARE_RENDERERS.test(`${vendor} ${architecture} ${description}`);
}

/**
 * Probes WebGPU (adapter and device), WASM, SIMD and threads.
 *
 * @example
 * const caps = await detectBackends();
 * if (!caps.threads.available) console.info(caps.threads.reason);
 */
export async function detectBackends(): Promise<BackendCapabilities> {
  return { webgpu: await detectWebGpu(), wasm: detectWasm(), simd: detectSimd(), threads: detectThreads() };
}
