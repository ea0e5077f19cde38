/**
 * Block-wise 4-bit weights in the layout of onnxruntime's com.microsoft MatMulNBits (bits = 4):
 * B [K, N] is stored column by column (N-major), K padded with zeros to whole blocks; each column is
 * `nBlocks` blobs of blockSize/2 bytes, two values per byte, the lower k in the low nibble.
 */

const f = Math.fround;

export interface Int4Blocks {
  k: number;
  n: number;
  blockSize: number;
  nBlocks: number;
  /** uint8 [N, nBlocks, blockSize / 2]. */
  packed: Uint8Array;
  /** float32 [N * nBlocks], column-major by block. */
  scales: Float32Array;
  /** uint8 [N * ceil(nBlocks / 2)], two 4-bit zero points per byte, each column starting on a byte; absent when symmetric (implicit 8). */
  zeroPoints: Uint8Array | undefined;
}

function blockParams(block: Float32Array, symmetric: boolean): { scale: number; zeroPoint: number } {
  let min = 0;
  let max = 0;
  for (const v of block) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (symmetric) {
    // As MLAS does: the value of largest magnitude, kept with its sign, maps to -8.
    const extreme = Math.abs(max) > Math.abs(min) ? max : min;
    return { scale: f(extreme / -8), zeroPoint: 8 };
  }
  const scale = f(f(max - min) / 15);
  const zeroPoint = scale === 0 ? 0 : Math.min(15, Math.max(0, Math.round(f(0 - f(min / scale)))));
  return { scale, zeroPoint };
}

/** Quantizes row-major B [K, N] block-wise along K. */
export function quantizeInt4Blocks(
  b: Float32Array,
  k: number,
  n: number,
  blockSize: number,
  symmetric: boolean,
): Int4Blocks {
  const nBlocks = Math.ceil(k / blockSize);
  const blob = blockSize / 2;
  const zpStride = Math.ceil(nBlocks / 2);
  const packed = new Uint8Array(n * nBlocks * blob);
  const scales = new Float32Array(n * nBlocks);
  const zeroPoints = symmetric ? undefined : new Uint8Array(n * zpStride);
  const block = new Float32Array(blockSize);
  for (let col = 0; col < n; col++) {
    for (let blk = 0; blk < nBlocks; blk++) {
      block.fill(0);
      for (let j = 0; j < blockSize && blk * blockSize + j < k; j++)
        block[j] = b[(blk * blockSize + j) * n + col]!;
      const { scale, zeroPoint } = blockParams(block, symmetric);
      scales[col * nBlocks + blk] = scale;
      if (zeroPoints) zeroPoints[col * zpStride + (blk >> 1)]! |= zeroPoint << ((blk & 1) * 4);
      const reciprocal = scale === 0 ? 0 : f(1 / scale);
      const base = (col * nBlocks + blk) * blob;
      for (let j = 0; j < blockSize; j++) {
        const q = Math.min(15, Math.max(0, Math.round(f(f(block[j]! * reciprocal) + zeroPoint))));
        packed[base + (j >> 1)]! |= q << ((j & 1) * 4);
      }
    }
  }
  return { k, n, blockSize, nBlocks, packed, scales, zeroPoints };
}

/** The float B [K, N] (row-major) that MatMulNBits multiplies by: (q − zero point) × scale. */
export function dequantizeInt4Blocks(blocks: Int4Blocks): Float32Array {
  const { k, n, blockSize, nBlocks, packed, scales, zeroPoints } = blocks;
  const blob = blockSize / 2;
  const zpStride = Math.ceil(nBlocks / 2);
  const out = new Float32Array(k * n);
  for (let col = 0; col < n; col++) {
    for (let row = 0; row < k; row++) {
      const blk = Math.floor(row / blockSize);
      const j = row % blockSize;
      const q = (packed[(col * nBlocks + blk) * blob + (j >> 1)]! >> ((j & 1) * 4)) & 0xf;
      const zp = zeroPoints ? (zeroPoints[col * zpStride + (blk >> 1)]! >> ((blk & 1) * 4)) & 0xf : 8;
      out[row * n + col] = f((q - zp) * scales[col * nBlocks + blk]!);
    }
  }
  return out;
}

/**
 * onnxruntime-web's WebGPU MatMulNBits reads zero points as whole u32 words and fails ("cannot convert
 * shape") when their byte count is not a multiple of 4; such layers get symmetric blocks instead, which
 * need no zero-point input.
 */
export function int4NeedsSymmetric(k: number, n: number, blockSize: number): boolean {
  return (n * Math.ceil(Math.ceil(k / blockSize) / 2)) % 4 !== 0;
}
