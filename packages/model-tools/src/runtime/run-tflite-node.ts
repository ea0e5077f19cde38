import { loadLiteRtInNode } from './litert-node.js';

/**
 * Runs a float-input TFLite model in Node with LiteRT.js (WASM/XNNPack), one row per call,
 * and returns the first output of each row.
 */
export async function runTfliteInNode(modelBytes: Uint8Array, rows: Float32Array[]): Promise<Float32Array[]> {
  const litert = await loadLiteRtInNode();
  const model = await litert.loadAndCompile(modelBytes, { accelerator: 'wasm' });
  try {
    const outputs: Float32Array[] = [];
    for (const row of rows) {
      const input = new litert.Tensor(row, [1, row.length]);
      const results = await model.run([input]);
      input.delete();
      const first = results[0];
      if (!first) throw new Error('the TFLite model produced no output');
      outputs.push(Float32Array.from(first.toTypedArray() as Float32Array));
      for (const r of results) r.delete();
    }
    return outputs;
  } finally {
    model.delete();
  }
}
