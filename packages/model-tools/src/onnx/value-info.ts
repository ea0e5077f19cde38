import type { ValueInfoProto } from './proto.js';

/** A tensor's declared type: element type (TensorProto.DataType) and dims, numbers or symbolic names. */
export function tensorValueInfo(
  name: string,
  elemType: number,
  dims: readonly (number | string)[],
): ValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}
