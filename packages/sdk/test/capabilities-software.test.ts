import { describe, expect, it, vi } from 'vitest';
import { detectBackends, hasShaderF16, isSoftwareAdapter } from '../src/inference/capabilities.js';

const device = async () => ({ destroy() {} });

describe('isSoftwareAdapter', () => {
  it('knows CPU renderers by name and by the fallback flag', () => {
    const adapters = [
      { vendor: 'google', architecture: 'swiftshader', description: '' },
      { vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' },
      { vendor: 'microsoft', architecture: '', description: 'Microsoft Basic Render Driver' },
    ];
    for (const info of adapters) expect(isSoftwareAdapter({ info, requestDevice: device })).toBe(true);
    expect(
      isSoftwareAdapter({
        info: { vendor: 'x', architecture: '', description: '', isFallbackAdapter: true },
        requestDevice: device,
      }),
    ).toBe(true);
    expect(isSoftwareAdapter({ isFallbackAdapter: true, requestDevice: device })).toBe(true);
  });

  it('takes real GPUs as they are', () => {
    for (const info of [
      { vendor: 'nvidia', architecture: 'hopper', description: '' },
      { vendor: 'apple', architecture: 'metal-3', description: '' },
      { vendor: 'intel', architecture: 'gen-12lp', description: '' },
    ]) {
      expect(isSoftwareAdapter({ info, requestDevice: device })).toBe(false);
    }
  });
});

describe('shader-f16 on the WebGPU adapter', () => {
  const features = (...names: string[]) => new Set(names);

  it('is read from adapter.features, and false where the set lacks it or is missing', () => {
    expect(hasShaderF16({ features: features('shader-f16', 'subgroups'), requestDevice: device })).toBe(true);
    expect(hasShaderF16({ features: features('timestamp-query'), requestDevice: device })).toBe(false);
    expect(hasShaderF16({ requestDevice: device })).toBe(false);
  });

  it('is reported by detectBackends on BackendCapabilities.webgpu, with the reason', async () => {
    for (const has of [true, false]) {
      const adapter = {
        info: { vendor: 'nvidia', architecture: 'hopper', description: '' },
        features: has ? features('shader-f16') : features(),
        requestDevice: device,
      };
      vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => adapter }, hardwareConcurrency: 4 });
      try {
        const { webgpu } = await detectBackends();
        expect(webgpu).toMatchObject({ available: true, software: false, shaderF16: has });
        expect(webgpu.reason).toMatch(has ? /with shader-f16/ : /without shader-f16/);
      } finally {
        vi.unstubAllGlobals();
      }
    }
  });

  it('is absent when there is no WebGPU to probe', async () => {
    const { webgpu } = await detectBackends();
    expect(webgpu.available).toBe(false);
    expect(webgpu.shaderF16).toBeUndefined();
  });
});
