import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeOnnx, denseModelToOnnx, encodeOnnx } from '../src/index.js';
import { edgewiseModels } from './support/cli.js';
import { randomDenseModel } from './support/random-dense-model.js';

describe('edgewise-models CLI', () => {
  let dir: string;
  let modelPath: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ew-cli-'));
    modelPath = join(dir, 'iris.onnx');
    await writeFile(modelPath, denseModelToOnnx(randomDenseModel([4, 8, 3], 7)));
  });

  it('refuses a file that is not ONNX with exit code 2 and says so', async () => {
    const path = join(dir, 'notes.onnx');
    await writeFile(path, 'this is a text file, not a model\n'.repeat(20));
    const r = await edgewiseModels('inspect', path);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/NOT_ONNX/);
  });

  it('refuses a truncated model with exit code 2', async () => {
    const bytes = await readFile(modelPath);
    const path = join(dir, 'truncated.onnx');
    await writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const r = await edgewiseModels('quantize', path, join(dir, 'out.onnx'), '--mode', 'dynamic-int8');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/TRUNCATED|NOT_ONNX/);
  });

  it('refuses a model with an unknown op, naming it, with exit code 2', async () => {
    const model = decodeOnnx(await readFile(modelPath));
    model.graph!.node![0]!.opType = 'FancyMatMul';
    const path = join(dir, 'unknown-op.onnx');
    await writeFile(path, encodeOnnx(model));
    const r = await edgewiseModels('quantize', path, join(dir, 'out.onnx'), '--mode', 'int4');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/UNKNOWN_OP.*FancyMatMul/);
  });

  it('rejects an unknown mode and a missing file with exit code 2', async () => {
    expect((await edgewiseModels('quantize', modelPath, join(dir, 'o.onnx'), '--mode', 'int3')).code).toBe(2);
    expect((await edgewiseModels('inspect', join(dir, 'missing.onnx'))).stderr).toMatch(/no such file/);
    expect((await edgewiseModels('frobnicate')).code).toBe(2);
  });

  it('inspects, quantizes, publishes into a manifest and batch-predicts a CSV', async () => {
    const info = JSON.parse((await edgewiseModels('inspect', modelPath, '--json')).stdout);
    expect(info.inputs[0]).toMatchObject({ name: 'input', dtype: 'float32' });
    expect(info.parameterCount).toBe(4 * 8 + 8 + 8 * 3 + 3);

    const int8 = join(dir, 'iris.int8.onnx');
    const q = await edgewiseModels('quantize', modelPath, int8, '--mode', 'dynamic-int8');
    expect(q.code, q.stderr).toBe(0);

    const manifest = join(dir, 'manifest.json');
    const p1 = await edgewiseModels(
      'publish',
      modelPath,
      '--name',
      'iris',
      '--version',
      '1.0.0',
      '--manifest',
      manifest,
      '--channel',
      'stable',
      '--metric',
      'accuracy=0.9',
      '--status',
      'approved',
    );
    expect(p1.code, p1.stderr).toBe(0);
    const p2 = await edgewiseModels(
      'publish',
      int8,
      '--name',
      'iris',
      '--version',
      '1.0.0-int8',
      '--quantization',
      'int8-dynamic',
      '--manifest',
      manifest,
    );
    expect(p2.code, p2.stderr).toBe(0);
    const m = JSON.parse(await readFile(manifest, 'utf8'));
    expect(m.models.iris.channels.stable).toBe('1.0.0');
    expect(m.models.iris.versions['1.0.0']).toMatchObject({
      url: 'iris.onnx',
      status: 'approved',
      metrics: { accuracy: 0.9 },
    });
    expect(m.models.iris.versions['1.0.0'].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.models.iris.versions['1.0.0-int8']).toMatchObject({
      url: 'iris.int8.onnx',
      quantization: 'int8-dynamic',
    });

    const csv = join(dir, 'data.csv');
    await writeFile(csv, 'a,b,c,d\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n5.9,3.0,4.2,1.5\n');
    const out = join(dir, 'preds.csv');
    const b = await edgewiseModels('batch', modelPath, csv, '--out', out, '--batch-size', '2');
    expect(b.code, b.stderr).toBe(0);
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('row,argmax,probabilities_0,probabilities_1,probabilities_2');
    const probs = lines[1]!.split(',').slice(2).map(Number);
    expect(probs.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
  });

  it('posts a model to a registry and checks the sha256 it answers', async () => {
    const received: { auth?: string; meta?: string; length: number }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', async () => {
        const body = Buffer.concat(chunks);
        received.push({
          auth: req.headers.authorization,
          meta: req.headers['x-edgewise-model'] as string,
          length: body.length,
        });
        const { createHash } = await import('node:crypto');
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ sha256: createHash('sha256').update(body).digest('hex') }));
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const r = await edgewiseModels(
      'publish',
      modelPath,
      '--name',
      'iris',
      '--version',
      '2.0.0',
      '--server',
      url,
      '--token',
      's3cret',
    );
    server.close();
    expect(r.code, r.stderr).toBe(0);
    expect(received[0]?.auth).toBe('Bearer s3cret');
    expect(JSON.parse(received[0]!.meta!)).toMatchObject({ name: 'iris', version: '2.0.0', format: 'onnx' });
  });
});
