import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTflite } from '../src/index.js';
import { edgewiseModels } from './support/cli.js';

const face = join(
  import.meta.dirname,
  '../../../node_modules/@mediapipe/face_detection/face_detection_short_range.tflite',
);

describe('edgewise-models quantize on a TFLite model', () => {
  it('writes dynamic-range int8 weights and says how much it saved', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'ew-tflite-')), 'face.int8.tflite');
    const r = await edgewiseModels('quantize', face, out, '--mode', 'dynamic-int8');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^dynamic-int8 \(TFLite\): 229,032 → [\d,]+ bytes \(0\.\d{3}×; 0\.\d{3}× of all-float32\), \d+ weight tensor\(s\) int8/,
    );
    expect(readTflite(new Uint8Array(await readFile(out))).subgraphs[0]!.operators.length).toBeGreaterThan(0);
  });

  it('refuses ONNX-only modes and full int8 without calibration, with a code and exit 2', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'ew-tflite-')), 'x.tflite');
    const fp16 = await edgewiseModels('quantize', face, out, '--mode', 'fp16');
    expect(fp16).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/UNSUPPORTED: --mode fp16 is for ONNX models/),
    });
    const int8 = await edgewiseModels('quantize', face, out, '--mode', 'qdq-int8');
    expect(int8).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/BAD_ARGUMENT: full int8 quantization needs calibration/),
    });
  });
});
