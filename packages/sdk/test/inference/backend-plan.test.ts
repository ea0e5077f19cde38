import { describe, expect, it } from 'vitest';
import { planBackends } from '../../src/inference/backend-plan.js';
import type { BackendCapabilities } from '../../src/inference/capabilities.js';
import { planPlacement } from '../../src/inference/placement.js';

function caps(
  overrides: { webgpu?: boolean; software?: boolean; threads?: boolean; simd?: boolean; cores?: number } = {},
): BackendCapabilities {
  return {
    webgpu: overrides.webgpu
      ? {
          available: true,
          reason: 'ok',
          adapter: { vendor: 'google', architecture: 'swiftshader', description: '' },
          software: overrides.software ?? false,
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

describe('planPlacement (the device backends from planBackends, and the server)', () => {
  it('orders WebGPU, then WASM, then the server by default, with reasons', () => {
    const plan = planPlacement(caps({ webgpu: true, threads: true }), { remote: true });
    expect(plan.candidates.map((c) => c.backend)).toEqual(['webgpu', 'wasm', 'remote']);
    expect(plan.candidates[0]!.reason).toBe('WebGPU adapter google/swiftshader');
    expect(plan.candidates[1]!.reason).toBe('WebAssembly, SIMD, 4 threads');
    expect(plan.skipped).toEqual([]);
  });

  it('skips what the device lacks and says why', () => {
    const plan = planPlacement(caps(), { remote: false });
    expect(plan.candidates.map((c) => c.backend)).toEqual(['wasm']);
    expect(plan.skipped).toEqual([
      { backend: 'webgpu', reason: 'navigator.gpu is missing: this browser has no WebGPU' },
      { backend: 'remote', reason: 'no server configured (pass serverUrl, or a /v1/ manifestUrl)' },
    ]);
  });

  it('uses one thread without cross-origin isolation, and names the cause', () => {
    const [wasm] = planPlacement(caps(), { remote: false }).candidates;
    expect(wasm).toMatchObject({ threads: 1 });
    expect(wasm!.reason).toMatch(/1 thread \(the page is not cross-origin isolated/);
  });

  it('caps threads at 4, honours an explicit count, and never asks for threads it cannot have', () => {
    expect(planPlacement(caps({ threads: true, cores: 16 }), { remote: false }).candidates[0]!.threads).toBe(
      4,
    );
    expect(planPlacement(caps({ threads: true, cores: 2 }), { remote: false }).candidates[0]!.threads).toBe(
      2,
    );
    expect(planPlacement(caps({ threads: true }), { remote: false, threads: 1 }).candidates[0]!.threads).toBe(
      1,
    );
    expect(
      planPlacement(caps({ threads: false }), { remote: false, threads: 8 }).candidates[0]!.threads,
    ).toBe(1);
  });

  it('follows the app preference order and drops duplicates', () => {
    const plan = planPlacement(caps({ webgpu: true }), {
      preference: ['remote', 'wasm', 'wasm', 'webgpu'],
      remote: true,
    });
    expect(plan.candidates.map((c) => c.backend)).toEqual(['remote', 'wasm', 'webgpu']);
  });
});

describe('planBackends', () => {
  it('plans the device only: the server is never its candidate', () => {
    const plan = planBackends(caps({ webgpu: true }), { preference: ['remote', 'wasm', 'webgpu'] });
    expect(plan.candidates.map((c) => c.backend)).toEqual(['wasm', 'webgpu']);
    expect(plan.skipped).toEqual([]);
  });
});

describe('software WebGPU adapters', () => {
  it('are never the default: WASM runs, and the plan says why WebGPU was skipped', () => {
    const plan = planPlacement(caps({ webgpu: true, software: true }), { remote: false });
    expect(plan.candidates.map((c) => c.backend)).toEqual(['wasm']);
    expect(plan.skipped[0]).toMatchObject({
      backend: 'webgpu',
      reason: expect.stringMatching(/software renderer \(google\/swiftshader\)/),
    });
  });

  it('run when the app names webgpu', () => {
    const plan = planPlacement(caps({ webgpu: true, software: true }), {
      preference: ['webgpu', 'wasm'],
      remote: false,
    });
    expect(plan.candidates.map((c) => c.backend)).toEqual(['webgpu', 'wasm']);
    expect(plan.candidates[0]!.reason).toMatch(/software, as asked/);
  });
});

describe('the WebGPU reason and shader-f16', () => {
  const withF16 = (shaderF16: boolean): BackendCapabilities => {
    const c = caps({ webgpu: true });
    return { ...c, webgpu: { ...c.webgpu, shaderF16 } };
  };

  it('says fp16 files run on an adapter with shader-f16', () => {
    const [webgpu] = planPlacement(withF16(true), { remote: false }).candidates;
    expect(webgpu!.reason).toBe('WebGPU adapter google/swiftshader, has shader-f16: fp16 files run on it');
  });

  it('says why WebGPU gets no fp16 file on an adapter without it', () => {
    const [webgpu] = planPlacement(withF16(false), { remote: false }).candidates;
    expect(webgpu!.reason).toBe(
      'WebGPU adapter google/swiftshader, no shader-f16 on this adapter: an fp32 (or other non-fp16) file instead of fp16',
    );
  });
});
