import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { ModelToolsError } from '../src/errors.js';
import { decodeOnnx, encodeOnnx } from '../src/onnx/codec.js';
import { opsetVersion } from '../src/onnx/graph-edit.js';
import { upgradeOnnxOpset } from '../src/onnx/opset-upgrade.js';
import { runOnnx } from '../src/onnx/run-onnx.js';
import { CORPUS_FILES } from './corpus/files.js';
import { OLD_INPUT_DIMS, oldOpsetModel } from './support/old-opset-model.js';
import { checkWithOnnx } from './support/onnx-checker.js';
import { convertWithOnnx } from './support/onnx-version-converter.js';
import { maxAbsDiff } from './support/test-data.js';

function upgraded(bytes: Uint8Array, target: number): { bytes: Uint8Array; adapted: string[] } {
  const model = decodeOnnx(bytes);
  const { adapted } = upgradeOnnxOpset(model, target);
  expect(opsetVersion(model)).toBe(target);
  return { bytes: encodeOnnx(model), adapted };
}

async function outputs(bytes: Uint8Array, feeds: () => Record<string, ort.Tensor>) {
  const result = await runOnnx(bytes, feeds());
  return Object.fromEntries(Object.entries(result).map(([k, v]) => [k, v.data as Float32Array]));
}

describe('upgradeOnnxOpset (oracle: onnx.version_converter, checker, onnxruntime-web)', () => {
  const old = oldOpsetModel();
  const x = Float32Array.from({ length: 32 }, (_, i) => Math.sin(i * 0.7));
  const oldFeeds = () => ({ x: new ort.Tensor('float32', x, OLD_INPUT_DIMS) });

  it.each([9, 10, 11, 13])(
    'opset 7 → %i: every changed op converted, same outputs as version_converter',
    async (target) => {
      const ours = upgraded(old, target);
      checkWithOnnx(ours.bytes);
      const expected = await outputs(old, oldFeeds);
      const oracle = await outputs(convertWithOnnx(old, target), oldFeeds);
      const got = await outputs(ours.bytes, oldFeeds);
      for (const name of Object.keys(expected)) {
        expect(maxAbsDiff(got[name]!, expected[name]!), name).toBe(0);
        expect(maxAbsDiff(got[name]!, oracle[name]!), name).toBe(0);
      }
      if (target === 13) {
        expect(ours.adapted).toEqual(
          expect.arrayContaining(
            ['Pad@11', 'Upsample@9', 'Upsample@10', 'Resize@11', 'Clip@11', 'Dropout@12', 'Slice@10'].concat([
              'ReduceSum@13',
              'Squeeze@13',
              'Unsqueeze@13',
              'Softmax@13',
              'Split@13',
              'TopK@10',
              'BatchNormalization@9',
            ]),
          ),
        );
      }
    },
  );

  // onnx.version_converter cannot take these past 12: its Softmax 12→13 adapter needs shapes that
  // shape inference does not find (Reshape to computed shapes), so at 13 the opset-9 original is the oracle.
  it.each([
    ['cls', CORPUS_FILES.cls, [1, 3, 48, 192]],
    ['rec', CORPUS_FILES.rec, [1, 3, 48, 160]],
  ] as const)('PaddleOCR %s (opset 9) → 11, 12, 13: checker passes, outputs equal', async (_, path, dims) => {
    const bytes = new Uint8Array(readFileSync(path));
    const input = Float32Array.from({ length: dims.reduce((a: number, b: number) => a * b, 1) }, (_, i) =>
      Math.sin(i * 0.37),
    );
    const feeds = () => ({ x: new ort.Tensor('float32', input, [...dims]) });
    const expected = Object.values(await outputs(bytes, feeds))[0]!;
    for (const target of [11, 12, 13]) {
      const ours = upgraded(bytes, target);
      checkWithOnnx(ours.bytes);
      expect(maxAbsDiff(Object.values(await outputs(ours.bytes, feeds))[0]!, expected)).toBe(0);
      if (target === 12) {
        const oracle = Object.values(await outputs(convertWithOnnx(bytes, 12), feeds))[0]!;
        expect(maxAbsDiff(Object.values(await outputs(ours.bytes, feeds))[0]!, oracle)).toBe(0);
      }
    }
  });

  it('refuses what it cannot convert with UNSUPPORTED and what to do', () => {
    const model = decodeOnnx(old);
    model.opsetImport = [{ domain: '', version: 6 }];
    expect(() => upgradeOnnxOpset(model, 13)).toThrow(ModelToolsError);
    expect(() => upgradeOnnxOpset(model, 13)).toThrow(/export it again at opset 13/);
    const bn = decodeOnnx(old);
    const node = bn.graph!.node!.find((n) => n.opType === 'BatchNormalization')!;
    node.attribute = [{ name: 'spatial', type: 2, i: 0 }];
    expect(() => upgradeOnnxOpset(bn, 13)).toThrow(/BatchNormalization node .*spatial = 0/);
  });
});
