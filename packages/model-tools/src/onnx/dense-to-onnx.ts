import { checkDenseModel, type DenseModel } from '../dense-model.js';
import { ModelToolsError } from '../errors.js';
import { encodeOnnx } from './codec.js';
import { minimumIrVersion } from './opset-upgrade.js';
import { DataType, type NodeProto, onnx, type TensorProto } from './proto.js';
import { makeTensor } from './tensor.js';
import { tensorValueInfo } from './value-info.js';

export const PRODUCER_NAME = 'edgewise-model-tools';

/**
 * Writes a DenseModel as an ONNX graph: per layer MatMul + Add, then Relu or Softmax(axis -1).
 * Input `model.inputName` float32 [batch, inputSize]; output `model.outputName` float32 [batch, classes].
 *
 * @example
 * const bytes = denseModelToOnnx(model); // opset 13, ir_version 8
 */
export function denseModelToOnnx(model: DenseModel, opts: { opset?: number } = {}): Uint8Array {
  const opset = opts.opset ?? 13;
  if (!Number.isInteger(opset) || opset < 7 || opset > 21) {
    throw new ModelToolsError('BAD_ARGUMENT', `opset must be an integer from 7 to 21, got ${opset}`);
  }
  checkDenseModel(model);
  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  let current = model.inputName;
  model.layers.forEach((layer, i) => {
    const prefix = `dense_${i}`;
    const last = i === model.layers.length - 1;
    const weight = `${prefix}.weight`;
    const bias = `${prefix}.bias`;
    initializers.push(makeTensor(weight, [layer.inputSize, layer.outputSize], layer.weights));
    initializers.push(makeTensor(bias, [layer.outputSize], layer.bias));
    const matmulOut = `${prefix}/MatMul_output`;
    nodes.push({ name: `${prefix}/MatMul`, opType: 'MatMul', input: [current, weight], output: [matmulOut] });
    const activated = layer.activation !== 'none';
    const addOut = last && !activated ? model.outputName : `${prefix}/Add_output`;
    nodes.push({ name: `${prefix}/Add`, opType: 'Add', input: [matmulOut, bias], output: [addOut] });
    current = addOut;
    if (!activated) return;
    const out = last ? model.outputName : `${prefix}/${layer.activation}_output`;
    if (layer.activation === 'relu') {
      nodes.push({ name: `${prefix}/Relu`, opType: 'Relu', input: [current], output: [out] });
    } else {
      // Softmax before opset 11 takes no negative axis; on a 2-D input axis 1 is the same thing.
      const axis = opset >= 11 ? -1 : 1;
      const attribute = [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: axis }];
      nodes.push({
        name: `${prefix}/Softmax`,
        opType: 'Softmax',
        input: [current],
        output: [out],
        attribute,
      });
    }
    current = out;
  });
  const last = model.layers[model.layers.length - 1]!;
  return encodeOnnx({
    // IR 8 (ONNX 1.10+) unless the opset needs a newer one.
    irVersion: Math.max(8, minimumIrVersion(opset)),
    producerName: PRODUCER_NAME,
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: model.name,
      node: nodes,
      initializer: initializers,
      input: [tensorValueInfo(model.inputName, DataType.FLOAT, ['batch', model.layers[0]!.inputSize])],
      output: [tensorValueInfo(model.outputName, DataType.FLOAT, ['batch', last.outputSize])],
    },
  });
}
