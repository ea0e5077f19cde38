import type { Rgba } from './image.js';

/** A fixed size so every line reaches det at the same scale: PP-OCR reads 20–60 px text best. */
export const FONT_PX = 40;
const FONT = `${FONT_PX}px "DejaVu Sans", Arial, Helvetica, sans-serif`;
const PAD = 24;

/** Draws one line of text, black on white, on `canvas` sized to fit it; returns its pixels. */
export function renderLine(canvas: HTMLCanvasElement | OffscreenCanvas, text: string): Rgba {
  const measure = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
  measure.font = FONT;
  canvas.width = Math.max(64, Math.ceil(measure.measureText(text).width) + 2 * PAD);
  canvas.height = FONT_PX + 2 * PAD;
  // Resizing a canvas resets its context state, so set everything after.
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#000';
  ctx.font = FONT;
  ctx.textBaseline = 'middle';
  ctx.fillText(text, PAD, canvas.height / 2);
  return ctx.getImageData(0, 0, canvas.width, canvas.height);
}
