import type { Box, FloatTensor, Rgba } from './image.js';
import { resizeBilinear } from './image.js';

/** PaddleOCR's det normalization (ImageNet statistics), applied to B, G, R as cv2 loads images. */
const MEAN = [0.485, 0.456, 0.406] as const;
const STD = [0.229, 0.224, 0.225] as const;
/** Channel c of the det input is this RGBA component (BGR order). */
const BGR = [2, 1, 0] as const;

export interface DetInput extends FloatTensor {
  /** Original pixels per input pixel, to map boxes back. */
  scaleX: number;
  scaleY: number;
}

/**
 * The det model's input: resized so each side is a multiple of 32 (its backbone downsamples 32×;
 * DetResizeForTest with the longer side capped at `limitSide`), /255, mean/std per channel, NCHW.
 */
export function toDetInput(image: Rgba, limitSide = 960): DetInput {
  const scale = Math.min(1, limitSide / Math.max(image.width, image.height));
  const to32 = (n: number) => Math.max(32, Math.round((n * scale) / 32) * 32);
  const width = to32(image.width);
  const height = to32(image.height);
  const resized = resizeBilinear(image, width, height);
  const plane = width * height;
  const data = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      const v = resized.data[i * 4 + BGR[c]!]! / 255;
      data[c * plane + i] = (v - MEAN[c]!) / STD[c]!;
    }
  }
  return { data, dims: [1, 3, height, width], scaleX: image.width / width, scaleY: image.height / height };
}

export interface BoxOptions {
  /** A pixel is text when its probability is above this (DBPostProcess `thresh`). */
  threshold?: number;
  /** A component is kept when its mean probability reaches this (`box_thresh`). */
  boxThreshold?: number;
  /** Components with a side shorter than this many map pixels are noise (`min_size`). */
  minSize?: number;
  /** DB shrinks text regions in training; grow each box back by area × ratio / perimeter (`unclip_ratio`). */
  unclipRatio?: number;
}

/**
 * Text boxes from det's probability map (H × W, row-major), in map pixels: threshold, 8-connected
 * components, each one's bounding box grown back by DB's unclip distance. A simple stand-in for
 * PaddleOCR's contour + polygon-offset pass that is exact for axis-aligned lines of text.
 * Sorted top to bottom, then left to right, as a line is read.
 */
export function findBoxes(
  prob: Float32Array,
  width: number,
  height: number,
  options: BoxOptions = {},
): Box[] {
  const { threshold = 0.3, boxThreshold = 0.6, minSize = 3, unclipRatio = 1.5 } = options;
  const seen = new Uint8Array(width * height);
  const stack: number[] = [];
  const boxes: Box[] = [];
  for (let start = 0; start < prob.length; start++) {
    if (seen[start] || !((prob[start] ?? 0) > threshold)) continue;
    seen[start] = 1;
    stack.push(start);
    let [x0, y0, x1, y1, sum, count] = [width, height, 0, 0, 0, 0];
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % width;
      const y = (i - x) / width;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x + 1);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y + 1);
      sum += prob[i]!;
      count++;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
          const j = ny * width + nx;
          if (!seen[j] && prob[j]! > threshold) {
            seen[j] = 1;
            stack.push(j);
          }
        }
      }
    }
    const w = x1 - x0;
    const h = y1 - y0;
    const score = sum / count;
    if (Math.min(w, h) < minSize || score < boxThreshold) continue;
    const d = (w * h * unclipRatio) / (2 * (w + h));
    boxes.push({
      x0: Math.max(0, x0 - d),
      y0: Math.max(0, y0 - d),
      x1: Math.min(width, x1 + d),
      y1: Math.min(height, y1 + d),
      score,
    });
  }
  // Same line when the vertical centres are within half a box height; then left to right.
  return boxes.sort((a, b) => {
    const dy = (a.y0 + a.y1 - b.y0 - b.y1) / 2;
    return Math.abs(dy) < Math.min(a.y1 - a.y0, b.y1 - b.y0) / 2 ? a.x0 - b.x0 : dy;
  });
}

/** A box in map pixels → the same box in the original image's pixels. */
export function scaleBox(box: Box, scaleX: number, scaleY: number): Box {
  return {
    x0: box.x0 * scaleX,
    y0: box.y0 * scaleY,
    x1: box.x1 * scaleX,
    y1: box.y1 * scaleY,
    score: box.score,
  };
}
