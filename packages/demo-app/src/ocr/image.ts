/** An RGBA image as Canvas 2D's ImageData holds it; a plain type so the OCR steps run in Node too. */
export interface Rgba {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** An axis-aligned box in pixels, `x1`/`y1` exclusive. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Mean text probability inside the box (det's confidence). */
  score: number;
}

/** A float tensor in the SDK's `{ data, dims }` shape, NCHW. */
export interface FloatTensor {
  data: Float32Array;
  dims: number[];
}

/** The region [x0, x1) × [y0, y1) of an image, clamped to it. */
export function crop(image: Rgba, box: Pick<Box, 'x0' | 'y0' | 'x1' | 'y1'>): Rgba {
  const x0 = Math.max(0, Math.floor(box.x0));
  const y0 = Math.max(0, Math.floor(box.y0));
  const x1 = Math.min(image.width, Math.ceil(box.x1));
  const y1 = Math.min(image.height, Math.ceil(box.y1));
  const width = Math.max(1, x1 - x0);
  const height = Math.max(1, y1 - y0);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const from = ((y0 + y) * image.width + x0) * 4;
    data.set(image.data.subarray(from, from + width * 4), y * width * 4);
  }
  return { width, height, data };
}

/**
 * Bilinear resize with pixel centres aligned (OpenCV's INTER_LINEAR, which PaddleOCR's cv2.resize
 * uses), so our inputs look like the ones the models were trained and exported with.
 */
export function resizeBilinear(image: Rgba, width: number, height: number): Rgba {
  const out = new Uint8ClampedArray(width * height * 4);
  const sx = image.width / width;
  const sy = image.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), image.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, image.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), image.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, image.width - 1);
      const wx = fx - x0;
      for (let c = 0; c < 4; c++) {
        const a = image.data[(y0 * image.width + x0) * 4 + c]!;
        const b = image.data[(y0 * image.width + x1) * 4 + c]!;
        const d = image.data[(y1 * image.width + x0) * 4 + c]!;
        const e = image.data[(y1 * image.width + x1) * 4 + c]!;
        out[(y * width + x) * 4 + c] = (a * (1 - wx) + b * wx) * (1 - wy) + (d * (1 - wx) + e * wx) * wy;
      }
    }
  }
  return { width, height, data: out };
}
