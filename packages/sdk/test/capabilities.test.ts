import { describe, expect, it } from 'vitest';
import { detectBackends } from '../src/index.js';

describe('detectBackends in Node', () => {
  it('finds WASM with SIMD and says why WebGPU is missing', async () => {
    const caps = await detectBackends();
    expect(caps.wasm.available).toBe(true);
    expect(caps.simd.available).toBe(true);
    expect(caps.webgpu.available).toBe(false);
    expect(caps.webgpu.reason).toMatch(/navigator\.gpu/);
  });
});
