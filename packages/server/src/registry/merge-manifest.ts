import type { Quantization, TensorSpec } from '@edgewise/protocol';
import type { ChannelRecord, ModelVersionRecord } from '../storage/records.js';
import type { Manifest } from './manifest-types.js';

export function publishedFileUrl(name: string, version: string): string {
  return `/v1/models/${encodeURIComponent(name)}/${encodeURIComponent(version)}/file`;
}

/**
 * The served manifest: the models folder's manifest, with versions published to the registry added
 * and the registry's channels taking precedence.
 */
export function mergeManifest(
  base: Manifest | undefined,
  published: readonly ModelVersionRecord[],
  channels: readonly ChannelRecord[],
  now = new Date(),
): Manifest {
  const models: Manifest['models'] = structuredClone(base?.models ?? {});
  for (const r of published) {
    const entry = models[r.name] ?? { channels: {}, versions: {} };
    models[r.name] = entry;
    entry.versions[r.version] = {
      url: publishedFileUrl(r.name, r.version),
      format: r.format,
      sha256: r.sha256,
      bytes: r.bytes,
      // The store keeps plain strings; publish-metadata admits only the protocol's quantizations and
      // dtypes, and tensors read from the bytes by model-tools use the same ONNX/TFLite dtype names.
      quantization: r.quantization as Quantization,
      inputs: r.inputs as TensorSpec[],
      outputs: r.outputs as TensorSpec[],
      ...(r.metrics ? { metrics: r.metrics } : {}),
      ...(r.labels ? { labels: r.labels } : {}),
      createdAt: new Date(r.createdAt).toISOString(),
      status: r.status,
    };
  }
  for (const c of channels) {
    const entry = models[c.name];
    if (entry) entry.channels[c.channel] = c.version;
  }
  return { schemaVersion: 1, generatedAt: now.toISOString(), models };
}
