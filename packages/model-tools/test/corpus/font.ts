// A 5×7 bitmap font (capitals, digits, space) and a renderer to grey images, for OCR test lines.
// Each glyph is 7 rows of 5 bits, most significant bit on the left.
const GLYPHS: Record<string, number[]> = {
  A: [14, 17, 17, 31, 17, 17, 17],
  B: [30, 17, 17, 30, 17, 17, 30],
  C: [14, 17, 16, 16, 16, 17, 14],
  D: [30, 17, 17, 17, 17, 17, 30],
  E: [31, 16, 16, 30, 16, 16, 31],
  F: [31, 16, 16, 30, 16, 16, 16],
  G: [14, 17, 16, 23, 17, 17, 15],
  H: [17, 17, 17, 31, 17, 17, 17],
  I: [14, 4, 4, 4, 4, 4, 14],
  J: [7, 2, 2, 2, 2, 18, 12],
  K: [17, 18, 20, 24, 20, 18, 17],
  L: [16, 16, 16, 16, 16, 16, 31],
  M: [17, 27, 21, 21, 17, 17, 17],
  N: [17, 17, 25, 21, 19, 17, 17],
  O: [14, 17, 17, 17, 17, 17, 14],
  P: [30, 17, 17, 30, 16, 16, 16],
  Q: [14, 17, 17, 17, 21, 18, 13],
  R: [30, 17, 17, 30, 20, 18, 17],
  S: [15, 16, 16, 14, 1, 1, 30],
  T: [31, 4, 4, 4, 4, 4, 4],
  U: [17, 17, 17, 17, 17, 17, 14],
  V: [17, 17, 17, 17, 17, 10, 4],
  W: [17, 17, 17, 21, 21, 21, 10],
  X: [17, 17, 10, 4, 10, 17, 17],
  Y: [17, 17, 10, 4, 4, 4, 4],
  Z: [31, 1, 2, 4, 8, 16, 31],
  '0': [14, 17, 19, 21, 25, 17, 14],
  '1': [4, 12, 4, 4, 4, 4, 14],
  '2': [14, 17, 1, 2, 4, 8, 31],
  '3': [31, 2, 4, 2, 1, 17, 14],
  '4': [2, 6, 10, 18, 31, 2, 2],
  '5': [31, 16, 30, 1, 1, 17, 14],
  '6': [6, 8, 16, 30, 17, 17, 14],
  '7': [31, 1, 2, 4, 8, 8, 8],
  '8': [14, 17, 17, 14, 17, 17, 14],
  '9': [14, 17, 17, 15, 1, 2, 12],
  ' ': [0, 0, 0, 0, 0, 0, 0],
};

export const FONT_CHARACTERS = Object.keys(GLYPHS).filter((c) => c !== ' ');

/** A grey image: 1 is white paper, 0 black ink, row-major. */
export interface GreyImage {
  width: number;
  height: number;
  pixels: Float32Array;
}

/**
 * Renders `text` with each font pixel a `scale`×`scale` block, then a 3×3 box blur so strokes have soft
 * edges like a scan. Padding of one glyph cell around; the width is rounded up to `multipleOf`.
 */
export function renderText(text: string, scale: number, multipleOf = 1): GreyImage {
  const cell = 6 * scale;
  const pad = 2 * scale;
  const rawWidth = text.length * cell + 2 * pad;
  const width = Math.ceil(rawWidth / multipleOf) * multipleOf;
  const height = 7 * scale + 2 * pad;
  const ink = new Float32Array(width * height);
  [...text].forEach((char, k) => {
    const rows = GLYPHS[char] ?? GLYPHS[' ']!;
    for (let r = 0; r < 7; r++)
      for (let c = 0; c < 5; c++) {
        if (!((rows[r]! >> (4 - c)) & 1)) continue;
        for (let dy = 0; dy < scale; dy++)
          for (let dx = 0; dx < scale; dx++)
            ink[(pad + r * scale + dy) * width + pad + k * cell + c * scale + dx] = 1;
      }
  });
  const pixels = new Float32Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let sum = 0;
      let n = 0;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const yy = y + dy;
          const xx = x + dx;
          if (yy < 0 || xx < 0 || yy >= height || xx >= width) continue;
          sum += ink[yy * width + xx]!;
          n++;
        }
      pixels[y * width + x] = 1 - sum / n;
    }
  return { width, height, pixels };
}

/** Places an image on white paper of `width`×`height` at (x, y); parts outside are cut. */
export function placeOn(image: GreyImage, width: number, height: number, x: number, y: number): GreyImage {
  const pixels = new Float32Array(width * height).fill(1);
  for (let r = 0; r < image.height; r++)
    for (let c = 0; c < image.width; c++) {
      const yy = y + r;
      const xx = x + c;
      if (yy >= 0 && xx >= 0 && yy < height && xx < width)
        pixels[yy * width + xx] = image.pixels[r * image.width + c]!;
    }
  return { width, height, pixels };
}

/** Nearest-neighbour resize to a height, keeping the aspect ratio (PaddleOCR's rec/cls preprocessing). */
export function resizeToHeight(image: GreyImage, height: number): GreyImage {
  const width = Math.max(1, Math.round((image.width * height) / image.height));
  const pixels = new Float32Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const sy = Math.min(image.height - 1, Math.floor(((y + 0.5) * image.height) / height));
      const sx = Math.min(image.width - 1, Math.floor(((x + 0.5) * image.width) / width));
      pixels[y * width + x] = image.pixels[sy * image.width + sx]!;
    }
  return { width, height, pixels };
}
