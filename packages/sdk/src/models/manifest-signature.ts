import { EdgewiseError } from '../errors.js';
import { canonicalJson } from './canonical-json.js';
import type { ModelManifest } from './manifest-types.js';

/** A raw 32-byte Ed25519 public key, as base64 text, bytes, or an imported WebCrypto key. */
export type PublicKeyInput = string | Uint8Array | CryptoKey;

/** The bytes a manifest's signature covers: the canonical JSON of the manifest without `signature`. */
export function signedBytes(manifest: ModelManifest | Record<string, unknown>): Uint8Array {
  const { signature: _omitted, ...rest } = manifest as Record<string, unknown>;
  return new TextEncoder().encode(canonicalJson(rest));
}

export async function importPublicKey(key: PublicKeyInput): Promise<CryptoKey> {
  if (typeof key !== 'string' && !(key instanceof Uint8Array)) return key;
  const raw = typeof key === 'string' ? decodeBase64(key) : key;
  if (raw.length !== 32) {
    throw new EdgewiseError(
      'CONFIG',
      `publicKey must be a raw 32-byte Ed25519 key (base64, 44 characters); got ${raw.length} bytes. Export it with scripts/sign-manifest.ts --public.`,
    );
  }
  try {
    return await crypto.subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, { name: 'Ed25519' }, false, [
      'verify',
    ]);
  } catch (cause) {
    throw new EdgewiseError(
      'CONFIG',
      'This browser cannot import an Ed25519 key through WebCrypto; signed manifests need Chromium 137+, Firefox 129+, Safari 17+ or Node 20.',
      { cause },
    );
  }
}

/**
 * Refuses (INTEGRITY) a manifest that is unsigned or whose signature does not verify with `key`.
 * `where` names the manifest in the message (its URL, or "the cached manifest").
 */
export async function verifyManifestSignature(
  manifest: ModelManifest,
  key: CryptoKey,
  where: string,
): Promise<void> {
  const signature = manifest.signature;
  if (!signature || typeof signature.value !== 'string') {
    throw new EdgewiseError(
      'INTEGRITY',
      `The manifest at ${where} is unsigned, but a publicKey is configured; sign it (packages/sdk/scripts/sign-manifest.ts) or drop publicKey.`,
      { details: { where } },
    );
  }
  if (signature.alg !== 'Ed25519') {
    throw new EdgewiseError(
      'INTEGRITY',
      `The manifest at ${where} is signed with '${signature.alg}'; only Ed25519 is accepted.`,
      {
        details: { where },
      },
    );
  }
  let valid = false;
  try {
    const bytes = decodeBase64(signature.value);
    valid = await crypto.subtle.verify(
      { name: 'Ed25519' },
      key,
      bytes as Uint8Array<ArrayBuffer>,
      signedBytes(manifest) as Uint8Array<ArrayBuffer>,
    );
  } catch (cause) {
    throw new EdgewiseError(
      'INTEGRITY',
      `The signature of the manifest at ${where} is malformed; re-sign the manifest.`,
      {
        cause,
        details: { where },
      },
    );
  }
  if (!valid) {
    throw new EdgewiseError(
      'INTEGRITY',
      `The manifest at ${where} does not match its signature: it was changed after signing or signed with another key. It was refused; re-sign it with the key whose public half the app is configured with.`,
      { details: { where, keyId: signature.keyId } },
    );
  }
}

export function decodeBase64(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
