// The ONNX project's own checker as a test oracle, through Debian's python3-onnx.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PYTHON = '/usr/bin/python3';

const CHECK = `
import sys, onnx
model = onnx.load(sys.argv[1])
onnx.checker.check_model(model, full_check=True)
onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
print(onnx.__version__)
`;

function probe(): string | undefined {
  const result = spawnSync(PYTHON, ['-c', 'import onnx'], { encoding: 'utf8' });
  if (result.error) return `${PYTHON} is not there (${result.error.message}); apt-get install python3-onnx`;
  if (result.status !== 0) return `${PYTHON} cannot import onnx; apt-get install python3-onnx`;
  return undefined;
}

/** Why the checker cannot run here, or undefined when it can (.ci/run installs it). */
const onnxCheckerMissing = probe();

/** Runs onnx.checker.check_model(full_check=True) and strict shape inference; throws with Python's error. */
export function checkWithOnnx(bytes: Uint8Array): void {
  if (onnxCheckerMissing) throw new Error(`the ONNX checker is the oracle here: ${onnxCheckerMissing}`);
  const dir = mkdtempSync(join(tmpdir(), 'edgewise-onnx-check-'));
  try {
    const path = join(dir, 'model.onnx');
    writeFileSync(path, bytes);
    const result = spawnSync(PYTHON, ['-c', CHECK, path], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`onnx checker rejected the model:\n${result.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
