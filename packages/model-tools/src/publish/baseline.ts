import { type ModelSummary, SummaryBuilder } from '@edgewise/protocol';
import { runBatch } from '../batch/run-batch.js';
import { ModelToolsError } from '../errors.js';
import type { OnnxRuntime } from '../runtime/onnx-runtime.js';

/**
 * A version's baseline: the model run over reference rows (the data it should see in production,
 * e.g. its held-out set), summarized exactly as the SDK summarizes live predictions with
 * `monitor: { inputs: [input], outputs: { [output]: outputKind } }`, so the two compare bucket for bucket.
 */
export async function computeBaseline(
  modelBytes: Uint8Array,
  rows: Float32Array[],
  options: {
    outputKind?: 'classes' | 'values';
    inputName?: string;
    outputName?: string;
    runtime?: OnnxRuntime;
  } = {},
): Promise<{ summary: ModelSummary; inputName: string; outputName: string }> {
  if (rows.length === 0) throw new ModelToolsError('BAD_ARGUMENT', 'the baseline data has no rows');
  const result = await runBatch(modelBytes, rows, {
    ...(options.inputName ? { inputName: options.inputName } : {}),
    ...(options.outputName ? { outputName: options.outputName } : {}),
    ...(options.runtime ? { runtime: options.runtime } : {}),
  });
  const builder = new SummaryBuilder({
    inputs: [result.inputName],
    outputs: { [result.outputName]: options.outputKind ?? 'classes' },
  });
  rows.forEach((row, i) => {
    builder.addInputs({ [result.inputName]: { data: row, dims: [1, row.length] } });
    const out = result.outputs[i] as Float32Array;
    builder.addOutputs({ [result.outputName]: { data: out, dims: [1, out.length] } }, 1);
  });
  return { summary: builder.build(), inputName: result.inputName, outputName: result.outputName };
}

/** PUT /v1/models/:name/:version/baseline on a server (the admin token), the variant's when given, with its drift thresholds. */
export async function putBaseline(
  server: string,
  token: string,
  target: { name: string; version: string; variant?: string },
  summary: ModelSummary,
  thresholds?: { psi?: number; ks?: number },
): Promise<void> {
  const url = new URL(
    `/v1/models/${encodeURIComponent(target.name)}/${encodeURIComponent(target.version)}/baseline`,
    server,
  );
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        summary,
        ...(target.variant ? { variant: target.variant } : {}),
        ...(thresholds ? { thresholds } : {}),
      }),
    });
  } catch (error) {
    throw new ModelToolsError('NETWORK', `cannot reach ${server}: ${(error as Error).message}`);
  }
  if (!response.ok) {
    throw new ModelToolsError(
      'NETWORK',
      `${server} refused the baseline (${response.status}): ${(await response.text()).slice(0, 300)}`,
    );
  }
}
