import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publicKeyBase64, signManifest } from '../../scripts/sign-manifest.js';
import { canonicalJson } from '../../src/models/canonical-json.js';
import { importPublicKey, verifyManifestSignature } from '../../src/models/manifest-signature.js';
import type { ModelManifest } from '../../src/models/manifest-types.js';
import { realManifest } from './helpers/manifests.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace, as RFC 8785 does', () => {
    expect(canonicalJson({ b: [1, { z: true, a: null }], a: 'x', c: 1e21, d: 0.1 })).toBe(
      '{"a":"x","b":[1,{"a":null,"z":true}],"c":1e+21,"d":0.1}',
    );
  });

  it('sorts by UTF-16 code units and escapes as JSON.stringify', () => {
    expect(canonicalJson({ é: 1, z: 2, Z: 3, '\u2028': 'a"b' })).toBe('{"Z":3,"z":2,"é":1,"\u2028":"a\\"b"}');
  });

  it('skips undefined members and refuses values JSON cannot hold', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
  });

  it('gives the same text for a reindented, reordered manifest', () => {
    const manifest = realManifest();
    const { models, ...rest } = manifest;
    const reordered = JSON.parse(JSON.stringify({ models, ...rest }, null, 7));
    expect(Object.keys(reordered)[0]).toBe('models');
    expect(canonicalJson(reordered)).toBe(canonicalJson(manifest));
  });
});

describe('signed manifests (Ed25519 via WebCrypto)', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const publicKey = publicKeyBase64(privateKey);
  const signed = signManifest(realManifest(), privateKey, 'test-key');

  it('verifies a manifest signed by the script, after a JSON round trip', async () => {
    const key = await importPublicKey(publicKey);
    await expect(
      verifyManifestSignature(JSON.parse(JSON.stringify(signed)), key, 'test'),
    ).resolves.toBeUndefined();
    expect(signed.signature).toMatchObject({ alg: 'Ed25519', keyId: 'test-key' });
  });

  it('refuses an unsigned manifest with INTEGRITY', async () => {
    const key = await importPublicKey(publicKey);
    await expect(verifyManifestSignature(realManifest(), key, 'test')).rejects.toMatchObject({
      code: 'INTEGRITY',
      message: expect.stringContaining('unsigned'),
    });
  });

  it('refuses a manifest changed after signing (one sha256 digit) with INTEGRITY', async () => {
    const key = await importPublicKey(publicKey);
    const tampered = structuredClone(signed) as ModelManifest;
    const v = tampered.models.iris?.versions['1.0.0'];
    if (!v) throw new Error('iris 1.0.0 missing');
    v.sha256 = `${v.sha256[0] === '0' ? '1' : '0'}${v.sha256.slice(1)}`;
    await expect(verifyManifestSignature(tampered, key, 'test')).rejects.toMatchObject({ code: 'INTEGRITY' });
  });

  it('refuses a manifest signed with another key, and a garbled signature', async () => {
    const other = await importPublicKey(publicKeyBase64(generateKeyPairSync('ed25519').privateKey));
    await expect(verifyManifestSignature(signed, other, 'test')).rejects.toMatchObject({ code: 'INTEGRITY' });
    const key = await importPublicKey(publicKey);
    const garbled = { ...signed, signature: { alg: 'Ed25519' as const, value: 'AAAA' } };
    await expect(verifyManifestSignature(garbled, key, 'test')).rejects.toMatchObject({ code: 'INTEGRITY' });
  });

  it('refuses a public key that is not 32 raw bytes (CONFIG)', async () => {
    await expect(importPublicKey('AAAA')).rejects.toMatchObject({ code: 'CONFIG' });
  });

  it('signs from the command line: keygen, sign, then the SDK verifies the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sign-'));
    const script = join(import.meta.dirname, '../../scripts/sign-manifest.ts');
    const tsx = join(import.meta.dirname, '../../../../node_modules/.bin/tsx');
    const pub = execFileSync(tsx, [script, 'keygen', join(dir, 'key.pem')], { encoding: 'utf8' }).trim();
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(realManifest()));
    execFileSync(tsx, [script, 'sign', join(dir, 'key.pem'), join(dir, 'manifest.json')], {
      encoding: 'utf8',
    });
    const written = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ModelManifest;
    await expect(
      verifyManifestSignature(written, await importPublicKey(pub), 'cli'),
    ).resolves.toBeUndefined();
  });
});
