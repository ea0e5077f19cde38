import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** What a model costs on the wire: raw, gzip (level 9) and brotli. */
export interface CompressedSizes {
  raw: number;
  gzip: number;
  brotli: number;
}

/**
 * Measures `bytes` raw, gzipped and brotli-compressed. Brotli quality 9 is the default: quality 11 (what a
 * CDN may use for static files) is about 3% smaller on model weights but some 40× slower (4 s for 2 MB).
 */
export function compressedSizes(bytes: Uint8Array, brotliQuality = 9): CompressedSizes {
  return {
    raw: bytes.byteLength,
    gzip: gzipSync(bytes, { level: 9 }).byteLength,
    brotli: brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: brotliQuality,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
      },
    }).byteLength,
  };
}
