import type { TensorSpec } from '@edgewise/protocol';
import { ServerError } from '../errors.js';
import type { TensorJson } from './tensor-json.js';

/** Default cap on the elements of one input tensor when the model leaves a dimension dynamic. */
export const DEFAULT_MAX_INPUT_ELEMENTS = 1 << 18;

const isDynamic = (d: number | string) => typeof d === 'string' || d < 0;

/**
 * Refuses inputs the model cannot take before anything is converted or run: names, rank and every
 * fixed dimension must match the model's spec, and the element count stays under `maxElements`
 * (dynamic dimensions, e.g. a batch, are the only way to grow an input, so they are what is capped).
 */
export function checkInputs(
  label: string,
  specs: readonly TensorSpec[] | undefined,
  inputs: Record<string, TensorJson>,
  maxElements: number,
): void {
  for (const [name, tensor] of Object.entries(inputs)) {
    const elements = tensor.dims.reduce((a, b) => a * b, 1);
    if (elements > maxElements) {
      throw new ServerError(
        'PAYLOAD_TOO_LARGE',
        `body: inputs.${name} has ${elements} elements; this server takes at most ${maxElements} per input; split the batch`,
      );
    }
  }
  // Without specs (a manifest that omits them) the session's input names are checked later.
  if (!specs?.length) return;
  const given = Object.keys(inputs).sort();
  const wanted = specs.map((s) => s.name).sort();
  if (given.join() !== wanted.join()) {
    throw new ServerError(
      'BAD_REQUEST',
      `body: inputs must be exactly ${wanted.join(', ')} for ${label}; got ${given.join(', ')}`,
    );
  }
  for (const spec of specs) {
    const tensor = inputs[spec.name] as TensorJson;
    const shape = `[${spec.shape.join(', ')}]`;
    const fits =
      tensor.dims.length === spec.shape.length &&
      spec.shape.every((d, i) => isDynamic(d) || d === tensor.dims[i]);
    if (!fits) {
      throw new ServerError(
        'BAD_REQUEST',
        `body: inputs.${spec.name}.dims [${tensor.dims.join(', ')}] do not fit ${label}'s input shape ${shape}`,
      );
    }
  }
}
