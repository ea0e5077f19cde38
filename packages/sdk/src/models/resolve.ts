import { EdgewiseError } from '../errors.js';
import type { ModelEntry, ModelManifest, ModelVersion } from './manifest-types.js';
import { compareVersions } from './version-order.js';

export interface VersionRequest {
  /** An exact version; wins over the channel. */
  version?: string;
  /** A channel of the model, such as 'stable' (the default) or 'canary'. */
  channel?: string;
}

export interface ResolvedVersion {
  name: string;
  version: string;
  versionInfo: ModelVersion;
  /** The channel the version came from, when none was named exactly. */
  channel?: string;
}

/** Finds the version a request names, or says which names exist. Pure. */
export function resolveVersion(
  manifest: ModelManifest,
  name: string,
  request: VersionRequest = {},
): ResolvedVersion {
  const entry = modelEntry(manifest, name);
  if (request.version !== undefined && request.channel !== undefined) {
    throw new EdgewiseError(
      'CONFIG',
      `load('${name}') got both version '${request.version}' and channel '${request.channel}'; pass one of them.`,
    );
  }
  if (request.version !== undefined) {
    const versionInfo = entry.versions[request.version];
    if (!versionInfo) {
      throw new EdgewiseError(
        'VERSION_NOT_FOUND',
        `Model '${name}' has no version '${request.version}'; the manifest lists ${list(Object.keys(entry.versions))}.`,
        { details: { name, version: request.version } },
      );
    }
    return { name, version: request.version, versionInfo };
  }
  const channel = request.channel ?? 'stable';
  const version = entry.channels[channel];
  if (version === undefined) {
    throw new EdgewiseError(
      'VERSION_NOT_FOUND',
      `Model '${name}' has no channel '${channel}'; its channels are ${list(Object.keys(entry.channels))}. Pass one of them or an exact version.`,
      { details: { name, channel } },
    );
  }
  const versionInfo = entry.versions[version];
  if (!versionInfo) {
    throw new EdgewiseError(
      'VERSION_NOT_FOUND',
      `Channel '${channel}' of model '${name}' names version '${version}', which the manifest does not list; fix the manifest.`,
      { details: { name, channel, version } },
    );
  }
  return { name, version, versionInfo, channel };
}

/**
 * The versions a rollback from `from` may use, best first: not retired, older than `from`, newest
 * first. Pure.
 */
export function previousGoodVersions(entry: ModelEntry, from: string): string[] {
  return Object.entries(entry.versions)
    .filter(([version, info]) => info.status !== 'retired' && compareVersions(version, from) < 0)
    .map(([version]) => version)
    .sort((a, b) => compareVersions(b, a));
}

export function modelEntry(manifest: ModelManifest, name: string): ModelEntry {
  const entry = Object.hasOwn(manifest.models, name) ? manifest.models[name] : undefined;
  if (!entry) {
    throw new EdgewiseError(
      'MODEL_NOT_FOUND',
      `The manifest has no model '${name}'; it lists ${list(Object.keys(manifest.models))}.`,
      { details: { name } },
    );
  }
  return entry;
}

function list(names: string[]): string {
  return names.length === 0 ? 'none' : names.map((n) => `'${n}'`).join(', ');
}
