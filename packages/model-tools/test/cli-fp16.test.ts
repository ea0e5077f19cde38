import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectOnnx } from '../src/index.js';
import { edgewiseModels } from './support/cli.js';

const mnist = join(import.meta.dirname, '../../../models/mnist/1.0.0/mnist.fp32.onnx');

describe('edgewise-models quantize --mode fp16', () => {
  it('writes a float16 model with float32 inputs and outputs', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'ew-fp16-')), 'mnist.fp16.onnx');
    const r = await edgewiseModels('quantize', mnist, out, '--mode', 'fp16');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^fp16: 204,237 → [\d,]+ bytes \(0\.5\d\d×\), 4 tensor\(s\) stored as float16, 0 node\(s\) kept/,
    );
    const info = inspectOnnx(new Uint8Array(await readFile(out)));
    expect(info.inputs[0]!.dtype).toBe('float32');
    expect(info.outputs[0]!.dtype).toBe('float32');
    expect(info.opHistogram.Cast).toBe(2);
  });

  it('--keep-float32 lists the kept nodes, and an unknown name exits 2 with BAD_ARGUMENT', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ew-fp16-'));
    const kept = await edgewiseModels(
      'quantize',
      mnist,
      join(dir, 'a.onnx'),
      '--mode',
      'fp16',
      '--keep-float32',
      'dense_1/Softmax',
    );
    expect(kept.code).toBe(0);
    expect(kept.stdout).toMatch(
      /1 node\(s\) kept in float32\n {2}kept dense_1\/Softmax: kept in float32 by the caller/,
    );
    const bad = await edgewiseModels(
      'quantize',
      mnist,
      join(dir, 'b.onnx'),
      '--mode',
      'fp16',
      '--keep-float32',
      'nope',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/BAD_ARGUMENT.*no node named "nope"/);
  });
});
