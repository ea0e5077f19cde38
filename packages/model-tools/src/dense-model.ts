import { ModelToolsError } from './errors.js';

/**
 * A small feed-forward classifier in plain arrays: the one shape every writer (ONNX, TFLite) takes.
 * Input: float32 [N, layers[0].inputSize]; output: float32 [N, last.outputSize].
 */
export type Activation = 'relu' | 'softmax' | 'none';

export interface DenseLayer {
  inputSize: number;
  outputSize: number;
  /** Row-major [inputSize][outputSize]: weights[i * outputSize + o] multiplies input i for output o. */
  weights: Float32Array;
  bias: Float32Array;
  activation: Activation;
}

export interface DenseModel {
  name: string;
  /** Graph input name; 'input' for the demo models. */
  inputName: string;
  /** Graph output name; 'probabilities' for the demo models. */
  outputName: string;
  layers: DenseLayer[];
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
