// Vector writers for the flatbuffers Builder. FlatBuffers are built back to front, so every writer
// pushes its elements last-first; each must run while no table is open.
import type { Builder, Offset } from 'flatbuffers';

export function int32Vector(builder: Builder, values: readonly number[]): Offset {
  builder.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) builder.addInt32(values[i]!);
  return builder.endVector();
}

export function float32Vector(builder: Builder, values: readonly number[]): Offset {
  builder.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) builder.addFloat32(values[i]!);
  return builder.endVector();
}

export function int64Vector(builder: Builder, values: readonly number[]): Offset {
  builder.startVector(8, values.length, 8);
  for (let i = values.length - 1; i >= 0; i--) builder.addInt64(BigInt(values[i]!));
  return builder.endVector();
}

export function offsetVector(builder: Builder, offsets: readonly Offset[]): Offset {
  builder.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) builder.addOffset(offsets[i]!);
  return builder.endVector();
}

/**
 * A [ubyte] vector whose first byte sits on an `alignment` boundary of the finished file — what
 * schema.fbs asks of Buffer.data (force_align: 16) so runtimes can use weights in place.
 * `createByteVector` aligns to 1 only.
 */
export function alignedByteVector(builder: Builder, bytes: Uint8Array, alignment: number): Offset {
  // startVector reserves room for all the bytes, so the unchecked writeInt8 below stays in bounds.
  builder.startVector(1, bytes.length, alignment);
  for (let i = bytes.length - 1; i >= 0; i--) builder.writeInt8(bytes[i]!);
  return builder.endVector();
}
