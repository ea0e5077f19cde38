import { describe, expect, it } from 'vitest';
import { isSoftwareAdapter } from '../src/inference/capabilities.js';

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
