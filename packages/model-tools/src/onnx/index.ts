export { decodeOnnx, encodeOnnx } from './codec.js';
export { denseModelToOnnx, PRODUCER_NAME } from './dense-to-onnx.js';
export { inspectOnnx, type OnnxModelInfo, type OnnxTensorInfo } from './inspect-onnx.js';
export {
  type MatmulChainFiles,
  type MatmulChainOptions,
  matmulChainReference,
  writeMatmulChain,
} from './matmul-chain.js';
export { denseModelFromOnnx } from './onnx-to-dense.js';
export type { GraphProto, IModelProto, ModelProto, NodeProto, TensorProto } from './proto.js';
export { onnx } from './proto.js';
export { openOnnxSession, runOnnx } from './run-onnx.js';
export {
  dtypeName as onnxDtypeName,
  makeTensor as makeOnnxTensor,
  readFloatTensor as readOnnxFloatTensor,
  readIntTensor as readOnnxIntTensor,
  type TensorValues as OnnxTensorValues,
  tensorDims as onnxTensorDims,
  toNumber as longToNumber,
} from './tensor.js';
export { validateOps } from './validate-ops.js';
export { tensorValueInfo } from './value-info.js';
