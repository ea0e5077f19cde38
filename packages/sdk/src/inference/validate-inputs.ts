import { EdgewiseError } from '../errors.js';
import type { TensorSpec } from '../models/manifest-types.js';
import {
  ARRAY_FOR_DTYPE,
  arrayKind,
  elementCount,
  isTensor,
  type NamedInputs,
  type Tensor,
} from './tensors.js';

/**
 * onnxruntime-web reports a symbolic dimension as 4294967295 (uint32 −1) on some paths; TFLite uses −1.
 * Anything that is not a positive safe integer below that is treated as dynamic.
 */
export function isDynamicDim(dim: number | string): boolean {
  return typeof dim === 'string' || dim < 0 || dim >= 4294967295 || !Number.isSafeInteger(dim);
}

function describeShape(shape: readonly (number | string)[]): string {
  return `[${shape.map((d) => (isDynamicDim(d) ? (typeof d === 'string' ? d : '?') : d)).join(', ')}]`;
}

/**
 * The dims of a bare typed array: one item of the declared shape, every dynamic dimension 1, and
 * exactly that many values. Anything else would be a guess at a reshape, so it is refused.
 */
function singleItemDims(spec: TensorSpec, length: number, inputCount: number): number[] {
  const dims = spec.shape.map((d) => (isDynamicDim(d) ? 1 : (d as number)));
  const example = `{ ${spec.name}: { data, dims: ${describeShape(spec.shape)} } }`;
  if (inputCount > 1) {
    throw new EdgewiseError(
      'INPUT_SHAPE',
      `input "${spec.name}" is a bare array, but this model has ${inputCount} inputs: give each its dims, e.g. ${example}`,
      { details: { input: spec.name, expected: spec.shape, length } },
    );
  }
  if (length !== elementCount(dims)) {
    throw new EdgewiseError(
      'INPUT_SHAPE',
      `input "${spec.name}" has ${length} values; a bare array is one item of shape [${dims.join(', ')}] (${elementCount(dims)} values). For a batch or other sizes pass ${example}, or use predictBatch`,
      { details: { input: spec.name, expected: spec.shape, length } },
    );
  }
  return dims;
}

function checkDims(spec: TensorSpec, tensor: Tensor): void {
  const expected = describeShape(spec.shape);
  // Rank 0 is a rank too: a scalar input given dims [1] is refused, not passed on to the runtime.
  const wrongRank = tensor.dims.length !== spec.shape.length;
  const mismatch = spec.shape.findIndex((d, i) => !isDynamicDim(d) && tensor.dims[i] !== d);
  if (wrongRank || mismatch >= 0) {
    throw new EdgewiseError(
      'INPUT_SHAPE',
      `input "${spec.name}" has shape [${tensor.dims.join(', ')}], expected ${expected}${mismatch >= 0 && !wrongRank ? ` (dimension ${mismatch} must be ${spec.shape[mismatch]})` : ''}`,
      { details: { input: spec.name, expected: spec.shape, actual: tensor.dims } },
    );
  }
  if (tensor.dims.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new EdgewiseError(
      'INPUT_SHAPE',
      `input "${spec.name}" has dims [${tensor.dims.join(', ')}]: each must be a non-negative integer`,
    );
  }
  const count = elementCount(tensor.dims);
  if (count !== tensor.data.length) {
    throw new EdgewiseError(
      'INPUT_SHAPE',
      `input "${spec.name}" has ${tensor.data.length} values but dims [${tensor.dims.join(', ')}] need ${count}`,
      { details: { input: spec.name, actual: tensor.dims, length: tensor.data.length } },
    );
  }
}

/**
 * Checks named inputs against the model's declared inputs before anything reaches a runtime, and
 * returns them as explicit tensors.
 *
 * @example
 * validateInputs([{ name: 'input', dtype: 'float32', shape: ['batch', 4] }], { input: new Float32Array(4) });
 * // → { input: { data, dims: [1, 4] } }
 */
export function validateInputs(specs: readonly TensorSpec[], inputs: NamedInputs): Record<string, Tensor> {
  if (typeof inputs !== 'object' || inputs === null || ArrayBuffer.isView(inputs)) {
    throw new EdgewiseError(
      'INPUT_MISSING',
      `predict() takes named inputs, e.g. { ${specs[0]?.name ?? 'input'}: new Float32Array(…) }, got ${arrayKind(inputs)}`,
    );
  }
  const declared = new Set(specs.map((s) => s.name));
  const unknown = Object.keys(inputs).filter((name) => !declared.has(name));
  if (unknown.length > 0) {
    throw new EdgewiseError(
      'INPUT_UNKNOWN',
      `the model has no input named ${unknown.map((n) => `"${n}"`).join(', ')}; its inputs are ${[...declared].map((n) => `"${n}"`).join(', ')}`,
      { details: { unknown, expected: [...declared] } },
    );
  }
  const feeds: Record<string, Tensor> = {};
  for (const spec of specs) {
    const value = inputs[spec.name];
    if (value === undefined) {
      throw new EdgewiseError(
        'INPUT_MISSING',
        `input "${spec.name}" is missing: pass a ${ARRAY_FOR_DTYPE[spec.dtype]} of shape ${describeShape(spec.shape)}`,
        { details: { input: spec.name } },
      );
    }
    const data = isTensor(value) ? value.data : value;
    const wanted = ARRAY_FOR_DTYPE[spec.dtype];
    if (!ArrayBuffer.isView(data) || data.constructor.name !== wanted) {
      throw new EdgewiseError(
        'INPUT_DTYPE',
        `input "${spec.name}" must be a ${wanted} (dtype ${spec.dtype}), got ${arrayKind(data)}`,
        { details: { input: spec.name, expected: spec.dtype, actual: arrayKind(data) } },
      );
    }
    const tensor: Tensor = isTensor(value)
      ? { data: value.data, dims: [...value.dims] }
      : { data: value, dims: singleItemDims(spec, value.length, specs.length) };
    checkDims(spec, tensor);
    feeds[spec.name] = tensor;
  }
  return feeds;
}
