import { describe, expect, it } from 'vitest';
import type { EdgewiseError } from '../../src/errors.js';
import { canBatch, concatRows, splitRows } from '../../src/inference/batch-tensors.js';
import { isDynamicDim, validateInputs } from '../../src/inference/validate-inputs.js';
import type { TensorSpec } from '../../src/models/manifest-types.js';

const iris: TensorSpec[] = [{ name: 'input', dtype: 'float32', shape: ['batch', 4] }];
const silero: TensorSpec[] = [
  { name: 'input', dtype: 'float32', shape: [-1, 512] },
  { name: 'state', dtype: 'float32', shape: [2, 4294967295, 128] },
  { name: 'sr', dtype: 'int64', shape: [] },
];

function failure(work: () => unknown): EdgewiseError {
  try {
    work();
  } catch (error) {
    return error as EdgewiseError;
  }
  throw new Error('expected a failure');
}

describe('validateInputs', () => {
  it('treats strings, -1 and onnxruntime-web 4294967295 as dynamic', () => {
    expect([isDynamicDim('batch'), isDynamicDim(-1), isDynamicDim(4294967295), isDynamicDim(4)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it('takes a bare typed array as exactly one item of a single-input model', () => {
    expect(validateInputs(iris, { input: new Float32Array(4) }).input!.dims).toEqual([1, 4]);
  });

  it('never reshapes a bare array: a batch, a wrong length or a multi-input model need dims', () => {
    expect(failure(() => validateInputs(iris, { input: new Float32Array(8) }))).toMatchObject({
      code: 'INPUT_SHAPE',
      message: expect.stringMatching(/8 values; a bare array is one item of shape \[1, 4\] \(4 values\)/),
    });
    // PaddleOCR's classifier takes [batch, 3, 48, width]: a whole image as a bare array is refused.
    const cls: TensorSpec[] = [{ name: 'x', dtype: 'float32', shape: ['batch', 3, 48, 'width'] }];
    expect(failure(() => validateInputs(cls, { x: new Float32Array(3 * 48 * 192) })).code).toBe(
      'INPUT_SHAPE',
    );
    expect(
      failure(() =>
        validateInputs(silero, {
          input: new Float32Array(512),
          state: { data: new Float32Array(256), dims: [2, 1, 128] },
          sr: { data: new BigInt64Array([16000n]), dims: [] },
        }),
      ).message,
    ).toMatch(/this model has 3 inputs: give each its dims/);
  });

  it('checks the rank of every input, rank 0 included', () => {
    const scalarAsVector = () =>
      validateInputs(silero, {
        input: { data: new Float32Array(512), dims: [1, 512] },
        state: { data: new Float32Array(256), dims: [2, 1, 128] },
        sr: { data: new BigInt64Array([16000n]), dims: [1] },
      });
    expect(failure(scalarAsVector)).toMatchObject({ code: 'INPUT_SHAPE', details: { input: 'sr' } });
    expect(
      failure(() => validateInputs(iris, { input: { data: new Float32Array(4), dims: [4] } })).code,
    ).toBe('INPUT_SHAPE');
  });

  it('accepts explicit tensors with dynamic dims and a scalar', () => {
    const feeds = validateInputs(silero, {
      input: { data: new Float32Array(512), dims: [1, 512] },
      state: { data: new Float32Array(256), dims: [2, 1, 128] },
      sr: { data: new BigInt64Array([16000n]), dims: [] },
    });
    expect(feeds.state!.dims).toEqual([2, 1, 128]);
  });

  it('names what is missing, unknown, of the wrong dtype or shape', () => {
    expect(failure(() => validateInputs(iris, {}))).toMatchObject({
      code: 'INPUT_MISSING',
      message: 'input "input" is missing: pass a Float32Array of shape [batch, 4]',
    });
    expect(
      failure(() => validateInputs(iris, { input: new Float32Array(4), image: new Float32Array(4) })),
    ).toMatchObject({
      code: 'INPUT_UNKNOWN',
    });
    expect(failure(() => validateInputs(iris, { input: [1, 2, 3, 4] as never }))).toMatchObject({
      code: 'INPUT_DTYPE',
      message: 'input "input" must be a Float32Array (dtype float32), got a plain Array',
    });
    expect(failure(() => validateInputs(iris, { input: new Float32Array(6) })).code).toBe('INPUT_SHAPE');
    expect(
      failure(() => validateInputs(iris, { input: { data: new Float32Array(8), dims: [4, 2] } })).message,
    ).toMatch(/dimension 1 must be 4/);
    expect(
      failure(() => validateInputs(iris, { input: { data: new Float32Array(8), dims: [1, 4] } })).message,
    ).toMatch(/8 values but dims \[1, 4\] need 4/);
  });
});

describe('batching', () => {
  it('batches only when every input has a dynamic first dimension', () => {
    expect(canBatch(iris)).toBe(true);
    expect(canBatch([{ name: 'x', dtype: 'float32', shape: [1, 4] }])).toBe(false);
  });

  it('stacks rows and splits outputs back in order', () => {
    const items = [
      validateInputs(iris, { input: Float32Array.from([1, 2, 3, 4]) }),
      validateInputs(iris, { input: { data: Float32Array.from([5, 6, 7, 8, 9, 10, 11, 12]), dims: [2, 4] } }),
    ];
    const { feeds, rows } = concatRows(items);
    expect(feeds.input!.dims).toEqual([3, 4]);
    expect(rows).toEqual([1, 2]);
    const split = splitRows({ out: { data: Float32Array.from([1, 2, 3, 4, 5, 6]), dims: [3, 2] } }, rows);
    expect(split.map((s) => Array.from(s.out!.data as Float32Array))).toEqual([
      [1, 2],
      [3, 4, 5, 6],
    ]);
    expect(split[1]!.out!.dims).toEqual([2, 2]);
  });
});
