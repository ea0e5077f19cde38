import type { Tensor } from './tensors.js';

function toHex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The prediction cache key: SHA-256 over the model version and every input's name, dtype, dims and
 * bytes, so two inputs can share a key only by a hash collision.
 */
export async function predictionKey(modelKey: string, feeds: Record<string, Tensor>): Promise<string> {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [encoder.encode(modelKey)];
  for (const name of Object.keys(feeds).sort()) {
    const t = feeds[name]!;
    parts.push(
      encoder.encode(`\u0000${name}\u0000${t.data.constructor.name}\u0000${t.dims.join('x')}\u0000`),
    );
    parts.push(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  }
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    joined.set(p, offset);
    offset += p.byteLength;
  }
  return toHex(await crypto.subtle.digest('SHA-256', joined));
}
