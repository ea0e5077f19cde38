/**
 * Canvas pixels → the 28×28 input the MNIST model was trained on. MNIST digits were size-normalised
 * to fit a 20×20 box (aspect kept) and then placed in a 28×28 field so their centre of mass sits at
 * the centre; a drawing only classifies well after the same treatment. Pure, so Node can test it.
 */
export const SIDE = 28;
const BOX = 20;
const INK = 0.05;

export interface Gray {
  width: number;
  height: number;
  /** Intensity in [0, 1], row by row; 1 is ink (white on black, like MNIST). */
  data: Float32Array;
}

/** The red channel of RGBA pixels as intensities (the canvas draws white on black). */
export function grayFromRgba(rgba: Uint8ClampedArray, width: number, height: number): Gray {
  const data = new Float32Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = (rgba[i * 4] as number) / 255;
  return { width, height, data };
}

function boundingBox(img: Gray): { x0: number; y0: number; x1: number; y1: number } | undefined {
  let x0 = img.width;
  let y0 = img.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if ((img.data[y * img.width + x] as number) > INK) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? undefined : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/** Area-average resampling of a source rectangle into a w×h grid (anti-aliased like MNIST's). */
function resample(img: Gray, box: { x0: number; y0: number; x1: number; y1: number }, w: number, h: number) {
  const out = new Float32Array(w * h);
  const sx = (box.x1 - box.x0) / w;
  const sy = (box.y1 - box.y0) / h;
  for (let ty = 0; ty < h; ty++) {
    const fy0 = box.y0 + ty * sy;
    const fy1 = fy0 + sy;
    for (let tx = 0; tx < w; tx++) {
      const fx0 = box.x0 + tx * sx;
      const fx1 = fx0 + sx;
      let sum = 0;
      let area = 0;
      for (let y = Math.floor(fy0); y < Math.ceil(fy1); y++) {
        const wy = Math.min(fy1, y + 1) - Math.max(fy0, y);
        for (let x = Math.floor(fx0); x < Math.ceil(fx1); x++) {
          const wx = Math.min(fx1, x + 1) - Math.max(fx0, x);
          sum += (img.data[y * img.width + x] as number) * wx * wy;
          area += wx * wy;
        }
      }
      out[ty * w + tx] = area > 0 ? sum / area : 0;
    }
  }
  return out;
}

/** Returns the model input (784 floats), or undefined when nothing is drawn. */
export function toMnistInput(img: Gray): Float32Array | undefined {
  const box = boundingBox(img);
  if (!box) return undefined;
  const bw = box.x1 - box.x0;
  const bh = box.y1 - box.y0;
  const scale = BOX / Math.max(bw, bh);
  const w = Math.max(1, Math.round(bw * scale));
  const h = Math.max(1, Math.round(bh * scale));
  const small = resample(img, box, w, h);
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = small[y * w + x] as number;
      mass += v;
      cx += x * v;
      cy += y * v;
    }
  }
  // Where the box's top-left goes so that its centre of mass lands within half a pixel of pixel
  // (14, 14), as in MNIST itself (its digits' centres of mass, by pixel index, lie in [13.5, 14.5]).
  const left = Math.round(SIDE / 2 - cx / mass);
  const top = Math.round(SIDE / 2 - cy / mass);
  const out = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < h; y++) {
    const ty = y + top;
    if (ty < 0 || ty >= SIDE) continue;
    for (let x = 0; x < w; x++) {
      const tx = x + left;
      if (tx < 0 || tx >= SIDE) continue;
      out[ty * SIDE + tx] = Math.min(1, small[y * w + x] as number);
    }
  }
  return out;
}
