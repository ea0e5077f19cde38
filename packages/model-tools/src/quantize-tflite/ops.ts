// Which TFLite operators the quantizers rewrite, and what each needs. Op codes and versions are from
// tensorflow/lite/schema/schema.fbs and tools/versioning/op_version.cc (the version a converter
// writes for that combination of input/weight/output types).

export const Op = {
  ADD: 0,
  AVERAGE_POOL_2D: 1,
  CONCATENATION: 2,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  DEQUANTIZE: 6,
  FULLY_CONNECTED: 9,
  LOGISTIC: 14,
  MAX_POOL_2D: 17,
  RELU: 19,
  RESHAPE: 22,
  SOFTMAX: 25,
  PAD: 34,
  MEAN: 40,
  QUANTIZE: 114,
} as const;

/** An op with float weights: which input holds them, and along which axis its output channels run. */
export interface WeightedOp {
  weightInput: number;
  biasInput: number;
  /** undefined: one scale for the whole tensor. */
  channelAxis: number | undefined;
  /** Version for float input, int8 weights, float output (hybrid). */
  hybridVersion: number;
  /** Version for int8 input, weights and output. */
  int8Version: number;
}

export const WEIGHTED_OPS: Record<number, WeightedOp> = {
  // filter [out, h, w, in]
  [Op.CONV_2D]: { weightInput: 1, biasInput: 2, channelAxis: 0, hybridVersion: 5, int8Version: 3 },
  // filter [1, h, w, out]
  [Op.DEPTHWISE_CONV_2D]: { weightInput: 1, biasInput: 2, channelAxis: 3, hybridVersion: 6, int8Version: 3 },
  // weights [out, in]; one scale, as the converter writes it by default (per-channel needs version 12).
  [Op.FULLY_CONNECTED]: {
    weightInput: 1,
    biasInput: 2,
    channelAxis: undefined,
    hybridVersion: 3,
    int8Version: 4,
  },
};

/** What the full-integer path knows about the other ops: their int8 version and quantization constraints. */
export interface Int8Op {
  int8Version: number;
  /** Input indices whose quantization must equal the output's (TFLite's int8 kernels check this). */
  sameAsOutput?: number[] | 'all';
  /** The output's quantization is fixed by the kernel. */
  fixedOutput?: { scale: number; zeroPoint: number };
}

export const INT8_OPS: Record<number, Int8Op> = {
  [Op.CONV_2D]: { int8Version: 3 },
  [Op.DEPTHWISE_CONV_2D]: { int8Version: 3 },
  [Op.FULLY_CONNECTED]: { int8Version: 4 },
  [Op.ADD]: { int8Version: 2 },
  [Op.RELU]: { int8Version: 2 },
  [Op.MEAN]: { int8Version: 2 },
  [Op.PAD]: { int8Version: 2, sameAsOutput: [0] },
  [Op.MAX_POOL_2D]: { int8Version: 2, sameAsOutput: [0] },
  [Op.AVERAGE_POOL_2D]: { int8Version: 2, sameAsOutput: [0] },
  [Op.RESHAPE]: { int8Version: 1, sameAsOutput: [0] },
  [Op.CONCATENATION]: { int8Version: 2, sameAsOutput: 'all' },
  [Op.LOGISTIC]: { int8Version: 2, fixedOutput: { scale: 1 / 256, zeroPoint: -128 } },
  [Op.SOFTMAX]: { int8Version: 2, fixedOutput: { scale: 1 / 256, zeroPoint: -128 } },
};
