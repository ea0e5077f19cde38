import { describe, expect, it } from 'vitest';
import { EdgewiseError } from '../../src/errors.js';
import type { BackendCandidate } from '../../src/inference/backend-plan.js';
import { createWithFallback } from '../../src/inference/create-with-fallback.js';

const webgpu: BackendCandidate = { backend: 'webgpu', threads: 1, reason: 'gpu' };
const wasm: BackendCandidate = { backend: 'wasm', threads: 1, reason: 'wasm' };

describe('createWithFallback', () => {
  it('uses the first backend that works', async () => {
    const result = await createWithFallback([webgpu, wasm], async (c) => `session on ${c.backend}`);
    expect(result).toMatchObject({ session: 'session on webgpu', candidate: webgpu, failed: [] });
  });

  it('falls back from WebGPU to WASM, reporting the failure', async () => {
    const reports: string[] = [];
    const result = await createWithFallback(
      [webgpu, wasm],
      async (c) => {
        if (c.backend === 'webgpu') throw new Error('no adapter for this device');
        return 'wasm session';
      },
      (from, to) => reports.push(`${from.backend} → ${to?.backend}: ${from.error}`),
    );
    expect(result.candidate).toBe(wasm);
    expect(result.failed).toEqual([{ backend: 'webgpu', error: 'no adapter for this device' }]);
    expect(reports).toEqual(['webgpu → wasm: no adapter for this device']);
  });

  it('does not try other backends when the model itself is bad', async () => {
    let calls = 0;
    await expect(
      createWithFallback([webgpu, wasm], async () => {
        calls++;
        throw new EdgewiseError('MODEL_FORMAT', 'not an ONNX file');
      }),
    ).rejects.toMatchObject({ code: 'MODEL_FORMAT' });
    expect(calls).toBe(1);
  });

  it('says BACKEND_UNAVAILABLE with every failure when nothing works', async () => {
    const error = await createWithFallback([webgpu, wasm], async (c) => {
      throw new Error(`${c.backend} broke`);
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EdgewiseError);
    expect((error as EdgewiseError).code).toBe('BACKEND_UNAVAILABLE');
    expect((error as EdgewiseError).message).toMatch(/webgpu: webgpu broke; wasm: wasm broke/);
  });

  it('says so when no backend was available at all', async () => {
    await expect(createWithFallback([], async () => 'never')).rejects.toMatchObject({
      code: 'BACKEND_UNAVAILABLE',
      message: expect.stringMatching(/none of the requested backends is available/),
    });
  });
});
