// onnx.version_converter (Debian's python3-onnx) as a test oracle for the TypeScript opset upgrade.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CONVERT = `
import sys, onnx
from onnx import version_converter
# Shapes first: its Softmax 12→13 adapter needs the input rank.
model = onnx.shape_inference.infer_shapes(onnx.load(sys.argv[1]))
onnx.save(version_converter.convert_version(model, int(sys.argv[3])), sys.argv[2])
`;

/** The model converted to `opset` by onnx.version_converter.convert_version; throws with Python's error. */
export function convertWithOnnx(bytes: Uint8Array, opset: number): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'edgewise-onnx-convert-'));
  try {
    const input = join(dir, 'in.onnx');
    const output = join(dir, 'out.onnx');
    writeFileSync(input, bytes);
    const result = spawnSync('/usr/bin/python3', ['-c', CONVERT, input, output, String(opset)], {
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`onnx.version_converter failed:\n${result.stderr}`);
    return new Uint8Array(readFileSync(output));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
