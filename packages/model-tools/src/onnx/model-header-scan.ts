/**
 * A shallow walk over the top-level protobuf fields of a would-be ModelProto. Protobuf decoding alone
 * cannot tell "not an ONNX file" from "an ONNX file cut short" (both end in a decode error), but the
 * top level can: an ONNX file starts with well-formed ModelProto fields, and a truncated one runs out
 * of bytes inside one of them.
 */

/** ModelProto field numbers and their wire types (0 varint, 2 length-delimited), from onnx.proto. */
const MODEL_FIELDS: Record<number, number> = {
  1: 0, // ir_version
  2: 2, // producer_name
  3: 2, // producer_version
  4: 2, // domain
  5: 0, // model_version
  6: 2, // doc_string
  7: 2, // graph
  8: 2, // opset_import
  14: 2, // metadata_props
  20: 2, // training_info
  25: 2, // functions
  26: 2, // configuration
};

export type HeaderVerdict =
  | { kind: 'complete'; fields: number[] }
  /** Well-formed fields, then the bytes end inside field `cutField`. */
  | { kind: 'truncated'; fields: number[]; cutField: number }
  /** A field that a ModelProto cannot have, at byte `offset`. */
  | { kind: 'foreign'; fields: number[]; offset: number };

export function scanModelHeader(bytes: Uint8Array): HeaderVerdict {
  const fields: number[] = [];
  let pos = 0;
  const readVarint = (): number | undefined => {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= bytes.length) return undefined;
      const byte = bytes[pos++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    return Number.NaN;
  };
  while (pos < bytes.length) {
    const start = pos;
    const tag = readVarint();
    if (tag === undefined) return { kind: 'truncated', fields, cutField: 0 };
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    const known = MODEL_FIELDS[field];
    // The first field must be one ONNX writes; later unknown fields are tolerated if well-formed.
    if (
      Number.isNaN(tag) ||
      (known !== undefined ? known !== wire : fields.length === 0 || ![0, 1, 2, 5].includes(wire))
    ) {
      return { kind: 'foreign', fields, offset: start };
    }
    if (wire === 0) {
      const value = readVarint();
      if (value === undefined) return { kind: 'truncated', fields, cutField: field };
      if (Number.isNaN(value)) return { kind: 'foreign', fields, offset: start };
    } else if (wire === 2) {
      const length = readVarint();
      if (length === undefined) return { kind: 'truncated', fields, cutField: field };
      if (Number.isNaN(length)) return { kind: 'foreign', fields, offset: start };
      if (pos + length > bytes.length) return { kind: 'truncated', fields, cutField: field };
      pos += length;
    } else {
      const width = wire === 1 ? 8 : 4;
      if (pos + width > bytes.length) return { kind: 'truncated', fields, cutField: field };
      pos += width;
    }
    fields.push(field);
  }
  return { kind: 'complete', fields };
}
