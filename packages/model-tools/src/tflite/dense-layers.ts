import type { DenseLayer, DenseModel } from '../dense-model.js';
import { ModelToolsError } from '../errors.js';

/**
 * TFLite's FULLY_CONNECTED takes its weights as [outputSize][inputSize]; DenseLayer keeps
 * [inputSize][outputSize]. Returns the row-major [out][in] copy.
 */
export function outputMajorWeights(layer: DenseLayer): Float32Array {
  const { inputSize, outputSize, weights } = layer;
  const out = new Float32Array(inputSize * outputSize);
  for (let i = 0; i < inputSize; i++) {
    for (let o = 0; o < outputSize; o++) out[o * inputSize + i] = weights[i * outputSize + o]!;
  }
  return out;
}

/**
 * The bytes of a typed array as stored in a TFLite buffer. TFLite buffers are little-endian, as are
 * typed arrays on every platform this runs on (x86, ARM, WebAssembly).
 */
export function littleEndianBytes(values: Float32Array | Int32Array | Int8Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
}

/** Refuses a model whose layer sizes do not chain, naming the layer and what was expected. */
export function checkDenseModel(model: DenseModel): void {
  if (model.layers.length === 0) {
    throw new ModelToolsError('BAD_ARGUMENT', `model "${model.name}" has no layers; give it at least one`);
  }
  model.layers.forEach((layer, i) => {
    const where = `model "${model.name}" layer ${i}`;
    if (layer.weights.length !== layer.inputSize * layer.outputSize) {
      throw new ModelToolsError(
        'BAD_ARGUMENT',
        `${where} has ${layer.weights.length} weights, expected inputSize × outputSize = ${layer.inputSize * layer.outputSize}`,
      );
    }
    if (layer.bias.length !== layer.outputSize) {
      throw new ModelToolsError(
        'BAD_ARGUMENT',
        `${where} has ${layer.bias.length} biases, expected ${layer.outputSize}`,
      );
    }
    const previous = model.layers[i - 1];
    if (previous && previous.outputSize !== layer.inputSize) {
      throw new ModelToolsError(
        'BAD_ARGUMENT',
        `${where} takes ${layer.inputSize} inputs but layer ${i - 1} gives ${previous.outputSize}`,
      );
    }
  });
}
