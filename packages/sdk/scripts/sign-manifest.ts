/**
 * Signs an Edgewise model manifest with an Ed25519 private key (see docs/manifest.md).
 *
 *   tsx packages/sdk/scripts/sign-manifest.ts keygen <private.pem>
 *       writes a new PKCS#8 private key (mode 0600) and prints the public key for the app's config
 *   tsx packages/sdk/scripts/sign-manifest.ts public <private.pem>
 *       prints the base64 raw public key of a private key
 *   tsx packages/sdk/scripts/sign-manifest.ts sign <private.pem> <manifest.json> [--out <file>] [--key-id <id>]
 *       adds `signature` to the manifest (in place unless --out); any old signature is replaced
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { signedBytes } from '../src/models/manifest-signature.js';
import type { ModelManifest } from '../src/models/manifest-types.js';

/** The manifest with a `signature` over its canonical JSON (without any previous signature). */
export function signManifest(manifest: ModelManifest, privateKey: KeyObject, keyId?: string): ModelManifest {
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(
      `expected an Ed25519 private key, got ${privateKey.asymmetricKeyType ?? privateKey.type}`,
    );
  }
  const { signature: _old, ...unsigned } = manifest;
  const value = sign(null, signedBytes(unsigned), privateKey).toString('base64');
  return { ...unsigned, signature: { alg: 'Ed25519', value, ...(keyId ? { keyId } : {}) } };
}

/** The raw 32-byte public key, base64: what `ModelStore({ publicKey })` takes. */
export function publicKeyBase64(key: KeyObject): string {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  return Buffer.from(String(jwk.x), 'base64url').toString('base64');
}

function main(argv: string[]): void {
  const [command, keyFile, manifestFile, ...rest] = argv;
  const flag = (name: string) => {
    const at = rest.indexOf(name);
    return at >= 0 ? rest[at + 1] : undefined;
  };
  if (command === 'keygen' && keyFile) {
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    console.log(publicKeyBase64(privateKey));
    return;
  }
  if (command === 'public' && keyFile) {
    console.log(publicKeyBase64(createPrivateKey(readFileSync(keyFile))));
    return;
  }
  if (command === 'sign' && keyFile && manifestFile) {
    const key = createPrivateKey(readFileSync(keyFile));
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as ModelManifest;
    const signed = signManifest(manifest, key, flag('--key-id'));
    writeFileSync(flag('--out') ?? manifestFile, `${JSON.stringify(signed, null, 2)}\n`);
    console.log(`signed ${manifestFile}; verify with public key ${publicKeyBase64(key)}`);
    return;
  }
  console.error(
    'usage: sign-manifest.ts keygen <private.pem> | public <private.pem> | sign <private.pem> <manifest.json> [--out f] [--key-id id]',
  );
  process.exitCode = 2;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
