import { describe, expect, it } from 'vitest';
import { planBackends } from '../../src/inference/backend-plan.js';
import type { BackendCapabilities } from '../../src/inference/capabilities.js';

function caps(
  overrides: { webgpu?: boolean; threads?: boolean; simd?: boolean; cores?: number } = {},
): BackendCapabilities {
  return {
    webgpu: overrides.webgpu
      ? {
          available: true,
          reason: 'ok',
          adapter: { vendor: 'google', architecture: 'swiftshader', description: '' },
        }
      : { available: false, reason: 'navigator.gpu is missing: this browser has no WebGPU' },
    wasm: { available: true, reason: 'WebAssembly is available' },
    simd: { available: overrides.simd ?? true, reason: 'simd' },
    threads: {
      available: overrides.threads ?? false,
      reason: 'the page is not cross-origin isolated (COOP/COEP headers missing)',
      crossOriginIsolated: overrides.threads ?? false,
      hardwareConcurrency: overrides.cores ?? 8,
    },
  };
}

describe('planBackends', () => {
  it('orders WebGPU, then WASM, then the server by default, with reasons', () => {
    const plan = planBackends(caps({ webgpu: true, threads: true }), {
      format: 'onnx',
      remoteAvailable: true,
    });
    expect(plan.candidates.map((c) => c.backend)).toEqual(['webgpu', 'wasm', 'remote']);
    expect(plan.candidates[0]!.reason).toBe('WebGPU adapter google/swiftshader');
    expect(plan.candidates[1]!.reason).toBe('WebAssembly, SIMD, 4 threads');
    expect(plan.skipped).toEqual([]);
  });

  it('skips what the device lacks and says why', () => {
    const plan = planBackends(caps(), { format: 'onnx', remoteAvailable: false });
    expect(plan.candidates.map((c) => c.backend)).toEqual(['wasm']);
    expect(plan.skipped).toEqual([
      { backend: 'webgpu', reason: 'navigator.gpu is missing: this browser has no WebGPU' },
      { backend: 'remote', reason: 'no server configured (pass remoteUrl or serverUrl)' },
    ]);
  });

  it('uses one thread without cross-origin isolation, and names the cause', () => {
    const [wasm] = planBackends(caps(), { format: 'onnx', remoteAvailable: false }).candidates;
    expect(wasm).toMatchObject({ threads: 1 });
    expect(wasm!.reason).toMatch(/1 thread \(the page is not cross-origin isolated/);
  });

  it('caps threads at 4, honours an explicit count, and never asks for threads it cannot have', () => {
    expect(
      planBackends(caps({ threads: true, cores: 16 }), { format: 'onnx', remoteAvailable: false })
        .candidates[0]!.threads,
    ).toBe(4);
    expect(
      planBackends(caps({ threads: true, cores: 2 }), { format: 'onnx', remoteAvailable: false })
        .candidates[0]!.threads,
    ).toBe(2);
    expect(
      planBackends(caps({ threads: true }), { format: 'onnx', remoteAvailable: false, threads: 1 })
        .candidates[0]!.threads,
    ).toBe(1);
    expect(
      planBackends(caps({ threads: false }), { format: 'onnx', remoteAvailable: false, threads: 8 })
        .candidates[0]!.threads,
    ).toBe(1);
  });

  it('follows the app preference order and drops duplicates', () => {
    const plan = planBackends(caps({ webgpu: true }), {
      format: 'onnx',
      preference: ['remote', 'wasm', 'wasm', 'webgpu'],
      remoteAvailable: true,
    });
    expect(plan.candidates.map((c) => c.backend)).toEqual(['remote', 'wasm', 'webgpu']);
  });
});
