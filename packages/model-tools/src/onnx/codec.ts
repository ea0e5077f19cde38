import { ModelToolsError } from '../errors.js';
import { scanModelHeader } from './model-header-scan.js';
import { type IModelProto, type ModelProto, onnx } from './proto.js';
import { toNumber } from './tensor.js';

const FIELD_NAMES: Record<number, string> = {
  0: 'first field',
  1: 'ir_version',
  2: 'producer name',
  3: 'producer version',
  4: 'domain',
  5: 'model version',
  6: 'doc string',
  7: 'graph',
  8: 'opset imports',
  14: 'metadata',
  20: 'training info',
  25: 'functions',
};

const WHAT_TO_DO = 'expected an .onnx model as written by torch.onnx.export, tf2onnx or onnx.save';

/**
 * Decodes ONNX bytes, telling apart a file that is not ONNX (NOT_ONNX) from one cut short (TRUNCATED).
 *
 * @example
 * const model = decodeOnnx(new Uint8Array(await readFile('model.onnx')));
 * console.log(model.graph?.node?.length);
 */
export function decodeOnnx(bytes: Uint8Array): ModelProto {
  if (bytes.byteLength === 0) throw new ModelToolsError('NOT_ONNX', `the file is empty; ${WHAT_TO_DO}`);
  const header = scanModelHeader(bytes);
  if (header.kind === 'foreign') {
    const hint =
      String.fromCharCode(...bytes.subarray(4, 8)) === 'TFL3' ? ' (it looks like a TFLite model)' : '';
    throw new ModelToolsError(
      'NOT_ONNX',
      `not an ONNX model${hint}: byte ${header.offset} is not a ModelProto field; ${WHAT_TO_DO}`,
    );
  }
  if (header.kind === 'truncated') {
    const startsLikeOnnx = (header.fields[0] ?? header.cutField) === 1;
    if (!startsLikeOnnx) {
      throw new ModelToolsError(
        'NOT_ONNX',
        `not an ONNX model: it does not start with an ir_version; ${WHAT_TO_DO}`,
      );
    }
    throw new ModelToolsError(
      'TRUNCATED',
      `the ONNX file ends inside its ${FIELD_NAMES[header.cutField] ?? `field ${header.cutField}`} ` +
        `after ${bytes.byteLength} bytes: it is incomplete; download or export it again`,
    );
  }
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new ModelToolsError(
      'NOT_ONNX',
      `the file has an ONNX header but its contents do not decode (${(error as Error).message}); ` +
        'it is corrupt or not ONNX; export it again',
      { cause: error },
    );
  }
  checkRequiredParts(model, Math.max(...header.fields));
  return model;
}

/** ir_version, a graph and an opset import are what every runtime needs before anything else. */
function checkRequiredParts(model: ModelProto, lastField: number): void {
  if (toNumber(model.irVersion) <= 0) {
    throw new ModelToolsError('NOT_ONNX', `not an ONNX model: it has no ir_version; ${WHAT_TO_DO}`);
  }
  const missing = !model.graph
    ? { field: 7, what: 'graph' }
    : model.opsetImport.length === 0
      ? { field: 8, what: 'opset imports' }
      : null;
  if (!missing) return;
  // Fields are written in number order, so a file whose last field comes before the missing one was cut there.
  if (lastField < missing.field) {
    throw new ModelToolsError(
      'TRUNCATED',
      `the ONNX file ends before its ${missing.what}: it is incomplete; download or export it again`,
    );
  }
  throw new ModelToolsError('NOT_ONNX', `not a usable ONNX model: it has no ${missing.what}; ${WHAT_TO_DO}`);
}

/** Encodes a model to bytes: a plain Uint8Array that owns its whole buffer. */
export function encodeOnnx(model: IModelProto): Uint8Array {
  const encoded = onnx.ModelProto.encode(model).finish();
  // Small Node Buffers are slices of a shared pool; copy so `.buffer` holds this model and nothing else.
  const bytes = new Uint8Array(encoded.byteLength);
  bytes.set(encoded);
  return bytes;
}
