import type { Activation, DenseLayer, DenseModel } from '../dense-model.js';
import { ModelToolsError } from '../errors.js';
import { decodeOnnx } from './codec.js';
import type { NodeProto, TensorProto } from './proto.js';
import { readFloatTensor, tensorDims } from './tensor.js';

function notDense(why: string): ModelToolsError {
  return new ModelToolsError(
    'UNSUPPORTED',
    `not a dense MatMul → Add → Relu/Softmax chain (${why}); only graphs written by denseModelToOnnx can be read back`,
  );
}

/**
 * Reads back a float graph written by `denseModelToOnnx`, so a committed fp32 file is enough to
 * recompute what any of its quantized variants should output.
 *
 * @example
 * const model = denseModelFromOnnx(await readFile('models/mnist/1.0.0/mnist.fp32.onnx'));
 */
export function denseModelFromOnnx(bytes: Uint8Array): DenseModel {
  const proto = decodeOnnx(bytes);
  const graph = proto.graph;
  if (!graph) throw notDense('the file has no graph');
  const initializers = new Map<string, TensorProto>(
    (graph.initializer ?? []).map((t) => [t.name ?? '', t as TensorProto]),
  );
  const consumers = new Map<string, NodeProto>();
  for (const node of graph.node ?? [])
    for (const input of node.input ?? []) consumers.set(input, node as NodeProto);
  const inputName = (graph.input ?? []).find((i) => !initializers.has(i.name ?? ''))?.name;
  const outputName = graph.output?.[0]?.name;
  if (!inputName || !outputName) throw notDense('it needs one input and one output');

  const layers: DenseLayer[] = [];
  let current = inputName;
  while (current !== outputName) {
    const matmul = consumers.get(current);
    if (matmul?.opType !== 'MatMul') throw notDense(`"${current}" does not feed a MatMul`);
    const weight = initializers.get(matmul.input?.[1] ?? '');
    const add = consumers.get(matmul.output?.[0] ?? '');
    const bias = add?.opType === 'Add' ? initializers.get(add.input?.[1] ?? '') : undefined;
    if (!weight || !add || !bias) throw notDense(`MatMul "${matmul.name}" lacks a weight or a bias Add`);
    const [inputSize, outputSize] = tensorDims(weight);
    if (inputSize === undefined || outputSize === undefined)
      throw notDense(`weight "${weight.name}" is not 2-D`);
    current = add.output?.[0] ?? '';
    let activation: Activation = 'none';
    const next = consumers.get(current);
    if (next?.opType === 'Relu' || next?.opType === 'Softmax') {
      activation = next.opType === 'Relu' ? 'relu' : 'softmax';
      current = next.output?.[0] ?? '';
    }
    layers.push({
      inputSize,
      outputSize,
      weights: readFloatTensor(weight),
      bias: readFloatTensor(bias),
      activation,
    });
  }
  return { name: graph.name ?? 'model', inputName, outputName, layers };
}
