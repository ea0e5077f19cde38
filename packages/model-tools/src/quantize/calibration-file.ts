import { parseNumericCsv } from '../batch/csv.js';
import { ModelToolsError } from '../errors.js';
import type { CalibrationFeed, CalibrationValue } from './calibrate.js';

/**
 * Reads calibration examples from a file, so `quantize` needs no Python to prepare them:
 * - `.csv`: one row per example, the first input's values (shape inferred from the model);
 * - `.npy`: a float32 (little-endian, C order) array whose first axis is the example index, for the first input;
 * - `.json`: `[{ "input": [..] | { "dims": [..], "data": [..] }, "sr": 16000, … }, …]`, every input by name
 *   (numbers that are integers go to int64 inputs as given; give dims for anything not 1-D).
 */
export function parseCalibrationFile(
  bytes: Uint8Array,
  path: string,
  firstInput: string,
  int64Inputs: ReadonlySet<string>,
): CalibrationFeed[] {
  const lower = path.toLowerCase();
  if (lower.endsWith('.npy')) return parseNpy(bytes, path).map((value) => ({ [firstInput]: value }));
  const text = new TextDecoder().decode(bytes);
  if (lower.endsWith('.json')) return parseJson(text, path, int64Inputs);
  if (lower.endsWith('.csv')) {
    return parseNumericCsv(text, path).rows.map((row) => ({ [firstInput]: Float32Array.from(row) }));
  }
  throw new ModelToolsError('BAD_ARGUMENT', `--calibration ${path}: expected a .csv, .npy or .json file`);
}

function parseJson(text: string, path: string, int64Inputs: ReadonlySet<string>): CalibrationFeed[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ModelToolsError('BAD_ARGUMENT', `${path} is not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      `${path}: expected a non-empty array of { inputName: values } objects`,
    );
  }
  return parsed.map((example, i) => {
    if (typeof example !== 'object' || example === null) {
      throw new ModelToolsError('BAD_ARGUMENT', `${path}: example ${i} is not an object of input values`);
    }
    const feed: CalibrationFeed = {};
    for (const [name, raw] of Object.entries(example as Record<string, unknown>)) {
      const spec =
        typeof raw === 'object' && raw !== null && !Array.isArray(raw)
          ? (raw as { dims?: number[]; data?: unknown })
          : { data: raw };
      const data = typeof spec.data === 'number' ? [spec.data] : spec.data;
      if (!Array.isArray(data) || data.some((v) => typeof v !== 'number')) {
        throw new ModelToolsError('BAD_ARGUMENT', `${path}: example ${i}, input "${name}" is not numbers`);
      }
      const dims = spec.dims ?? (typeof spec.data === 'number' ? [] : undefined);
      const values = int64Inputs.has(name)
        ? BigInt64Array.from(data.map((v: number) => BigInt(Math.round(v))))
        : Float32Array.from(data);
      feed[name] = (dims ? { data: values, dims } : values) as CalibrationValue;
    }
    return feed;
  });
}

/** NumPy's .npy format 1.0–3.0: magic, version, header length, a Python-dict header, then the data. */
function parseNpy(bytes: Uint8Array, path: string): CalibrationValue[] {
  const bad = (why: string) =>
    new ModelToolsError(
      'BAD_ARGUMENT',
      `${path}: ${why}; save it with numpy.save(path, x.astype("float32"))`,
    );
  if (bytes[0] !== 0x93 || String.fromCharCode(...bytes.subarray(1, 6)) !== 'NUMPY')
    throw bad('not a .npy file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(headerStart, headerStart + headerLength));
  if (!/'descr':\s*'<f4'/.test(header)) throw bad('only little-endian float32 (<f4) arrays are read');
  if (/'fortran_order':\s*True/.test(header)) throw bad('Fortran-order arrays are not read');
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '';
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (shape.length < 2) throw bad('expected an array of shape [examples, …input dims]');
  const start = headerStart + headerLength;
  const data = new Float32Array(
    bytes.slice(start).buffer,
    0,
    shape.reduce((n, d) => n * d, 1),
  );
  const [count, ...dims] = shape as [number, ...number[]];
  const per = data.length / count;
  // Input dims without the batch axis get it back as 1.
  return Array.from({ length: count }, (_, i) => ({
    data: data.slice(i * per, (i + 1) * per),
    dims: [1, ...dims],
  }));
}
