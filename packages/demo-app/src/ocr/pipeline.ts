import { findBoxes, scaleBox, toDetInput } from './det.js';
import type { Box, FloatTensor, Rgba } from './image.js';
import { crop } from './image.js';
import { ctcGreedyDecode, toRecInput } from './rec.js';

/** What the pipeline needs of an SDK Model: one float input, one float output. */
export interface OcrModel {
  readonly inputs: readonly { name: string }[];
  readonly outputs: readonly { name: string }[];
  predict(inputs: Record<string, FloatTensor>): Promise<Record<string, { data: unknown; dims: number[] }>>;
}

export interface LineRead {
  text: string;
  /** Boxes in image pixels, in reading order, each with what rec read in it. */
  boxes: (Box & { text: string; confidence: number })[];
  detMs: number;
  recMs: number;
}

async function run(model: OcrModel, input: FloatTensor): Promise<{ data: Float32Array; dims: number[] }> {
  const name = model.inputs[0]?.name ?? 'x';
  const out = await model.predict({ [name]: { data: input.data, dims: input.dims } });
  const tensor = out[model.outputs[0]?.name ?? ''] ?? Object.values(out)[0];
  if (!(tensor?.data instanceof Float32Array)) throw new Error('the OCR model returned no float output');
  return { data: tensor.data, dims: tensor.dims };
}

/**
 * PaddleOCR's det → rec on one image: det's probability map gives text boxes, each box is cropped
 * from the original pixels and read by rec with CTC greedy decoding. Boxes of one line are joined
 * with a space (det splits a line at wide gaps; rec reads narrower spaces itself).
 */
export async function readLine(
  det: OcrModel,
  rec: OcrModel,
  image: Rgba,
  labels: readonly string[],
): Promise<LineRead> {
  let started = performance.now();
  const detInput = toDetInput(image);
  const map = await run(det, detInput);
  const [, , mapH = 0, mapW = 0] = map.dims;
  const boxes = findBoxes(map.data, mapW, mapH).map((b) => scaleBox(b, detInput.scaleX, detInput.scaleY));
  const detMs = performance.now() - started;
  started = performance.now();
  const read: LineRead['boxes'] = [];
  for (const box of boxes) {
    const out = await run(rec, toRecInput(crop(image, box)));
    const [, steps = 0, classes = 0] = out.dims;
    read.push({ ...box, ...ctcGreedyDecode(out.data, steps, classes, labels) });
  }
  const recMs = performance.now() - started;
  const text = read
    .map((b) => b.text.trim())
    .filter(Boolean)
    .join(' ');
  return { text, boxes: read, detMs, recMs };
}
