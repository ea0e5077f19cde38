import { readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import type { Quantization, TensorSpec, VersionStatus } from '@edgewise/protocol';
import { ModelToolsError } from '../errors.js';
import { describeArtifact, sha256Hex } from '../publish/artifact.js';
import { addToManifest, emptyManifest, parseManifest } from '../publish/manifest-update.js';
import { parseCommandArgs } from './args.js';
import { BASELINE_OPTIONS, runBaseline } from './baseline.js';
import { inspectModel } from './inspect.js';
import { readInput, sniffFormat } from './read-model.js';

export const publishUsage =
  'publish <model> --name N --version V [--quantization Q] [--status candidate|approved|retired] ' +
  '[--channel stable]... [--metric accuracy=0.97]... [--labels a,b,c] (--manifest models/manifest.json [--url URL] | --server URL --token T [--baseline data.csv [--variant V] [--output-kind classes|values]])';

const QUANTIZATIONS: Quantization[] = [
  'fp32',
  'fp16',
  'int8',
  'int8-dynamic',
  'int8-qdq',
  'int8-hybrid',
  'int4',
];
const STATUSES: VersionStatus[] = ['candidate', 'approved', 'retired'];

function parseMetrics(raw: string[] | undefined): Record<string, number> | undefined {
  if (!raw?.length) return undefined;
  const metrics: Record<string, number> = {};
  for (const item of raw) {
    const [key, value] = item.split('=');
    const n = Number(value);
    if (!key || value === undefined || !Number.isFinite(n)) {
      throw new ModelToolsError('BAD_ARGUMENT', `--metric "${item}" must be name=number, e.g. accuracy=0.97`);
    }
    metrics[key] = n;
  }
  return metrics;
}

export async function publishCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs(
    'publish',
    argv,
    {
      name: { type: 'string' },
      version: { type: 'string' },
      quantization: { type: 'string' },
      status: { type: 'string' },
      channel: { type: 'string', multiple: true },
      metric: { type: 'string', multiple: true },
      labels: { type: 'string' },
      manifest: { type: 'string' },
      url: { type: 'string' },
      server: { type: 'string' },
      token: { type: 'string' },
      baseline: { type: 'string' },
      ...BASELINE_OPTIONS,
    },
    ['model'],
  );
  const modelPath = positionals[0]!;
  const name = values.name;
  const version = values.version;
  if (typeof name !== 'string' || typeof version !== 'string') {
    throw new ModelToolsError('BAD_ARGUMENT', 'publish needs --name and --version');
  }
  const quantization = (values.quantization ?? 'fp32') as Quantization;
  if (!QUANTIZATIONS.includes(quantization)) {
    throw new ModelToolsError('BAD_ARGUMENT', `--quantization must be one of ${QUANTIZATIONS.join(', ')}`);
  }
  const status = values.status as VersionStatus | undefined;
  if (status !== undefined && !STATUSES.includes(status)) {
    throw new ModelToolsError('BAD_ARGUMENT', `--status must be one of ${STATUSES.join(', ')}`);
  }
  const bytes = await readInput(modelPath);
  const format = sniffFormat(bytes, modelPath);
  const info = inspectModel(bytes, format);
  const metrics = parseMetrics(values.metric as string[] | undefined);
  const labels =
    typeof values.labels === 'string' ? values.labels.split(',').map((l) => l.trim()) : undefined;
  const channels = (values.channel as string[] | undefined) ?? [];
  const toSpec = (t: { name: string; dtype: string; shape: (number | string)[] }): TensorSpec => ({
    name: t.name,
    dtype: t.dtype as TensorSpec['dtype'],
    shape: t.shape,
  });

  if (typeof values.server === 'string') {
    if (typeof values.token !== 'string') {
      throw new ModelToolsError('BAD_ARGUMENT', 'publishing to a server needs --token (the admin token)');
    }
    const meta = {
      name,
      version,
      format,
      quantization,
      ...(metrics ? { metrics } : {}),
      ...(labels ? { labels } : {}),
      ...(status ? { status } : {}),
      channels,
    };
    const response = await publishToServer(values.server, values.token, bytes, meta);
    console.log(`published ${name}@${version} to ${values.server} (sha256 ${response.sha256})`);
    if (typeof values.baseline === 'string') {
      await runBaseline(
        bytes,
        modelPath,
        values.baseline,
        values,
        { name, version },
        { server: values.server, token: values.token },
      );
    }
    return;
  }
  if (typeof values.baseline === 'string') {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      '--baseline stores the baseline on a server: publish with --server and --token, or run `edgewise-models baseline` against the server that serves this manifest',
    );
  }
  if (typeof values.manifest !== 'string') {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      'publish needs --manifest <file> or --server <url> --token <token>',
    );
  }
  const manifestPath = resolve(values.manifest);
  let url = typeof values.url === 'string' ? values.url : undefined;
  if (!url) {
    const rel = relative(dirname(manifestPath), resolve(modelPath));
    if (rel.startsWith('..')) {
      throw new ModelToolsError(
        'BAD_ARGUMENT',
        `${modelPath} is outside the manifest's folder; copy it there or pass --url with the URL it is served at`,
      );
    }
    url = rel.split(sep).join('/');
  }
  let manifest = emptyManifest();
  try {
    manifest = parseManifest(await readFile(manifestPath, 'utf8'), values.manifest);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const next = addToManifest(manifest, {
    name,
    version,
    artifact: describeArtifact(bytes, { url, format, quantization, ...(metrics ? { metrics } : {}) }),
    inputs: info.inputs.map(toSpec),
    outputs: info.outputs.map(toSpec),
    ...(labels ? { labels } : {}),
    ...(status ? { status } : {}),
    channels,
  });
  await writeFile(manifestPath, `${JSON.stringify(next, null, 2)}\n`);
  console.log(
    `published ${name}@${version} → ${values.manifest} (sha256 ${sha256Hex(bytes).slice(0, 16)}…, ${bytes.byteLength} bytes)`,
  );
}

/** POST /v1/models: the bytes as the body, what they are in the x-edgewise-model header (JSON). */
export async function publishToServer(
  server: string,
  token: string,
  bytes: Uint8Array,
  meta: Record<string, unknown>,
): Promise<{ sha256: string }> {
  let response: Response;
  try {
    response = await fetch(new URL('/v1/models', server), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/octet-stream',
        'x-edgewise-model': JSON.stringify(meta),
      },
      body: bytes as Uint8Array<ArrayBuffer>,
    });
  } catch (error) {
    throw new ModelToolsError('NETWORK', `cannot reach ${server}: ${(error as Error).message}`);
  }
  const text = await response.text();
  if (!response.ok) {
    throw new ModelToolsError(
      'NETWORK',
      `${server} refused the model (${response.status}): ${text.slice(0, 300)}`,
    );
  }
  const body = JSON.parse(text) as { sha256?: string };
  const local = sha256Hex(bytes);
  if (body.sha256 !== local) {
    throw new ModelToolsError(
      'INTEGRITY',
      `the server stored sha256 ${body.sha256}, but the file's is ${local}`,
    );
  }
  return { sha256: local };
}
