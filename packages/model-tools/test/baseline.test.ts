// A version's baseline from reference rows: the model run over them, summarized as the SDK
// summarizes live predictions (protocol's SummaryBuilder), written to a file or refused clearly.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ModelSummary, ValueSketch } from '@edgewise/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { argmax } from '../src/index.js';
import { edgewiseModels } from './support/cli.js';

const repo = join(import.meta.dirname, '..', '..', '..');
const model = join(repo, 'models/mnist/1.0.0/mnist.fp32.onnx');
const expected = JSON.parse(await readFile(join(repo, 'models/expected/mnist.json'), 'utf8')) as {
  inputs: number[][];
  outputs: Record<string, number[][]>;
};

describe('edgewise-models baseline', () => {
  let dir: string;
  let csv: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ew-baseline-'));
    csv = join(dir, 'digits.csv');
    await writeFile(csv, `${expected.inputs.map((r) => r.join(',')).join('\n')}\n`);
  });

  it('summarizes the model over the rows: argmax classes, top scores and the input pixels', async () => {
    const out = join(dir, 'baseline.json');
    const r = await edgewiseModels(
      'baseline',
      model,
      csv,
      '--name',
      'mnist',
      '--version',
      '1.0.0',
      '--out',
      out,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /24 rows, monitor \{ inputs: \['input'\], outputs: \{ probabilities: 'classes' \} \}/,
    );
    const { name, version, summary } = JSON.parse(await readFile(out, 'utf8')) as {
      name: string;
      version: string;
      summary: ModelSummary;
    };
    expect([name, version]).toEqual(['mnist', '1.0.0']);
    expect(summary.predictions).toBe(24);
    const fp32 = Object.values(expected.outputs)[0] as number[][];
    const counts = new Array(10).fill(0);
    for (const row of fp32) counts[argmax(Float32Array.from(row))]++;
    expect(summary.outputs.probabilities?.classes).toEqual(counts);
    expect(summary.inputs.input?.moments.count).toBe(24 * 784);
    const pixels = expected.inputs.flat();
    expect(summary.inputs.input?.moments.mean).toBeCloseTo(
      pixels.reduce((s, x) => s + x, 0) / pixels.length,
      5,
    );
    // Scores are sketched to 1%.
    const top = ValueSketch.fromJSON(summary.outputs.probabilities?.values as never);
    expect(top.count).toBe(24);
    expect(top.max).toBeLessThanOrEqual(1);
  });

  it('keeps the drift thresholds given for this file', async () => {
    const out = join(dir, 'thresholds.json');
    const r = await edgewiseModels(
      'baseline',
      model,
      csv,
      '--name',
      'mnist',
      '--version',
      '1.0.0',
      '--max-psi',
      '0.4',
      '--max-ks',
      '0.3',
      '--out',
      out,
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(await readFile(out, 'utf8')).thresholds).toEqual({ psi: 0.4, ks: 0.3 });
  });

  it('refuses what it cannot do with exit code 2 and says what to pass', async () => {
    const noTarget = await edgewiseModels('baseline', model, csv, '--name', 'mnist', '--version', '1.0.0');
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toMatch(/--out <file.json> or --server/);
    const kind = await edgewiseModels(
      'baseline',
      model,
      csv,
      '--name',
      'm',
      '--version',
      '1',
      '--out',
      join(dir, 'x.json'),
      '--output-kind',
      'mean',
    );
    expect(kind.stderr).toMatch(/--output-kind must be classes or values/);
    const manifest = await edgewiseModels(
      'publish',
      model,
      '--name',
      'm',
      '--version',
      '1',
      '--manifest',
      join(dir, 'manifest.json'),
      '--baseline',
      csv,
    );
    expect(manifest.code).toBe(2);
    expect(manifest.stderr).toMatch(/--baseline stores the baseline on a server/);
  });
});
