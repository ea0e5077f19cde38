/**
 * The device classes a contextual experiment learns per. A class is all a device says about itself:
 * seven coarse buckets, each shared by a large part of all devices, so the class is not a fingerprint
 * (no vendor, no exact core count or memory, no user agent). Vendor and architecture are left out on
 * purpose: what changes which variant runs best is whether models run on the GPU at all and whether
 * it has f16 shaders (fp16 files need them); the vendor would split every class several ways for
 * little more.
 *
 * - `webgpu-f16`: models run on a WebGPU adapter with `shader-f16` (fp16 files run natively).
 * - `webgpu`: models run on WebGPU without `shader-f16`.
 * - `wasm-8-cores`, `wasm-4-cores`, `wasm-2-cores`: models run on WebAssembly; cores bucketed as
 *   ≥ 8, 4–7 and ≤ 3 (a `deviceMemory` of 2 GB or less counts as the lowest bucket).
 * - `mobile-webgpu`, `mobile-wasm`: a mobile device (`userAgentData.mobile`), by backend only.
 */
export const DEVICE_CLASSES = [
  'webgpu-f16',
  'webgpu',
  'wasm-8-cores',
  'wasm-4-cores',
  'wasm-2-cores',
  'mobile-webgpu',
  'mobile-wasm',
] as const;
export type DeviceClass = (typeof DEVICE_CLASSES)[number];

/** What a device knows about itself, reduced to the class before it goes anywhere. */
export interface DeviceFacts {
  /** The backend models will run on here: WebGPU (with or without f16 shaders) or WebAssembly. */
  gpu: 'none' | 'webgpu' | 'webgpu-f16';
  /** `navigator.hardwareConcurrency`. */
  cores: number;
  /** `navigator.deviceMemory` in GB (Chromium only, itself rounded); undefined where unknown. */
  memoryGb?: number;
  mobile: boolean;
}

/**
 * The class of a device.
 *
 * @example
 * deviceClassOf({ gpu: 'none', cores: 4, mobile: false }) // → 'wasm-4-cores'
 */
export function deviceClassOf(facts: DeviceFacts): DeviceClass {
  if (facts.mobile) return facts.gpu === 'none' ? 'mobile-wasm' : 'mobile-webgpu';
  if (facts.gpu !== 'none') return facts.gpu;
  const lowMemory = facts.memoryGb !== undefined && facts.memoryGb <= 2;
  if (facts.cores >= 8 && !lowMemory) return 'wasm-8-cores';
  if (facts.cores >= 4 && !lowMemory) return 'wasm-4-cores';
  return 'wasm-2-cores';
}

export function isDeviceClass(value: unknown): value is DeviceClass {
  return typeof value === 'string' && (DEVICE_CLASSES as readonly string[]).includes(value);
}
