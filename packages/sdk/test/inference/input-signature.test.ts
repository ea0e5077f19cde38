import { describe, expect, it } from 'vitest';
import { InputSignature } from '../../src/inference/input-signature.js';
import type { NamedInputs } from '../../src/inference/tensors.js';
import { validateInputs } from '../../src/inference/validate-inputs.js';
import type { TensorSpec } from '../../src/models/manifest-types.js';

const mnist: TensorSpec[] = [{ name: 'input', dtype: 'float32', shape: ['batch', 784] }];
const silero: TensorSpec[] = [
  { name: 'input', dtype: 'float32', shape: [-1, -1] },
  { name: 'state', dtype: 'float32', shape: [2, -1, 128] },
  { name: 'sr', dtype: 'int64', shape: [] },
];

function outcome(run: () => unknown): unknown {
  try {
    return { ok: run() };
  } catch (error) {
    const e = error as { code: string; message: string; details?: unknown };
    return { code: e.code, message: e.message, details: e.details };
  }
}

/** Inputs of every kind the rules tell apart: each must get from check() exactly what validateInputs gives. */
const cases: [string, TensorSpec[], unknown][] = [
  ['bare array', mnist, { input: new Float32Array(784) }],
  ['explicit batch of 3', mnist, { input: { data: new Float32Array(3 * 784), dims: [3, 784] } }],
  ['empty batch', mnist, { input: { data: new Float32Array(0), dims: [0, 784] } }],
  ['bare array, wrong length', mnist, { input: new Float32Array(783) }],
  ['bare array, wrong dtype', mnist, { input: new Int32Array(784) }],
  ['plain Array', mnist, { input: Array.from({ length: 784 }, () => 0) }],
  ['wrong rank', mnist, { input: { data: new Float32Array(784), dims: [28, 28] } }],
  ['fixed dim differs', mnist, { input: { data: new Float32Array(785), dims: [1, 785] } }],
  ['count differs', mnist, { input: { data: new Float32Array(784), dims: [2, 784] } }],
  ['negative dim', mnist, { input: { data: new Float32Array(0), dims: [-1, 784] } }],
  ['fractional dim', mnist, { input: { data: new Float32Array(784), dims: [1.5, 784] } }],
  ['missing', mnist, {}],
  ['unknown beside', mnist, { input: new Float32Array(784), other: new Float32Array(1) }],
  ['not an object', mnist, new Float32Array(784)],
  ['null', mnist, null],
  [
    'silero frame',
    silero,
    {
      input: { data: new Float32Array(512), dims: [1, 512] },
      state: { data: new Float32Array(256), dims: [2, 1, 128] },
      sr: { data: BigInt64Array.from([16000n]), dims: [] },
    },
  ],
  [
    'silero scalar given dims [1]',
    silero,
    {
      input: { data: new Float32Array(512), dims: [1, 512] },
      state: { data: new Float32Array(256), dims: [2, 1, 128] },
      sr: { data: BigInt64Array.from([16000n]), dims: [1] },
    },
  ],
  [
    'silero bare arrays',
    silero,
    {
      input: new Float32Array(512),
      state: new Float32Array(256),
      sr: BigInt64Array.from([16000n]),
    },
  ],
  [
    'silero state of the wrong dtype',
    silero,
    {
      input: { data: new Float32Array(512), dims: [1, 512] },
      state: { data: new Float64Array(256), dims: [2, 1, 128] },
      sr: { data: BigInt64Array.from([16000n]), dims: [] },
    },
  ],
];

describe('InputSignature', () => {
  it.each(cases)('%s: the same tensors or the same error as validateInputs', (_, specs, inputs) => {
    const signature = new InputSignature(specs);
    expect(outcome(() => signature.check(inputs as NamedInputs))).toEqual(
      outcome(() => validateInputs(specs, inputs as NamedInputs)),
    );
  });

  it('copies dims, so a caller changing theirs later does not change what runs', () => {
    const dims = [1, 784];
    const feeds = new InputSignature(mnist).check({ input: { data: new Float32Array(784), dims } });
    dims[0] = 5;
    expect(feeds.input!.dims).toEqual([1, 784]);
  });

  it('knows whether items stack along the first dimension', () => {
    expect(new InputSignature(mnist).stackable).toBe(true);
    expect(new InputSignature(silero).stackable).toBe(false);
  });
});
