// The installed `edgewise-models` bin runs from the repository root right after `npm ci` (no build),
// and `batch` says which ONNX Runtime ran the rows.
import { execFile } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../../..');
const bin = join(root, 'node_modules/.bin/edgewise-models');

describe('edgewise-models bin', () => {
  it('is linked by npm to the committed shim, which exists before any build', () => {
    expect(existsSync(bin)).toBe(true);
    expect(realpathSync(bin)).toBe(join(root, 'packages/model-tools/bin/edgewise-models.js'));
  });

  it('runs through npx from the repository root (never falling back to the registry)', async () => {
    // --no: if the local bin were missing, npx must fail instead of downloading a same-named package.
    const { stdout } = await run('npx', ['--no', '--', 'edgewise-models', '--help'], { cwd: root });
    expect(stdout).toContain('usage: edgewise-models <command>');
    expect(stdout).toContain('edgewise-models batch');
  });

  it('runs from any directory through the .bin link', async () => {
    const { stdout } = await run(bin, ['--help'], { cwd: tmpdir() });
    expect(stdout).toContain('usage: edgewise-models <command>');
  });

  it('batch prints the runtime: onnxruntime-node by default, WASM when asked for', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ew-batch-bin-'));
    const csv = join(dir, 'data.csv');
    await writeFile(csv, 'a,b,c,d\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n');
    const model = join(root, 'models/iris/1.0.0/iris.fp32.onnx');
    const outputs: string[] = [];
    for (const runtime of ['auto', 'onnxruntime-web']) {
      const out = join(dir, `${runtime}.csv`);
      const { stdout } = await run(bin, ['batch', model, csv, '--out', out], {
        cwd: root,
        env: { ...process.env, EDGEWISE_ONNX_RUNTIME: runtime },
      });
      const expected =
        runtime === 'auto'
          ? /runtime: onnxruntime-node 1\.\d+\.\d+ \(onnxruntime-node is installed/
          : /runtime: onnxruntime-web 1\.\d+\.\d+ \(EDGEWISE_ONNX_RUNTIME asks for onnxruntime-web\)/;
      expect(stdout).toMatch(expected);
      outputs.push(await readFile(out, 'utf8'));
    }
    const cells = (text: string) =>
      text
        .trim()
        .split('\n')
        .slice(1)
        .flatMap((l) => l.split(',').map(Number));
    const [a, b] = [cells(outputs[0]!), cells(outputs[1]!)];
    expect(a.length).toBe(b.length);
    for (const [i, v] of a.entries()) expect(Math.abs(v - b[i]!)).toBeLessThan(1e-5);
  });

  it('rejects an unknown EDGEWISE_ONNX_RUNTIME with a coded error and exit code 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ew-batch-bin-'));
    const csv = join(dir, 'data.csv');
    await writeFile(csv, 'a,b,c,d\n5.1,3.5,1.4,0.2\n');
    const model = join(root, 'models/iris/1.0.0/iris.fp32.onnx');
    const error = await run(bin, ['batch', model, csv, '--out', join(dir, 'out.csv')], {
      cwd: root,
      env: { ...process.env, EDGEWISE_ONNX_RUNTIME: 'tensorflow' },
    }).catch((e) => e);
    expect(error.code).toBe(2);
    expect(error.stderr).toContain(
      'edgewise-models batch: BAD_ARGUMENT: EDGEWISE_ONNX_RUNTIME=tensorflow is not a runtime; use auto',
    );
  });
});
