import * as ort from 'onnxruntime-web';
import { ModelToolsError } from '../errors.js';

/**
 * Opens a model in onnxruntime-web's WASM backend in Node (one thread: no worker files to find).
 * Load failures become UNSUPPORTED errors naming the model and ORT's reason.
 */
export async function openOnnxSession(bytes: Uint8Array, label = 'the model'): Promise<ort.InferenceSession> {
  ort.env.wasm.numThreads = 1;
  try {
    return await ort.InferenceSession.create(bytes);
  } catch (error) {
    throw new ModelToolsError(
      'UNSUPPORTED',
      `onnxruntime-web cannot load ${label}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** Opens the model, runs it once on `feeds`, and releases it. */
export async function runOnnx(
  bytes: Uint8Array,
  feeds: Record<string, ort.Tensor>,
): Promise<Record<string, ort.Tensor>> {
  const session = await openOnnxSession(bytes);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}
