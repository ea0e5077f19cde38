import type { Builder, Offset } from 'flatbuffers';
import { ModelToolsError } from '../../errors.js';
import type { FlatBufferReader } from '../flatbuffer-reader.js';

/**
 * A builtin-options table copied field by field without a schema for every one of the ~120 options
 * tables. Scalar fields keep their bytes: each is copied with the room it had up to the next field, so
 * a reader that takes the declared width from the start (little-endian) sees the original value.
 * Offsets (vectors) cannot be told apart from int scalars that way, so the option types that hold
 * vectors are listed in VECTOR_FIELDS, and those holding strings or tables are refused.
 */
export interface RawTable {
  /** Scalar fields: schema field id and the bytes to write (1, 2, 4 or 8, naturally aligned). */
  scalars: { id: number; bytes: Uint8Array }[];
  /** Vector fields of 4-byte elements (int32 or float32). */
  vectors: { id: number; bytes: Uint8Array }[];
}

/** BuiltinOptions union type → field ids that are [int]/[float] vectors (schema.fbs). */
const VECTOR_FIELDS: Record<number, number[]> = {
  3: [1, 2], // ConcatEmbeddingsOptions
  17: [0], // ReshapeOptions.new_shape
  30: [0], // SqueezeOptions.squeeze_dims
  115: [0], // BucketizeOptions.boundaries
};
/** Options with strings or sub-tables: VarHandleOptions. */
const UNCOPYABLE = new Set([111]);

export function readRawTable(r: FlatBufferReader, table: number, optionsType: number): RawTable {
  if (UNCOPYABLE.has(optionsType)) {
    throw new ModelToolsError(
      'UNSUPPORTED',
      `this TFLite file has an operator with builtin options type ${optionsType} (strings inside), which the rewriter cannot copy yet; quantize it with the TFLite converter instead`,
    );
  }
  const bb = r.bb;
  r.check(table, 4, 'options table');
  const vtable = table - bb.readInt32(table);
  r.check(vtable, 4, 'options vtable');
  const vtableSize = bb.readUint16(vtable);
  const objectSize = bb.readUint16(vtable + 2);
  r.check(vtable, vtableSize, 'options vtable');
  r.check(table, objectSize, 'options table');
  const present: { id: number; offset: number }[] = [];
  for (let id = 0; 4 + 2 * id < vtableSize; id++) {
    const offset = bb.readUint16(vtable + 4 + 2 * id);
    if (offset) present.push({ id, offset });
  }
  present.sort((a, b) => a.offset - b.offset);
  const vectorIds = VECTOR_FIELDS[optionsType] ?? [];
  const out: RawTable = { scalars: [], vectors: [] };
  present.forEach(({ id, offset }, i) => {
    if (vectorIds.includes(id)) {
      const v = r.vector(table, id, 4);
      if (v) out.vectors.push({ id, bytes: bb.bytes().slice(v.start, v.start + 4 * v.length) });
      return;
    }
    const room = (present[i + 1]?.offset ?? objectSize) - offset;
    let width = 8;
    while (width > room || (table + offset) % width !== 0) width /= 2;
    out.scalars.push({ id, bytes: bb.bytes().slice(table + offset, table + offset + width) });
  });
  return out;
}

/** Writes the table back; call while no other table is open. */
export function writeRawTable(b: Builder, raw: RawTable): Offset {
  const vectors = raw.vectors.map((v) => {
    b.startVector(4, v.bytes.length / 4, 4);
    for (let i = v.bytes.length - 1; i >= 0; i--) b.writeInt8(v.bytes[i]!);
    return { id: v.id, offset: b.endVector() };
  });
  const fieldCount = Math.max(0, ...raw.scalars.map((s) => s.id + 1), ...raw.vectors.map((v) => v.id + 1));
  b.startObject(fieldCount);
  // Widest first, so the builder adds as little padding as it can.
  for (const s of [...raw.scalars].sort((x, y) => y.bytes.length - x.bytes.length)) {
    b.prep(s.bytes.length, 0);
    for (let i = s.bytes.length - 1; i >= 0; i--) b.writeInt8(s.bytes[i]!);
    b.slot(s.id);
  }
  for (const v of vectors) b.addFieldOffset(v.id, v.offset, 0);
  return b.endObject();
}
