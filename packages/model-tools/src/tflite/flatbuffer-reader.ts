import { ByteBuffer } from 'flatbuffers';
import { ModelToolsError } from '../errors.js';

/**
 * Field access on a FlatBuffer through the flatbuffers ByteBuffer table API, with every offset checked
 * against the end of the file first. ByteBuffer itself reads past the end as zeros, which would turn
 * a cut-short download into a silently wrong model; here it is a TRUNCATED error instead.
 * Tables are byte positions; fields are schema field ids.
 */
export class FlatBufferReader {
  readonly bb: ByteBuffer;
  private readonly length: number;

  constructor(bytes: Uint8Array) {
    this.bb = new ByteBuffer(bytes);
    this.length = bytes.length;
  }

  /** Throws TRUNCATED unless [pos, pos + size) lies inside the file. */
  check(pos: number, size: number, what: string): void {
    if (!Number.isInteger(pos) || pos < 0 || size < 0 || pos + size > this.length) {
      throw new ModelToolsError(
        'TRUNCATED',
        `the TFLite file is cut short or damaged: its ${what} points to byte ${pos}, past the end (${this.length} bytes); download or export it again`,
      );
    }
  }

  root(): number {
    this.check(0, 4, 'root table offset');
    const root = this.bb.readUint32(0);
    this.check(root, 4, 'root table');
    return root;
  }

  /** The field's offset inside `table`, or 0 when the field is absent (so it takes its default). */
  private slot(table: number, id: number): number {
    this.check(table, 4, 'table');
    const vtable = table - this.bb.readInt32(table);
    this.check(vtable, 4, 'vtable');
    const vtableSize = this.bb.readUint16(vtable);
    this.check(vtable, vtableSize, 'vtable');
    const offset = this.bb.__offset(table, 4 + 2 * id);
    if (offset !== 0) this.check(table + offset, 1, 'field');
    return offset;
  }

  int8(table: number, id: number, fallback = 0): number {
    const o = this.slot(table, id);
    return o ? this.bb.readInt8(table + o) : fallback;
  }

  bool(table: number, id: number): boolean {
    return this.int8(table, id) !== 0;
  }

  int32(table: number, id: number, fallback = 0): number {
    const o = this.slot(table, id);
    if (!o) return fallback;
    this.check(table + o, 4, 'int field');
    return this.bb.readInt32(table + o);
  }

  uint32(table: number, id: number, fallback = 0): number {
    return this.int32(table, id, fallback) >>> 0;
  }

  float32(table: number, id: number, fallback = 0): number {
    const o = this.slot(table, id);
    if (!o) return fallback;
    this.check(table + o, 4, 'float field');
    return this.bb.readFloat32(table + o);
  }

  uint64(table: number, id: number): number {
    const o = this.slot(table, id);
    if (!o) return 0;
    this.check(table + o, 8, 'ulong field');
    return Number(this.bb.readUint64(table + o));
  }

  /** A sub-table's position, or undefined when absent. */
  table(table: number, id: number): number | undefined {
    const o = this.slot(table, id);
    if (!o) return undefined;
    this.check(table + o, 4, 'table offset');
    const target = this.bb.__indirect(table + o);
    this.check(target, 4, 'table');
    return target;
  }

  string(table: number, id: number): string | undefined {
    const v = this.vector(table, id, 1);
    return v ? new TextDecoder().decode(this.bb.bytes().subarray(v.start, v.start + v.length)) : undefined;
  }

  /** Start and element count of a vector field, checked to fit in the file. */
  vector(table: number, id: number, elementSize: number): { start: number; length: number } | undefined {
    const o = this.slot(table, id);
    if (!o) return undefined;
    this.check(table + o, 4, 'vector offset');
    const header = this.bb.__indirect(table + o);
    this.check(header, 4, 'vector');
    const length = this.bb.readInt32(header);
    this.check(header + 4, length * elementSize, 'vector');
    return { start: header + 4, length };
  }

  int32Vector(table: number, id: number): number[] | undefined {
    const v = this.vector(table, id, 4);
    return v && Array.from({ length: v.length }, (_, i) => this.bb.readInt32(v.start + 4 * i));
  }

  float32Vector(table: number, id: number): number[] | undefined {
    const v = this.vector(table, id, 4);
    return v && Array.from({ length: v.length }, (_, i) => this.bb.readFloat32(v.start + 4 * i));
  }

  /** int64 values as numbers: TFLite zero points fit easily. */
  int64Vector(table: number, id: number): number[] | undefined {
    const v = this.vector(table, id, 8);
    return v && Array.from({ length: v.length }, (_, i) => Number(this.bb.readInt64(v.start + 8 * i)));
  }

  bytes(table: number, id: number): Uint8Array | undefined {
    const v = this.vector(table, id, 1);
    return v && this.bb.bytes().subarray(v.start, v.start + v.length);
  }

  /** Positions of the tables in a vector of tables. */
  tables(table: number, id: number): number[] {
    const v = this.vector(table, id, 4);
    if (!v) return [];
    return Array.from({ length: v.length }, (_, i) => {
      const target = this.bb.__indirect(v.start + 4 * i);
      this.check(target, 4, 'table');
      return target;
    });
  }
}
