// Seeded translation of square images, the one augmentation the MNIST model uses: with only 8,000
// training digits, a net that has seen each digit nudged by a pixel or two generalises noticeably
// better.
import type { Random } from './seeded-random.js';

/**
 * A copy of a `side`×`side` row-major image moved right by `dx` and down by `dy` pixels; pixels moved
 * in from outside are 0.
 *
 * @example
 * shiftImage(digit, 28, 1, -2); // one right, two up
 */
export function shiftImage(image: Float32Array, side: number, dx: number, dy: number): Float32Array {
  const out = new Float32Array(image.length);
  for (let y = Math.max(0, dy); y < Math.min(side, side + dy); y++) {
    const from = (y - dy) * side;
    const to = y * side;
    for (let x = Math.max(0, dx); x < Math.min(side, side + dx); x++) out[to + x] = image[from + x - dx]!;
  }
  return out;
}

/** A shift in each axis drawn uniformly from -maxShift..maxShift. */
export function randomShift(random: Random, maxShift: number): [number, number] {
  const draw = () => Math.floor(random() * (2 * maxShift + 1)) - maxShift;
  return [draw(), draw()];
}
