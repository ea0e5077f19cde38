import { DEVICE_CLASSES, deviceClassOf, type ExperimentConfig } from '@edgewise/protocol';
import { describe, expect, it } from 'vitest';
import { EdgewiseError } from '../../src/errors.js';
import { createEvent } from '../../src/events/create-event.js';
import { assignArm, chooseArm } from '../../src/experiments/assign-arm.js';
import { deviceClassFrom } from '../../src/experiments/device-class.js';
import { validateExperiment } from '../../src/experiments/experiment-config.js';
import { exposureContext } from '../../src/experiments/exposure-log.js';
import type { BackendCapabilities } from '../../src/inference/capabilities.js';

function caps(webgpu: Partial<BackendCapabilities['webgpu']> | false, cores: number): BackendCapabilities {
  return {
    webgpu: webgpu
      ? {
          available: true,
          reason: 'test adapter',
          adapter: { vendor: 'test', architecture: 'test', description: '' },
          ...webgpu,
        }
      : { available: false, reason: 'navigator.gpu is missing' },
    wasm: { available: true, reason: 'WebAssembly is available' },
    simd: { available: true, reason: 'simd' },
    threads: { available: true, reason: 'isolated', crossOriginIsolated: true, hardwareConcurrency: cores },
  };
}

const desktop = { userAgentData: { mobile: false } };

describe('device classes', () => {
  it('buckets devices coarsely: backend, f16, cores, memory, mobile', () => {
    expect(deviceClassOf({ gpu: 'webgpu-f16', cores: 16, mobile: false })).toBe('webgpu-f16');
    expect(deviceClassOf({ gpu: 'webgpu', cores: 2, mobile: false })).toBe('webgpu');
    expect(deviceClassOf({ gpu: 'none', cores: 12, mobile: false })).toBe('wasm-8-cores');
    expect(deviceClassOf({ gpu: 'none', cores: 12, memoryGb: 2, mobile: false })).toBe('wasm-2-cores');
    expect(deviceClassOf({ gpu: 'none', cores: 6, mobile: false })).toBe('wasm-4-cores');
    expect(deviceClassOf({ gpu: 'none', cores: 3, mobile: false })).toBe('wasm-2-cores');
    expect(deviceClassOf({ gpu: 'webgpu-f16', cores: 8, mobile: true })).toBe('mobile-webgpu');
    expect(deviceClassOf({ gpu: 'none', cores: 8, mobile: true })).toBe('mobile-wasm');
    expect(DEVICE_CLASSES).toHaveLength(7);
  });

  it('follows the backend models will really run on, the app’s preference included', () => {
    const gpu = caps({ shaderF16: true, software: false }, 8);
    expect(deviceClassFrom(gpu, undefined, desktop)).toBe('webgpu-f16');
    expect(deviceClassFrom(caps({ shaderF16: false }, 8), undefined, desktop)).toBe('webgpu');
    // An app that keeps WebGPU off is a WASM device.
    expect(deviceClassFrom(gpu, ['wasm'], desktop)).toBe('wasm-8-cores');
    // A software adapter is never used by default, so it does not make a GPU device...
    const software = caps({ shaderF16: true, software: true }, 4);
    expect(deviceClassFrom(software, undefined, desktop)).toBe('wasm-4-cores');
    // ...unless the app names WebGPU, as placement does.
    expect(deviceClassFrom(software, ['webgpu', 'wasm'], desktop)).toBe('webgpu-f16');
    expect(
      deviceClassFrom(caps(false, 2), undefined, { deviceMemory: 8, userAgentData: { mobile: true } }),
    ).toBe('mobile-wasm');
    expect(deviceClassFrom(caps(false, 16), undefined, { deviceMemory: 1 })).toBe('wasm-2-cores');
  });
});

const contextual: ExperimentConfig = {
  key: 'variant-by-device',
  type: 'contextual',
  seed: 3,
  policyVersion: 4,
  arms: [
    { name: 'fp16', model: 'm', version: '1', variant: 'fp16', weight: 1 },
    { name: 'int8', model: 'm', version: '1', variant: 'int8', weight: 1 },
  ],
  policyWeights: [0.5, 0.5],
  contextWeights: { 'webgpu-f16': [0.9, 0.1], 'wasm-2-cores': [0.05, 0.95] },
};

describe('contextual assignment', () => {
  it('hashes the user against their class’s weights, and logs that class and its propensity', () => {
    const users = Array.from({ length: 2000 }, (_, i) => `user-${i}`);
    const share = (deviceClass: 'webgpu-f16' | 'wasm-2-cores') =>
      users.filter((u) => assignArm(u, contextual, { deviceClass }).arm === 'fp16').length / users.length;
    expect(share('webgpu-f16')).toBeGreaterThan(0.85);
    expect(share('wasm-2-cores')).toBeLessThan(0.1);
    const a = chooseArm('user-1', contextual, { deviceClass: 'wasm-2-cores' });
    expect(a.context).toBe('wasm-2-cores');
    expect(a.probability).toBe(a.arm === 'fp16' ? 0.05 : 0.95);
    // A class without weights of its own assigns by the pooled ones; no class, no context logged.
    expect(chooseArm('user-1', contextual, { deviceClass: 'webgpu' }).probability).toBe(0.5);
    expect(chooseArm('user-1', contextual).context).toBeUndefined();
    // Stopped arms get no one, in every class.
    const stopped = {
      ...contextual,
      arms: [
        contextual.arms[0]!,
        { ...contextual.arms[1]!, stopped: { at: 1, by: 'admin' as const, reason: 'x' } },
      ],
    };
    expect(users.every((u) => assignArm(u, stopped, { deviceClass: 'wasm-2-cores' }).arm === 'fp16')).toBe(
      true,
    );
    const event = createEvent({ type: 'exposure', ...exposureContext('user-1', a) });
    expect(event).toMatchObject({ context: 'wasm-2-cores', probability: a.probability });
  });

  it('refuses served weights for an unknown class or of the wrong length, and events with a made-up class', () => {
    expect(validateExperiment(contextual)).toBe(contextual);
    const bad = (contextWeights: unknown) => () => validateExperiment({ ...contextual, contextWeights });
    expect(bad({ 'nvidia-4090': [1, 1] })).toThrow(/unknown device class "nvidia-4090"/);
    expect(bad({ webgpu: [1] })).toThrow(/one weight per arm \(2\)/);
    expect(bad({ webgpu: [1, -1] })).toThrow(EdgewiseError);
    expect(() =>
      createEvent({
        type: 'exposure',
        userId: 'u',
        experiment: 'e',
        arm: 'a',
        probability: 1,
        modelVersion: '1',
        context: 'gpu-of-user-123' as never,
      }),
    ).toThrow(/context/);
  });
});
