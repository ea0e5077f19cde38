import type { DenseLayer } from '../dense-model.js';

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
