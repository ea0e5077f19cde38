import { addBuffer, consumersOf, isConstant, type TfliteGraph } from '../tflite/rewrite/graph.js';
import { constantFloats, int8Bytes } from '../tflite/rewrite/tensor-data.js';
import { TensorType } from '../tflite/schema.js';
import { WEIGHTED_OPS } from './ops.js';
import { quantizeSymmetric } from './weights.js';

export interface WeightReport {
  quantized: number;
  /** Weights left float, each with the reason. */
  keptFloat: { tensor: string; reason: string }[];
}

/**
 * Dynamic-range quantization, as the TFLite converter's Optimize.DEFAULT without a dataset: the float
 * weights of CONV_2D, DEPTHWISE_CONV_2D (per output channel) and FULLY_CONNECTED (one scale) become
 * int8 with zero point 0; biases and activations stay float. The runtime then picks its "hybrid"
 * kernels, which quantize each input on the fly. Weights under `minElements` values stay float, as
 * the converter's default of 1024 does: they save little and cost accuracy.
 */
export function quantizeWeightsDynamic(graph: TfliteGraph, minElements: number): WeightReport {
  const report: WeightReport = { quantized: 0, keptFloat: [] };
  for (const s of graph.subgraphs) {
    const consumers = consumersOf(s);
    const done = new Set<number>();
    for (const op of s.operators) {
      const info = WEIGHTED_OPS[op.code.builtinCode];
      const w = info ? op.inputs[info.weightInput] : undefined;
      if (!info || w === undefined || w < 0 || done.has(w)) continue;
      const tensor = s.tensors[w]!;
      if (tensor.type !== TensorType.FLOAT32 || !isConstant(graph, tensor)) continue;
      const values = constantFloats(graph, tensor);
      if (values.length < minElements) {
        report.keptFloat.push({
          tensor: tensor.name,
          reason: `${values.length} values, under minElements ${minElements}`,
        });
        continue;
      }
      // A weight shared with another kind of op would hand that op int8 data it cannot read.
      const sharedWith = consumers[w]!.map((i) => s.operators[i]!).filter(
        (o) => o.inputs[info.weightInput] !== w,
      );
      if (sharedWith.length > 0) {
        report.keptFloat.push({ tensor: tensor.name, reason: 'also read by an op that needs it float' });
        continue;
      }
      const q = quantizeSymmetric(values, tensor.shape, info.channelAxis);
      tensor.type = TensorType.INT8;
      tensor.buffer = addBuffer(graph, int8Bytes(q.values));
      tensor.quantization = {
        scale: q.scales,
        zeroPoint: q.scales.map(() => 0),
        quantizedDimension: info.channelAxis ?? 0,
      };
      done.add(w);
      report.quantized++;
    }
    for (const op of s.operators) {
      const info = WEIGHTED_OPS[op.code.builtinCode];
      const w = info ? op.inputs[info.weightInput] : undefined;
      if (info && w !== undefined && done.has(w))
        op.code = { ...op.code, version: Math.max(op.code.version, info.hybridVersion) };
    }
  }
  return report;
}
