import type { NodeProto } from '../onnx/proto.js';

/**
 * ai.onnx ops that take float16 wherever they take float32 and whose results do not depend on the
 * element type beyond rounding: converting them only changes precision. An op missing here is kept in
 * float32 rather than guessed at (onnxconverter-common blocks a list instead; an allowlist fails safe
 * for ops added to ONNX later).
 */
const FLOAT16_OPS = new Set([
  ...['Abs', 'Add', 'Sub', 'Mul', 'Div', 'Neg', 'Reciprocal', 'Sqrt', 'Pow', 'Exp', 'Log', 'Erf'],
  ...['Sin', 'Cos', 'Tanh', 'Floor', 'Ceil', 'Round', 'Sign', 'Clip', 'Max', 'Min', 'Mean', 'Sum'],
  ...['Relu', 'LeakyRelu', 'PRelu', 'Elu', 'Selu', 'Celu', 'Gelu', 'Sigmoid', 'HardSigmoid', 'HardSwish'],
  ...['Softplus', 'Softsign', 'Mish', 'Softmax', 'LogSoftmax', 'Where', 'Equal', 'Less', 'LessOrEqual'],
  ...['Greater', 'GreaterOrEqual', 'Not', 'And', 'Or', 'Xor', 'IsNaN', 'IsInf'],
  ...['MatMul', 'Gemm', 'Conv', 'ConvTranspose', 'LSTM', 'GRU', 'RNN', 'Einsum'],
  ...['BatchNormalization', 'LayerNormalization', 'InstanceNormalization', 'LpNormalization'],
  ...['ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceSum', 'ReduceProd', 'ReduceL2', 'ArgMax', 'ArgMin'],
  ...['AveragePool', 'MaxPool', 'GlobalAveragePool', 'GlobalMaxPool'],
  ...['Reshape', 'Transpose', 'Squeeze', 'Unsqueeze', 'Flatten', 'Concat', 'Split', 'Slice', 'Gather'],
  ...['GatherElements', 'GatherND', 'ScatterElements', 'ScatterND', 'Expand', 'Tile', 'Pad', 'Identity'],
  ...['Shape', 'Size', 'NonZero', 'Trilu', 'DepthToSpace', 'SpaceToDepth', 'Dropout', 'OneHot'],
  ...['Cast', 'CastLike', 'Constant', 'ConstantOfShape', 'Resize', 'If', 'Loop', 'Scan'],
]);

/** Ops known to go wrong in float16, with why; they run in float32 between Casts. */
const FLOAT32_OPS: Record<string, string> = {
  Range: 'Range counts in its input type, and float16 cannot count past 2048 exactly',
  CumSum: 'a running sum in float16 loses precision and overflows long before float32',
  TopK: 'float16 rounding merges near-equal values, which reorders the top k',
  NonMaxSuppression: 'NonMaxSuppression takes float32 boxes and scores only',
  RoiAlign: 'box coordinates in float16 are too coarse for large images',
  Upsample: 'Upsample (deprecated) takes float32 scales only; export with Resize instead',
  QuantizeLinear: 'quantization scales are float32 before opset 19',
  DequantizeLinear: 'quantization scales are float32 before opset 19',
  DynamicQuantizeLinear: 'DynamicQuantizeLinear takes float32 only',
};

// Ops that make a tensor of the type their dtype attribute names. onnxruntime has no float16 kernel
// for them and cannot cast around one (there is no float16 input to cast), so they stay float32.
for (const op of [
  'RandomNormal',
  'RandomUniform',
  'RandomNormalLike',
  'RandomUniformLike',
  'Bernoulli',
  'EyeLike',
]) {
  FLOAT32_OPS[op] = `onnxruntime has no float16 kernel for ${op}; it draws in float32 and is cast`;
}

/** Inputs (by index) that the op spec types as float32 only, or that hold coordinates. */
export const FLOAT32_INPUTS: Record<string, readonly number[]> = {
  // roi is its own type T2, and scales is tensor(float) in every opset.
  Resize: [1, 2],
};

/** Why `node` must stay in float32, or undefined when it can run in float16. */
export function float32Reason(node: NodeProto, keepNodes: ReadonlySet<string>): string | undefined {
  const op = node.opType ?? '';
  if (node.domain && node.domain !== 'ai.onnx') {
    return `${node.domain}.${op} is outside ai.onnx, where float16 support varies per runtime`;
  }
  if (node.name && keepNodes.has(node.name)) return 'kept in float32 by the caller';
  if (FLOAT32_OPS[op]) return FLOAT32_OPS[op];
  if (!FLOAT16_OPS.has(op)) {
    return `${op} is not on the float16 allowlist, so it is not known to be safe in float16`;
  }
  return undefined;
}
