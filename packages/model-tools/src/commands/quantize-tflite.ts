import { readFile, writeFile } from 'node:fs/promises';
import { ModelToolsError } from '../errors.js';
import { parseCalibrationFile } from '../quantize/calibration-file.js';
import { type CalibrationSample, quantizeTflite } from '../quantize-tflite/index.js';

/** The TFLite side of `quantize`: dynamic-range int8 weights, or full int8 from calibration data. */
export async function quantizeTfliteCommand(
  bytes: Uint8Array,
  outPath: string,
  mode: string,
  calibrationPath: string | undefined,
): Promise<void> {
  if (mode !== 'dynamic-int8' && mode !== 'qdq-int8') {
    throw new ModelToolsError(
      'UNSUPPORTED',
      `--mode ${mode} is for ONNX models; a TFLite model takes --mode dynamic-int8 (int8 weights, float activations) or --mode qdq-int8 --calibration data.npy|.csv|.json (full int8)`,
    );
  }
  const calibration = calibrationPath ? await samples(calibrationPath) : undefined;
  const result = await quantizeTflite(bytes, {
    mode: mode === 'dynamic-int8' ? 'dynamic-int8' : 'int8',
    ...(calibration ? { calibration } : {}),
  });
  await writeFile(outPath, result.bytes);
  const ratio = result.outputBytes / result.inputBytes;
  console.log(
    `${mode} (TFLite): ${result.inputBytes.toLocaleString('en')} → ${result.outputBytes.toLocaleString('en')} bytes (${ratio.toFixed(3)}×; ${(result.outputBytes / result.float32Bytes).toFixed(3)}× of all-float32), ` +
      `${result.quantizedWeights} weight tensor(s) int8${result.foldedFloat16 ? `, ${result.foldedFloat16} float16 weight(s) widened first` : ''}, ${result.keptFloat.length} kept in float`,
  );
  for (const kept of result.keptFloat.slice(0, 20)) console.log(`  kept ${kept.tensor}: ${kept.reason}`);
}

/** One sample per example; a multi-input model's samples list its inputs in the file's order. */
async function samples(path: string): Promise<CalibrationSample[]> {
  const feeds = parseCalibrationFile(new Uint8Array(await readFile(path)), path, 'input', new Set());
  return feeds.map((feed) => {
    const values = Object.values(feed).map((v) => {
      const data = 'data' in v ? v.data : v;
      return data instanceof Float32Array
        ? data
        : Float32Array.from(data as ArrayLike<number | bigint>, Number);
    });
    return values.length === 1 ? values[0]! : values;
  });
}
