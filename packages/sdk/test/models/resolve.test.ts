import { describe, expect, it } from 'vitest';
import type { ModelEntry } from '../../src/models/manifest-types.js';
import { previousGoodVersions, resolveVersion } from '../../src/models/resolve.js';
import { compareVersions } from '../../src/models/version-order.js';
import { realManifest, twoVersionManifest } from './helpers/manifests.js';

describe('resolveVersion', () => {
  const manifest = twoVersionManifest();

  it('follows the stable channel by default', () => {
    expect(resolveVersion(manifest, 'iris')).toMatchObject({ version: '2.0.0', channel: 'stable' });
    expect(resolveVersion(realManifest(), 'mnist').version).toBe('1.0.0');
  });

  it('follows a named channel, or takes an exact version', () => {
    expect(resolveVersion(twoVersionManifest('1.0.0'), 'iris', { channel: 'canary' }).version).toBe('2.0.0');
    const exact = resolveVersion(manifest, 'iris', { version: '1.0.0' });
    expect(exact.version).toBe('1.0.0');
    expect(exact.channel).toBeUndefined();
    expect(exact.versionInfo).toBe(manifest.models.iris?.versions['1.0.0']);
  });

  it('names the models there are when the model is unknown (MODEL_NOT_FOUND)', () => {
    expect(() => resolveVersion(manifest, 'cifar')).toThrow(
      expect.objectContaining({
        code: 'MODEL_NOT_FOUND',
        message: expect.stringContaining("'iris', 'mnist'"),
      }),
    );
    expect(() => resolveVersion(manifest, 'toString')).toThrow(
      expect.objectContaining({ code: 'MODEL_NOT_FOUND' }),
    );
  });

  it('names the versions and channels there are (VERSION_NOT_FOUND)', () => {
    expect(() => resolveVersion(manifest, 'iris', { version: '9.9.9' })).toThrow(
      expect.objectContaining({
        code: 'VERSION_NOT_FOUND',
        message: expect.stringContaining("'1.0.0', '2.0.0'"),
      }),
    );
    expect(() => resolveVersion(manifest, 'iris', { channel: 'beta' })).toThrow(
      expect.objectContaining({
        code: 'VERSION_NOT_FOUND',
        message: expect.stringContaining("'stable', 'canary'"),
      }),
    );
  });

  it('reports a channel that names a missing version as a manifest fault', () => {
    const broken = twoVersionManifest('3.0.0');
    expect(() => resolveVersion(broken, 'iris')).toThrow(/names version '3.0.0'.*fix the manifest/);
  });

  it('refuses version and channel together (CONFIG)', () => {
    expect(() => resolveVersion(manifest, 'iris', { version: '1.0.0', channel: 'stable' })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
  });
});

describe('previousGoodVersions', () => {
  const v = (status: 'approved' | 'candidate' | 'retired') => ({ status }) as ModelEntry['versions'][string];
  const entry: ModelEntry = {
    channels: { stable: '1.10.0' },
    versions: {
      '1.2.0': v('approved'),
      '1.10.0': v('approved'),
      '1.9.0': v('retired'),
      '1.3.0': v('candidate'),
      '2.0.0': v('approved'),
    },
  };

  it('lists older, non-retired versions, newest first, by numeric order', () => {
    expect(previousGoodVersions(entry, '1.10.0')).toEqual(['1.3.0', '1.2.0']);
    expect(previousGoodVersions(entry, '1.2.0')).toEqual([]);
  });
});

describe('compareVersions', () => {
  it('orders numeric parts as numbers and a suffixed version after its base', () => {
    const sorted = ['1.10.0', '1.0.0-int8', '1.9.0', '1.0.0', '0.9', '1.0.0-2'].sort(compareVersions);
    expect(sorted).toEqual(['0.9', '1.0.0', '1.0.0-2', '1.0.0-int8', '1.9.0', '1.10.0']);
    expect(compareVersions('2.0.0', '2.0.0')).toBe(0);
  });
});
