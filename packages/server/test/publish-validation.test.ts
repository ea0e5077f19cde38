import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, modelsRoot, testServer } from './support/server.js';

const onnx = readFileSync(join(modelsRoot, 'iris/1.0.0/iris.fp32.onnx'));

describe('publish validates the model', () => {
  let app: FastifyInstance;
  let n = 0;
  beforeAll(async () => {
    // 120 publishes in one minute: above the admin rate limit, which is not what this test is about.
    app = await testServer({ rateLimits: { admin: 10_000 } });
  });
  afterAll(async () => {
    await app.close();
  });
  const publish = (bytes: Uint8Array, meta: object = {}) =>
    app.inject({
      method: 'POST',
      url: '/v1/models',
      headers: {
        ...adminHeaders,
        'content-type': 'application/octet-stream',
        'x-edgewise-model': JSON.stringify({ name: 'v', version: `0.0.${n++}`, ...meta }),
      },
      payload: Buffer.from(bytes),
    });

  it('refuses an 8-byte "TFL3" file and truncated models with 400 naming why', async () => {
    const stub = Uint8Array.from([0, 0, 0, 0, 84, 70, 76, 51]);
    const res = await publish(stub);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/is not a valid tflite model/);
    const cut = await publish(onnx.subarray(0, onnx.length >> 1));
    expect(cut.statusCode).toBe(400);
    expect(cut.json().message).toMatch(/is not a valid onnx model/);
  });

  it('takes tensor specs from the model and refuses a header that disagrees', async () => {
    const ok = await publish(onnx, { inputs: [{ name: 'input', dtype: 'float32', shape: ['n', 4] }] });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().inputs[0]).toMatchObject({ name: 'input', dtype: 'float32' });
    const lie = await publish(onnx, { inputs: [{ name: 'input', dtype: 'float32', shape: [1, 1000000] }] });
    expect(lie.statusCode).toBe(400);
    expect(lie.json().message).toMatch(/inputs say input float32 \[1, 1000000\] but v@.* has input float32/);
  });

  it('refuses bit-flipped ONNX files unless the runtime can really load them', async () => {
    let seed = 19;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const codes: Record<number, number> = {};
    for (let i = 0; i < 120; i++) {
      const bytes = new Uint8Array(onnx);
      for (let k = 0; k < 8; k++) {
        const at = rand() % bytes.length;
        bytes[at] = (bytes[at] as number) ^ (1 << (rand() % 8));
      }
      const res = await publish(bytes);
      codes[res.statusCode] = (codes[res.statusCode] ?? 0) + 1;
      expect(res.statusCode).toBeLessThan(500);
    }
    console.log(`[publish] 120 bit-flipped iris.onnx → ${JSON.stringify(codes)}`);
    expect((codes[400] ?? 0) + (codes[201] ?? 0)).toBe(120);
  });
});
