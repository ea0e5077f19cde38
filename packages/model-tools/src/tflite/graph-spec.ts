import type { ActivationFunctionType, TensorType } from './schema.js';

/**
 * A one-subgraph TFLite model in plain objects: what the writers decide, before encode.ts lays it out
 * as a FlatBuffer. Tensors are referred to by their index in `tensors`, as in the file.
 */
export interface TfliteQuantizationSpec {
  /** One scale per tensor, or one per slice along `quantizedDimension`. */
  scale: number[];
  zeroPoint: number[];
  quantizedDimension?: number;
  /** The float range the scale came from; the runtime ignores it, tools show it. */
  min?: number[];
  max?: number[];
}

export interface TfliteTensorSpec {
  name: string;
  type: TensorType;
  shape: number[];
  /** The shape with -1 where a dimension is dynamic (the batch). */
  shapeSignature?: number[];
  /** Little-endian contents of a constant tensor; absent for activations. */
  data?: Uint8Array;
  quantization?: TfliteQuantizationSpec;
}

export type TfliteOptionsSpec =
  | {
      kind: 'fullyConnected';
      fusedActivation: ActivationFunctionType;
      /** Hybrid (weights-only int8) FC: quantize each input row with its own zero point. */
      asymmetricQuantizeInputs?: boolean;
    }
  | { kind: 'softmax'; beta: number };

export interface TfliteOperatorSpec {
  builtinCode: number;
  /** The op version the converter would record; the runtime refuses versions it does not register. */
  version: number;
  inputs: number[];
  outputs: number[];
  options?: TfliteOptionsSpec;
}

export interface TfliteGraphSpec {
  name: string;
  description: string;
  tensors: TfliteTensorSpec[];
  inputs: number[];
  outputs: number[];
  operators: TfliteOperatorSpec[];
  /** When set, a SignatureDef maps the graph's input and output tensor names under this key. */
  signatureKey?: string;
}
