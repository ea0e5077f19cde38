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
