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

// onnx.load brings in external data from the model's directory; checking the path as well makes the
// checker verify each external location is a file inside that directory.
const CHECK_FILE = `${CHECK}
onnx.checker.check_model(sys.argv[1], full_check=True)
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
    runCheck(CHECK, path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same checks on a model file, with any external data files next to it. */
export function checkOnnxFileWithOnnx(path: string): void {
  if (onnxCheckerMissing) throw new Error(`the ONNX checker is the oracle here: ${onnxCheckerMissing}`);
  runCheck(CHECK_FILE, path);
}

function runCheck(script: string, path: string): void {
  const result = spawnSync(PYTHON, ['-c', script, path], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`onnx checker rejected the model:\n${result.stderr}`);
}
