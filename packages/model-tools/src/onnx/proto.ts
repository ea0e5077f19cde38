import type { onnx as OnnxTypes } from 'onnx-proto';
import onnxProto from 'onnx-proto';

/** The ONNX protobuf classes. onnx-proto is CommonJS, so the namespace comes off its default export. */
export const onnx = onnxProto.onnx;

export type ModelProto = OnnxTypes.ModelProto;
export type IModelProto = OnnxTypes.IModelProto;
export type GraphProto = OnnxTypes.IGraphProto;
export type NodeProto = OnnxTypes.INodeProto;
export type TensorProto = OnnxTypes.ITensorProto;
export type AttributeProto = OnnxTypes.IAttributeProto;
export type ValueInfoProto = OnnxTypes.IValueInfoProto;
export type OperatorSetId = OnnxTypes.IOperatorSetIdProto;

/** protobufjs decodes int64 fields as Long objects (or numbers when Long is unavailable). */
export type LongLike = number | { toNumber(): number };

export const DataType = onnx.TensorProto.DataType;

/** AttributeProto.AttributeType values used here (the enum in onnx-proto is nested and verbose). */
export const AttributeType = onnx.AttributeProto.AttributeType;
