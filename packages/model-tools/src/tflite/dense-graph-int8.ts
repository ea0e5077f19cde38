import type { DenseModel } from '../dense-model.js';
import type { DenseRanges } from './calibrate-dense.js';
import { batchShape, FC_VERSION } from './dense-graph-float.js';
import { littleEndianBytes, outputMajorWeights } from './dense-layers.js';
import type {
  TfliteGraphSpec,
  TfliteOperatorSpec,
  TfliteQuantizationSpec,
  TfliteTensorSpec,
} from './graph-spec.js';
import {
  type AffineParams,
  activationParams,
  quantizeBias,
  quantizeWeightsSymmetric,
} from './int8-params.js';
import { ActivationFunctionType, BuiltinOperator, TensorType } from './schema.js';

/** TFLite's int8 SOFTMAX only accepts this output quantization (the kernel checks it). */
export const SOFTMAX_INT8_OUTPUT: AffineParams = { scale: 1 / 256, zeroPoint: -128 };

/** op_version.cc: int8×int8→int8 FC is 4 (per-tensor); int8 SOFTMAX 2; QUANTIZE float→int8 1; DEQUANTIZE int8 2. */
const VERSION = { fcPerTensor: 4, softmax: 2, quantize: 1, dequantize: 2 } as const;

function affine(p: AffineParams, range?: [number, number]): TfliteQuantizationSpec {
  return {
    scale: [p.scale],
    zeroPoint: [p.zeroPoint],
    ...(range ? { min: [range[0]], max: [range[1]] } : {}),
  };
}

/**
 * The full-integer graph with float I/O, as the TFLite converter writes it with a representative
 * dataset and inference_input_type/inference_output_type float32: QUANTIZE at the input, int8
 * FULLY_CONNECTED layers (int8 symmetric weights, int32 bias, relu fused), int8 SOFTMAX, DEQUANTIZE
 * at the output. Activation scales come from the calibration ranges.
 */
export function int8DenseGraph(model: DenseModel, ranges: DenseRanges, perChannel: boolean): TfliteGraphSpec {
  const tensors: TfliteTensorSpec[] = [];
  const operators: TfliteOperatorSpec[] = [];
  const add = (t: TfliteTensorSpec) => tensors.push(t) - 1;

  const first = model.layers[0]!;
  const input = add({ name: model.inputName, type: TensorType.FLOAT32, ...batchShape(first.inputSize) });
  let params = activationParams(...ranges.input);
  let current = add({
    name: `${model.inputName}/int8`,
    type: TensorType.INT8,
    ...batchShape(first.inputSize),
    quantization: affine(params, ranges.input),
  });
  operators.push({
    builtinCode: BuiltinOperator.QUANTIZE,
    version: VERSION.quantize,
    inputs: [input],
    outputs: [current],
  });

  model.layers.forEach((layer, i) => {
    const prefix = `dense_${i}`;
    const q = quantizeWeightsSymmetric(
      outputMajorWeights(layer),
      layer.outputSize,
      layer.inputSize,
      perChannel,
    );
    const weights = add({
      name: `${prefix}/kernel`,
      type: TensorType.INT8,
      shape: [layer.outputSize, layer.inputSize],
      data: littleEndianBytes(q.values),
      quantization: { scale: q.scales, zeroPoint: q.scales.map(() => 0), quantizedDimension: 0 },
    });
    const biasScales = q.scales.map((s) => params.scale * s);
    const bias = add({
      name: `${prefix}/bias`,
      type: TensorType.INT32,
      shape: [layer.outputSize],
      data: littleEndianBytes(quantizeBias(layer.bias, params.scale, q.scales)),
      quantization: { scale: biasScales, zeroPoint: biasScales.map(() => 0), quantizedDimension: 0 },
    });
    const softmax = layer.activation === 'softmax';
    const range = ranges.layers[i]!;
    params = activationParams(...range);
    const fcOut = add({
      name: `${prefix}/${softmax ? 'logits' : 'output'}`,
      type: TensorType.INT8,
      ...batchShape(layer.outputSize),
      quantization: affine(params, range),
    });
    operators.push({
      builtinCode: BuiltinOperator.FULLY_CONNECTED,
      version: perChannel ? FC_VERSION.perChannel : VERSION.fcPerTensor,
      inputs: [current, weights, bias],
      outputs: [fcOut],
      options: {
        kind: 'fullyConnected',
        fusedActivation:
          layer.activation === 'relu' ? ActivationFunctionType.RELU : ActivationFunctionType.NONE,
      },
    });
    current = fcOut;
    if (!softmax) return;
    params = SOFTMAX_INT8_OUTPUT;
    const probs = add({
      name: `${prefix}/softmax`,
      type: TensorType.INT8,
      ...batchShape(layer.outputSize),
      quantization: affine(params),
    });
    operators.push({
      builtinCode: BuiltinOperator.SOFTMAX,
      version: VERSION.softmax,
      inputs: [current],
      outputs: [probs],
      options: { kind: 'softmax', beta: 1 },
    });
    current = probs;
  });

  const last = model.layers[model.layers.length - 1]!;
  const output = add({ name: model.outputName, type: TensorType.FLOAT32, ...batchShape(last.outputSize) });
  operators.push({
    builtinCode: BuiltinOperator.DEQUANTIZE,
    version: VERSION.dequantize,
    inputs: [current],
    outputs: [output],
  });
  return {
    name: model.name,
    description: `edgewise-model-tools: ${model.name}, full int8 (float input and output)`,
    tensors,
    inputs: [input],
    outputs: [output],
    operators,
    signatureKey: 'serving_default',
  };
}
