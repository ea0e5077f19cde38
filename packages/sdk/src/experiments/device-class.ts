import { type DeviceClass, deviceClassOf } from '@edgewise/protocol';
import { type Backend, planBackends } from '../inference/backend-plan.js';
import type { BackendCapabilities } from '../inference/capabilities.js';

/** The few navigator fields a class reads; typed here because `deviceMemory` and `userAgentData` are not in lib.dom everywhere. */
interface NavigatorFacts {
  hardwareConcurrency?: number;
  deviceMemory?: number;
  userAgentData?: { mobile?: boolean };
}

/**
 * This device's class for contextual experiments, computed here and never sent finer: the backend
 * models will really run on (the app's `backends` preference included, so an app that keeps WebGPU
 * off is a WASM device), f16 shaders, a cores bucket, a memory bucket, mobile or not.
 *
 * @example
 * deviceClassFrom(await detectBackends(), ['wasm']) // → 'wasm-4-cores' on a 4-core laptop
 */
export function deviceClassFrom(
  caps: BackendCapabilities,
  backends?: readonly Backend[],
  nav: NavigatorFacts | undefined = globalThis.navigator as NavigatorFacts | undefined,
): DeviceClass {
  const plan = planBackends(caps, {
    ...(backends ? { preference: backends } : {}),
    // As placement does: naming WebGPU is how an app asks for a software adapter too.
    softwareGpu: backends?.includes('webgpu') === true,
  });
  const first = plan.candidates[0]?.backend;
  const memory = nav?.deviceMemory;
  return deviceClassOf({
    gpu: first === 'webgpu' ? (caps.webgpu.shaderF16 ? 'webgpu-f16' : 'webgpu') : 'none',
    cores: caps.threads.hardwareConcurrency,
    ...(typeof memory === 'number' ? { memoryGb: memory } : {}),
    mobile: nav?.userAgentData?.mobile === true,
  });
}
