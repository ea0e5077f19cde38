import type {
  ModelArtifact,
  ModelManifest,
  ModelVersion,
  TensorSpec,
  VersionStatus,
} from '@edgewise/protocol';
import { ModelToolsError } from '../errors.js';

export function emptyManifest(now = new Date()): ModelManifest {
  return { schemaVersion: 1, generatedAt: now.toISOString(), models: {} };
}

export interface PublishEntry {
  name: string;
  version: string;
  /** Adds the artifact as a variant (e.g. 'int8') of an existing version instead of as the version itself. */
  variant?: string;
  artifact: ModelArtifact;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  labels?: string[];
  status?: VersionStatus;
  /** Channels (e.g. 'stable', 'canary') to point at this version. */
  channels?: string[];
  createdAt?: string;
}

const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$/;
const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Returns a new manifest with the entry added; never mutates the one given. */
export function addToManifest(manifest: ModelManifest, entry: PublishEntry): ModelManifest {
  if (!NAME.test(entry.name)) {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      `model name "${entry.name}" must be lowercase letters, digits, "-" or "_" (at most 64)`,
    );
  }
  if (!VERSION.test(entry.version)) {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      `version "${entry.version}" must look like 1.2.0 (letters, digits, . + -)`,
    );
  }
  const next: ModelManifest = structuredClone(manifest);
  next.generatedAt = new Date().toISOString();
  next.models[entry.name] ??= { channels: {}, versions: {} };
  const model = next.models[entry.name]!;
  const existing = model.versions[entry.version];
  if (entry.variant !== undefined) return addVariant(next, entry, entry.variant);

  if (existing && existing.sha256 !== entry.artifact.sha256) {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      `${entry.name}@${entry.version} already exists with other bytes (sha256 ${existing.sha256.slice(0, 12)}…); versions are immutable, publish a new version (e.g. ${entry.version}-int8 for another quantization)`,
    );
  }
  const version: ModelVersion = {
    ...entry.artifact,
    inputs: entry.inputs,
    outputs: entry.outputs,
    createdAt: existing?.createdAt ?? entry.createdAt ?? new Date().toISOString(),
    status: entry.status ?? existing?.status ?? 'candidate',
    ...(entry.labels ? { labels: entry.labels } : {}),
    ...(existing?.variants ? { variants: existing.variants } : {}),
  };
  model.versions[entry.version] = version;
  for (const channel of entry.channels ?? []) model.channels[channel] = entry.version;
  return next;
}

function addVariant(next: ModelManifest, entry: PublishEntry, variant: string): ModelManifest {
  const version = next.models[entry.name]!.versions[entry.version];
  if (!version) {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      `${entry.name}@${entry.version} does not exist yet; publish its base file before the "${variant}" variant`,
    );
  }
  if (!NAME.test(variant)) {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      `variant "${variant}" must be lowercase letters, digits, "-" or "_"`,
    );
  }
  const existing = version.variants?.[variant];
  if (existing && existing.sha256 !== entry.artifact.sha256) {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      `${entry.name}@${entry.version} variant "${variant}" already exists with other bytes; versions are immutable, publish a new version`,
    );
  }
  version.variants = { ...version.variants, [variant]: entry.artifact };
  for (const channel of entry.channels ?? []) next.models[entry.name]!.channels[channel] = entry.version;
  return next;
}

/** Reads and sanity-checks a manifest's JSON text. */
export function parseManifest(text: string, source: string): ModelManifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ModelToolsError('BAD_ARGUMENT', `${source} is not valid JSON: ${(error as Error).message}`);
  }
  const m = data as Partial<ModelManifest>;
  if (m?.schemaVersion !== 1 || typeof m.models !== 'object' || m.models === null) {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      `${source} is not an Edgewise manifest (expected schemaVersion 1 and "models")`,
    );
  }
  return m as ModelManifest;
}
