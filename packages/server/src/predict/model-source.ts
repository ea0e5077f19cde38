import { readFile } from 'node:fs/promises';
import { join, normalize, resolve, sep } from 'node:path';
import type { TensorSpec } from '@edgewise/protocol';
import { ServerError } from '../errors.js';
import type { Manifest } from '../registry/manifest-types.js';
import { mergeManifest } from '../registry/merge-manifest.js';
import type { Store } from '../storage/store.js';

export interface ResolvedModel {
  name: string;
  version: string;
  sha256: string;
  /** The input specs the manifest (for published versions: the model itself) gives. */
  inputs?: readonly TensorSpec[];
  load(): Promise<Uint8Array>;
}

/**
 * Finds the bytes of name@version (or the version a channel names, `stable` by default) among the
 * registry's published versions and the models folder, the same places /v1/manifest lists.
 */
export class ModelSource {
  constructor(
    private readonly store: Store,
    private readonly fileManifest: Manifest | undefined,
    private readonly modelsRoot: string | undefined,
  ) {}

  async resolve(name: string, version?: string, channel?: string): Promise<ResolvedModel> {
    const manifest = mergeManifest(
      this.fileManifest,
      await this.store.registry.list(),
      await this.store.registry.listChannels(),
    );
    const entry = manifest.models[name];
    if (!entry) throw new ServerError('NOT_FOUND', `no model "${name}"; GET /v1/manifest lists the models`);
    const chosen = version ?? entry.channels[channel ?? 'stable'];
    if (!chosen) {
      throw new ServerError(
        'NOT_FOUND',
        `model "${name}" has no channel "${channel ?? 'stable'}"; pass a version`,
      );
    }
    const v = entry.versions[chosen];
    if (!v)
      throw new ServerError('NOT_FOUND', `no version ${name}@${chosen}; GET /v1/manifest lists the versions`);
    if (v.status === 'retired')
      throw new ServerError('CONFLICT', `${name}@${chosen} is retired; use a live version`);
    if (v.format !== 'onnx') {
      throw new ServerError(
        'BAD_REQUEST',
        `${name}@${chosen} is ${v.format}; remote inference runs ONNX models only`,
      );
    }
    const url = v.url;
    return {
      name,
      version: chosen,
      sha256: v.sha256,
      inputs: v.inputs ?? [],
      load: async () => {
        if (url.startsWith('/v1/models/')) {
          const bytes = await this.store.registry.bytes(name, chosen);
          if (!bytes)
            throw new ServerError(
              'NOT_FOUND',
              `the bytes of ${name}@${chosen} are missing from the registry`,
            );
          return bytes;
        }
        if (url.startsWith('/models/') && this.modelsRoot) {
          const root = resolve(this.modelsRoot);
          const file = normalize(join(root, decodeURIComponent(url.slice('/models/'.length))));
          if (!file.startsWith(root + sep))
            throw new ServerError('BAD_REQUEST', `${url} points outside the models folder`);
          return new Uint8Array(await readFile(file));
        }
        throw new ServerError(
          'BAD_REQUEST',
          `${name}@${chosen} is hosted at ${url}, which this server cannot read`,
        );
      },
    };
  }
}
