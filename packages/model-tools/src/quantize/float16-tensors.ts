import { DataType, type TensorProto, type ValueInfoProto } from '../onnx/proto.js';
import { readFloatTensor } from '../onnx/tensor.js';
import { toFloat16 } from './float16-math.js';

type TypeProto = NonNullable<ValueInfoProto['type']>;

function littleEndian(bits: Uint16Array): Uint8Array {
  const bytes = new Uint8Array(bits.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < bits.length; i++) view.setUint16(i * 2, bits[i]!, true);
  return bytes;
}

/** Stores a float32 tensor's values as float16 raw_data in place; returns how many were clamped. */
export function convertTensor(tensor: TensorProto): number {
  const { bits, clamped } = toFloat16(readFloatTensor(tensor));
  tensor.dataType = DataType.FLOAT16;
  tensor.rawData = littleEndian(bits);
  tensor.floatData = [];
  return clamped;
}

export function float16Zero(): TensorProto {
  return { dims: [1], dataType: DataType.FLOAT16, rawData: new Uint8Array(2) };
}

/** float32 → float16 in a value's type, looking inside sequence and optional types. */
export function retypeValueInfo(value: ValueInfoProto): void {
  if (value.type) retype(value.type);
}

function retype(type: TypeProto): void {
  if (type.tensorType?.elemType === DataType.FLOAT) type.tensorType.elemType = DataType.FLOAT16;
  if (type.sparseTensorType?.elemType === DataType.FLOAT) type.sparseTensorType.elemType = DataType.FLOAT16;
  if (type.sequenceType?.elemType) retype(type.sequenceType.elemType);
  if (type.optionalType?.elemType) retype(type.optionalType.elemType);
}
