import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { ModelToolsError } from '../errors.js';

export type FileFormat = 'onnx' | 'tflite';

export async function readInput(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? String(error)})`,
    );
  }
}

/** TFLite files carry "TFL3" at offset 4; anything else is treated as ONNX and checked by the decoder. */
export function sniffFormat(bytes: Uint8Array, path: string): FileFormat {
  const id = String.fromCharCode(...bytes.subarray(4, 8));
  if (id === 'TFL3') return 'tflite';
  if (extname(path).toLowerCase() === '.tflite') {
    throw new ModelToolsError(
      'NOT_TFLITE',
      `${path} has a .tflite name but no TFL3 identifier: not a TFLite model`,
    );
  }
  return 'onnx';
}
