import type { FloatTensor, Rgba } from './image.js';
import { resizeBilinear } from './image.js';

/** The rec and cls models' input height (PaddleOCR rec_image_shape 3,48,320; cls 3,48,192). */
export const REC_HEIGHT = 48;

/**
 * A cropped line → rec's (or cls's) input, as PaddleOCR's resize_norm_img: keep the aspect ratio at
 * height 48 (width ceil(48 · w/h), at most `maxWidth`), scale to [-1, 1] ((v/255 − 0.5) / 0.5),
 * then pad on the right with zeros up to `minWidth` (320 for rec, 192 for cls). NCHW, BGR.
 */
export function toRecInput(line: Rgba, minWidth = 320, maxWidth = 3200): FloatTensor {
  const resizedWidth = Math.max(1, Math.min(maxWidth, Math.ceil((REC_HEIGHT * line.width) / line.height)));
  const width = Math.max(minWidth, resizedWidth);
  const resized = resizeBilinear(line, resizedWidth, REC_HEIGHT);
  const plane = width * REC_HEIGHT;
  const data = new Float32Array(3 * plane);
  for (let y = 0; y < REC_HEIGHT; y++) {
    for (let x = 0; x < resizedWidth; x++) {
      const from = (y * resizedWidth + x) * 4;
      for (let c = 0; c < 3; c++) {
        data[c * plane + y * width + x] = (resized.data[from + 2 - c]! / 255 - 0.5) / 0.5;
      }
    }
  }
  return { data, dims: [1, 3, REC_HEIGHT, width] };
}

export interface Decoded {
  text: string;
  /** Mean probability of the characters kept (PaddleOCR's rec score); 0 for an empty read. */
  confidence: number;
}

/**
 * CTC greedy decoding of rec's output (T × C probabilities, row-major): the best class per time
 * step, repeats collapsed, then the blank (class 0) dropped. `labels[i]` is class i's character.
 */
export function ctcGreedyDecode(
  probs: Float32Array,
  steps: number,
  classes: number,
  labels: readonly string[],
): Decoded {
  let text = '';
  let sum = 0;
  let kept = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    let best = 0;
    let bestP = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) {
      const p = probs[t * classes + c]!;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best !== 0 && best !== previous) {
      text += labels[best] ?? '';
      sum += bestP;
      kept++;
    }
    previous = best;
  }
  return { text, confidence: kept ? sum / kept : 0 };
}

/**
 * Rec's classes from PaddleOCR's dictionary file: the CTC blank, one per line, and the space it
 * appends (use_space_char), so `labels.length` equals the model's last output dimension (6625).
 */
export function recLabels(dictionary: string): string[] {
  const lines = dictionary.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return ['<blank>', ...lines, ' '];
}
