import type { TensorSpec } from '../models/manifest-types.js';
import { canBatch } from './batch-tensors.js';
import { ARRAY_FOR_DTYPE, elementCount, type NamedInputs, type Tensor } from './tensors.js';
import { isDynamicDim, validateInputs } from './validate-inputs.js';

interface CompiledSpec {
  name: string;
  /** The typed array class name its data must have. */
  arrayName: string;
  /** Each dimension, or -1 where any size goes. */
  shape: number[];
  /** A bare typed array's dims and value count (every dynamic dimension 1). */
  bareDims: number[];
  bareLength: number;
}

/**
 * A model's inputs, compiled once when it loads, so each predict (and each item of a batch) is checked
 * by a few comparisons and no allocation beyond its tensors. Anything the quick check does not accept
 * goes through `validateInputs`, which accepts exactly the same inputs and words the error: the rules
 * live there, this is their fast path.
 */
export class InputSignature {
  readonly specs: readonly TensorSpec[];
  /** Whether items stack along the first dimension into one run (every input's first dim dynamic). */
  readonly stackable: boolean;
  readonly #compiled: CompiledSpec[];

  constructor(specs: readonly TensorSpec[]) {
    this.specs = specs;
    this.stackable = canBatch(specs);
    this.#compiled = specs.map((spec) => {
      const shape = spec.shape.map((d) => (isDynamicDim(d) ? -1 : (d as number)));
      const bareDims = shape.map((d) => (d < 0 ? 1 : d));
      return {
        name: spec.name,
        arrayName: ARRAY_FOR_DTYPE[spec.dtype],
        shape,
        bareDims,
        bareLength: elementCount(bareDims),
      };
    });
  }

  /** The inputs as tensors (dims copied, data as given); throws INPUT_* errors for anything wrong. */
  check(inputs: NamedInputs): Record<string, Tensor> {
    return this.#quick(inputs) ?? validateInputs(this.specs, inputs);
  }

  #quick(inputs: NamedInputs): Record<string, Tensor> | undefined {
    if (typeof inputs !== 'object' || inputs === null || ArrayBuffer.isView(inputs)) return undefined;
    const compiled = this.#compiled;
    let given = 0;
    for (const _ in inputs) given++;
    if (given !== compiled.length) return undefined;
    const feeds: Record<string, Tensor> = {};
    for (const spec of compiled) {
      const value = inputs[spec.name];
      if (value === undefined || !Object.hasOwn(inputs, spec.name)) return undefined;
      if (ArrayBuffer.isView(value)) {
        if (compiled.length !== 1 || value.constructor.name !== spec.arrayName) return undefined;
        if (value.length !== spec.bareLength) return undefined;
        feeds[spec.name] = { data: value, dims: spec.bareDims.slice() };
        continue;
      }
      if (typeof value !== 'object' || value === null) return undefined;
      const { data, dims } = value;
      if (!ArrayBuffer.isView(data) || data.constructor.name !== spec.arrayName) return undefined;
      if (!Array.isArray(dims) || dims.length !== spec.shape.length) return undefined;
      let count = 1;
      for (let i = 0; i < dims.length; i++) {
        const d = dims[i] as number;
        const want = spec.shape[i]!;
        if (!Number.isInteger(d) || d < 0 || (want >= 0 && d !== want)) return undefined;
        count *= d;
      }
      if (count !== data.length) return undefined;
      feeds[spec.name] = { data, dims: dims.slice() };
    }
    return feeds;
  }
}
