// A small opset-7 model that uses every op whose form changed between opsets 7 and 13, with static
// shapes so onnx.version_converter (which needs them for Softmax) can convert it too.
import { encodeOnnx } from '../../src/onnx/codec.js';
import { type AttributeProto, AttributeType, DataType, type NodeProto, onnx } from '../../src/onnx/proto.js';
import { makeTensor } from '../../src/onnx/tensor.js';

const ints = (name: string, values: number[]): AttributeProto => ({
  name,
  type: AttributeType.INTS,
  ints: values,
});
const floats = (name: string, values: number[]): AttributeProto => ({
  name,
  type: AttributeType.FLOATS,
  floats: values,
});
const float = (name: string, f: number): AttributeProto => ({ name, type: AttributeType.FLOAT, f });
const int = (name: string, i: number): AttributeProto => ({ name, type: AttributeType.INT, i });
const str = (name: string, s: string): AttributeProto => ({
  name,
  type: AttributeType.STRING,
  s: new TextEncoder().encode(s),
});

const node = (
  opType: string,
  input: string[],
  output: string[],
  attribute: AttributeProto[] = [],
): NodeProto => ({
  name: `${opType}_${output[0]}`,
  opType,
  input,
  output,
  attribute,
});

const valueInfo = (name: string, dims: number[]) => ({
  name,
  type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
});

export const OLD_INPUT_DIMS = [1, 2, 4, 4];

export function oldOpsetModel(): Uint8Array {
  const nodes = [
    node('Pad', ['x'], ['padded'], [ints('pads', [0, 0, 1, 1, 0, 0, 1, 1]), float('value', 0.5)]),
    node('Upsample', ['padded'], ['up'], [floats('scales', [1, 1, 2, 2]), str('mode', 'nearest')]),
    node('Clip', ['up'], ['clipped'], [float('min', 0), float('max', 0.8)]),
    node('Dropout', ['clipped'], ['dropped'], [float('ratio', 0.3)]),
    node('Slice', ['dropped'], ['sliced'], [ints('starts', [1]), ints('ends', [10]), ints('axes', [2])]),
    node('ReduceSum', ['sliced'], ['summed'], [ints('axes', [3]), int('keepdims', 1)]),
    node('Squeeze', ['summed'], ['squeezed'], [ints('axes', [3])]),
    node('Unsqueeze', ['squeezed'], ['unsqueezed'], [ints('axes', [0])]),
    // Before opset 13, axis 2 of a rank-4 input normalizes over the last two axes together.
    node('Softmax', ['unsqueezed'], ['soft'], [int('axis', 2)]),
    node('Split', ['soft'], ['left', 'right'], [int('axis', 3), ints('split', [4, 5])]),
    node('TopK', ['right'], ['top', 'topIndices'], [int('k', 2), int('axis', 3)]),
    node('BatchNormalization', ['x', 'gamma', 'beta', 'mean', 'var'], ['normed'], [int('spatial', 1)]),
    node('ReduceMean', ['normed'], ['channelMeans'], [ints('axes', [2, 3])]),
  ];
  const model = {
    irVersion: 3,
    opsetImport: [{ domain: '', version: 7 }],
    graph: {
      name: 'old-opset',
      node: nodes,
      initializer: [
        makeTensor('gamma', [2], Float32Array.of(1.5, 0.5)),
        makeTensor('beta', [2], Float32Array.of(0.1, -0.2)),
        makeTensor('mean', [2], Float32Array.of(0.3, 0.6)),
        makeTensor('var', [2], Float32Array.of(0.8, 1.2)),
      ],
      // IR 3 lists initializers among the graph inputs.
      input: [
        valueInfo('x', OLD_INPUT_DIMS),
        ...['gamma', 'beta', 'mean', 'var'].map((n) => valueInfo(n, [2])),
      ],
      output: [
        valueInfo('left', [1, 1, 2, 4]),
        valueInfo('top', [1, 1, 2, 2]),
        valueInfo('channelMeans', [1, 2, 1, 1]),
      ],
    },
  };
  return encodeOnnx(onnx.ModelProto.create(model));
}
