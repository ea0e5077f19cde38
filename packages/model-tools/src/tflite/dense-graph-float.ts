import type { DenseModel } from '../dense-model.js';
import { littleEndianBytes, outputMajorWeights } from './dense-layers.js';
import type { TfliteGraphSpec, TfliteOperatorSpec, TfliteTensorSpec } from './graph-spec.js';
import { quantizeWeightsSymmetric } from './int8-params.js';
import { ActivationFunctionType, BuiltinOperator, TensorType } from './schema.js';

/**
 * FULLY_CONNECTED versions, as tensorflow/lite/tools/versioning/op_version.cc assigns them: 1 float,
 * 9 hybrid with asymmetric input quantization, 12 when the int8 weights carry per-channel scales
 * (older runtimes would read only the first scale, so they must refuse the file).
 */
export const FC_VERSION = { float: 1, hybridPerTensor: 9, perChannel: 12 } as const;

export type FloatWeights = { kind: 'float32' } | { kind: 'hybrid-int8'; perChannel: boolean };

/** Activations are [batch, features]; the file's shape says 1, its signature says any. */
export function batchShape(features: number): Pick<TfliteTensorSpec, 'shape' | 'shapeSignature'> {
  return { shape: [1, features], shapeSignature: [-1, features] };
}

function weightTensor(name: string, kernel: Float32Array, out: number, inp: number, mode: FloatWeights) {
  if (mode.kind === 'float32') {
    return { name, type: TensorType.FLOAT32, shape: [out, inp], data: littleEndianBytes(kernel) };
  }
  const q = quantizeWeightsSymmetric(kernel, out, inp, mode.perChannel);
  return {
    name,
    type: TensorType.INT8,
    shape: [out, inp],
    data: littleEndianBytes(q.values),
    quantization: { scale: q.scales, zeroPoint: q.scales.map(() => 0), quantizedDimension: 0 },
  };
}

/**
 * The float graph, or its dynamic-range ("hybrid") variant — what the TFLite converter emits with
 * Optimize.DEFAULT and no representative dataset: int8 weights, float bias and activations, each FC
 * quantizing its input on the fly. Per layer: FULLY_CONNECTED (relu fused), then SOFTMAX if asked.
 */
export function floatDenseGraph(model: DenseModel, mode: FloatWeights): TfliteGraphSpec {
  const tensors: TfliteTensorSpec[] = [];
  const operators: TfliteOperatorSpec[] = [];
  const add = (t: TfliteTensorSpec) => tensors.push(t) - 1;
  const hybrid = mode.kind === 'hybrid-int8';
  const fcVersion = !hybrid
    ? FC_VERSION.float
    : mode.perChannel
      ? FC_VERSION.perChannel
      : FC_VERSION.hybridPerTensor;

  const first = model.layers[0]!;
  const input = add({ name: model.inputName, type: TensorType.FLOAT32, ...batchShape(first.inputSize) });
  let current = input;
  model.layers.forEach((layer, i) => {
    const prefix = `dense_${i}`;
    const last = i === model.layers.length - 1;
    const kernel = outputMajorWeights(layer);
    const weights = add(weightTensor(`${prefix}/kernel`, kernel, layer.outputSize, layer.inputSize, mode));
    const bias = add({
      name: `${prefix}/bias`,
      type: TensorType.FLOAT32,
      shape: [layer.outputSize],
      data: littleEndianBytes(layer.bias),
    });
    const softmax = layer.activation === 'softmax';
    const fcName = last && !softmax ? model.outputName : `${prefix}/${softmax ? 'logits' : 'output'}`;
    const fcOut = add({ name: fcName, type: TensorType.FLOAT32, ...batchShape(layer.outputSize) });
    operators.push({
      builtinCode: BuiltinOperator.FULLY_CONNECTED,
      version: fcVersion,
      inputs: [current, weights, bias],
      outputs: [fcOut],
      options: {
        kind: 'fullyConnected',
        fusedActivation:
          layer.activation === 'relu' ? ActivationFunctionType.RELU : ActivationFunctionType.NONE,
        asymmetricQuantizeInputs: hybrid,
      },
    });
    current = fcOut;
    if (!softmax) return;
    const probs = add({
      name: last ? model.outputName : `${prefix}/softmax`,
      type: TensorType.FLOAT32,
      ...batchShape(layer.outputSize),
    });
    operators.push({
      builtinCode: BuiltinOperator.SOFTMAX,
      version: 1,
      inputs: [current],
      outputs: [probs],
      options: { kind: 'softmax', beta: 1 },
    });
    current = probs;
  });
  return {
    name: model.name,
    description: `edgewise-model-tools: ${model.name}, ${hybrid ? 'dynamic-range int8 weights' : 'float32'}`,
    tensors,
    inputs: [input],
    outputs: [current],
    operators,
    signatureKey: 'serving_default',
  };
}
